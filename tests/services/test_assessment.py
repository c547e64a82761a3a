"""Assessment rules: assignment, conflicts, scoring, moderation, completion, stale saves, history."""

import pytest
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.access import Role
from bidtool.core.errors import InvalidInput
from bidtool.models import AssignmentRow, BidRow, HistoryRow, ScoreRow
from bidtool.services import Refused
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import (
    Entry,
    Kind,
    Progress,
    Stale,
    assign,
    complete_assessment,
    declare_interest,
    history,
    moderation,
    my_assessments,
    my_scores,
    rank_round,
    round_assignments,
    save_moderation,
    save_scores,
    unassign,
    versions,
)
from bidtool.services.rounds import get_round
from tests.conftest import PASSWORD

ROUND = "tca-2013"
BID = "BMS-01"  # Babergh and Mid Suffolk
CRITERIA = ("value_for_money", "innovation", "collaboration", "deliverability", "transferability")


def entries(*scores: int | None, why: str = "Seen in the bid") -> dict[str, Entry]:
    return {c: Entry(c, s, why if s is not None else "") for c, s in zip(CRITERIA, scores, strict=True)}


@pytest.fixture
def second(session) -> int:
    return create_user(session, NewUser("second@assessors.example.gov.uk", Role.ASSESSOR, None), PASSWORD).id


@pytest.fixture
def assigned(session, demo, people, second):
    """The test assessor and a second one assigned to BID by the lead."""
    assert assign(session, people["lead"], ROUND, [BID], [people["assessor"], second]) == (2, [])
    return people["assessor"], second


def submit(session, assessor: int, *scores: int) -> Progress:
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    seen = versions(my_scores(session, bid, assessor))
    return save_scores(session, assessor, ROUND, BID, entries(*scores), seen, submit=True)


def bms(session):
    return next(r for r in rank_round(session, ROUND).rows if r.bid.reference == BID).bid


def test_bulk_assignment_assigns_every_pair_and_says_which_could_not_be(session, demo, people, second):
    council = create_user(
        session,
        NewUser("officer@babergh.example.gov.uk", Role.ASSESSOR, "Babergh District Council"),
        PASSWORD,
    )
    assigned, refused = assign(
        session, people["lead"], ROUND, [BID, "BNS-02"], [people["assessor"], council.id]
    )
    assert assigned == 3
    assert refused == [
        "officer@babergh.example.gov.uk was not assigned to BMS-01: "
        "Babergh District Council is a partner in the bid"
    ]
    assert assign(session, people["lead"], ROUND, [BID], [people["assessor"]]) == (0, [])  # already assigned
    _, listed, assessors = round_assignments(session, ROUND)
    bms_row = next(b for b in listed if b.bid.reference == BID)
    assert [a.user.email for a in bms_row.assignees] == ["assessor@tests.bidtool.test"]
    assert [(u.email, why) for u, why in bms_row.conflicts] == [
        ("officer@babergh.example.gov.uk", "Babergh District Council is a partner in the bid")
    ]
    assert people["lead"] not in {u.id for u in assessors}  # only assessors are assigned
    events = [e for e in history(session, get_round(session, ROUND)) if e.kind is Kind.ASSIGNMENT]
    assert {(e.bid, e.subject, e.new, e.actor) for e in events} == {
        ("BMS-01", "assessor@tests.bidtool.test", "assigned", "lead@tests.bidtool.test"),
        ("BNS-02", "assessor@tests.bidtool.test", "assigned", "lead@tests.bidtool.test"),
        ("BNS-02", "officer@babergh.example.gov.uk", "assigned", "lead@tests.bidtool.test"),
    }


def test_assigning_nothing_says_what_to_choose(session, demo, people):
    with pytest.raises(InvalidInput) as raised:
        assign(session, people["lead"], ROUND, [], [])
    assert [(p.where, p.message) for p in raised.value.problems] == [
        ("bids", "Select at least one bid"),
        ("assessors", "Select at least one assessor"),
    ]


def test_an_assessor_scores_in_drafts_then_submits_and_the_scores_count(session, assigned, people):
    assessor, _ = assigned
    assert my_assessments(session, assessor)[0].progress is Progress.NOT_STARTED
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    draft = entries(3, None, None, None, None) | {"innovation": Entry("innovation", None, "Half a thought")}
    assert save_scores(session, assessor, ROUND, BID, draft, {}, submit=False) is Progress.IN_PROGRESS
    assert bms(session).criteria["value_for_money"].score is None  # drafts do not count
    with pytest.raises(InvalidInput) as raised:
        save_scores(
            session, assessor, ROUND, BID, draft, versions(my_scores(session, bid, assessor)), submit=True
        )
    paths = {p.where for p in raised.value.problems}
    assert "innovation-score" in paths and "innovation-justification" not in paths
    assert "collaboration-justification" in paths and "value_for_money-score" not in paths
    assert submit(session, assessor, 3, 2, 4, 1, 0) is Progress.SUBMITTED
    assert my_assessments(session, assessor)[0].progress is Progress.SUBMITTED
    assert bms(session).criteria["collaboration"].score == 4
    with pytest.raises(Refused, match="submitted your assessment"):
        submit(session, assessor, 4, 4, 4, 4, 4)


def test_scores_off_the_scale_are_refused(session, assigned):
    with pytest.raises(InvalidInput) as raised:
        save_scores(session, assigned[0], ROUND, BID, entries(5, None, None, None, None), {}, submit=False)
    assert [p.message for p in raised.value.problems] == ["Choose a score for Value for money from the scale"]
    assert session.exec(select(ScoreRow)).all() == []


def test_a_save_from_a_stale_page_is_refused_shows_what_changed_and_overwrites_nothing(session, assigned):
    assessor, _ = assigned
    save_scores(
        session, assessor, ROUND, BID, entries(2, None, None, None, None, why="First tab"), {}, submit=False
    )
    with pytest.raises(Stale) as raised:  # a second tab, opened before the first saved
        save_scores(
            session, assessor, ROUND, BID, entries(4, 4, None, None, None, why="Second tab"), {}, submit=False
        )
    change = raised.value.changes[0]
    assert (change.criterion, change.score, change.justification) == ("Value for money", 2, "First tab")
    assert change.by == "assessor@tests.bidtool.test"
    assert raised.value.versions == {"value_for_money": 1}
    stored = session.exec(select(ScoreRow)).all()
    assert [(r.criterion, r.score, r.justification) for r in stored] == [("value_for_money", 2, "First tab")]
    # Saving again from the page that now knows the change goes through.
    save_scores(
        session, assessor, ROUND, BID, entries(4, 4, None, None, None), raised.value.versions, submit=False
    )
    assert {r.criterion: r.score for r in session.exec(select(ScoreRow))} == {
        "value_for_money": 4,
        "innovation": 4,
    }


def test_a_conflicted_assessor_cannot_score_and_their_earlier_scores_stop_counting(session, assigned, people):
    assessor, second = assigned
    submit(session, assessor, 0, 0, 0, 0, 0)
    submit(session, second, 4, 4, 4, 4, 4)
    assert bms(session).criteria["innovation"].score == 2
    declare_interest(session, assessor, ROUND, BID, "My sister leads the Babergh programme")
    assert bms(session).criteria["innovation"].score == 4
    with pytest.raises(Refused, match="declared an interest"):  # the declaration ends the assignment
        save_scores(session, assessor, ROUND, BID, entries(1, 1, 1, 1, 1), {}, submit=False)
    assert session.exec(select(AssignmentRow).where(AssignmentRow.assessor_id == assessor)).all() == []
    with pytest.raises(Refused, match="already got a conflict"):
        declare_interest(session, assessor, ROUND, BID, "Again")
    with pytest.raises(InvalidInput):
        declare_interest(session, assessor, ROUND, "BNS-02", "   ")
    assigned_again = assign(session, people["lead"], ROUND, [BID], [assessor])
    assert assigned_again == (
        0,
        ["assessor@tests.bidtool.test was not assigned to BMS-01: My sister leads the Babergh programme"],
    )
    kinds = [
        (e.kind, e.new, e.justification)
        for e in history(session, get_round(session, ROUND))
        if e.kind in (Kind.CONFLICT, Kind.ASSIGNMENT) and e.new != "assigned"
    ]
    assert kinds == [
        (Kind.CONFLICT, "declared", "My sister leads the Babergh programme"),
        (Kind.ASSIGNMENT, "removed", "Conflict of interest: My sister leads the Babergh programme"),
    ]


def test_removing_an_assessor_drops_their_draft_but_a_submitted_assessment_stands(session, assigned, people):
    assessor, second = assigned
    save_scores(session, assessor, ROUND, BID, entries(1, None, None, None, None), {}, submit=False)
    submit(session, second, 2, 2, 2, 2, 2)
    unassign(session, people["lead"], ROUND, BID, assessor)
    assert [r.assessor_id for r in session.exec(select(ScoreRow))] == [second] * 5
    with pytest.raises(Refused, match="has submitted"):
        unassign(session, people["lead"], ROUND, BID, second)
    with pytest.raises(Refused, match="is not assigned"):
        unassign(session, people["lead"], ROUND, BID, assessor)


def test_moderation_flags_divergence_overrides_the_mean_and_completes(session, assigned, people):
    assessor, second = assigned
    submit(session, assessor, 1, 3, 2, 2, 2)
    submit(session, second, 3, 3, 2, 2, 2)
    lead = people["lead"]
    seen = moderation(session, lead, ROUND, BID)
    assert (
        seen.scored.criteria["value_for_money"].divergent and not seen.scored.criteria["innovation"].divergent
    )
    assert [s.score for _, s, counts in seen.scores["value_for_money"] if counts] == [1, 3]
    with pytest.raises(InvalidInput) as raised:
        save_moderation(session, lead, ROUND, BID, {"value_for_money": Entry("value_for_money", 2, "")}, {})
    assert [p.message for p in raised.value.problems] == [
        "Enter a justification of the score for Value for money"
    ]
    moderate = {"value_for_money": Entry("value_for_money", 2, "The BCR is sound; the target lacks detail")}
    save_moderation(session, lead, ROUND, BID, moderate, versions(seen.moderations))
    result = bms(session).criteria["value_for_money"]
    assert (result.score, result.moderated) == (2, True)
    with pytest.raises(Stale):  # another lead's page from before the moderation
        save_moderation(session, lead, ROUND, BID, {"value_for_money": Entry("value_for_money", 3, "No")}, {})
    complete_assessment(session, lead, ROUND, BID)
    with pytest.raises(Refused, match="is complete"):
        save_moderation(
            session, lead, ROUND, BID, moderate, versions(moderation(session, lead, ROUND, BID).moderations)
        )
    events = history(
        session, get_round(session, ROUND), session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    )
    assert [(e.kind, e.subject, e.old, e.new) for e in events if e.kind in (Kind.MODERATION, Kind.STATUS)][
        -2:
    ] == [
        (Kind.MODERATION, "Value for money by lead@tests.bidtool.test", "", "2"),
        (Kind.STATUS, "Assessment of the bid", "in assessment", "complete"),
    ]


def test_an_assessment_with_an_unscored_criterion_cannot_be_completed(session, assigned, people):
    with pytest.raises(Refused, match="Not yet scored: Value for money"):
        complete_assessment(session, people["lead"], ROUND, BID)


def test_drafts_are_neither_assigned_nor_scored(session, demo, people):
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    bid.status = "draft"
    session.commit()
    assert assign(session, people["lead"], ROUND, [BID], [people["assessor"]]) == (
        0,
        ["BMS-01 is still a draft, so it cannot be assigned"],
    )


def test_every_score_change_is_in_the_history_with_who_when_and_why(session, assigned):
    assessor, _ = assigned
    save_scores(
        session, assessor, ROUND, BID, entries(1, None, None, None, None, why="Thin"), {}, submit=False
    )
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    seen = versions(my_scores(session, bid, assessor))
    save_scores(session, assessor, ROUND, BID, entries(3, 3, 3, 3, 3, why="Read again"), seen, submit=True)
    rows = session.exec(select(HistoryRow).where(HistoryRow.kind == "score").order_by(HistoryRow.id)).all()
    first_two = [(r.subject, r.old, r.new, r.justification, r.actor_id) for r in rows[:2]]
    assert first_two == [
        ("value_for_money by assessor@tests.bidtool.test", "", "1", "Thin", assessor),
        ("value_for_money by assessor@tests.bidtool.test", "1", "3", "Read again", assessor),
    ]
    assert all(r.at is not None for r in rows) and len(rows) == 6


def test_two_saves_racing_past_the_check_cannot_both_be_written(session, assigned):
    """The second of two saves that both passed the version check (each had read version 1) is
    refused by the database update itself, and the first one's scores stay."""
    assessor, _ = assigned
    save_scores(
        session, assessor, ROUND, BID, entries(2, None, None, None, None, why="First"), {}, submit=False
    )
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    seen = versions(my_scores(session, bid, assessor))  # this session now holds version 1 in memory
    with Session(db.engine()) as other:  # another request saves in between
        save_scores(
            other, assessor, ROUND, BID, entries(3, None, None, None, None, why="Other"), seen, submit=False
        )
    with pytest.raises(Stale) as raised:
        save_scores(
            session, assessor, ROUND, BID, entries(4, None, None, None, None, why="Late"), seen, submit=False
        )
    assert [(c.score, c.justification) for c in raised.value.changes] == [(3, "Other")]
    session.expire_all()
    assert [(r.score, r.justification, r.version) for r in session.exec(select(ScoreRow))] == [
        (3, "Other", 2)
    ]


def test_a_lead_assessor_with_an_interest_cannot_open_the_moderation(session, assigned, people):
    declare_interest(session, people["lead"], ROUND, BID, "I chaired the Babergh board")
    with pytest.raises(Refused, match="conflict of interest in BMS-01"):
        moderation(session, people["lead"], ROUND, BID)
