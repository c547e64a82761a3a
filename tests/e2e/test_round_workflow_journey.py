"""A round run for real, in the browser: a council's draft is neither ranked nor printed, the lead
completes a bid while an assessor has not started (the confirmation names them), reopens it with a
reason, and the assessor then scores it."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from bidtool.services.assessment import assign
from tests.conftest import PASSWORD, email_of
from tests.e2e.conftest import csp_violations, sign_in_in_browser
from tests.e2e.test_assessment_journey import BID, ROUND, score_as

DRAFT = "SWI-50"


def test_drafts_stay_out_and_a_completed_assessment_reopens_for_an_unstarted_assessor(
    page, browser, live_server, console, scored, demo_draft, session, people
):
    assign(session, people["lead"], ROUND, [BID], [people["assessor"]])
    page.goto(f"/rounds/{ROUND}/rankings")
    sign_in_in_browser(page, email_of("lead"), PASSWORD)
    expect(page.get_by_text("1 bid not yet submitted")).to_be_visible()
    expect(page.locator(f"#bid-{DRAFT}")).to_have_count(0)

    page.get_by_role("button", name="Print the panel pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The panel pack is ready", timeout=90_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the panel pack (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "1 bid not yet submitted" in text
    assert DRAFT not in text
    assert not any(DRAFT in item.title for item in reader.outline if not isinstance(item, list))

    page.goto(f"/rounds/{ROUND}/bids/{BID}/moderate")
    page.get_by_role("link", name="Mark the assessment complete").click()
    waiting = page.get_by_test_id("waiting")
    expect(waiting).to_contain_text(email_of("assessor"))
    expect(waiting).to_contain_text("not started")
    page.get_by_role("button", name="Mark the assessment complete").click()
    expect(page.get_by_text(f"The assessment of {BID} is complete", exact=True)).to_be_visible()

    assessor = browser.new_context(base_url=live_server).new_page()
    assessor.goto("/assessments")
    sign_in_in_browser(assessor, email_of("assessor"), PASSWORD)
    expect(assessor.get_by_text(BID)).to_have_count(0)

    page.goto(f"/rounds/{ROUND}/bids/{BID}/moderate")
    page.get_by_role("link", name="Reopen the assessment").click()
    page.get_by_label("Why the assessment is reopened").fill("An assessor had not started")
    page.get_by_role("button", name="Reopen the assessment").click()
    expect(page.get_by_text(f"The assessment of {BID} is reopened", exact=False)).to_be_visible()

    score_as(browser, live_server, email_of("assessor"), (2, 3, 3, 3, 3))
    page.goto(f"/rounds/{ROUND}/bids/{BID}")
    page.get_by_text("History of the assessment").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("An assessor had not started")
    expect(history).to_contain_text("reopened")
    assert csp_violations(console) == []
