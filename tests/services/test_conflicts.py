"""Conflicts of interest as a rule: whatever changes (a user's organisation, a bid's partners, an
interest, the round's aliases), an assignment that crosses a conflict ends in the same commit, and
the assessor cannot read the bid anywhere."""

import dataclasses

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.access import Role
from bidtool.core.bid import Partner, PartnerType
from bidtool.core.errors import InvalidInput
from bidtool.models import AssignmentRow, BidRow, ConflictRow, HistoryRow
from bidtool.services import EVERYONE, Kind, Refused, Scope
from bidtool.services.accounts import update_user
from bidtool.services.assessment import assign, history, my_assessments
from bidtool.services.bids import get_bid, round_bids, save_bid, to_core
from bidtool.services.conflicts import round_conflicts, save_aliases
from bidtool.services.rounds import get_round
from bidtool.services.transfer import export_bids

ROUND = "tca-2013"
BID = "BMS-01"  # Babergh District Council with Mid Suffolk District Council
OTHER = "BNS-02"


@pytest.fixture
def assigned(session, demo, people):
    assert assign(session, people["lead"], ROUND, [BID, OTHER], [people["assessor"]]) == (2, [])
    return people["assessor"]


def readable(session, assessor: int) -> set[str]:
    """The bids of the round the assessor can read, by every way there is to read them."""
    scope = Scope(assessor_id=assessor)
    listed = {b.reference for b in round_bids(session, scope, get_round(session, ROUND))}
    mine = {a.bid.reference for a in my_assessments(session, assessor)}
    exported = export_bids(session, scope, ROUND, "json")[2].decode()
    opened = set()
    for reference in (BID, OTHER):
        try:
            get_bid(session, scope, ROUND, reference)
        except Refused:
            continue
        opened.add(reference)
    assert {ref for ref in (BID, OTHER) if f'"{ref}"' in exported} == listed == mine == opened
    return opened


def committed_assignments(assessor: int) -> set[str]:
    """What another connection sees: so the assignments ended in the change's own commit."""
    with Session(db.engine()) as other:
        query = select(BidRow.reference).join(AssignmentRow).where(AssignmentRow.assessor_id == assessor)
        return set(other.exec(query))


def ended(session) -> list[tuple[str, str, str, str]]:
    return [
        (e.bid, e.old, e.new, e.justification)
        for e in history(session, get_round(session, ROUND))
        if e.kind is Kind.ASSIGNMENT and e.new == "removed"
    ]


def test_an_admin_moving_an_assessor_to_a_partner_ends_the_assignment_at_once(session, assigned, people):
    assert readable(session, assigned) == {BID, OTHER}
    update_user(session, people["admin"], assigned, Role.ASSESSOR, "mid suffolk  district council", True)
    assert committed_assignments(assigned) == {OTHER}
    assert ended(session) == [
        (
            BID,
            "assigned",
            "removed",
            "Conflict of interest: mid suffolk  district council is a partner in the bid",
        )
    ]
    assert readable(session, assigned) == {OTHER}
    with pytest.raises(Refused, match="You have a conflict of interest in BMS-01"):
        get_bid(session, Scope(assessor_id=assigned), ROUND, BID)


def test_an_assessor_cannot_read_a_bid_they_have_a_conflict_with_even_while_assigned(session, assigned):
    bid = get_bid(session, EVERYONE, ROUND, BID)
    session.add(ConflictRow(bid_id=bid.id, assessor_id=assigned, reason="Written in by hand"))
    session.commit()  # nothing ended the assignment: the scope alone keeps the bid from them
    assert committed_assignments(assigned) == {BID, OTHER}
    assert readable(session, assigned) == {OTHER}


def test_a_partner_added_to_a_bid_ends_the_assignment_of_that_partners_assessor(session, assigned, people):
    update_user(session, people["admin"], assigned, Role.ASSESSOR, "Ipswich Borough Council", True)
    row = get_bid(session, EVERYONE, ROUND, BID)
    row.status = "draft"  # only a draft changes; this one was assigned before it went back
    session.commit()
    bid = to_core(row)
    partners = (*bid.partners, Partner("Ipswich Borough Council", PartnerType.DISTRICT))
    save_bid(session, EVERYONE, ROUND, BID, dataclasses.replace(bid, partners=partners), people["council"])
    assert committed_assignments(assigned) == {OTHER}
    [entry] = session.exec(select(HistoryRow).where(HistoryRow.new == "removed")).all()
    assert entry.actor_id == people["council"]


def test_aliases_find_the_conflict_and_saving_them_ends_the_assignment(session, assigned, people):
    update_user(session, people["admin"], assigned, Role.ASSESSOR, "Mid Suffolk DC", True)
    assert committed_assignments(assigned) == {BID, OTHER}
    assert save_aliases(session, people["lead"], ROUND, "Mid Suffolk DC = Mid Suffolk District Council") == 1
    assert committed_assignments(assigned) == {OTHER}
    assert ended(session) == [
        (
            BID,
            "assigned",
            "removed",
            "Conflict of interest: Mid Suffolk DC is a partner in the bid, as Mid Suffolk District Council",
        )
    ]
    [change] = [e for e in history(session, get_round(session, ROUND)) if e.kind is Kind.ROUND]
    assert (change.bid, change.subject, change.old, change.new, change.justification) == (
        "",
        "Organisation aliases",
        "0 groups of names",
        "1 group of names",
        "Mid Suffolk DC = Mid Suffolk District Council",
    )
    row = session.exec(select(HistoryRow).where(HistoryRow.kind == "round")).one()
    assert (row.round_id, row.bid_id) == (get_round(session, ROUND).id, None)
    assert assign(session, people["lead"], ROUND, [BID], [assigned]) == (
        0,
        [
            "assessor@tests.bidtool.test was not assigned to BMS-01: "
            "Mid Suffolk DC is a partner in the bid, as Mid Suffolk District Council"
        ],
    )


def test_bad_alias_lines_change_nothing(session, assigned, people):
    with pytest.raises(InvalidInput, match="Line 2: names only one organisation"):
        save_aliases(session, people["lead"], ROUND, "A = B\nMid Suffolk DC")
    assert get_round(session, ROUND).aliases == []
    assert session.exec(select(HistoryRow).where(HistoryRow.kind == "round")).all() == []


def test_the_conflicts_of_a_round_are_found_in_a_few_queries_however_many_bids(session, assigned, people):
    update_user(
        session, people["admin"], people["lead"], Role.LEAD_ASSESSOR, "Babergh District Council", True
    )
    round_row = get_round(session, ROUND)
    statements = []
    event.listen(db.engine(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    found = round_conflicts(session, round_row)
    assert len(statements) <= 4
    assert {
        session.get(BidRow, bid_id).reference for bid_id, who in found.items() if people["lead"] in who
    } == {BID}
