"""The assessment pages: assigning, interests, scoring, stale saves, moderation, history, export."""

import io
import json
import re

import openpyxl
import pytest
from sqlmodel import Session, select

from bidtool import db
from bidtool.models import AssignmentRow, BidRow, ScoreRow, UserRow
from bidtool.services.assessment import assign
from tests.conftest import PASSWORD, email_of
from tests.web.screens import screen

ROUND = "tca-2013"
BID = "BMS-01"
SCORE = f"/rounds/{ROUND}/bids/{BID}/score"
MODERATE = f"/rounds/{ROUND}/bids/{BID}/moderate"
CRITERIA = ("value_for_money", "innovation", "collaboration", "deliverability", "transferability")


def scores_form(page_html: str, *scores: int | None, why: str = "As the bid shows", **extra) -> dict:
    """What a browser sends from a scoring page: its versions field and one entry per criterion."""
    versions = re.search(r'name="versions"[^>]*value="([^"]*)"', page_html).group(1).replace("&#34;", '"')
    data = {"versions": versions, **extra}
    for criterion, score in zip(CRITERIA, scores, strict=True):
        if score is not None:
            data[f"{criterion}-score"] = str(score)
            data[f"{criterion}-justification"] = why
    return data


def stored_scores(app) -> list[tuple[str, str, int | None, bool, bool]]:
    with app.app_context(), Session(db.engine()) as fresh:
        rows = fresh.exec(select(ScoreRow, UserRow.email).join(UserRow, UserRow.id == ScoreRow.assessor_id))
        return sorted((email, s.criterion, s.score, s.submitted, s.moderated) for s, email in rows)


@pytest.fixture
def assigned(session, demo, people):
    assign(session, people["lead"], ROUND, [BID], [people["assessor"]])


def test_the_lead_assigns_in_bulk_and_removes(app, sign_in, demo, people):
    lead = sign_in("lead")
    response = lead.post(
        f"/rounds/{ROUND}/assessors", data={"bids": [BID, "SWI-17"], "assessors": [str(people["assessor"])]}
    )
    assert response.status_code == 302
    page = lead.get(f"/rounds/{ROUND}/assessors").get_data(as_text=True)
    assert "2 assignments made" in page
    with app.app_context(), Session(db.engine()) as fresh:
        pairs = {
            (b.reference, a.assessor_id) for a, b in fresh.exec(select(AssignmentRow, BidRow).join(BidRow))
        }
    assert pairs == {(BID, people["assessor"]), ("SWI-17", people["assessor"])}
    removed = lead.post(
        f"/rounds/{ROUND}/assessors/remove", data={"bid": BID, "assessor": people["assessor"]}
    )
    assert removed.status_code == 302
    assert f"Assessor removed from {BID}" in lead.get(removed.headers["Location"]).get_data(as_text=True)


def test_assigning_without_choosing_says_what_to_choose(sign_in, demo):
    page = screen(sign_in("lead").post(f"/rounds/{ROUND}/assessors", data={}))
    assert [text for _, text in page.summary] == ["Select at least one bid", "Select at least one assessor"]
    assert page.dead_summary_links() == []


def test_your_assessments_lists_status_and_deadline(sign_in, assigned):
    page = sign_in("assessor").get("/assessments").get_data(as_text=True)
    assert f"{BID}: Transformational approach" in page
    assert "Not started" in page and "None set" in page


def test_the_scoring_page_shows_answer_guidance_descriptors_evidence_and_a_labelled_suggestion(
    sign_in, assigned
):
    page = sign_in("assessor").get(SCORE).get_data(as_text=True)
    assert "The councils aim to reduce their dependency on central" in page  # the bid's answer
    assert "What to look for" in page and "Value for money cannot be judged" in page  # a descriptor
    assert "4 – Strong" in page  # the scale's labels on the radios
    assert re.search(r"Suggestion</strong>\s*An automatic measure suggests <strong>4 – Strong</strong>", page)
    assert "48.40 prudent (very high value for money)" in page  # the appraisal's BCR
    assert "Mid Suffolk District Council" in page and "(district)" in page  # partners and their types
    assert "unaccounted for in the years" in page  # the consistency check


def test_an_assessor_saves_a_draft_then_submits(app, sign_in, assigned):
    assessor = sign_in("assessor")
    html = assessor.get(SCORE).get_data(as_text=True)
    assert (
        assessor.post(SCORE, data=scores_form(html, 3, None, None, None, None, save="y")).status_code == 302
    )
    assert stored_scores(app) == [(email_of("assessor"), "value_for_money", 3, False, False)]
    html = assessor.get(SCORE).get_data(as_text=True)
    refused = screen(assessor.post(SCORE, data=scores_form(html, 3, 2, None, None, None, submit="y")))
    assert ("#collaboration-score", "Choose a score for Collaboration") in refused.summary
    assert refused.dead_summary_links() == []
    assert [s[2] for s in stored_scores(app)] == [3]  # nothing saved from a refused submission
    done = assessor.post(SCORE, data=scores_form(html, 3, 2, 4, 1, 0, submit="y"))
    assert done.status_code == 302
    assert {(c, s, sub) for _, c, s, sub, _ in stored_scores(app)} == {
        (c, s, True) for c, s in zip(CRITERIA, (3, 2, 4, 1, 0), strict=True)
    }
    after = assessor.get(SCORE).get_data(as_text=True)
    assert "You have submitted your assessment" in after and 'name="value_for_money-score"' not in after


def test_a_justification_too_long_or_with_a_control_character_is_refused_at_its_field(app, sign_in, assigned):
    assessor = sign_in("assessor")
    html = assessor.get(SCORE).get_data(as_text=True)
    refusals = []
    for criterion, text in (("value_for_money", "x" * 10_001), ("innovation", "Ring the bell\x07")):
        data = scores_form(html, 3, 2, None, None, None, save="y") | {f"{criterion}-justification": text}
        refusals += screen(assessor.post(SCORE, data=data)).summary
    assert refusals == [
        (
            "#value_for_money-justification",
            "The justification for Value for money must be 10,000 characters or fewer",
        ),
        (
            "#innovation-justification",
            "The justification for Innovation contains a control character: remove it",
        ),
    ]
    assert stored_scores(app) == []


def test_a_save_from_a_stale_page_shows_what_changed_and_overwrites_nothing(app, sign_in, assigned):
    first, second = sign_in("assessor"), sign_in("assessor")
    old_page = second.get(SCORE).get_data(as_text=True)
    first.post(
        SCORE,
        data=scores_form(
            first.get(SCORE).get_data(as_text=True), 1, None, None, None, None, why="Thin", save="y"
        ),
    )
    response = second.post(
        SCORE, data=scores_form(old_page, 4, None, None, None, None, why="Strong", save="y")
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your changes were not saved: Value for money changed since you opened the page" in page
    assert re.search(r"assessor@tests.bidtool.test saved Value for money at .*: score 1 – “Thin”", page)
    assert 'value="4" checked' in page  # what they chose is still on the page
    assert stored_scores(app) == [(email_of("assessor"), "value_for_money", 1, False, False)]
    again = second.post(SCORE, data=scores_form(page, 4, None, None, None, None, why="Strong", save="y"))
    assert again.status_code == 302
    assert stored_scores(app)[0][2] == 4


def test_a_declared_interest_takes_the_bid_away_from_the_assessor(app, sign_in, assigned):
    assessor = sign_in("assessor")
    page = assessor.get(f"/rounds/{ROUND}/interests").get_data(as_text=True)
    # The value the page offers for the bid, sent back as a browser sends it.
    value = re.search(rf'<option value="([^"]*)">{BID}: ', page).group(1)
    blank = screen(assessor.post(f"/rounds/{ROUND}/interests", data={"bid": value, "reason": " "}))
    assert [text for _, text in blank.summary] == ["Enter your interest in the bid"]
    unchosen = screen(assessor.post(f"/rounds/{ROUND}/interests", data={"bid": "", "reason": "Something"}))
    assert [text for _, text in unchosen.summary] == ["Choose the bid you have an interest in"]
    reason = "I advised the councils"
    response = assessor.post(f"/rounds/{ROUND}/interests", data={"bid": value, "reason": reason})
    assert response.status_code == 302
    assert "I advised the councils" in assessor.get(f"/rounds/{ROUND}/interests").get_data(as_text=True)
    refused = assessor.get(SCORE)
    assert refused.status_code == 403
    assert "You have declared an interest in BMS-01" in refused.get_data(as_text=True)
    conflicts = sign_in("lead").get(f"/rounds/{ROUND}/assessors").get_data(as_text=True)
    assert f"{email_of('assessor')}: I advised the councils" in conflicts


def test_an_assessor_of_a_partner_organisation_cannot_open_the_bid(app, session, sign_in, assigned, people):
    user = session.get(UserRow, people["assessor"])
    user.organisation = "Mid Suffolk District Council"
    session.commit()
    response = sign_in("assessor").get(SCORE)
    assert response.status_code == 403
    assert "You have a conflict of interest in BMS-01" in response.get_data(as_text=True)


@pytest.fixture
def divergent(app, session, sign_in, assigned, people, password_hash):
    """Two assessors have submitted scores three points apart on value for money."""
    second = UserRow(email="second@tests.bidtool.test", password_hash=password_hash, role="assessor")
    session.add(second)
    session.commit()
    assign(session, people["lead"], ROUND, [BID], [second.id])
    other = app.test_client()
    other.post("/sign-in", data={"email": second.email, "password": PASSWORD})
    for client, scores in ((sign_in("assessor"), (1, 2, 2, 2, 2)), (other, (4, 2, 2, 2, 2))):
        html = client.get(SCORE).get_data(as_text=True)
        assert client.post(SCORE, data=scores_form(html, *scores, submit="y")).status_code == 302


def test_moderation_shows_scores_side_by_side_and_a_moderated_score_counts(app, sign_in, divergent):
    lead = sign_in("lead")
    html = lead.get(MODERATE).get_data(as_text=True)
    section = html[
        html.index('data-testid="moderate-value_for_money"') : html.index('data-testid="moderate-innovation"')
    ]
    assert "Scores diverge" in section and "3 points apart" in section
    assert "assessor@tests.bidtool.test" in section and "second@tests.bidtool.test" in section
    assert "Scores diverge" not in html[html.index('data-testid="moderate-innovation"') :]
    refused = screen(lead.post(MODERATE, data=scores_form(html, 3, None, None, None, None, why="")))
    assert [t for _, t in refused.summary] == ["Enter a justification of the score for Value for money"]
    assert (
        lead.post(MODERATE, data=scores_form(html, 3, None, None, None, None, why="Sound BCR")).status_code
        == 302
    )
    assert (email_of("lead"), "value_for_money", 3, True, True) in stored_scores(app)
    lead.post(f"/rounds/{ROUND}/bids/{BID}/complete")
    page = lead.get(MODERATE).get_data(as_text=True)
    assert "is complete, so its scores can no longer change" in page
    timeline = lead.get(f"/rounds/{ROUND}/bids/{BID}").get_data(as_text=True)
    assert "Moderated score</strong> · Value for money by lead@tests.bidtool.test" in timeline
    assert "“Sound BCR”" in timeline and "in assessment → complete" in timeline


def test_the_panel_sees_the_history_and_a_council_sees_no_score(sign_in, divergent, session):
    assert "second@tests.bidtool.test" in sign_in("panel").get(f"/rounds/{ROUND}/bids/{BID}").get_data(
        as_text=True
    )
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    bid.lead_organisation = "Anytown District Council"
    session.commit()
    page = sign_in("council").get(f"/rounds/{ROUND}/bids/{BID}").get_data(as_text=True)
    assert "History" not in page and "As the bid shows" not in page and "assessor@tests" not in page


def test_the_scores_and_their_history_download_as_xlsx(sign_in, divergent):
    response = sign_in("panel").get(f"/rounds/{ROUND}/scores.xlsx")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{ROUND}-scores.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    scores = list(book["Scores"].values)
    assert scores[0] == ("bid", "criterion", "assessor", "score", "justification", "moderated")
    assert len(scores) == 11
    assert (
        "BMS-01",
        "value_for_money",
        "second@tests.bidtool.test",
        4,
        "As the bid shows",
        "false",
    ) in scores
    history = list(book["History"].values)
    assert history[0][:4] == ("at (UTC)", "by", "bid", "what")
    assert sum(1 for row in history if row[3] == "score") == 10
    assert (
        json.dumps([row[1] for row in history[1:]]).count("lead@tests.bidtool.test") == 2
    )  # two assignments
