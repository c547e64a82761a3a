"""The assessment in the browser: the lead assigns two assessors, both score a bid, their scores
diverge, the lead moderates, the ranking changes, and the council that made the bid sees no score."""

from playwright.sync_api import expect

from bidtool.core.access import Role
from bidtool.models import UserRow
from tests.conftest import PASSWORD, email_of
from tests.e2e.conftest import csp_violations, sign_in_in_browser

ROUND = "tca-2013"
BID = "BMS-01"
CRITERIA = ("Value for money", "Innovation", "Collaboration", "Deliverability", "Transferability")
SECOND = "second@tests.bidtool.test"
BABERGH = "officer@babergh.example.gov.uk"


def rank_of(page, reference: str) -> int:
    page.goto(f"/rounds/{ROUND}/rankings")
    return int(page.locator(f"#bid-{reference} td").first.inner_text())


def score_as(browser, live_server, email: str, scores: tuple[int, ...]) -> None:
    """An assessor opens their assessments, scores every criterion of the bid and submits."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/assessments")
    sign_in_in_browser(page, email, PASSWORD)
    row = page.get_by_test_id("assessments").get_by_role("row").filter(has_text=BID)
    expect(row).to_contain_text("Not started")
    row.get_by_role("link").click()
    expect(page.get_by_text("Suggestion").first).to_be_visible()
    for name, score in zip(CRITERIA, scores, strict=True):
        page.get_by_role("group", name=f"Score for {name}").get_by_label(f"{score} –", exact=False).check()
        page.get_by_label(f"Justification for {name}").fill(f"{name}: {score}, as the answer shows")
    page.get_by_role("button", name="Submit assessment").click()
    expect(page.get_by_text("Your assessment has been submitted")).to_be_visible()
    page.goto("/assessments")
    expect(page.get_by_test_id("assessments")).to_contain_text("Submitted")
    context.close()


def test_two_assessors_diverge_the_lead_moderates_and_the_ranking_changes(
    page, browser, live_server, console, scored, session, people, password_hash
):
    session.add(UserRow(email=SECOND, password_hash=password_hash, role=Role.ASSESSOR.value))
    session.add(
        UserRow(
            email=BABERGH,
            password_hash=password_hash,
            role=Role.COUNCIL.value,
            organisation="Babergh District Council",
        )
    )
    session.commit()

    page.goto(f"/rounds/{ROUND}")
    sign_in_in_browser(page, email_of("lead"), PASSWORD)
    before = rank_of(page, BID)
    page.goto(f"/rounds/{ROUND}")
    page.get_by_role("link", name="Assign assessors and see conflicts of interest").click()
    page.get_by_label(email_of("assessor"), exact=False).check()
    page.get_by_label(SECOND).check()
    page.get_by_label(f"Select {BID}").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("2 assignments made")).to_be_visible()
    expect(page.locator(f"[data-bid={BID}]")).to_contain_text("Not started")

    score_as(browser, live_server, email_of("assessor"), (1, 3, 3, 3, 3))
    score_as(browser, live_server, SECOND, (4, 3, 3, 3, 3))

    page.goto(f"/rounds/{ROUND}/bids/{BID}")
    page.get_by_role("link", name="Moderate the scores").click()
    value_for_money = page.get_by_test_id("moderate-value_for_money")
    expect(value_for_money.get_by_test_id("divergent")).to_be_visible()
    expect(value_for_money).to_contain_text("Value for money: 1, as the answer shows")
    expect(value_for_money).to_contain_text("Value for money: 4, as the answer shows")
    expect(page.get_by_test_id("moderate-innovation").get_by_test_id("divergent")).to_have_count(0)
    page.get_by_role("group", name="Moderated score for Value for money").get_by_label(
        "0 –", exact=False
    ).check()
    page.get_by_label("Justification for Value for money").fill("The savings are a headline target only")
    page.get_by_role("button", name="Save moderation").click()
    expect(page.get_by_text("The moderation is saved")).to_be_visible()
    page.get_by_role("link", name="Mark the assessment complete").click()
    expect(page.get_by_test_id("waiting")).to_contain_text("Every assessor assigned to the bid has submitted")
    page.get_by_role("button", name="Mark the assessment complete").click()
    expect(page.get_by_text(f"The assessment of {BID} is complete", exact=True)).to_be_visible()

    # A score of 0 fails the value-for-money gate: the bid drops below every bid that passes.
    after = rank_of(page, BID)
    assert after > before
    expect(page.locator(f"#bid-{BID}")).to_contain_text("below the gate minimum")
    page.goto(f"/rounds/{ROUND}/bids/{BID}")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("The savings are a headline target only")
    expect(history).to_contain_text(f"Value for money by {SECOND}")
    assert csp_violations(console) == []

    council = browser.new_context(base_url=live_server).new_page()
    council.goto(f"/rounds/{ROUND}/bids/{BID}")
    sign_in_in_browser(council, BABERGH, PASSWORD)
    expect(council.get_by_role("heading", level=1)).to_contain_text("Transformational approach")
    expect(council.get_by_test_id("history")).to_have_count(0)
    expect(council.get_by_text("as the answer shows")).to_have_count(0)
    expect(council.get_by_text("headline target")).to_have_count(0)
    assert council.goto(f"/rounds/{ROUND}/rankings").status == 403
    assert council.goto(f"/rounds/{ROUND}/bids/{BID}/moderate").status == 403
