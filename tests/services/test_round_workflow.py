"""Only submitted bids are assessed; completing an assessment, and reopening it; withdrawing an interest."""

import pytest
from sqlmodel import select

from bidtool.core.access import Role
from bidtool.core.errors import InvalidInput
from bidtool.models import AssignmentRow, BidRow, ConflictRow, ScoreRow
from bidtool.services import EVERYONE, NotFound, Refused, Scope
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import (
    Kind,
    Progress,
    assign,
    complete_assessment,
    completion,
    declare_interest,
    declared_interests,
    drafts_in,
    history,
    import_scores,
    my_assessments,
    rank_round,
    reopen_assessment,
    round_scores,
    save_scores,
    scoring_bid,
    withdraw_interest,
)
from bidtool.services.bids import get_bid
from bidtool.services.rounds import get_round
from bidtool.services.sheets import bid_sheet, round_pack
from tests.conftest import PASSWORD
from tests.services.test_assessment import BID, ROUND, entries, submit

DRAFT = "SWI-50"


def test_a_draft_is_not_ranked_exported_or_printed_and_the_round_counts_it(session, scored, demo_draft):
    ranked = [r.bid.reference for r in rank_round(session, ROUND).rows]
    assert len(ranked) == 18 and DRAFT not in ranked
    round_row = get_round(session, ROUND)
    assert drafts_in(session, round_row) == 1
    assert DRAFT not in {s.bid for s in round_scores(session, round_row)}
    pack = round_pack(session, EVERYONE, ROUND)
    assert (len(pack.sheets), pack.drafts) == (18, 1)
    assert DRAFT not in {s.bid.reference for s in pack.sheets}
    with pytest.raises(Refused, match="SWI-50 is still a draft: it has no assessment sheet"):
        bid_sheet(session, EVERYONE, ROUND, DRAFT)


def test_scores_of_a_draft_are_not_imported(session, scored, demo_draft):
    line = "bid,criterion,assessor,score,justification,moderated\n"
    line += f"{DRAFT},innovation,a.khan@assessors.example.gov.uk,3,Seen,false\n"
    with pytest.raises(InvalidInput, match=DRAFT):
        import_scores(session, None, ROUND, line.splitlines(keepends=True))


@pytest.fixture
def three(session, demo, people) -> tuple[int, int, int]:
    """Three assessors assigned to BID: one submits, one has a draft, one has not started."""
    ids = (
        people["assessor"],
        *(
            create_user(
                session, NewUser(f"{name}@assessors.example.gov.uk", Role.ASSESSOR, None), PASSWORD
            ).id
            for name in ("drafting", "waiting")
        ),
    )
    assign(session, people["lead"], ROUND, [BID], ids)
    submit(session, ids[0], 2, 3, 2, 2, 1)
    save_scores(session, ids[1], ROUND, BID, entries(4, None, None, None, None), {}, submit=False)
    return ids


def listed(session, assessor: int) -> dict[str, Progress]:
    return {a.bid.reference: a.progress for a in my_assessments(session, assessor)}


def test_completion_names_who_has_not_submitted_and_takes_the_bid_off_their_lists(session, three, people):
    done, drafting, waiting = three
    found = completion(session, people["lead"], ROUND, BID)
    assert found.refusal is None
    assert [(a.user.email, a.progress) for a in found.waiting] == [
        ("drafting@assessors.example.gov.uk", Progress.IN_PROGRESS),
        ("waiting@assessors.example.gov.uk", Progress.NOT_STARTED),
    ]

    complete_assessment(session, people["lead"], ROUND, BID)

    assert listed(session, done) == {BID: Progress.SUBMITTED}
    assert listed(session, drafting) == {} and listed(session, waiting) == {}
    with pytest.raises(Refused, match="is complete"):
        save_scores(session, drafting, ROUND, BID, entries(4, 4, 4, 4, 4), {}, submit=True)
    assert completion(session, people["lead"], ROUND, BID).refusal == (
        "The assessment of BMS-01 is complete, so its scores can no longer change."
    )


def test_completing_takes_the_bid_off_the_lists_of_assessors_who_had_not_submitted(session, three, people):
    complete_assessment(session, people["lead"], ROUND, BID)
    assert BID not in listed(session, three[2])


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("  ", "must not be empty"),
        ("x" * 2_001, "2,001 characters long; the most allowed is 2,000"),
        ("A score\x07 was wrong", "contains a control character"),
    ],
)
def test_a_reopening_needs_a_readable_reason(session, three, people, reason, problem):
    complete_assessment(session, people["lead"], ROUND, BID)
    with pytest.raises(InvalidInput, match=problem):
        reopen_assessment(session, people["lead"], ROUND, BID, reason)
    assert session.exec(select(BidRow).where(BidRow.reference == BID)).one().assessed_at is not None


def test_a_reopened_assessment_can_be_scored_again_and_both_changes_are_in_the_history(
    session, three, people
):
    _, drafting, waiting = three
    lead = people["lead"]
    with pytest.raises(Refused, match="not complete, so there is nothing to reopen"):
        reopen_assessment(session, lead, ROUND, BID, "Too soon")
    complete_assessment(session, lead, ROUND, BID)

    reopen_assessment(session, lead, ROUND, BID, "Innovation was scored against the wrong bid")

    assert listed(session, drafting) == {BID: Progress.IN_PROGRESS}  # their draft is still there
    assert listed(session, waiting) == {BID: Progress.NOT_STARTED}
    assert submit(session, drafting, 4, 3, 3, 3, 3) is Progress.SUBMITTED
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    events = [
        (e.actor, e.old, e.new, e.justification)
        for e in history(session, get_round(session, ROUND), bid)
        if e.kind is Kind.STATUS and e.subject == "Assessment of the bid"
    ]
    assert events == [
        ("lead@tests.bidtool.test", "in assessment", "complete", ""),
        ("lead@tests.bidtool.test", "complete", "reopened", "Innovation was scored against the wrong bid"),
    ]


def test_an_assessor_withdraws_a_declared_interest_and_is_not_assigned_again(session, demo, people):
    assessor = people["assessor"]
    assign(session, people["lead"], ROUND, [BID], [assessor])
    declare_interest(session, assessor, ROUND, BID, "I advised on the bid")

    withdraw_interest(session, assessor, ROUND, BID)

    assert session.exec(select(ConflictRow)).all() == []
    assert session.exec(select(AssignmentRow)).all() == []
    assert declared_interests(session, assessor, get_round(session, ROUND)) == []
    with pytest.raises(NotFound):
        scoring_bid(session, assessor, ROUND, BID)
    assert [(e.kind, e.actor, e.old, e.new) for e in history(session, get_round(session, ROUND))][-1] == (
        Kind.CONFLICT,
        "assessor@tests.bidtool.test",
        "declared",
        "withdrawn",
    )
    with pytest.raises(Refused, match="You have not declared an interest in BMS-01"):
        withdraw_interest(session, assessor, ROUND, BID)
    assert assign(session, people["lead"], ROUND, [BID], [assessor]) == (1, [])  # the lead can again


def test_an_interest_through_the_organisation_cannot_be_withdrawn(session, demo, people):
    officer = create_user(
        session,
        NewUser("officer@babergh.example.gov.uk", Role.ASSESSOR, "Babergh District Council"),
        PASSWORD,
    )
    [interest] = declared_interests(session, officer.id, get_round(session, ROUND))
    assert (interest.bid.reference, interest.declared) == (BID, False)
    with pytest.raises(Refused) as refused:
        withdraw_interest(session, officer.id, ROUND, BID)
    assert str(refused.value) == (
        "Your interest in BMS-01 cannot be withdrawn: it arises because "
        "Babergh District Council is a partner in the bid, not from a declaration."
    )


def test_opening_a_bid_you_declared_an_interest_in_says_so(session, demo, people):
    assessor = people["assessor"]
    assign(session, people["lead"], ROUND, [BID], [assessor])
    declare_interest(session, assessor, ROUND, BID, "I advised on the bid")
    with pytest.raises(Refused, match="You have declared an interest in BMS-01"):
        get_bid(session, Scope(assessor_id=assessor), ROUND, BID)
    with pytest.raises(NotFound, match="There is no bid 'BNS-02'"):  # not assigned, no interest
        get_bid(session, Scope(assessor_id=assessor), ROUND, "BNS-02")


def test_a_rounds_scores_come_in_one_order_whatever_the_database_last_wrote(session, scored):
    """PostgreSQL returns a row it has just updated last unless asked for an order: the scores
    (and so the Monte Carlo's draws and the printed sheets' keys) must not move when one is edited."""
    round_row = get_round(session, ROUND)
    before = round_scores(session, round_row)
    first = session.exec(select(ScoreRow).order_by(ScoreRow.id)).first()
    first.justification = "Rewritten after the panel met."
    session.commit()
    after = round_scores(session, round_row)
    assert [(s.bid, s.criterion, s.assessor, s.moderated) for s in after] == [
        (s.bid, s.criterion, s.assessor, s.moderated) for s in before
    ]
    assert before == sorted(before, key=lambda s: (s.bid, s.criterion, s.moderated, s.assessor))
