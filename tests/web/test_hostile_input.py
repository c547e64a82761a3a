"""Forms fed hostile input answer with clear errors, write nothing they should not and never fail with 500."""

import os
import re
from datetime import date

import pytest
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.bid import Bid, BidYear, Partner, PartnerType
from bidtool.core.years import financial_year_of
from bidtool.models import RoundRow
from bidtool.services import EVERYONE
from bidtool.services.bids import create_bid
from bidtool.services.demo import DEMO_ROUND
from bidtool.services.rounds import create_round
from bidtool.services.schemes import add_scheme_files
from tests.samples import SCHEMES
from tests.web.screens import COMPILED, screen, stored, stored_status

ROUND = "tca-2013"
NEW = f"/rounds/{ROUND}/bids/new"
LEAD = "Anytown District Council"
SCRIPT = '<script>alert("hostile")</script>'
ESCAPED = "&lt;script&gt;alert("
DRAFT = Bid(
    reference="ANY-01",
    title="Shared back office",
    lead_organisation=LEAD,
    partners=(Partner(LEAD, PartnerType.DISTRICT), Partner("Shire Fire", PartnerType.FIRE)),
    award_sought=300_000_00,
    years=(BidYear(2026, award_costs=300_000_00), BidYear(2027, savings=100_000_00)),
    narrative={"summary": "One back office."},
)
ABOUT = {
    "reference": "ANY-01",
    "title": DRAFT.title,
    "lead_organisation": LEAD,
    "contact": "",
    "award_sought": "300,000",
    "savings_confidence": "",
}
YEARS = {
    "years-0-year": "2026/27",
    "years-0-award_costs": "300,000",
    "years-1-year": "2027/28",
    "years-1-savings": "100,000",
}
PARTNERS = {
    "partners-0-name": LEAD,
    "partners-0-type": "district",
    "partners-1-name": "Shire Fire",
    "partners-1-type": "fire",
}


@pytest.fixture
def app_config(app_config) -> dict:
    # A crash answers 500 with the error page, as in production, so that tests can say "never a 500".
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


@pytest.fixture(autouse=True)
def compiled_once(app):
    """Share compiled templates between the tests' applications: compiling them is most of a page's time."""
    app.jinja_env.bytecode_cache = COMPILED


@pytest.fixture
def tca_round(session):
    """The round tca-2013 of the tca scheme, without the demo's bids."""
    add_scheme_files(session, SCHEMES)
    session.commit()
    return create_round(session, DEMO_ROUND)


@pytest.fixture
def draft(session, tca_round) -> Bid:
    create_bid(session, EVERYONE, ROUND, DRAFT)
    return DRAFT


def url(page: str = "", reference: str = "ANY-01") -> str:
    return f"/rounds/{ROUND}/bids/{reference}" + (f"/{page}" if page else "")


def draft_now(app) -> Bid | None:
    return stored(app, ROUND, "ANY-01")


def round_references(app) -> list[str]:
    with app.app_context(), Session(db.engine()) as fresh:
        return sorted(fresh.exec(select(RoundRow.reference)).all())


# Money


MONEY = [
    ("9" * 40, "is too large (the most bidtool accepts is £1,000,000,000,000)"),
    ("1e999999", "is too large (the most bidtool accepts is £1,000,000,000,000)"),
    ("1000000000000.01", "is too large (the most bidtool accepts is £1,000,000,000,000)"),
    ("-5", "must not be negative"),
    ("-£5", "must not be negative"),
    ("lots", "is not an amount in pounds"),
    ("£", "is not an amount in pounds"),
    ("NaN", "is not an amount in pounds"),
    ("-Infinity", "is not an amount in pounds"),
    ("<b>5</b>", "is not an amount in pounds"),
    ("1.234", "1.234 has more than two decimal places"),
]


@pytest.mark.parametrize(("typed", "message"), MONEY, ids=[m[0][:12] for m in MONEY])
def test_a_bad_award_sought_is_named_and_kept_and_nothing_is_saved(app, client, draft, typed, message):
    response = client.post(url("about"), data={**ABOUT, "title": "Changed", "award_sought": typed})

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#award_sought", f"Award sought {message}")]
    assert page.inline_errors == [f"Award sought {message}"]
    assert page.values["award_sought"] == typed
    assert draft_now(app) == DRAFT


@pytest.mark.parametrize(("typed", "message"), MONEY, ids=[m[0][:12] for m in MONEY])
def test_a_bad_amount_in_a_year_is_named_with_its_year_and_nothing_is_saved(
    app, client, draft, typed, message
):
    response = client.post(url("finance"), data={**YEARS, "years-1-recurring_costs": typed})

    assert response.status_code == 200
    page = screen(response)
    assert [href for href, _ in page.summary] == ["#years-1-recurring_costs"]
    assert page.inline_errors == [f"Recurring costs in 2027/28 {message}"]
    assert page.values["years-1-recurring_costs"] == typed
    assert draft_now(app) == DRAFT


def test_a_bad_pot_for_a_new_round_is_named_and_no_round_is_created(app, client, tca_round):
    response = client.post(
        "/rounds/new",
        data={
            "name": "Next round",
            "reference": "next",
            "scheme": "tca",
            "pot": "9" * 40,
            "deadline": ["", "", ""],
        },
    )

    assert response.status_code == 200
    assert screen(response).summary == [
        ("#pot", "Pot is too large (the most bidtool accepts is £1,000,000,000,000)")
    ]
    assert round_references(app) == ["tca-2013"]


@pytest.mark.parametrize(
    "deadline", [None, ["1", "2"], ["1", "2", "2026", "4"]], ids=["missing", "two", "four"]
)
@pytest.mark.xfail(
    strict=True,
    reason="BUG: a new-round form sent with a deadline of other than three parts and any other mistake "
    "fails with a 500: govuk_frontend_wtf's GovDateInput unpacks `day, month, year = field.raw_data` "
    "while templates/rounds/new.html re-renders {{ form.deadline }}",
)
def test_a_deadline_of_other_than_three_parts_never_fails(app, client, tca_round, deadline):
    data = {"name": "Next round", "reference": "next", "scheme": "tca", "pot": "lots"}
    if deadline is not None:
        data["deadline"] = deadline

    response = client.post("/rounds/new", data=data)

    assert round_references(app) == ["tca-2013"]
    assert response.status_code == 200


def test_a_deadline_that_is_not_a_date_is_refused(app, client, tca_round):
    response = client.post(
        "/rounds/new",
        data={
            "name": "Next",
            "reference": "next",
            "scheme": "tca",
            "pot": "5",
            "deadline": ["31", "2", "2026"],
        },
    )

    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#deadline"]
    assert round_references(app) == ["tca-2013"]


# Financial years


YEAR_TEXTS = [
    ("2014/16", "'2014/16' is not a financial year: 2014/15 follows 2014"),
    ("x", "'x' is not a financial year such as 2014/15"),
    ("", "'' is not a financial year such as 2014/15"),
    ("2014", "'2014' is not a financial year such as 2014/15"),
    ("2200/01", "'2200/01' is outside the years bidtool accepts (1900/01 to 2199/00)"),
    ("y" * 10_000, f"{'y' * 20!r} is not a financial year such as 2014/15"),
]


@pytest.mark.parametrize(("typed", "message"), YEAR_TEXTS, ids=[y[0][:8] or "blank" for y in YEAR_TEXTS])
def test_a_year_that_is_not_a_financial_year_is_refused_and_kept(app, client, draft, typed, message):
    response = client.post(url("finance"), data={**YEARS, "years-1-year": typed})

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#years-1-year", message)]
    assert page.values["years-1-year"] == typed
    assert draft_now(app) == DRAFT


def test_a_year_listed_twice_is_refused(app, client, draft):
    response = client.post(url("finance"), data={**YEARS, "years-1-year": "2026/27"})

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#years", "Each financial year can be listed once: 2026/27 is listed twice")]
    assert page.dead_summary_links() == []
    assert draft_now(app) == DRAFT


@pytest.mark.xfail(
    strict=True,
    reason="BUG: with a year listed twice and a mistake in another field, govuk_frontend_wtf flattens "
    "the FieldList's errors so that the duplicate-year message links to '#years-3', which is no "
    "element of the page (bidtool/forms.py FinanceForm.validate_years)",
)
def test_a_year_listed_twice_beside_another_mistake_still_links_to_the_message(app, client, draft):
    response = client.post(
        url("finance"),
        data={**YEARS, "years-1-year": "2026/27", "years-2-year": "2028/29", "years-2-savings": "lots"},
    )

    page = screen(response)
    assert len(page.summary) == 2
    assert page.dead_summary_links() == []


@pytest.mark.parametrize("typed", ["abc", "0", "31", "-1", "9" * 40, "1.5"])
def test_a_bad_number_of_years_to_repeat_is_refused(app, client, draft, typed):
    response = client.post(url("finance"), data={**YEARS, "repeat_years": typed, "repeat": "Repeat savings"})

    assert response.status_code == 200
    page = screen(response)
    assert [href for href, _ in page.summary] == ["#repeat_years"]
    assert page.values["repeat_years"] == typed
    assert draft_now(app) == DRAFT


@pytest.mark.xfail(
    strict=True,
    reason="BUG: Repeat savings can take a bid past FinanceForm's max_entries=60 years (bidtool/web/bids.py "
    "finance), after which every GET of the finance page fails with a 500: WTForms' FieldList asserts "
    "'You cannot have more than max_entries entries'",
)
def test_repeating_savings_never_makes_the_finance_page_fail(app, client, draft):
    forty_years = {f"years-{i}-year": f"{1990 + i}/{(1991 + i) % 100:02d}" for i in range(40)}

    client.post(url("finance"), data={**forty_years, "repeat_years": "30", "repeat": "Repeat savings"})

    assert client.get(url("finance")).status_code == 200


@pytest.mark.xfail(
    strict=True,
    reason="BUG: WTForms' FieldList keeps only the first max_entries=60 years of a posted form, so the "
    "61st year is dropped and the other 60 saved without a word",
)
def test_more_years_than_the_form_holds_are_refused_not_cut_off(app, client, draft):
    years = {f"years-{i}-year": f"{1990 + i}/{(1991 + i) % 100:02d}" for i in range(61)}

    response = client.post(url("finance"), data=years)

    assert response.status_code == 200
    assert draft_now(app) == DRAFT


# Partners


@pytest.mark.xfail(
    strict=True,
    reason="BUG: WTForms' FieldList keeps only the first max_entries=200 partners of a posted form, so "
    "10,000 partners are cut to 200 and saved without a word (bidtool/forms.py PartnersForm)",
)
def test_ten_thousand_partners_are_refused_with_a_message_and_nothing_is_saved(app, client, draft):
    partners = {}
    for i in range(10_000):
        partners[f"partners-{i}-name"] = f"Partner {i}"
        partners[f"partners-{i}-type"] = "other"

    response = client.post(url("partners"), data=partners)

    assert response.status_code != 500
    assert draft_now(app) == DRAFT
    assert response.status_code == 200
    assert screen(response).summary


def test_two_hundred_partners_are_saved_in_order(app, client, draft):
    partners = {}
    for i in range(200):
        partners[f"partners-{i}-name"] = f"Partner {i:03d}"
        partners[f"partners-{i}-type"] = "other"

    response = client.post(url("partners"), data=partners)

    assert response.status_code == 302
    assert [p.name for p in draft_now(app).partners] == [f"Partner {i:03d}" for i in range(200)]


@pytest.mark.xfail(
    strict=True,
    reason="BUG: 'Add another partner' with 200 partners redirects to partners?blank=1, whose "
    "form.partners.append_entry (bidtool/web/bids.py partners) trips WTForms' max_entries assertion: a 500",
)
def test_adding_a_partner_to_two_hundred_never_fails(app, client, draft):
    partners = {}
    for i in range(200):
        partners[f"partners-{i}-name"] = f"Partner {i:03d}"
        partners[f"partners-{i}-type"] = "other"

    response = client.post(
        url("partners"), data={**partners, "add": "Add another partner"}, follow_redirects=True
    )

    assert response.status_code == 200


def test_a_partner_type_not_offered_is_refused(app, client, draft):
    response = client.post(url("partners"), data={**PARTNERS, "partners-1-type": "evil"})

    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#partners-1-type"]
    assert draft_now(app) == DRAFT


def test_a_confidence_grade_not_offered_is_refused(app, client, draft):
    response = client.post(url("about"), data={**ABOUT, "savings_confidence": "9"})

    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#savings_confidence"]
    assert draft_now(app) == DRAFT


# The index of a Remove button


REMOVE = [
    pytest.param(
        "99",
        marks=pytest.mark.xfail(
            strict=True,
            reason="BUG: bidtool/web/bids.py partners and finance `del entries[int(form.remove.data)]` "
            "with an index past the end raises IndexError: a 500",
        ),
    ),
    pytest.param(
        "²",
        marks=pytest.mark.xfail(
            strict=True,
            reason="BUG: bidtool/web/bids.py partners and finance test the index with str.isdigit(), "
            "which is true of '²', and int('²') raises ValueError: a 500",
        ),
    ),
    "-1",
    "abc",
    "1.0",
    " 1",
    "",
]


@pytest.mark.parametrize("index", REMOVE)
@pytest.mark.parametrize(("page", "typed"), [("partners", PARTNERS), ("finance", YEARS)])
def test_a_remove_index_out_of_range_or_not_a_number_removes_nothing(app, client, draft, page, typed, index):
    response = client.post(url(page), data={**typed, "remove": index})

    assert response.status_code in (200, 302, 400)
    assert draft_now(app) == DRAFT


# Text: markup, length, unicode


def test_markup_is_stored_as_typed_and_shown_escaped_on_every_page(app, client, draft):
    client.post(url("about"), data={**ABOUT, "title": SCRIPT, "lead_organisation": SCRIPT, "contact": SCRIPT})
    client.post(url("partners"), data={**PARTNERS, "partners-1-name": SCRIPT})
    client.post(
        url("narrative"),
        data={"answer_summary": SCRIPT, "answer_innovation": '"><img src=x onerror=alert(1)>'},
    )

    bid = draft_now(app)
    assert (bid.title, bid.lead_organisation, bid.contact) == (SCRIPT, SCRIPT, SCRIPT)
    assert bid.partners[1].name == SCRIPT
    assert bid.narrative == {"summary": SCRIPT, "innovation": '"><img src=x onerror=alert(1)>'}
    pages = ["", "about", "partners", "narrative", "check-answers", "self-check"]
    for page in pages:
        body = client.get(url(page)).get_data(as_text=True)
        assert "<script>alert(" not in body, page
        assert "<img src=x" not in body, page
        assert ESCAPED in body, page
    listing = client.get(f"/rounds/{ROUND}").get_data(as_text=True)
    assert "<script>alert(" not in listing
    assert ESCAPED in listing


def test_markup_typed_into_a_form_with_mistakes_comes_back_escaped(app, client, draft):
    response = client.post(url("finance"), data={**YEARS, "years-0-year": SCRIPT})

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(" not in body
    assert ESCAPED in body
    assert screen(response).values["years-0-year"] == SCRIPT


def test_markup_in_the_query_string_or_the_address_comes_back_escaped(client, tca_round):
    listing = client.get(
        f"/rounds/{ROUND}", query_string={"q": SCRIPT, "sort": SCRIPT, "status": SCRIPT, "vfm": "\x00"}
    )
    missing = client.get(f"/rounds/{ROUND}/bids/{SCRIPT.replace('/', '')}")

    assert listing.status_code == 200
    assert missing.status_code == 404
    for response in (listing, missing):
        body = response.get_data(as_text=True)
        assert "<script>alert(" not in body
        assert ESCAPED in body


def test_a_narrative_answer_of_a_megabyte_gets_a_length_error_naming_the_question(app, client, draft):
    huge = "x" * 1_000_000

    response = client.post(
        url("narrative"), data={"answer_summary": "Changed", "answer_value_for_money": huge}
    )

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [("#answer_value_for_money", "Value for money must be 20,000 characters or fewer")]
    assert page.values["answer_value_for_money"] == huge
    assert draft_now(app) == DRAFT


def test_a_narrative_answer_of_exactly_the_longest_length_is_saved(app, client, draft):
    longest = "🚒" * 20_000

    response = client.post(url("narrative"), data={"answer_summary": longest})

    assert response.status_code == 302
    assert draft_now(app).narrative == {"summary": longest}


def test_a_narrative_answer_one_character_too_long_is_refused(app, client, draft):
    response = client.post(url("narrative"), data={"answer_summary": "x" * 20_001})

    assert [text for _, text in screen(response).summary] == ["Summary must be 20,000 characters or fewer"]
    assert draft_now(app) == DRAFT


def test_a_title_too_long_is_refused(app, client, draft):
    response = client.post(url("about"), data={**ABOUT, "title": "t" * 301})

    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#title"]
    assert draft_now(app) == DRAFT


def test_unicode_and_emoji_are_kept_and_shown_as_typed(app, client, draft):
    title = "Ωmega 🚒 café – naïve 北京 \u202eevil"
    client.post(url("about"), data={**ABOUT, "title": title})
    client.post(url("partners"), data={**PARTNERS, "partners-1-name": "Zürich 🚓 Polizei"})
    client.post(url("narrative"), data={"answer_summary": "Ünïcödé 👩🏽‍🚒 answers"})

    bid = draft_now(app)
    assert bid.title == title
    assert bid.partners[1].name == "Zürich 🚓 Polizei"
    assert bid.narrative["summary"] == "Ünïcödé 👩🏽‍🚒 answers"
    assert title in client.get(url()).get_data(as_text=True)
    assert "Zürich 🚓 Polizei" in client.get(url("check-answers")).get_data(as_text=True)


NUL = "Null\x00byte"
NUL_REASON = (
    "BUG: PostgreSQL text cannot hold NUL (0x00), so a NUL typed into a form or a web address "
    "reaches the database and fails with psycopg.DataError: a 500 (SQLite stores it); the forms "
    "and the look-ups in bidtool/services need to refuse it first"
)
ON_POSTGRES = os.environ.get("BIDTOOL_TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.xfail(ON_POSTGRES, strict=True, reason=NUL_REASON)
@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("about", {**ABOUT, "title": NUL}),
        ("partners", {**PARTNERS, "partners-1-name": NUL}),
        ("narrative", {"answer_summary": NUL}),
    ],
    ids=["title", "partner", "narrative"],
)
def test_a_nul_character_typed_into_a_form_never_fails(app, client, draft, page, data):
    response = client.post(url(page), data=data)

    assert response.status_code in (200, 302)
    assert client.get(url()).status_code == 200


@pytest.mark.xfail(ON_POSTGRES, strict=True, reason=NUL_REASON)
@pytest.mark.parametrize("path", ["/rounds/%00", url(reference="%00"), url("self-check", reference="A%00")])
def test_a_nul_character_in_the_address_is_not_found(client, draft, path):
    assert client.get(path).status_code == 404


# References that would make a bid unreachable


@pytest.mark.xfail(
    strict=True,
    reason="BUG: AboutForm's InputRequired accepts '   ' and the view strips it "
    "(bidtool/web/bids.py _about), so a bid is started with an empty reference, title and lead, "
    "and its page is never found",
)
def test_a_reference_title_and_lead_of_only_spaces_are_refused_like_blank_ones(app, client, tca_round):
    response = client.post(NEW, data={**ABOUT, "reference": "   ", "title": "  ", "lead_organisation": " "})

    assert stored(app, ROUND, "") is None
    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#reference", "#title", "#lead_organisation"]


@pytest.mark.xfail(
    strict=True,
    reason="BUG: a bid reference may contain '/' (bidtool/forms.py AboutForm.reference), and then "
    "url_for builds /bids/A/B, which no route matches: the bid is saved but none of its pages is found",
)
def test_a_reference_with_a_slash_never_leaves_a_bid_no_page_can_reach(app, client, tca_round):
    response = client.post(NEW, data={**ABOUT, "reference": "ANY/01"})

    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code == 200
    else:
        assert response.status_code == 200
        assert [href for href, _ in screen(response).summary] == ["#reference"]
        assert stored(app, ROUND, "ANY/01") is None


# Empty bodies


EMPTY = [
    (NEW, 200),
    (url("about"), 200),
    (url("partners"), 302),
    (url("finance"), 302),
    (url("narrative"), 302),
    (url("submit"), 302),
    ("/rounds/new", 200),
]


@pytest.mark.parametrize(("path", "status"), EMPTY, ids=[path for path, _ in EMPTY])
def test_an_empty_post_changes_nothing_and_never_fails(app, client, draft, path, status):
    response = client.post(path)

    assert response.status_code == status
    assert draft_now(app) == DRAFT
    assert stored_status(app, ROUND, "ANY-01")[0] == "draft"
    assert round_references(app) == ["tca-2013"]


def test_an_empty_post_to_start_a_bid_names_every_required_field(client, tca_round):
    page = screen(client.post(NEW))

    assert [href for href, _ in page.summary][:3] == ["#reference", "#title", "#lead_organisation"]
    assert page.dead_summary_links() == []


@pytest.mark.xfail(
    strict=True,
    reason="BUG: an empty POST to the finance page of a draft with no years fills the form from "
    "{'year': this year} only, leaving the money fields None (MoneyField's blank=0 applies only to "
    "form data); BidYear(award_costs=None) then breaks the NOT NULL column: IntegrityError, a 500",
)
def test_an_empty_post_to_the_finance_of_a_draft_without_years_never_fails(app, client, tca_round, session):
    create_bid(
        session, EVERYONE, ROUND, Bid(reference="ANY-01", title="No years yet", lead_organisation=LEAD)
    )

    response = client.post(url("finance"))

    assert response.status_code != 500
    assert draft_now(app).years in ((), (BidYear(financial_year_of(date.today())),))


# Forged requests


class TestCrossSiteRequestForgery:
    @pytest.fixture
    def app_config(self, app_config) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @staticmethod
    def token(client, path: str) -> str:
        found = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)
        )
        assert found, "no CSRF token on the page"
        return found.group(1)

    def test_a_post_without_a_token_is_refused_with_the_gov_uk_error_page(self, app, client, draft):
        response = client.post(url("about"), data={**ABOUT, "title": "Forged"})

        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert '<h1 class="govuk-heading-l">Bad Request</h1>' in body
        assert "The form had expired or was sent from somewhere else." in body
        assert draft_now(app) == DRAFT

    def test_a_post_with_a_wrong_token_is_refused(self, app, client, draft):
        response = client.post(url("about"), data={**ABOUT, "title": "Forged", "csrf_token": "forged"})

        assert response.status_code == 400
        assert draft_now(app) == DRAFT

    def test_a_forged_submission_or_new_bid_writes_nothing(self, app, client, draft):
        assert client.post(url("submit")).status_code == 400
        assert client.post(NEW, data={**ABOUT, "reference": "FORGED"}).status_code == 400
        assert (
            client.post(
                "/rounds/new", data={"name": "F", "reference": "f", "scheme": "tca", "pot": "1"}
            ).status_code
            == 400
        )

        assert stored_status(app, ROUND, "ANY-01") == ("draft", None)
        assert stored(app, ROUND, "FORGED") is None
        assert round_references(app) == ["tca-2013"]

    def test_a_post_with_the_token_of_the_page_is_accepted(self, app, client, draft):
        token = self.token(client, url("about"))

        response = client.post(url("about"), data={**ABOUT, "title": "Genuine", "csrf_token": token})

        assert response.status_code == 302
        assert draft_now(app).title == "Genuine"
