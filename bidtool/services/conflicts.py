"""Conflicts of interest as a rule: declared, or found when an assessor's organisation is one of a
bid's (through the round's aliases), and an assignment that comes to cross one ends at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, select

from bidtool.core.access import Role
from bidtool.core.organisations import Aliases, format_aliases, normalise, parse_aliases
from bidtool.models import AssignmentRow, BidRow, ConflictRow, HistoryRow, PartnerRow, RoundRow, UserRow
from bidtool.services import Kind
from bidtool.services.rounds import get_round

ASSESSING = (Role.ASSESSOR.value, Role.LEAD_ASSESSOR.value)


def round_conflicts(
    session: Session,
    round_row: RoundRow,
    bids: Sequence[BidRow] | None = None,
    assessor_id: int | None = None,
) -> dict[int, dict[int, str]]:
    """For each bid of a round (or these bids), the assessors (or this one) with an interest, and why."""
    scope = [b.id for b in bids] if bids is not None else None
    declared = select(ConflictRow).join(BidRow).where(BidRow.round_id == round_row.id)
    names = select(PartnerRow.bid_id, PartnerRow.name).join(BidRow).where(BidRow.round_id == round_row.id)
    leads = select(BidRow.id, BidRow.lead_organisation).where(BidRow.round_id == round_row.id)
    users = select(UserRow).where(
        UserRow.role.in_(ASSESSING), UserRow.active, UserRow.organisation.is_not(None)
    )
    if scope is not None:
        declared = declared.where(ConflictRow.bid_id.in_(scope))
        names = names.where(PartnerRow.bid_id.in_(scope))
        leads = leads.where(BidRow.id.in_(scope))
    if assessor_id is not None:
        declared = declared.where(ConflictRow.assessor_id == assessor_id)
        users = users.where(UserRow.id == assessor_id)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for conflict in session.exec(declared):
        found[conflict.bid_id][conflict.assessor_id] = conflict.reason
    aliases = Aliases(tuple(tuple(group) for group in round_row.aliases))
    by_key = defaultdict(list)
    for user in session.exec(users.order_by(UserRow.email)):
        by_key[aliases.key(user.organisation)].append(user)
    for bid_id, name in [*session.exec(leads), *session.exec(names.order_by(PartnerRow.position))]:
        for user in by_key.get(aliases.key(name), ()):
            found[bid_id].setdefault(user.id, _reason(user.organisation, name))
    return dict(found)


def _reason(organisation: str, name: str) -> str:
    if normalise(organisation) == normalise(name):
        return f"{organisation} is a partner in the bid"
    return f"{organisation} is a partner in the bid, as {name}"


def conflicts(session: Session, bid: BidRow) -> dict[int, str]:
    """Assessors with an interest in a bid, and why: declared, or their organisation is a partner."""
    return round_conflicts(session, bid.round, [bid]).get(bid.id, {})


def end_conflicted_assignments(
    session: Session,
    actor_id: int | None,
    *,
    round_id: int | None = None,
    bid_ids: Sequence[int] | None = None,
    assessor_id: int | None = None,
) -> int:
    """End every assignment (of a round, of these bids, of an assessor) that now crosses a conflict
    of interest, each with its history; the caller commits. Return how many ended."""
    session.flush()
    query = select(AssignmentRow, BidRow).join(BidRow, BidRow.id == AssignmentRow.bid_id)
    if round_id is not None:
        query = query.where(BidRow.round_id == round_id)
    if bid_ids is not None:
        query = query.where(AssignmentRow.bid_id.in_(bid_ids))
    if assessor_id is not None:
        query = query.where(AssignmentRow.assessor_id == assessor_id)
    by_round = defaultdict(list)
    for assignment, bid in session.exec(query):
        by_round[bid.round_id].append((assignment, bid))
    ended = 0
    for pairs in by_round.values():
        round_row = pairs[0][1].round
        found = round_conflicts(session, round_row, [bid for _, bid in pairs], assessor_id)
        for assignment, bid in pairs:
            reason = found.get(bid.id, {}).get(assignment.assessor_id)
            if reason is None:
                continue
            session.delete(assignment)
            session.add(
                HistoryRow(
                    round_id=bid.round_id,
                    bid_id=bid.id,
                    actor_id=actor_id,
                    kind=Kind.ASSIGNMENT.value,
                    subject=session.get(UserRow, assignment.assessor_id).email,
                    old="assigned",
                    new="removed",
                    justification=f"Conflict of interest: {reason}",
                )
            )
            ended += 1
    return ended


def save_aliases(session: Session, actor_id: int | None, round_ref: str, text: str) -> int:
    """Replace a round's organisation aliases with those of the lines given (InvalidInput naming
    the line otherwise), ending the assignments that now conflict; return how many ended."""
    round_row = get_round(session, round_ref)
    groups = parse_aliases(text)
    if groups == tuple(tuple(group) for group in round_row.aliases):
        return 0
    old = len(round_row.aliases)
    round_row.aliases = [list(group) for group in groups]
    session.add(
        HistoryRow(
            round_id=round_row.id,
            bid_id=None,
            actor_id=actor_id,
            kind=Kind.ROUND.value,
            subject="Organisation aliases",
            old=_groups(old),
            new=_groups(len(groups)),
            justification=format_aliases(groups),
        )
    )
    ended = end_conflicted_assignments(session, actor_id, round_id=round_row.id)
    session.commit()
    return ended


def _groups(count: int) -> str:
    return f"{count} group{'s' if count != 1 else ''} of names"
