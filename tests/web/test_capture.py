"""Writing a bid through the web pages: about, partners, finance, narrative, check answers and submit."""

from datetime import date

import pytest

from bidtool.core.bid import Bid, BidStatus, BidYear, Partner, PartnerType
from bidtool.core.years import financial_year_of, year_label
from bidtool.services import EVERYONE
from bidtool.services.bids import save_bid
from tests.web.screens import COMPILED, rendered, screen, stored, stored_status

ROUND = "tca-2013"
NEW = f"/rounds/{ROUND}/bids/new"
LEAD = "Anytown District Council"
ABOUT = {
    "reference": "ANY-01",
    "title": "Anytown and Shire shared back office",
    "lead_organisation": LEAD,
    "contact": "",
    "award_sought": "£300,000",
    "savings_confidence": "4",
}
NOT_MONEY = "Award sought must be an amount in pounds, like 1,500 or 1,500.50"
NOT_MONEY_LIKE = "must be an amount in pounds, like 1,500 or 1,500.50"
QUESTIONS = ["summary", "value_for_money", "innovation", "collaboration", "deliverability", "transferability"]


@pytest.fixture(autouse=True)
def compiled_once(app):
    """Share compiled templates between the tests' applications: compiling them is most of a page's time."""
    app.jinja_env.bytecode_cache = COMPILED


def url(page: str = "", reference: str = "ANY-01") -> str:
    return f"/rounds/{ROUND}/bids/{reference}" + (f"/{page}" if page else "")


def draft_now(app) -> Bid:
    bid = stored(app, ROUND, "ANY-01")
    assert bid is not None
    return bid


def page_context(app, client, path: str, template: str) -> tuple:
    with rendered(app) as seen:
        response = client.get(path)
    assert response.status_code == 200
    [(name, context)] = seen
    assert name == template
    return response, context


@pytest.fixture
def draft(client, demo) -> str:
    """A draft started through the about form: ANY-01, £300,000 sought."""
    response = client.post(NEW, data=ABOUT)
    assert response.status_code == 302
    return "ANY-01"


def fill_in(client) -> None:
    """Fill in every section of the draft so that it passes the self-check."""
    partners = {
        "partners-0-name": LEAD,
        "partners-0-type": "district",
        "partners-1-name": "Shire Fire and Rescue Service",
        "partners-1-type": "fire",
    }
    years = {
        "years-0-year": "2026/27",
        "years-0-award_costs": "200,000",
        "years-1-year": "2027/28",
        "years-1-award_costs": "100000",
        "years-1-savings": "150,000",
        "years-2-year": "2028/29",
        "years-2-savings": "250,000",
    }
    answers = {f"answer_{key}": "We will merge the two back offices." for key in QUESTIONS}
    for page, data in (("partners", partners), ("finance", years), ("narrative", answers)):
        response = client.post(url(page), data=data)
        assert response.status_code == 302, page


# About the bid


def test_the_new_bid_page_shows_an_about_form_with_the_users_organisation_as_the_lead(app, client, demo):
    response, context = page_context(app, client, NEW, "bids/about.html")

    assert context["row"] is None
    assert context["round"].reference == ROUND
    page = screen(response)
    assert [page.values[name] for name in ("reference", "title", "lead_organisation", "contact")] == [
        "",
        "",
        LEAD,
        "",
    ]
    assert page.values.get("savings_confidence", "") == ""
    assert f'href="/rounds/{ROUND}"' in response.get_data(as_text=True)


def test_the_new_bid_page_leaves_the_award_sought_empty(app, client, demo):
    response, _ = page_context(app, client, NEW, "bids/about.html")

    assert screen(response).values["award_sought"] == ""


def test_starting_a_bid_saves_a_draft_and_goes_to_its_task_list(app, client, demo):
    response = client.post(NEW, data=ABOUT)

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    assert stored(app, ROUND, "ANY-01") == Bid(
        reference="ANY-01",
        title="Anytown and Shire shared back office",
        lead_organisation=LEAD,
        award_sought=300_000_00,
        savings_confidence=4,
    )
    assert stored_status(app, ROUND, "ANY-01") == ("draft", None)
    follow, context = page_context(app, client, url(), "bids/show.html")
    assert "Bid ANY-01 started: your draft is saved" in follow.get_data(as_text=True)
    assert [(t.key, t.status) for t in context["tasks"]] == [
        ("about", "Completed"),
        ("partners", "Not yet started"),
        ("finance", "Not yet started"),
        ("lines", "Optional"),
        ("outcomes", "Optional"),
        ("narrative", "Not yet started"),
    ]


def test_starting_a_bid_with_mistakes_shows_them_keeps_what_was_typed_and_saves_nothing(app, client, demo):
    response = client.post(NEW, data={**ABOUT, "title": "", "award_sought": "lots"})

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#title", "Enter the bid's title"), ("#award_sought", NOT_MONEY)]
    assert page.dead_summary_links() == []
    assert page.inline_errors == ["Enter the bid's title", NOT_MONEY]
    assert (page.values["reference"], page.values["lead_organisation"]) == ("ANY-01", LEAD)
    assert page.values["award_sought"] == "lots"
    assert page.values["savings_confidence"] == "4"
    assert "<title>Error: Start a new bid" in response.get_data(as_text=True)
    assert stored(app, ROUND, "ANY-01") is None


def test_starting_a_bid_with_a_reference_the_round_has_is_refused_at_the_reference(app, client, demo):
    before = stored(app, ROUND, "BMS-01")

    response = client.post(NEW, data={**ABOUT, "reference": "BMS-01"})

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#reference", "The round already has a bid with the reference 'BMS-01'.")]
    assert page.inline_errors == ["The round already has a bid with the reference 'BMS-01'."]
    assert page.values["reference"] == "BMS-01"
    assert stored(app, ROUND, "BMS-01") == before


ONLY_OWN_START = "You can only start bids led by your own organisation."
ONLY_OWN_KEEP = "The lead organisation must stay your own organisation."


def test_starting_a_bid_led_by_another_organisation_is_refused_and_nothing_is_started(app, client, demo):
    response = client.post(NEW, data={**ABOUT, "lead_organisation": "Shire County Council"})

    assert response.status_code == 200
    page = screen(response)
    assert [text for _, text in page.summary] == [ONLY_OWN_START]
    assert page.values["lead_organisation"] == "Shire County Council"
    assert stored(app, ROUND, "ANY-01") is None


def test_starting_a_bid_led_by_another_organisation_is_refused_at_the_lead_organisation(app, client, demo):
    response = client.post(NEW, data={**ABOUT, "lead_organisation": "Shire County Council"})

    assert screen(response).summary == [("#lead_organisation", ONLY_OWN_START)]


def test_changing_the_lead_to_another_organisation_is_refused_and_nothing_is_saved(app, client, draft):
    before = draft_now(app)

    response = client.post(url("about"), data={**ABOUT, "title": "Changed", "lead_organisation": "Shire"})

    assert response.status_code == 200
    page = screen(response)
    assert [text for _, text in page.summary] == [ONLY_OWN_KEEP]
    assert page.values["lead_organisation"] == "Shire"
    assert draft_now(app) == before


def test_changing_the_lead_to_another_organisation_is_refused_at_the_lead_organisation(app, client, draft):
    response = client.post(url("about"), data={**ABOUT, "lead_organisation": "Shire"})

    assert screen(response).summary == [("#lead_organisation", ONLY_OWN_KEEP)]


def test_the_about_page_shows_what_the_draft_says(app, client, draft):
    response, context = page_context(app, client, url("about"), "bids/about.html")

    assert context["row"].reference == "ANY-01"
    page = screen(response)
    assert page.values["title"] == ABOUT["title"]
    assert page.values["award_sought"] == "300,000"
    assert page.values["savings_confidence"] == "4"


def test_changing_the_about_page_saves_the_draft(app, client, draft):
    response = client.post(
        url("about"),
        data={**ABOUT, "title": "  A new title  ", "award_sought": "1,234.56", "contact": "Team"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    bid = draft_now(app)
    assert (bid.title, bid.award_sought, bid.contact) == ("A new title", 123_456, "Team")
    assert "Your changes have been saved" in client.get(url()).get_data(as_text=True)


def test_a_draft_can_be_given_a_new_reference(app, client, draft):
    response = client.post(url("about"), data={**ABOUT, "reference": "ANY-02"})

    assert response.headers["Location"] == url(reference="ANY-02")
    assert stored(app, ROUND, "ANY-01") is None
    assert stored(app, ROUND, "ANY-02").title == ABOUT["title"]


def test_renaming_a_draft_to_a_taken_reference_is_refused_at_the_reference(app, client, draft):
    response = client.post(url("about"), data={**ABOUT, "reference": "BMS-01"})

    assert response.status_code == 200
    assert draft_now(app).reference == "ANY-01"
    page = screen(response)
    assert page.summary == [("#reference", "The round already has a bid with the reference 'BMS-01'.")]
    assert page.inline_errors == ["The round already has a bid with the reference 'BMS-01'."]
    assert page.values["reference"] == "BMS-01"


# Partners


def test_a_draft_without_partners_offers_one_blank_partner(app, client, draft):
    response, context = page_context(app, client, url("partners"), "bids/partners.html")

    assert len(context["form"].partners) == 1
    page = screen(response)
    assert page.values["partners-0-name"] == ""
    assert "partners-0-type" in page.elements


def test_adding_a_partner_saves_those_typed_and_offers_a_blank_one(app, client, draft):
    response = client.post(
        url("partners"),
        data={"partners-0-name": LEAD, "partners-0-type": "district", "add": "Add another partner"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url("partners") + "?blank=1"
    assert draft_now(app).partners == (Partner(LEAD, PartnerType.DISTRICT),)
    follow, context = page_context(app, client, response.headers["Location"], "bids/partners.html")
    assert len(context["form"].partners) == 2
    page = screen(follow)
    assert (page.values["partners-0-name"], page.values["partners-0-type"]) == (LEAD, "district")
    assert (page.values["partners-1-name"], page.values["partners-1-type"]) == ("", "other")


def test_saving_partners_keeps_their_order_and_leaves_out_blank_names(app, client, draft):
    response = client.post(
        url("partners"),
        data={
            "partners-0-name": "Shire Fire and Rescue Service",
            "partners-0-type": "fire",
            "partners-1-name": "   ",
            "partners-1-type": "other",
            "partners-2-name": LEAD,
            "partners-2-type": "district",
        },
    )

    assert response.headers["Location"] == url()
    assert draft_now(app).partners == (
        Partner("Shire Fire and Rescue Service", PartnerType.FIRE),
        Partner(LEAD, PartnerType.DISTRICT),
    )
    _, context = page_context(app, client, url(), "bids/show.html")
    assert {t.key: (t.status, t.hint) for t in context["tasks"]}["partners"] == (
        "Completed",
        "2 organisations",
    )


def test_removing_a_partner_removes_that_one_only(app, client, draft):
    partners = {
        "partners-0-name": "First",
        "partners-0-type": "county",
        "partners-1-name": "Second",
        "partners-1-type": "fire",
        "partners-2-name": "Third",
        "partners-2-type": "police",
    }

    response = client.post(url("partners"), data={**partners, "remove": "1"})

    assert response.status_code == 302
    assert response.headers["Location"] == url("partners") + "?blank=0"
    assert draft_now(app).partners == (
        Partner("First", PartnerType.COUNTY),
        Partner("Third", PartnerType.POLICE),
    )
    page = screen(client.get(response.headers["Location"]))
    assert [page.values.get(f"partners-{i}-name") for i in range(3)] == ["First", "Third", None]


def test_a_partner_name_too_long_is_shown_with_what_was_typed_and_nothing_is_saved(app, client, draft):
    name = "N" * 301

    response = client.post(
        url("partners"),
        data={
            "partners-0-name": "Kept",
            "partners-0-type": "fire",
            "partners-1-name": name,
            "partners-1-type": "other",
        },
    )

    assert response.status_code == 200
    page = screen(response)
    assert [href for href, _ in page.summary] == ["#partners-1-name"]
    assert page.dead_summary_links() == []
    assert (page.values["partners-0-name"], page.values["partners-1-name"]) == ("Kept", name)
    assert draft_now(app).partners == ()


# Finance by year


def test_a_draft_without_years_offers_the_current_financial_year(app, client, draft):
    response, context = page_context(app, client, url("finance"), "bids/finance.html")

    this_year = financial_year_of(date.today())
    assert [entry.form.year.data for entry in context["form"].years] == [this_year]
    assert screen(response).values["years-0-year"] == year_label(this_year)


def test_saving_the_years_stores_pence_and_keeps_a_blank_high_estimate_blank(app, client, draft):
    response = client.post(
        url("finance"),
        data={
            "years-0-year": "2026/27",
            "years-0-award_costs": "£200,000",
            "years-0-match_costs": "12.5",
            "years-0-savings_high": "",
            "years-1-year": "2027/28",
            "years-1-award_costs": "100000",
            "years-1-recurring_costs": "1,000.01",
            "years-1-savings": "150,000",
            "years-1-savings_high": "0",
            "years-1-other_benefits": "7",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    assert draft_now(app).years == (
        BidYear(2026, award_costs=200_000_00, match_costs=12_50, savings_high=None),
        BidYear(
            2027,
            award_costs=100_000_00,
            recurring_costs=1_000_01,
            savings=150_000_00,
            savings_high=0,
            other_benefits=7_00,
        ),
    )


def test_the_finance_page_shows_the_saved_figures_and_their_totals(app, client, draft):
    fill_in(client)

    response, context = page_context(app, client, url("finance"), "bids/finance.html")

    assert context["totals"]["award_costs"] == 300_000_00
    assert context["totals"]["savings"] == 400_000_00
    page = screen(response)
    assert [page.values[f"years-{i}-year"] for i in range(3)] == ["2026/27", "2027/28", "2028/29"]
    assert page.values["years-1-savings"] == "150,000"
    assert page.values["years-0-savings_high"] == ""
    assert 'data-testid="total-award_costs">£300,000</td>' in response.get_data(as_text=True)


def test_adding_a_year_saves_and_adds_the_year_after_the_last(app, client, draft):
    response = client.post(
        url("finance"),
        data={
            "years-0-year": "2027/28",
            "years-0-savings": "5",
            "years-1-year": "2026/27",
            "add": "Add a year",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url("finance")
    assert draft_now(app).years == (BidYear(2026), BidYear(2027, savings=5_00), BidYear(2028))
    page = screen(client.get(url("finance")))
    assert [page.values.get(f"years-{i}-year") for i in range(4)] == ["2026/27", "2027/28", "2028/29", None]


def test_removing_a_year_removes_that_one_only(app, client, draft):
    fill_in(client)

    response = client.post(
        url("finance"),
        data={
            "years-0-year": "2026/27",
            "years-0-award_costs": "200,000",
            "years-1-year": "2027/28",
            "years-1-award_costs": "100,000",
            "years-2-year": "2028/29",
            "years-2-savings": "250,000",
            "remove": "1",
        },
    )

    assert response.headers["Location"] == url("finance")
    assert draft_now(app).years == (BidYear(2026, award_costs=200_000_00), BidYear(2028, savings=250_000_00))


def test_repeating_savings_writes_out_the_last_years_savings_with_no_costs(app, client, draft):
    response = client.post(
        url("finance"),
        data={
            "years-0-year": "2026/27",
            "years-0-award_costs": "300,000",
            "years-0-savings": "50,000",
            "years-0-savings_high": "80,000",
            "repeat_years": "3",
            "repeat": "Repeat savings",
        },
    )

    assert response.headers["Location"] == url("finance")
    assert draft_now(app).years == (
        BidYear(2026, award_costs=300_000_00, savings=50_000_00, savings_high=80_000_00),
        BidYear(2027, savings=50_000_00, savings_high=80_000_00),
        BidYear(2028, savings=50_000_00, savings_high=80_000_00),
        BidYear(2029, savings=50_000_00, savings_high=80_000_00),
    )


def test_a_year_with_a_mistake_is_shown_with_everything_typed_and_nothing_is_saved(app, client, draft):
    fill_in(client)
    before = draft_now(app)
    typed = {
        "years-0-year": "2026/27",
        "years-0-award_costs": "200,000",
        "years-1-year": "2027/28",
        "years-1-savings": "150,000",
        "years-2-year": "2028/29",
        "years-2-savings": "lots",
    }

    response = client.post(url("finance"), data=typed)

    assert response.status_code == 200
    page = screen(response)
    assert [href for href, _ in page.summary] == ["#years-2-savings"]
    assert page.dead_summary_links() == []
    assert page.summary == [("#years-2-savings", f"Savings (prudent) in 2028/29 {NOT_MONEY_LIKE}")]
    assert page.inline_errors == [f"Savings (prudent) in 2028/29 {NOT_MONEY_LIKE}"]
    assert {name: page.values[name] for name in typed} == typed
    assert draft_now(app) == before


def test_the_error_summary_says_which_year_each_problem_is_in(app, client, draft):
    response = client.post(
        url("finance"),
        data={
            "years-0-year": "2026/27",
            "years-0-savings": "lots",
            "years-1-year": "2027/28",
            "years-1-savings": "x",
        },
    )

    page = screen(response)
    assert page.summary == [
        ("#years-0-savings", f"Savings (prudent) in 2026/27 {NOT_MONEY_LIKE}"),
        ("#years-1-savings", f"Savings (prudent) in 2027/28 {NOT_MONEY_LIKE}"),
    ]
    assert page.inline_errors == [text for _, text in page.summary]


def test_a_year_with_a_mistake_can_be_removed_without_correcting_it(app, client, draft):
    response = client.post(
        url("finance"),
        data={"years-0-year": "2026/27", "years-1-year": "2027/28", "years-1-savings": "lots", "remove": "1"},
    )

    assert response.status_code == 302
    assert draft_now(app).years == (BidYear(2026),)


# Narrative


def test_the_narrative_page_asks_the_summary_and_each_criterion_with_its_guidance(app, client, draft):
    response, context = page_context(app, client, url("narrative"), "bids/narrative.html")

    assert [field.id for field, _ in context["answers"]] == [f"answer_{key}" for key in QUESTIONS]
    assert all(guidance for _, guidance in context["answers"])
    page = screen(response)
    assert all(page.values[f"answer_{key}"] == "" for key in QUESTIONS)
    assert context["max_narrative"] == 20_000


def test_saving_the_narrative_stores_the_answers_given(app, client, draft):
    response = client.post(
        url("narrative"),
        data={
            "answer_summary": "  Merge two back offices.\r\nShare one system.  ",
            "answer_innovation": "First.",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    assert draft_now(app).narrative == {
        "summary": "Merge two back offices.\r\nShare one system.",
        "innovation": "First.",
    }
    page = screen(client.get(url("narrative")))
    assert page.values["answer_innovation"] == "First."


def test_clearing_an_answer_removes_it_and_keeps_answers_the_scheme_no_longer_asks(
    app, client, draft, session
):
    save_bid(
        session,
        EVERYONE,
        ROUND,
        "ANY-01",
        Bid(
            reference="ANY-01",
            title=ABOUT["title"],
            lead_organisation=LEAD,
            narrative={"summary": "Old summary.", "innovation": "Old.", "legacy": "From another scheme."},
        ),
    )

    client.post(url("narrative"), data={"answer_summary": "New summary.", "answer_innovation": "   "})

    assert draft_now(app).narrative == {"summary": "New summary.", "legacy": "From another scheme."}


# Check answers and submit


def test_check_answers_of_a_bid_with_errors_sends_people_to_the_self_check(app, client, draft):
    response, context = page_context(app, client, url("check-answers"), "bids/check_answers.html")

    assert context["editable"] is True
    assert context["check"].errors
    page = response.get_data(as_text=True)
    assert f"The self-check found {len(context['check'].errors)} errors" in page
    assert f'href="{url("self-check")}">See the self-check</a>' in page
    assert "Submit the bid" not in page
    assert f'href="{url("about")}">Change' in page


def test_check_answers_of_a_clean_bid_offers_to_submit_it(app, client, draft):
    fill_in(client)

    response, context = page_context(app, client, url("check-answers"), "bids/check_answers.html")

    assert context["check"].errors == []
    page = response.get_data(as_text=True)
    assert f'action="{url("submit")}"' in page
    assert "Submit the bid" in page
    assert "Shire Fire and Rescue Service" in page
    assert "£300,000" in page


def test_a_bid_with_errors_is_not_submitted_and_the_self_check_says_why(app, client, draft):
    response = client.post(url("submit"))

    assert response.status_code == 302
    assert response.headers["Location"] == url("self-check")
    assert stored_status(app, ROUND, "ANY-01") == ("draft", None)
    follow, context = page_context(app, client, url("self-check"), "bids/self_check.html")
    errors = len(context["check"].errors)
    assert errors > 1
    assert f"The bid cannot be submitted until {errors} problems are put right" in follow.get_data(
        as_text=True
    )


def test_a_clean_bid_is_submitted_and_locked(app, client, draft):
    fill_in(client)

    response = client.post(url("submit"))

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    status, submitted_at = stored_status(app, ROUND, "ANY-01")
    assert status == BidStatus.SUBMITTED.value
    assert submitted_at is not None
    follow, context = page_context(app, client, url(), "bids/show.html")
    page = follow.get_data(as_text=True)
    assert "Bid ANY-01 submitted" in page
    assert "This bid has been submitted, so it can no longer be changed. Submitted " in page
    assert context["editable"] is False
    assert client.get(url("finance")).headers["Location"] == url()
