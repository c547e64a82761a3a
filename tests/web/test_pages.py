"""Every page of the demo round, its list of bids with sorting and filters, missing pages and locked bids."""

import json
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from bidtool import db
from bidtool.core.access import Role
from bidtool.core.bid import BidStatus
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.rounds import get_round
from tests.conftest import PASSWORD
from tests.samples import TCA_BIDS
from tests.web.screens import COMPILED, rendered, screen, stored, stored_status

DEMO_REFERENCES = sorted(json.loads(path.read_text())["reference"] for path in TCA_BIDS)
ROUND_PAGE = "/rounds/tca-2013"


@pytest.fixture(autouse=True)
def compiled_once(app):
    """Share compiled templates between the tests' applications: compiling them is most of a page's time."""
    app.jinja_env.bytecode_cache = COMPILED


def bid_url(reference: str, page: str = "") -> str:
    return f"{ROUND_PAGE}/bids/{reference}" + (f"/{page}" if page else "")


def test_the_demo_round_has_18_bids():
    assert len(DEMO_REFERENCES) == 18


def test_the_list_of_rounds_shows_the_demo_round_with_its_pot_and_bids(app, client, demo):
    with rendered(app) as seen:
        response = client.get("/")

    assert response.status_code == 200
    [(template, context)] = seen
    assert template == "rounds/index.html"
    assert [r.reference for r in context["rounds"]] == ["tca-2013"]
    page = response.get_data(as_text=True)
    assert 'href="/rounds/tca-2013">Transformation Challenge Award 2013/14</a>' in page
    assert "£6,900,000" in page
    assert "None set" in page


BID_COUNT = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'


def test_the_list_of_rounds_counts_every_bid_for_those_who_read_them_all(reader, demo):
    page = reader.get("/").get_data(as_text=True)

    assert BID_COUNT.format(18) in page


def test_the_list_of_rounds_counts_only_the_bids_a_council_user_may_see(client, demo):
    page = client.get("/").get_data(as_text=True)

    assert BID_COUNT.format(0) in page
    assert BID_COUNT.format(18) not in page


def test_the_list_of_rounds_says_how_to_start_when_there_are_none(client):
    response = client.get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There are no rounds yet" in page
    assert "or create one" not in page
    assert 'href="/rounds/new"' not in page


def test_an_admin_is_offered_to_create_a_round_when_there_are_none(admin):
    page = admin.get("/").get_data(as_text=True)

    assert (
        "There are no rounds yet. Run <code>bidtool demo</code> to load the 2013/14 round, or create one."
        in page
    )
    assert 'href="/rounds/new">Create a round</a>' in page


def test_the_page_to_create_a_round_offers_the_shipped_schemes(app, admin, demo):
    with rendered(app) as seen:
        response = admin.get("/rounds/new")

    assert response.status_code == 200
    [(_, context)] = seen
    assert context["form"].scheme.choices[0] == ("", "Choose a scheme")
    assert sorted(key for key, _ in context["form"].scheme.choices[1:]) == [
        "fire-transformation-2015",
        "relative-baseline",
        "tca",
    ]


def test_the_deadline_of_a_new_round_is_a_gov_uk_date_input_of_three_boxes(admin, demo):
    response = admin.get("/rounds/new")

    page = response.get_data(as_text=True)
    boxes = re.findall(r'<input[^>]* id="(deadline-[a-z]+)" name="deadline"', page)
    assert boxes == ["deadline-day", "deadline-month", "deadline-year"]
    assert "deadline" in screen(response).elements


@pytest.mark.parametrize(
    ("typed", "deadline"),
    [
        (["27", "3", "2026"], datetime(2026, 3, 27, 23, 59, 59, tzinfo=UTC)),  # the end of the day, GMT
        (["30", "06", "2026"], datetime(2026, 6, 30, 22, 59, 59, tzinfo=UTC)),  # the end of the day, BST
        ([" 1 ", "2", "2027"], datetime(2027, 2, 1, 23, 59, 59, tzinfo=UTC)),
        (["", "", ""], None),
    ],
    ids=["winter", "summer", "spaces", "none"],
)
def test_a_round_is_created_with_the_end_of_its_deadline_day_in_uk_time(app, admin, demo, typed, deadline):
    response = admin.post(
        "/rounds/new",
        data={
            "name": " Next round ",
            "reference": " next ",
            "scheme": "tca",
            "pot": "5,000,000",
            "deadline": typed,
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/rounds/next"
    with app.app_context(), Session(db.engine()) as fresh:
        created = get_round(fresh, "next")
        assert (created.name, created.pot_pence, created.deadline) == ("Next round", 500_000_000, deadline)


def test_the_round_page_shows_all_18_bids_and_the_total_award_sought(app, reader, demo):
    with rendered(app) as seen:
        response = reader.get(ROUND_PAGE)

    assert response.status_code == 200
    [(template, context)] = seen
    assert template == "rounds/show.html"
    listing = context["listing"]
    assert listing.total_bids == 18
    assert sorted(b.reference for b in listing.bids) == DEMO_REFERENCES
    assert listing.total_award == listing.shown_award == 668_683_200
    assert context["is_open"] is True
    page = response.get_data(as_text=True)
    assert '<dd class="govuk-summary-list__value" data-testid="total-bids">18</dd>' in page
    assert '<dd class="govuk-summary-list__value" data-testid="total-award">£6,686,832</dd>' in page
    assert "All 18 bids" in page
    assert all(f'href="{bid_url(reference)}"' in page for reference in DEMO_REFERENCES)
    # A panel member reads every bid and changes none: no bid to start, nothing to upload.
    assert (context["can_write"], context["can_upload"]) == (False, False)
    assert f'href="{ROUND_PAGE}/bids/new"' not in page
    assert f'href="{ROUND_PAGE}/upload"' not in page
    assert f'href="{ROUND_PAGE}/export"' in page


def test_a_council_user_sees_the_round_without_other_organisations_bids_and_may_start_one(app, client, demo):
    with rendered(app) as seen:
        response = client.get(ROUND_PAGE)

    assert response.status_code == 200
    [(_, context)] = seen
    listing = context["listing"]
    assert (listing.bids, listing.total_bids, listing.total_award) == ([], 0, 0)
    assert (context["can_write"], context["can_upload"]) == (True, True)
    page = response.get_data(as_text=True)
    assert '<dd class="govuk-summary-list__value" data-testid="total-bids">0</dd>' in page
    assert not [reference for reference in DEMO_REFERENCES if reference in page]
    assert f'href="{ROUND_PAGE}/bids/new">Start a new bid</a>' in page
    assert f'href="{ROUND_PAGE}/upload"' in page


@pytest.mark.parametrize(
    ("page", "template"),
    [
        ("", "bids/show.html"),
        ("self-check", "bids/self_check.html"),
        ("check-answers", "bids/check_answers.html"),
    ],
    ids=["task list", "self-check", "check answers"],
)
def test_every_demo_bid_page_loads(app, reader, demo, page, template):
    answers = {}
    with rendered(app) as seen:
        for reference in DEMO_REFERENCES:
            response = reader.get(bid_url(reference, page))
            answers[reference] = response.status_code
            assert f"{reference} " in response.get_data(as_text=True)

    assert answers == dict.fromkeys(DEMO_REFERENCES, 200)
    assert [(name, context["row"].reference) for name, context in seen] == [
        (template, reference) for reference in DEMO_REFERENCES
    ]


def test_the_self_check_of_a_demo_bid_shows_its_appraisal_and_checks(app, reader, demo):
    with rendered(app) as seen:
        response = reader.get(bid_url("MSL-10", "self-check"))

    [(_, context)] = seen
    check = context["check"]
    assert check.bid.reference == "MSL-10"
    assert check.appraisal.prudent.bcr is not None
    page = response.get_data(as_text=True)
    assert f"a benefit-cost ratio of {check.appraisal.prudent.bcr:.2f}" in page
    assert 'data-testid="appraisal"' in page


# Sorting and filtering through the query string


def listed(app, client, query: str):
    with rendered(app) as seen:
        response = client.get(f"{ROUND_PAGE}?{query}")
    assert response.status_code == 200
    [(_, context)] = seen
    return response, context


def test_the_round_page_sorts_by_award_descending_when_asked(app, reader, demo):
    response, context = listed(app, reader, "sort=award&order=descending")

    awards = [b.award_sought for b in context["listing"].bids]
    assert awards == sorted(awards, reverse=True)
    assert (context["chosen"].sort, context["chosen"].descending) == ("award", True)
    page = response.get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    # The current column's heading turns the order round; the others sort ascending.
    assert "sort=award&amp;order=ascending" in page
    assert "sort=bcr&amp;order=ascending" in page


def test_the_round_page_lists_bids_without_a_benefit_cost_ratio_last_either_way(app, reader, demo):
    for order in ("ascending", "descending"):
        _, context = listed(app, reader, f"sort=bcr&order={order}")

        ratios = [b.bcr for b in context["listing"].bids]
        known = [r for r in ratios if r is not None]
        assert ratios == sorted(known, reverse=order == "descending") + [None] * (len(ratios) - len(known))
        assert len(known) < len(ratios)


def test_the_round_page_sorts_by_reference_unless_asked_otherwise(app, reader, demo):
    _, context = listed(app, reader, "sort=nonsense&order=sideways")

    assert [b.reference for b in context["listing"].bids] == DEMO_REFERENCES


def test_the_round_page_filters_by_status(app, reader, demo):
    response, context = listed(app, reader, "status=draft")

    assert context["listing"].bids == []
    assert context["listing"].total_bids == 18
    assert "No bids match." in response.get_data(as_text=True)


def test_the_round_page_filters_by_value_for_money(app, reader, demo):
    response, context = listed(app, reader, "vfm=n/a")

    assert [b.reference for b in context["listing"].bids] == ["BDP-03", "ERY-07", "SES-16"]
    assert "3 of 18 bids" in response.get_data(as_text=True)


def test_the_round_page_searches_and_keeps_the_search_in_the_form(app, reader, demo):
    response, context = listed(app, reader, "q=swindon&sort=title")

    assert [b.reference for b in context["listing"].bids] == ["SWI-17"]
    assert context["listing"].shown_award == 38_000_000
    page = screen(response)
    assert page.values["q"] == "swindon"
    assert "£380,000" in response.get_data(as_text=True)


def test_a_long_search_is_cut_to_100_characters(app, reader, demo):
    _, context = listed(app, reader, "q=" + "x" * 5000)

    assert context["chosen"].text == "x" * 100


def test_an_empty_filter_shows_every_bid(app, reader, demo):
    _, context = listed(app, reader, "sort=reference&order=ascending&q=&status=&vfm=")

    assert len(context["listing"].bids) == 18


# Pages that do not exist


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/rounds/nope", "There is no round &#39;nope&#39;."),
        ("/rounds/nope/bids/new", "There is no round &#39;nope&#39;."),
        (bid_url("NOPE-99"), "There is no bid &#39;NOPE-99&#39; in round &#39;tca-2013&#39;."),
        (bid_url("NOPE-99", "self-check"), "There is no bid &#39;NOPE-99&#39;"),
        (bid_url("NOPE-99", "check-answers"), "There is no bid &#39;NOPE-99&#39;"),
        (bid_url("NOPE-99", "finance"), "There is no bid &#39;NOPE-99&#39;"),
        ("/rounds/nope/bids/BMS-01", "There is no bid &#39;BMS-01&#39; in round &#39;nope&#39;."),
        ("/no/such/page", "If you typed the web address, check it is correct."),
    ],
)
def test_an_unknown_round_bid_or_page_answers_with_the_gov_uk_page_not_found(client, demo, url, detail):
    response = client.get(url)

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert detail in page
    assert "govuk-template" in page
    assert 'href="/">Go to the list of rounds</a>' in page


def test_submitting_an_unknown_bid_is_not_found(client, demo):
    response = client.post(bid_url("NOPE-99", "submit"))

    assert response.status_code == 404
    assert "There is no bid &#39;NOPE-99&#39;" in response.get_data(as_text=True)


# A submitted bid is locked


LOCKED = "This bid has been submitted, so it can no longer be changed."
SUBMITTED = "SWI-17"  # a submitted demo bid, led by Swindon Borough Council
CHANGES = {
    "about": {
        "reference": "HACK-01",
        "title": "Changed",
        "lead_organisation": "Swindon Borough Council",
        "award_sought": "1",
    },
    "partners": {"partners-0-name": "Changed", "partners-0-type": "other"},
    "finance": {"years-0-year": "2014/15", "years-0-award_costs": "1"},
    "narrative": {"answer_summary": "Changed"},
}
# Everyone but the bid's own council: another council is told it does not exist, readers may not write.
REFUSED = {"council": 404, "other_council": 404, "assessor": 403, "lead": 403, "panel": 403, "admin": 403}


@pytest.fixture
def owner(app, session, demo):
    """A council user of Swindon Borough Council, which leads the submitted bid SWI-17."""
    create_user(
        session, NewUser("swindon@tests.bidtool.test", Role.COUNCIL, "Swindon Borough Council"), PASSWORD
    )
    owner = app.test_client()
    response = owner.post("/sign-in", data={"email": "swindon@tests.bidtool.test", "password": PASSWORD})
    assert response.status_code == 302
    return owner


@pytest.mark.parametrize("section", list(CHANGES))
def test_the_edit_pages_of_a_submitted_bid_send_its_owner_back_to_it_saying_why(owner, section):
    response = owner.get(bid_url(SUBMITTED, section))

    assert response.status_code == 302
    assert response.headers["Location"] == bid_url(SUBMITTED)
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count(LOCKED) == 2  # the notice, and the inset text of the locked bid
    assert "govuk-notification-banner" in page


@pytest.mark.parametrize("section", list(CHANGES))
def test_the_edit_pages_of_a_submitted_bid_are_refused_to_everyone_else(sign_in, demo, section):
    answers = {who: sign_in(who).get(bid_url(SUBMITTED, section)).status_code for who in REFUSED}

    assert answers == REFUSED


@pytest.mark.parametrize("section", list(CHANGES))
def test_posting_to_a_submitted_bid_changes_nothing(app, owner, sign_in, section):
    before = stored(app, "tca-2013", SUBMITTED)

    response = owner.post(bid_url(SUBMITTED, section), data=CHANGES[section])
    others = {who: sign_in(who).post(bid_url(SUBMITTED, section), data=CHANGES[section]) for who in REFUSED}

    assert response.status_code == 302
    assert response.headers["Location"] == bid_url(SUBMITTED)
    assert {who: answer.status_code for who, answer in others.items()} == REFUSED
    assert stored(app, "tca-2013", SUBMITTED) == before
    assert stored(app, "tca-2013", "HACK-01") is None


def test_submitting_a_submitted_bid_again_is_refused_with_the_reason(app, owner, sign_in):
    submitted_at = stored_status(app, "tca-2013", SUBMITTED)

    response = owner.post(bid_url(SUBMITTED, "submit"), follow_redirects=True)
    others = {who: sign_in(who).post(bid_url(SUBMITTED, "submit")).status_code for who in REFUSED}

    assert response.request.path == bid_url(SUBMITTED, "self-check")
    assert LOCKED in response.get_data(as_text=True)
    assert others == REFUSED
    assert stored_status(app, "tca-2013", SUBMITTED) == submitted_at
    assert submitted_at[0] == BidStatus.SUBMITTED.value


@pytest.mark.parametrize("who", ["owner", "reader"])
def test_a_submitted_bid_offers_no_links_to_change_it(app, demo, request, who):
    client = request.getfixturevalue(who)
    with rendered(app) as seen:
        task_list = client.get(bid_url(SUBMITTED)).get_data(as_text=True)
        answers = client.get(bid_url(SUBMITTED, "check-answers")).get_data(as_text=True)

    assert [(name, context["editable"]) for name, context in seen] == [
        ("bids/show.html", False),
        ("bids/check_answers.html", False),
    ]
    for section in CHANGES:
        assert f'href="{bid_url(SUBMITTED, section)}"' not in task_list
        assert f'href="{bid_url(SUBMITTED, section)}"' not in answers
    assert "The bid as submitted" in answers
    assert "Submit the bid" not in answers
