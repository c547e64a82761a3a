"""Who pays and who gains, and outcome-based benefits, entered through the web pages; the figures
they make on the bid, self-check and check-answers pages."""

from decimal import Decimal

import pytest

from bidtool.core.bid import BenefitKind, BenefitLine, BidYear, CostKind, CostLine, OutcomeLine, Party
from tests.web.screens import COMPILED, Screen, screen, stored

ROUND = "tca-2013"
ABOUT = {
    "reference": "ANY-01",
    "title": "Anytown early help",
    "lead_organisation": "Anytown District Council",
    "award_sought": "£300,000",
    "savings_confidence": "3",
}
YEARS = {
    "years-0-year": "2026/27",
    "years-0-award_costs": "300,000",
    "years-1-year": "2027/28",
    "years-1-savings": "103,500",
}
BENEFIT = {
    "benefit_lines-0-year": "2027",
    "benefit_lines-0-kind": "social",
    "benefit_lines-0-agency": "nhs",
    "benefit_lines-0-amount": "207,000",
    "benefit_lines-0-confidence": "",
    "benefit_lines-0-description": "Wellbeing",
}
COST = {
    "cost_lines-0-year": "2026",
    "cost_lines-0-kind": "match",
    "cost_lines-0-agency": "police",
    "cost_lines-0-amount": "50,000",
    "cost_lines-0-description": "",
}
OUTCOME = {
    "outcome_lines-0-description": "Adults back in work",
    "outcome_lines-0-kind": "fiscal_cashable",
    "outcome_lines-0-agency": "dwp",
    "outcome_lines-0-confidence": "4",
    "outcome_lines-0-first_year": "2026",
    "outcome_lines-0-last_year": "2027",
    "outcome_lines-0-cohort": "200",
    "outcome_lines-0-engagement_rate": "60",
    "outcome_lines-0-success_rate": "40%",
    "outcome_lines-0-deadweight": "20",
    "outcome_lines-0-drop_off": "25",
    "outcome_lines-0-unit_cost": "£9,000",
    "outcome_lines-0-unit_cost_source": "Unit cost database, line 42",
}
BACK_IN_WORK = OutcomeLine(
    description="Adults back in work",
    kind=BenefitKind.FISCAL_CASHABLE,
    agency=Party.DWP,
    first_year=2026,
    last_year=2027,
    cohort=200,
    engagement_rate=Decimal(60),
    success_rate=Decimal(40),
    deadweight=Decimal(20),
    unit_cost=9_000_00,
    unit_cost_source="Unit cost database, line 42",
    drop_off=Decimal(25),
    confidence=4,
)


@pytest.fixture(autouse=True)
def compiled_once(app):
    app.jinja_env.bytecode_cache = COMPILED


def url(page: str = "") -> str:
    return f"/rounds/{ROUND}/bids/ANY-01" + (f"/{page}" if page else "")


@pytest.fixture
def draft(app, client, demo):
    """A draft of two years, 2026/27 and 2027/28, through the about and finance pages."""
    assert client.post(f"/rounds/{ROUND}/bids/new", data=ABOUT).status_code == 302
    assert client.post(url("finance"), data=YEARS).status_code == 302
    return lambda: stored(app, ROUND, "ANY-01")


def test_benefits_and_costs_by_agency_are_saved_in_pence_in_the_bids_years(client, draft):
    response = client.post(url("lines"), data=BENEFIT | COST)

    assert response.status_code == 302
    assert response.headers["Location"] == url()
    bid = draft()
    assert bid.benefit_lines == (
        BenefitLine(2027, BenefitKind.SOCIAL, Party.NHS, 207_000_00, None, "Wellbeing"),
    )
    assert bid.cost_lines == (CostLine(2026, CostKind.MATCH, Party.POLICE, 50_000_00, ""),)
    assert bid.years == (BidYear(2026, award_costs=300_000_00), BidYear(2027, savings=103_500_00))


def test_the_lines_page_offers_the_bids_own_years_and_shows_what_is_saved(client, draft):
    client.post(url("lines"), data=BENEFIT | COST)

    html = client.get(url("lines")).get_data(as_text=True)
    page = Screen(html)
    assert page.values["benefit_lines-0-year"] == "2027"
    assert page.values["benefit_lines-0-amount"] == "207,000"
    assert page.values["cost_lines-0-agency"] == "police"
    assert html.count('<option value="2026"') == 2 and '<option value="2028"' not in html
    # As saved: who pays and who gains, after the bid's 10% (grade 3).
    assert "Who pays and who gains: present values after 10% optimism bias" in html


def test_a_line_with_mistakes_is_shown_with_everything_typed_named_by_its_line_and_nothing_is_saved(
    client, draft
):
    before = draft()
    typed = BENEFIT | COST | {"cost_lines-0-amount": "lots", "benefit_lines-0-year": "2030"}

    response = client.post(url("lines"), data=typed)

    assert response.status_code == 200
    page = screen(response)
    assert page.summary == [
        ("#benefit_lines-0-year", "Benefit 1: year must be one of the bid's years (2026/27, 2027/28)"),
        ("#cost_lines-0-amount", "Cost 1: amount must be an amount in pounds, like 1,500 or 1,500.50"),
    ]
    assert page.dead_summary_links() == []
    assert page.values["cost_lines-0-amount"] == "lots"
    assert page.values["benefit_lines-0-description"] == "Wellbeing"
    assert draft() == before


def test_a_line_without_an_amount_asks_for_one(client, draft):
    page = screen(client.post(url("lines"), data=BENEFIT | {"benefit_lines-0-amount": ""}))
    assert page.summary == [("#benefit_lines-0-amount", "Benefit 1: enter the amount in pounds")]


def test_adding_a_benefit_saves_those_typed_and_offers_a_blank_one(client, draft):
    response = client.post(url("lines"), data=BENEFIT | {"add_benefit": "Add a benefit"})

    assert response.headers["Location"] == url("lines") + "?blank=benefit"
    assert len(draft().benefit_lines) == 1
    page = screen(client.get(response.headers["Location"]))
    assert page.values["benefit_lines-1-amount"] == ""


def test_removing_a_line_with_a_mistake_removes_it_without_correcting_it(client, draft):
    client.post(url("lines"), data=BENEFIT | COST)

    response = client.post(
        url("lines"), data=BENEFIT | COST | {"cost_lines-0-amount": "x", "remove_cost": "0"}
    )

    assert response.headers["Location"] == url("lines")
    assert draft().cost_lines == ()
    assert len(draft().benefit_lines) == 1


def test_removing_a_year_that_holds_a_line_is_refused_and_says_which_line(client, draft):
    client.post(url("lines"), data=BENEFIT)

    response = client.post(url("finance"), data={**YEARS, "remove": "1"})

    assert response.status_code == 200
    assert (
        "The bid has no such year for the benefit line &#39;Wellbeing&#39; of 2027/28"
        in response.get_data(as_text=True)
    )
    assert len(draft().years) == 2


def test_without_years_the_lines_and_outcomes_pages_ask_for_them_first(client, demo):
    client.post(f"/rounds/{ROUND}/bids/new", data=ABOUT)
    for page, button in (("lines", "add_benefit"), ("outcomes", "add_outcome")):
        html = client.get(url(page)).get_data(as_text=True)
        assert "financial years</a> first" in html
        assert f'name="{button}"' not in html


def test_an_outcome_is_saved_and_shown_worked_out_year_by_year(client, draft):
    response = client.post(url("outcomes"), data=OUTCOME)

    assert response.headers["Location"] == url()
    assert draft().outcome_lines == (BACK_IN_WORK,)
    html = client.get(url("outcomes")).get_data(as_text=True)
    assert "200 people × 60% engaged × 40% succeeding × (1 − 20% deadweight) × £9,000" in html
    assert "2026/27: £345,600" in html and "2027/28: £259,200" in html
    assert Screen(html).values["outcome_lines-0-success_rate"] == "40"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("engagement_rate", "120", "Outcome 1: engagement rate must be a percentage from 0 to 100"),
        ("cohort", "many", "Outcome 1: cohort must be a whole number, like 200"),
        ("unit_cost_source", "", "Outcome 1: enter where the unit cost comes from"),
        ("last_year", "2025", "Outcome 1: last year must be one of the bid's years (2026/27, 2027/28)"),
    ],
)
def test_an_outcome_with_a_mistake_is_named_at_its_field_and_nothing_is_saved(
    client, draft, field, typed, message
):
    response = client.post(url("outcomes"), data=OUTCOME | {f"outcome_lines-0-{field}": typed})

    assert response.status_code == 200
    page = screen(response)
    assert [href for href, _ in page.summary] == [f"#outcome_lines-0-{field}"]
    assert page.summary[0][1].startswith(message)
    if field != "last_year":  # a select cannot show a year it does not offer
        assert page.values[f"outcome_lines-0-{field}"] == typed
    assert draft().outcome_lines == ()


def test_an_outcome_ending_before_it_starts_is_refused_at_its_last_year(client, draft):
    data = OUTCOME | {"outcome_lines-0-first_year": "2027", "outcome_lines-0-last_year": "2026"}
    page = screen(client.post(url("outcomes"), data=data))
    assert page.summary == [
        ("#outcome_lines-0-last_year", "Outcome 1: last year must not come before the first year")
    ]


def test_the_bid_and_self_check_pages_show_both_cases_who_gains_and_switching_values(client, reader, draft):
    client.post(url("lines"), data=BENEFIT | COST)
    client.post(url("outcomes"), data=OUTCOME)

    for who in (client, reader):
        shown = " ".join(who.get(url()).get_data(as_text=True).split())
        assert "The financial case and the public value case, after optimism bias" in shown
        assert 'data-testid="who-gains"' in shown and ">DWP</th>" in shown
    check = " ".join(client.get(url("self-check")).get_data(as_text=True).split())
    assert "Financial case: fiscal benefits only" in check
    assert "To a net present value of zero" in check
    assert "Outcome: Adults back in work" in check
    answers = client.get(url("check-answers")).get_data(as_text=True)
    assert "Change who pays and who gains" in answers and "Benefits by who gains" in answers


def test_more_lines_than_a_bid_may_have_are_refused_not_cut_off(client, draft):
    many = {}
    for i in range(501):
        many |= {f"cost_lines-{i}-{key.split('-')[-1]}": value for key, value in COST.items()}

    response = client.post(url("lines"), data=many)

    assert response.status_code == 200
    assert "A bid can have at most 500 cost lines" in response.get_data(as_text=True)
    assert draft().cost_lines == ()


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e999999999", "-5", "12.345", "½"])
def test_a_percentage_that_is_not_one_is_refused_at_its_field(client, draft, typed):
    page = screen(client.post(url("outcomes"), data=OUTCOME | {"outcome_lines-0-deadweight": typed}))
    assert page.summary == [
        (
            "#outcome_lines-0-deadweight",
            "Outcome 1: deadweight must be a percentage from 0 to 100, with at most two decimal places, "
            "such as 60 or 12.5",
        )
    ]
    assert draft().outcome_lines == ()
