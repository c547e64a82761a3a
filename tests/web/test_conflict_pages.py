"""Conflicts of interest on the pages: an organisation changed by an admin takes the bid away from
the assessor everywhere at once; a round's organisation aliases; two leads moderating at once."""

import re

import pytest
from sqlmodel import select

from bidtool.models import AssignmentRow, UserRow
from bidtool.services.assessment import assign
from tests.conftest import PASSWORD, email_of
from tests.web.screens import screen
from tests.web.test_assessment_pages import MODERATE, scores_form, stored_scores

ROUND = "tca-2013"
BID = "BMS-01"  # Babergh District Council with Mid Suffolk District Council
ALIASES = f"/rounds/{ROUND}/aliases"


@pytest.fixture
def assigned(session, demo, people):
    assign(session, people["lead"], ROUND, [BID, "BNS-02"], [people["assessor"]])


def reads(client, url: str) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    return response.status_code == 200 and BID in response.get_data(as_text=True)


def everywhere(client) -> dict[str, bool]:
    """Whether the assessor reads the bid on each page, PDF and file that could show it."""
    bid = f"/rounds/{ROUND}/bids/{BID}"
    pages = (bid, f"{bid}/check-answers", f"{bid}/self-check", f"{bid}/score", f"/rounds/{ROUND}")
    found = {url: reads(client, url) for url in pages}
    found["/assessments"] = reads(client, "/assessments")
    found[f"/rounds/{ROUND}/export.json"] = reads(client, f"/rounds/{ROUND}/export.json")
    found[f"{bid}/self-check.pdf"] = client.get(f"{bid}/self-check.pdf").status_code == 200
    return found


def test_an_admin_giving_an_assessor_a_partners_organisation_takes_the_bid_away_everywhere(
    sign_in, assigned, people, session
):
    assessor = sign_in("assessor")
    assert set(everywhere(assessor).values()) == {True}
    response = sign_in("admin").post(
        f"/admin/users/{people['assessor']}",
        data={"role": "assessor", "organisation": "Mid Suffolk District Council", "active": "yes"},
    )
    assert response.status_code == 302
    # The change ended the assessor's session; signed in again, they read the bid nowhere.
    assert assessor.get(f"/rounds/{ROUND}/bids/{BID}").status_code == 302
    assessor = sign_in("assessor")
    assert set(everywhere(assessor).values()) == {False}
    refused = assessor.get(f"/rounds/{ROUND}/bids/{BID}")
    assert "You have a conflict of interest in BMS-01" in refused.get_data(as_text=True)
    assigned_now = session.exec(
        select(AssignmentRow.bid_id).where(AssignmentRow.assessor_id == people["assessor"])
    )
    assert len(assigned_now.all()) == 1
    bid_page = sign_in("lead").get(f"/rounds/{ROUND}/bids/{BID}").get_data(as_text=True)
    assert "Conflict of interest: Mid Suffolk District Council is a partner in the bid" in bid_page


def test_the_round_page_links_the_aliases_for_the_lead_and_the_admin_only(sign_in, demo):
    for who, linked in (("lead", True), ("admin", True), ("panel", False), ("assessor", False)):
        page = sign_in(who).get(f"/rounds/{ROUND}").get_data(as_text=True)
        assert (ALIASES in page) is linked, who


def test_the_lead_saves_aliases_and_the_assignment_they_reveal_ends(sign_in, assigned, people, session):
    user = session.get(UserRow, people["assessor"])
    user.organisation = "Mid Suffolk DC"
    session.commit()
    lead = sign_in("lead")
    response = lead.post(ALIASES, data={"aliases": "Mid Suffolk DC\nA =  = B\nMid Suffolk DC = MSDC"})
    bad, bad_html = screen(response), response.get_data(as_text=True)
    assert [text for _, text in bad.summary] == ["2 lines need putting right"]
    assert bad.dead_summary_links() == []
    for problem in (
        "Line 1: names only one organisation: give two or more names separated by &#39; = &#39;",
        "Line 2: has an empty name: put a name on each side of every &#39;=&#39;",
    ):
        assert problem in bad_html
    assert bad.values["aliases"] == "Mid Suffolk DC\nA =  = B\nMid Suffolk DC = MSDC"
    text = "Mid Suffolk DC = Mid Suffolk District Council\nSwindon BC = Swindon Borough Council"
    response = lead.post(ALIASES, data={"aliases": text}, follow_redirects=True)
    page = screen(response)
    assert (
        page.values["aliases"]
        == "Mid Suffolk DC = Mid Suffolk District Council\nSwindon BC = Swindon Borough Council"
    )
    html = response.get_data(as_text=True)
    assert "The organisation aliases are saved" in html
    assert "1 assignment ended: the assessor now has a conflict of interest" in html
    assert sign_in("assessor").get(f"/rounds/{ROUND}/bids/{BID}").status_code == 403


def test_a_second_lead_overtaken_on_a_moderation_sees_what_changed_and_keeps_their_entries(
    app, sign_in, session, demo, password_hash
):
    session.add(
        UserRow(email="second-lead@tests.bidtool.test", password_hash=password_hash, role="lead_assessor")
    )
    session.commit()
    first = sign_in("lead")
    second = app.test_client()
    second.post("/sign-in", data={"email": "second-lead@tests.bidtool.test", "password": PASSWORD})
    first_page = first.get(MODERATE).get_data(as_text=True)
    second_page = second.get(MODERATE).get_data(as_text=True)
    saved = first.post(MODERATE, data=scores_form(first_page, 3, None, None, None, None, why="First lead"))
    assert saved.status_code == 302
    late = second.post(MODERATE, data=scores_form(second_page, 1, None, None, None, None, why="Second lead"))
    assert late.status_code == 200
    html = late.get_data(as_text=True)
    assert "Your changes were not saved: Value for money changed since you opened the page" in html
    assert "First lead" in html and email_of("lead") in html  # what changed, and by whom
    assert screen(late).values["value_for_money-justification"] == "Second lead"
    assert re.search(r'name="value_for_money-score" type="radio" value="1" checked', html)
    assert [s for s in stored_scores(app) if s[4]] == [(email_of("lead"), "value_for_money", 3, True, True)]
