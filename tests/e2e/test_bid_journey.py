"""A council officer writes a bid in the browser, from start to submission, with an outcome-based benefit."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from bidtool.core.appraisal import appraise
from bidtool.core.bid import BenefitKind, Bid, BidYear, OutcomeLine, Party
from bidtool.core.money import format_pence
from tests.conftest import ORGANISATION, PASSWORD, email_of
from tests.e2e.conftest import csp_violations, sign_in_in_browser


def test_a_council_writes_checks_and_submits_a_bid(page, console, demo, session, people):
    page.goto("/rounds/tca-2013")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Frounds%2Ftca-2013$"))
    sign_in_in_browser(page, email_of("council"), PASSWORD)
    expect(page).to_have_url(re.compile(r"/rounds/tca-2013$"))
    page.get_by_role("link", name="Start a new bid").click()

    page.get_by_label("Bid reference").fill("ANY-01")
    page.get_by_label("Title").fill("Anytown and Shire shared back office")
    # The lead organisation is the council user's own, filled in already.
    expect(page.get_by_label("Lead organisation")).to_have_value(ORGANISATION)
    page.get_by_label("Award sought").fill("£300,000")
    page.get_by_label("Confidence in the savings").select_option("4")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Bid ANY-01 started: your draft is saved")).to_be_visible()

    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Name").fill("Anytown District Council")
    page.get_by_label("Type").select_option("district")
    page.get_by_role("button", name="Add another partner").click()
    page.locator("#partners-1-name").fill("Shire Fire and Rescue Service")
    page.locator("#partners-1-type").select_option("fire")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("2 organisations")).to_be_visible()

    page.get_by_role("link", name="Finance by year").click()
    page.locator("#years-0-year").fill("2026/27")
    page.get_by_label("Award-funded costs, 2026/27").fill("200,000")
    page.get_by_role("button", name="Add a year").click()
    page.get_by_label("Award-funded costs, 2027/28").fill("100000")
    page.get_by_label("Savings (prudent), 2027/28").fill("150,000")
    page.get_by_role("button", name="Add a year").click()
    page.get_by_label("Savings (prudent), 2028/29").fill("lots")
    page.get_by_role("button", name="Save and continue").click()

    # The error summary links to the field, and nothing typed is lost.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#years-2-savings")
    expect(page.get_by_label("Savings (prudent), 2028/29")).to_have_value("lots")
    expect(page.get_by_label("Savings (prudent), 2027/28")).to_have_value("150,000")
    page.get_by_label("Savings (prudent), 2028/29").fill("250,000")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("3 financial years")).to_be_visible()

    # An outcome-based benefit, worked out the local-partnership guidance's way.
    page.get_by_role("link", name="Outcome-based benefits").click()
    page.get_by_role("button", name="Add an outcome").click()
    page.get_by_label("What the outcome is").fill("Adults back in work")
    page.get_by_label("Kind of benefit").select_option("fiscal_cashable")
    page.get_by_label("Who gains").select_option("dwp")
    page.get_by_label("First year").select_option("2027")
    page.get_by_label("Last year").select_option("2028")
    page.get_by_label("Cohort").fill("200")
    page.get_by_label("Engagement rate").fill("160")
    page.get_by_label("Success rate").fill("40")
    page.get_by_label("Deadweight").fill("20")
    page.get_by_label("Drop-off (optional)").fill("25")
    page.get_by_label("Unit cost", exact=True).fill("9,000")
    page.get_by_label("Source of the unit cost").fill("Unit cost database, line 42")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#outcome_lines-0-engagement_rate")
    expect(summary).to_contain_text("Outcome 1: engagement rate must be a percentage from 0 to 100")
    expect(page.get_by_label("Source of the unit cost")).to_have_value("Unit cost database, line 42")
    page.get_by_label("Engagement rate").fill("60")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("1 outcome")).to_be_visible()
    who = page.get_by_test_id("who-gains")
    expect(who.get_by_role("row", name=re.compile(r"^DWP"))).to_contain_text("£")

    page.get_by_role("link", name="Narrative").click()
    # The answers are collected only once the narrative page is there (a summary and five criteria).
    expect(page.locator("textarea")).to_have_count(6)
    for box in page.locator("textarea").all():
        box.fill("We will merge the two back offices and share one system.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("6 of 6 answered")).to_be_visible()

    expected = appraise(
        Bid(
            reference="ANY-01",
            title="",
            lead_organisation="",
            award_sought=30_000_000,
            savings_confidence=4,
            years=(
                BidYear(2026, award_costs=20_000_000),
                BidYear(2027, award_costs=10_000_000, savings=15_000_000),
                BidYear(2028, savings=25_000_000),
            ),
            outcome_lines=(
                OutcomeLine(
                    description="Adults back in work",
                    kind=BenefitKind.FISCAL_CASHABLE,
                    agency=Party.DWP,
                    first_year=2027,
                    last_year=2028,
                    cohort=200,
                    engagement_rate=Decimal(60),
                    success_rate=Decimal(40),
                    deadweight=Decimal(20),
                    unit_cost=900_000,
                    unit_cost_source="Unit cost database, line 42",
                    drop_off=Decimal(25),
                ),
            ),
        )
    )
    dwp = next(row for row in expected.who if row.party is Party.DWP)
    page.get_by_role("link", name="Self-check: appraisal and consistency").click()
    words = page.get_by_test_id("appraisal-words")
    expect(words).to_contain_text(f"The net present value is {format_pence(expected.prudent.npv)}")
    expect(words).to_contain_text(f"a benefit-cost ratio of {expected.prudent.bcr:.2f}")
    expect(page.get_by_test_id("appraisal")).to_contain_text(format_pence(expected.adjusted.npv))
    expect(page.get_by_test_id("who-gains").get_by_role("row", name=re.compile(r"^DWP"))).to_contain_text(
        format_pence(dwp.benefits[BenefitKind.FISCAL_CASHABLE])
    )
    expect(page.get_by_text("The self-check found no errors")).to_be_visible()

    page.get_by_role("link", name="Back to the bid").click()
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Submit the bid").click()
    expect(page.get_by_text("Bid ANY-01 submitted")).to_be_visible()
    expect(page.get_by_text("This bid has been submitted, so it can no longer be changed.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/rounds/tca-2013/bids/ANY-01$"))
    assert csp_violations(console) == []
