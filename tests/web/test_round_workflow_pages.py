"""The pages of a round run for real: drafts counted but never ranked or offered, completing an
assessment after a confirmation, reopening it with a reason, and withdrawing an interest."""

import pytest
from sqlmodel import select

from bidtool.core.access import Role
from bidtool.core.bid import Bid
from bidtool.models import BidRow, ConflictRow
from bidtool.services import EVERYONE
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import assign, complete_assessment, declare_interest
from bidtool.services.bids import create_bid
from tests.conftest import ORGANISATION, PASSWORD, email_of
from tests.pdfs import bookmarks, page_texts
from tests.services.test_assessment import BID, ROUND, submit
from tests.web.screens import csrf_token, signed_in_with_token
from tests.web.test_print_downloads import printed_pack

DRAFT_TITLE = "Shared customer contact for Swindon and Wiltshire Police"
MODERATE = f"/rounds/{ROUND}/bids/{BID}/moderate"
COMPLETE = f"/rounds/{ROUND}/bids/{BID}/complete"
REOPEN = f"/rounds/{ROUND}/bids/{BID}/reopen"
INTERESTS = f"/rounds/{ROUND}/interests"


def signed_in_as(app, email: str):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def assessed_at(session):
    session.expire_all()
    return session.exec(select(BidRow).where(BidRow.reference == BID)).one().assessed_at


def test_the_ranking_says_how_many_bids_are_drafts_and_shows_none_of_them(
    scored, demo_draft, sign_in, session
):
    lead = sign_in("lead")
    page = lead.get(f"/rounds/{ROUND}/rankings").get_data(as_text=True)
    assert "1 bid not yet submitted" in page
    assert "SWI-50" not in page and DRAFT_TITLE not in page
    assert "SWI-50" not in lead.get(f"/rounds/{ROUND}/rankings.csv").get_data(as_text=True)
    for reference in ("ANY-01", "ANY-02"):
        create_bid(
            session, EVERYONE, ROUND, Bid(reference=reference, title="Office", lead_organisation=ORGANISATION)
        )
    assert "3 bids not yet submitted" in lead.get(f"/rounds/{ROUND}/rankings").get_data(as_text=True)


def test_the_panel_pack_has_no_sheet_for_a_draft_and_says_how_many_there_are(scored, demo_draft, sign_in):
    _, data = printed_pack(sign_in("lead"))
    assert len(bookmarks(data)) == 4 + 18  # the cover, contents, the summary's two parts, the sheets
    pages = page_texts(data)
    assert "1 bid not yet submitted" in pages[0]
    assert not any("SWI-50" in page for page in pages)


def test_a_drafts_sheet_is_refused(scored, demo_draft, sign_in):
    response = sign_in("lead").get(f"/rounds/{ROUND}/bids/SWI-50/sheet.pdf")
    assert response.status_code == 403
    assert "SWI-50 is still a draft" in response.get_data(as_text=True)


def test_declare_an_interest_offers_no_draft(demo_draft, sign_in):
    page = sign_in("assessor").get(INTERESTS).get_data(as_text=True)
    assert "BMS-01: " in page
    assert "SWI-50" not in page and DRAFT_TITLE not in page


@pytest.fixture
def waiting(session, demo, people) -> int:
    """BID assigned to the test assessor, who submits, and to a second assessor, who has not started."""
    other = create_user(session, NewUser("waiting@assessors.example.gov.uk", Role.ASSESSOR, None), PASSWORD)
    assign(session, people["lead"], ROUND, [BID], [people["assessor"], other.id])
    submit(session, people["assessor"], 2, 3, 2, 2, 1)
    return other.id


def test_completing_asks_first_naming_the_assessors_who_have_not_submitted(waiting, sign_in, session):
    lead = sign_in("lead")
    assert f'href="{COMPLETE}"' in lead.get(MODERATE).get_data(as_text=True)

    page = lead.get(COMPLETE)

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "waiting@assessors.example.gov.uk: not started" in text
    assert "Their draft scores are kept but do not count" in text
    assert assessed_at(session) is None
    assert lead.post(COMPLETE).status_code == 302
    assert assessed_at(session) is not None
    assert "Submitted" in sign_in("assessor").get("/assessments").get_data(as_text=True)


def test_the_confirmation_says_why_an_unscored_assessment_cannot_be_completed(demo, sign_in):
    page = sign_in("lead").get(COMPLETE).get_data(as_text=True)
    assert "The assessment cannot be complete: Not yet scored: Value for money" in page
    assert "govuk-button--warning" not in page


def test_a_completed_assessment_is_reopened_with_a_reason_and_can_be_scored_again(
    waiting, session, people, sign_in, app
):
    complete_assessment(session, people["lead"], ROUND, BID)
    lead = sign_in("lead")
    assert f'href="{REOPEN}"' in lead.get(MODERATE).get_data(as_text=True)
    assert lead.get(REOPEN).status_code == 200

    empty = lead.post(REOPEN, data={"reason": ""})
    assert empty.status_code == 200 and "Enter why the assessment is reopened" in empty.get_data(as_text=True)
    control = lead.post(REOPEN, data={"reason": "Wrong\x1b score"})
    assert "contains a control character" in control.get_data(as_text=True)
    assert assessed_at(session) is not None

    reopened = lead.post(REOPEN, data={"reason": "A score was entered on the wrong bid"})

    assert reopened.status_code == 302 and reopened.headers["Location"] == MODERATE
    assert assessed_at(session) is None
    assert "A score was entered on the wrong bid" in lead.get(f"/rounds/{ROUND}/bids/{BID}").get_data(
        as_text=True
    )
    assert lead.get(REOPEN).status_code == 403  # nothing to reopen now
    other = signed_in_as(app, "waiting@assessors.example.gov.uk")
    assert "Not started" in other.get("/assessments").get_data(as_text=True)
    score_page = other.get(f"/rounds/{ROUND}/bids/{BID}/score").get_data(as_text=True)
    assert "is complete" not in score_page and "Save as a draft at any time" in score_page


def test_an_assessor_withdraws_a_declared_interest_from_the_interests_page(session, demo, people, sign_in):
    declare_interest(session, people["assessor"], ROUND, BID, "I advised on the bid")
    assessor = sign_in("assessor")
    page = assessor.get(INTERESTS).get_data(as_text=True)
    assert 'Withdraw<span class="govuk-visually-hidden"> your interest in BMS-01</span>' in page

    withdrawn = assessor.post(f"{INTERESTS}/withdraw", data={"bid": BID}, follow_redirects=True)

    text = withdrawn.get_data(as_text=True)
    assert "Your interest in BMS-01 is withdrawn" in text
    assert "I advised on the bid" not in text
    assert session.exec(select(ConflictRow)).all() == []
    events = sign_in("lead").get(f"/rounds/{ROUND}/bids/{BID}").get_data(as_text=True)
    assert "withdrawn" in events


def test_an_interest_through_the_organisation_says_it_cannot_be_withdrawn(session, demo, app, sign_in):
    create_user(
        session,
        NewUser("officer@babergh.example.gov.uk", Role.ASSESSOR, "Babergh District Council"),
        PASSWORD,
    )
    client = signed_in_as(app, "officer@babergh.example.gov.uk")
    page = client.get(INTERESTS).get_data(as_text=True)
    assert "It arises from your organisation, so it cannot be withdrawn." in page
    refused = client.post(f"{INTERESTS}/withdraw", data={"bid": BID}, follow_redirects=True).get_data(
        as_text=True
    )
    assert (
        "cannot be withdrawn: it arises because Babergh District Council is a partner in the bid" in refused
    )


def test_opening_a_bid_you_declared_an_interest_in_says_so(session, demo, people, sign_in):
    assign(session, people["lead"], ROUND, [BID], [people["assessor"]])
    declare_interest(session, people["assessor"], ROUND, BID, "I advised on the bid")
    assessor = sign_in("assessor")
    for page in (f"/rounds/{ROUND}/bids/{BID}", f"/rounds/{ROUND}/bids/{BID}/score"):
        response = assessor.get(page)
        assert response.status_code == 403
        text = response.get_data(as_text=True)
        assert "You have declared an interest in BMS-01" in text and "There is no bid" not in text


class TestForgedCompletion:
    @pytest.fixture
    def app_config(self, app_config) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_completing_needs_the_token_of_the_confirmation_page(self, app, waiting, session):
        lead = signed_in_with_token(app, email_of("lead"), PASSWORD)
        assert lead.post(COMPLETE).status_code == 400
        assert assessed_at(session) is None
        token = csrf_token(lead, COMPLETE)
        assert lead.post(COMPLETE, data={"csrf_token": token}).status_code == 302
        assert assessed_at(session) is not None
