"""Assessment: assignment, conflicts of interest, scoring, moderation, history and the round's ranking.

Every change is written to the history in the same commit as the change itself, and a save made
from a page that is out of date is refused (ScoreRow.version) rather than overwriting anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from bidtool.core.access import Role
from bidtool.core.bid import BidStatus
from bidtool.core.decisions.assessors import agreement
from bidtool.core.decisions.panel import Assessed, conflicts_of, scored_bids
from bidtool.core.errors import InvalidInput, Problem, Problems
from bidtool.core.fields import Reader, has_control_characters
from bidtool.core.ranking import Ranking, rank_bids
from bidtool.core.scheme import Scheme
from bidtool.core.scorefile import MAX_JUSTIFICATION, parse_scores
from bidtool.core.scoring import Score, ScoredBid
from bidtool.models import (
    AssignmentRow,
    BidRow,
    ConflictRow,
    HistoryRow,
    RoundRow,
    ScoreRow,
    UserRow,
    utcnow,
)
from bidtool.services import EVERYONE, Kind, NotFound, Refused, Scope
from bidtool.services.bids import get_bid, round_bids, to_core, visible
from bidtool.services.conflicts import conflicts, end_conflicted_assignments, round_conflicts
from bidtool.services.rounds import get_round, scheme_of

MAX_REASON = 2_000


class Progress(StrEnum):
    """Where one assessor's assessment of one bid stands."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    SUBMITTED = "Submitted"


@dataclass(frozen=True)
class Entry:
    """What a page asks to store for one criterion: a score (or none yet) and its justification."""

    criterion: str
    score: int | None
    justification: str


@dataclass(frozen=True)
class Change:
    """A criterion that someone else changed since the page was loaded: what it is now, by whom."""

    criterion: str
    score: int | None
    justification: str
    by: str
    at: datetime


class Stale(Refused):
    """The page was out of date: someone saved the same assessment or moderation in the meantime."""

    def __init__(self, changes: list[Change], versions: dict[str, int]):
        names = ", ".join(c.criterion for c in changes)
        super().__init__(
            f"Your changes were not saved: {names} changed since you opened the page. "
            "Check what changed, then save again."
        )
        self.changes = changes
        self.versions = versions


def _history(session: Session, bid: BidRow, actor_id: int | None, kind: Kind, subject: str, **values) -> None:
    session.add(
        HistoryRow(
            round_id=bid.round_id,
            bid_id=bid.id,
            actor_id=actor_id,
            kind=kind.value,
            subject=subject,
            **values,
        )
    )


def _show(score: int | None) -> str:
    return "" if score is None else str(score)


def _user(session: Session, user_id: int) -> UserRow:
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    return user


# The bids that are assessed


def assessable(bid: BidRow) -> bool:
    """Whether a bid is assessed, ranked, printed and exported: once submitted, never as a draft."""
    return bid.status != BidStatus.DRAFT.value


def assessable_bids(session: Session, round_row: RoundRow, scope: Scope = EVERYONE) -> list[BidRow]:
    """The round's bids that are assessed (of those the scope may see)."""
    return [b for b in round_bids(session, scope, round_row) if assessable(b)]


def drafts_in(session: Session, round_row: RoundRow) -> int:
    """How many bids of a round are still drafts (pages say how many, never which)."""
    return sum(not assessable(b) for b in round_bids(session, EVERYONE, round_row))


# Conflicts of interest


def assessors_of(session: Session) -> list[UserRow]:
    """The active assessors, by email: who may be assigned bids."""
    query = select(UserRow).where(UserRow.role == Role.ASSESSOR.value, UserRow.active)
    return list(session.exec(query.order_by(UserRow.email)))


def reason_given(text: str) -> str:
    """A reason someone gives for a change: required, of bounded length, no control characters."""
    problems = Problems()
    reason = Reader(problems).text(text, "reason", limit=MAX_REASON).strip()
    problems.raise_if_any()
    return reason


def declare_interest(session: Session, actor_id: int, round_ref: str, bid_ref: str, reason: str) -> None:
    """Record an assessor's interest in a bid; it ends their assignment and their scores stop counting."""
    bid = get_bid(session, EVERYONE, round_ref, bid_ref)
    reason = reason_given(reason)
    if actor_id in conflicts(session, bid):
        raise Refused(f"You have already got a conflict of interest recorded for {bid.reference}.")
    session.add(ConflictRow(bid_id=bid.id, assessor_id=actor_id, reason=reason))
    email = _user(session, actor_id).email
    _history(
        session,
        bid,
        actor_id,
        Kind.CONFLICT,
        email,
        new="declared",
        justification=reason,
    )
    end_conflicted_assignments(session, actor_id, bid_ids=[bid.id], assessor_id=actor_id)
    session.commit()


def _declared(session: Session, bid: BidRow, assessor_id: int) -> ConflictRow | None:
    query = select(ConflictRow).where(ConflictRow.bid_id == bid.id, ConflictRow.assessor_id == assessor_id)
    return session.exec(query).first()


def withdraw_interest(session: Session, actor_id: int, round_ref: str, bid_ref: str) -> None:
    """Withdraw an interest an assessor declared (one through their organisation stays); it does
    not assign them again."""
    bid = get_bid(session, EVERYONE, round_ref, bid_ref)
    declared = _declared(session, bid, actor_id)
    if declared is None:
        reason = conflicts(session, bid).get(actor_id)
        if reason is not None:
            raise Refused(
                f"Your interest in {bid.reference} cannot be withdrawn: it arises because {reason}, "
                "not from a declaration."
            )
        raise Refused(f"You have not declared an interest in {bid.reference}.")
    session.delete(declared)
    _history(
        session,
        bid,
        actor_id,
        Kind.CONFLICT,
        _user(session, actor_id).email,
        old="declared",
        new="withdrawn",
    )
    session.commit()


@dataclass(frozen=True)
class Interest:
    """An interest an assessor has in a bid; only a declared one can be withdrawn."""

    bid: BidRow
    reason: str
    declared: bool


def declared_interests(session: Session, actor_id: int, round_row: RoundRow) -> list[Interest]:
    """The bids of a round an assessor has an interest in (declared or through their organisation)."""
    found = round_conflicts(session, round_row, assessor_id=actor_id)
    return [
        Interest(bid, reason, _declared(session, bid, actor_id) is not None)
        for bid in assessable_bids(session, round_row)
        if (reason := found.get(bid.id, {}).get(actor_id)) is not None
    ]


# Assignment


def _assignment(session: Session, bid_id: int, assessor_id: int) -> AssignmentRow | None:
    query = select(AssignmentRow).where(
        AssignmentRow.bid_id == bid_id, AssignmentRow.assessor_id == assessor_id
    )
    return session.exec(query).first()


def assign(
    session: Session, actor_id: int, round_ref: str, bid_refs: Iterable[str], assessor_ids: Iterable[int]
) -> tuple[int, list[str]]:
    """Assign assessors to bids; say which pairs could not be (a draft, a conflict), assign the rest."""
    round_row = get_round(session, round_ref)
    bids = {b.reference: b for b in round_bids(session, EVERYONE, round_row)}
    assessors = {u.id: u for u in assessors_of(session)}
    problems = Problems()
    chosen_bids = [bids[ref] for ref in dict.fromkeys(bid_refs) if ref in bids]
    chosen = [assessors[i] for i in dict.fromkeys(assessor_ids) if i in assessors]
    if not chosen_bids:
        problems.add("bids", "Select at least one bid")
    if not chosen:
        problems.add("assessors", "Select at least one assessor")
    problems.raise_if_any()
    return _assign(session, actor_id, round_row, [(bid, user) for bid in chosen_bids for user in chosen])


def assign_pairs(
    session: Session, actor_id: int, round_ref: str, pairs: Iterable[tuple[str, int]]
) -> tuple[int, list[str]]:
    """Assign each assessor to the bid named with them (a proposal the lead reviewed), as `assign` does."""
    round_row = get_round(session, round_ref)
    bids = {b.reference: b for b in round_bids(session, EVERYONE, round_row)}
    assessors = {u.id: u for u in assessors_of(session)}
    chosen, refused = [], []
    for bid_ref, assessor_id in dict.fromkeys(pairs):
        if bid_ref not in bids or assessor_id not in assessors:
            refused.append(f"{bid_ref}: the bid or the assessor is no longer there, so it was not assigned")
        else:
            chosen.append((bids[bid_ref], assessors[assessor_id]))
    assigned, more = _assign(session, actor_id, round_row, chosen)
    return assigned, refused + more


def _assign(
    session: Session, actor_id: int, round_row: RoundRow, pairs: Sequence[tuple[BidRow, UserRow]]
) -> tuple[int, list[str]]:
    """Make the assignments that cross no conflict and are of submitted bids, each in the history;
    commit once, and say which were not made and why."""
    assigned, refused = 0, []
    found = round_conflicts(session, round_row, list({bid.id: bid for bid, _ in pairs}.values()))
    drafts = set()
    for bid, user in pairs:
        conflicted = found.get(bid.id, {})
        if not assessable(bid):
            if bid.id not in drafts:
                refused.append(f"{bid.reference} is still a draft, so it cannot be assigned")
            drafts.add(bid.id)
        elif user.id in conflicted:
            refused.append(f"{user.email} was not assigned to {bid.reference}: {conflicted[user.id]}")
        elif _assignment(session, bid.id, user.id) is None:
            session.add(AssignmentRow(bid_id=bid.id, assessor_id=user.id))
            _history(session, bid, actor_id, Kind.ASSIGNMENT, user.email, new="assigned")
            assigned += 1
    session.commit()
    return assigned, refused


def unassign(session: Session, actor_id: int, round_ref: str, bid_ref: str, assessor_id: int) -> None:
    """Take an assessor off a bid, with their draft scores; a submitted assessment stands."""
    bid = get_bid(session, EVERYONE, round_ref, bid_ref)
    assignment = _assignment(session, bid.id, assessor_id)
    user = _user(session, assessor_id)
    if assignment is None:
        raise Refused(f"{user.email} is not assigned to {bid.reference}.")
    rows = _rows(session, bid, assessor_id, moderated=False)
    if any(r.submitted for r in rows.values()):
        raise Refused(f"{user.email} has submitted their assessment of {bid.reference}, so it stands.")
    for row in rows.values():
        session.delete(row)
    session.delete(assignment)
    _history(session, bid, actor_id, Kind.ASSIGNMENT, user.email, old="assigned", new="removed")
    session.commit()


@dataclass(frozen=True)
class Assignee:
    user: UserRow
    progress: Progress


@dataclass(frozen=True)
class BidAssignments:
    bid: BidRow
    assignees: list[Assignee]
    conflicts: list[tuple[UserRow, str]]


def round_assignments(
    session: Session, round_ref: str
) -> tuple[RoundRow, list[BidAssignments], list[UserRow]]:
    """Each bid of a round with its assessors, their progress and every conflict; and the assessors."""
    round_row = get_round(session, round_ref)
    scheme = scheme_of(round_row)
    users = {u.id: u for u in session.exec(select(UserRow))}
    listed = []
    found_conflicts = round_conflicts(session, round_row)
    for bid in round_bids(session, EVERYONE, round_row):
        found = [(users[i], reason) for i, reason in found_conflicts.get(bid.id, {}).items()]
        listed.append(
            BidAssignments(
                bid, _assignees(session, scheme, bid, users), sorted(found, key=lambda c: c[0].email)
            )
        )
    return round_row, listed, assessors_of(session)


def _assignees(session: Session, scheme: Scheme, bid: BidRow, users: Mapping[int, UserRow]) -> list[Assignee]:
    """The assessors assigned to a bid and how far each has got, by email."""
    query = select(AssignmentRow).where(AssignmentRow.bid_id == bid.id)
    assignees = [
        Assignee(users[a.assessor_id], progress(scheme, _rows(session, bid, a.assessor_id, moderated=False)))
        for a in session.exec(query)
    ]
    return sorted(assignees, key=lambda a: a.user.email)


def progress(scheme: Scheme, rows: Mapping[str, ScoreRow]) -> Progress:
    if not rows:
        return Progress.NOT_STARTED
    if all(r.submitted for r in rows.values()) and len(rows) == len(scheme.criteria):
        return Progress.SUBMITTED
    return Progress.IN_PROGRESS


@dataclass(frozen=True)
class Assignment:
    """A line of an assessor's list: the bid, the round's deadline, how far they have got."""

    bid: BidRow
    progress: Progress


def my_assessments(session: Session, assessor_id: int) -> list[Assignment]:
    """The bids assigned to an assessor, in every round, with their progress; a bid whose assessment
    is complete leaves the list of an assessor who had not submitted (it comes back if reopened)."""
    query = (
        visible(session, Scope(assessor_id=assessor_id))
        .join(RoundRow, RoundRow.id == BidRow.round_id)
        .order_by(RoundRow.created_at.desc(), RoundRow.id.desc(), BidRow.reference)
    )
    listed = [
        Assignment(bid, progress(scheme_of(bid.round), _rows(session, bid, assessor_id, moderated=False)))
        for bid in session.exec(query)
    ]
    return [a for a in listed if a.bid.assessed_at is None or a.progress is Progress.SUBMITTED]


# Scores and moderation


def _rows(session: Session, bid: BidRow, assessor_id: int | None, *, moderated: bool) -> dict[str, ScoreRow]:
    """An assessor's stored scores of a bid by criterion, or (moderated) the bid's moderations."""
    query = select(ScoreRow).where(ScoreRow.bid_id == bid.id, ScoreRow.moderated == moderated)
    if not moderated:
        query = query.where(ScoreRow.assessor_id == assessor_id)
    return {r.criterion: r for r in session.exec(query)}


def versions(rows: Mapping[str, ScoreRow]) -> dict[str, int]:
    """What a page remembers of the rows it shows, so that a save from a stale page is noticed."""
    return {criterion: row.version for criterion, row in rows.items()}


def _refuse_if_stale(
    session: Session, bid: BidRow, scheme: Scheme, rows: Mapping[str, ScoreRow], seen: Mapping[str, int]
) -> None:
    changes = [
        Change(c.name, row.score, row.justification, _user(session, row.assessor_id).email, row.updated_at)
        for c in scheme.criteria
        if (row := rows.get(c.id)) is not None and row.version != seen.get(c.id, 0)
    ]
    if changes:
        raise Stale(changes, versions(rows))


def _commit_unless_overtaken(
    session: Session, bid: BidRow, scheme: Scheme, moderated: bool, assessor_id: int, seen: Mapping[str, int]
) -> None:
    """Commit a save, unless another save of the same scores got in between the check and now:
    then nothing is written and the page hears what changed, as from any stale page."""
    try:
        session.commit()
    except (StaleDataError, IntegrityError):
        session.rollback()
        _refuse_if_stale(session, bid, scheme, _rows(session, bid, assessor_id, moderated=moderated), seen)
        raise


def _validate(scheme: Scheme, entries: Mapping[str, Entry], *, complete: bool, moderation: bool) -> None:
    """Every score on the scale, every justification readable; on submitting, nothing missing."""
    problems = Problems()
    for c in scheme.criteria:
        entry = entries.get(c.id, Entry(c.id, None, ""))
        if entry.score is not None and entry.score not in scheme.scale.points:
            problems.add(f"{c.id}-score", f"Choose a score for {c.name} from the scale")
        elif entry.score is None and (complete or (moderation and entry.justification.strip())):
            problems.add(f"{c.id}-score", f"Choose a {'moderated ' if moderation else ''}score for {c.name}")
        why = f"{c.id}-justification"
        if len(entry.justification) > MAX_JUSTIFICATION:
            problems.add(
                why, f"The justification for {c.name} must be {MAX_JUSTIFICATION:,} characters or fewer"
            )
        elif has_control_characters(entry.justification):
            problems.add(why, f"The justification for {c.name} contains a control character: remove it")
        if not entry.justification.strip() and (complete or (moderation and entry.score is not None)):
            problems.add(why, f"Enter a justification of the score for {c.name}")
    problems.raise_if_any()


def _store(
    session: Session,
    bid: BidRow,
    actor_id: int | None,
    row: ScoreRow,
    entry: Entry,
    assessor: UserRow,
) -> None:
    """Change a stored score (or moderation) and write the change to the history, if it is one."""
    justification = entry.justification.strip()
    if row.id is not None and (row.score, row.justification) == (entry.score, justification):
        return
    _history(
        session,
        bid,
        actor_id,
        Kind.MODERATION if row.moderated else Kind.SCORE,
        f"{row.criterion} by {assessor.email}",
        old=_show(row.score) if row.id else "",
        new=_show(entry.score),
        justification=justification,
    )
    row.score, row.justification, row.assessor_id = entry.score, justification, assessor.id
    row.updated_at = utcnow()
    session.add(row)


def why_closed(bid: BidRow) -> str | None:
    """Why a bid's scores cannot change now, or None while it is open for assessment."""
    if not assessable(bid):
        return f"{bid.reference} is still a draft: it can be assessed once the council submits it."
    if bid.assessed_at is not None:
        return f"The assessment of {bid.reference} is complete, so its scores can no longer change."
    return None


def _open_for_assessment(bid: BidRow) -> None:
    reason = why_closed(bid)
    if reason:
        raise Refused(reason)


def scoring_bid(session: Session, assessor_id: int, round_ref: str, bid_ref: str) -> BidRow:
    """A bid an assessor may open to score: assigned to them, and no conflict of interest."""
    return get_bid(session, Scope(assessor_id=assessor_id), round_ref, bid_ref)


def my_scores(session: Session, bid: BidRow, assessor_id: int) -> dict[str, ScoreRow]:
    return _rows(session, bid, assessor_id, moderated=False)


def save_scores(
    session: Session,
    assessor_id: int,
    round_ref: str,
    bid_ref: str,
    entries: Mapping[str, Entry],
    seen: Mapping[str, int],
    *,
    submit: bool,
) -> Progress:
    """Save an assessor's scores as a draft, or submit them when every criterion is scored."""
    bid = scoring_bid(session, assessor_id, round_ref, bid_ref)
    _open_for_assessment(bid)
    scheme = scheme_of(bid.round)
    actor = _user(session, assessor_id)
    rows = my_scores(session, bid, assessor_id)
    if progress(scheme, rows) is Progress.SUBMITTED:
        raise Refused(f"You have submitted your assessment of {bid.reference}, so it can no longer change.")
    _refuse_if_stale(session, bid, scheme, rows, seen)
    _validate(scheme, entries, complete=submit, moderation=False)
    for c in scheme.criteria:
        entry = entries.get(c.id, Entry(c.id, None, ""))
        row = rows.get(c.id)
        if row is None and entry.score is None and not entry.justification.strip():
            continue
        row = row or ScoreRow(bid_id=bid.id, criterion=c.id, assessor_id=assessor_id, justification="")
        rows[c.id] = row
        _store(session, bid, actor.id, row, entry, actor)
        row.submitted = submit
    if submit:
        _history(
            session,
            bid,
            actor.id,
            Kind.STATUS,
            f"Assessment by {actor.email}",
            old="in progress",
            new="submitted",
        )
    _commit_unless_overtaken(session, bid, scheme, False, assessor_id, seen)
    return progress(scheme, rows)


@dataclass(frozen=True)
class Moderation:
    """What the lead assessor moderates: each criterion's scores side by side, and the moderations."""

    bid: BidRow
    scored: ScoredBid
    scores: dict[str, list[tuple[UserRow, ScoreRow, bool]]]  # criterion -> (assessor, score, counts)
    moderations: dict[str, ScoreRow]


def _moderated_bid(session: Session, lead_id: int, round_ref: str, bid_ref: str) -> BidRow:
    """A bid the lead assessor may moderate: any bid, unless they have an interest in it."""
    bid = get_bid(session, EVERYONE, round_ref, bid_ref)
    if lead_id in conflicts(session, bid):
        raise Refused(f"You have a conflict of interest in {bid.reference}, so you cannot moderate it.")
    return bid


def moderation(session: Session, lead_id: int, round_ref: str, bid_ref: str) -> Moderation:
    bid = _moderated_bid(session, lead_id, round_ref, bid_ref)
    conflicted = conflicts(session, bid)
    users = {u.id: u for u in session.exec(select(UserRow))}
    query = select(ScoreRow).where(ScoreRow.bid_id == bid.id, ScoreRow.submitted, ~ScoreRow.moderated)
    scores: dict[str, list] = {}
    for row in session.exec(query.order_by(ScoreRow.assessor_id)):
        scores.setdefault(row.criterion, []).append(
            (users[row.assessor_id], row, row.assessor_id not in conflicted)
        )
    return Moderation(bid, scored_bid(session, bid), scores, _rows(session, bid, None, moderated=True))


def save_moderation(
    session: Session,
    lead_id: int,
    round_ref: str,
    bid_ref: str,
    entries: Mapping[str, Entry],
    seen: Mapping[str, int],
) -> None:
    """Record the lead assessor's moderated scores, each with its justification."""
    bid = _moderated_bid(session, lead_id, round_ref, bid_ref)
    _open_for_assessment(bid)
    scheme = scheme_of(bid.round)
    rows = _rows(session, bid, None, moderated=True)
    _refuse_if_stale(session, bid, scheme, rows, seen)
    _validate(scheme, entries, complete=False, moderation=True)
    actor = _user(session, lead_id)
    for c in scheme.criteria:
        entry = entries.get(c.id)
        if entry is None or entry.score is None:
            continue
        row = rows.get(c.id) or ScoreRow(
            bid_id=bid.id, criterion=c.id, assessor_id=lead_id, moderated=True, justification=""
        )
        _store(session, bid, actor.id, row, entry, actor)
        row.submitted = True
    _commit_unless_overtaken(session, bid, scheme, True, lead_id, seen)


@dataclass(frozen=True)
class Completion:
    """What marking a bid's assessment complete would do, or why it cannot be marked complete now."""

    bid: BidRow
    waiting: list[Assignee]  # assigned assessors who have not submitted: their drafts will not count
    refusal: str | None


def _why_not_complete(session: Session, bid: BidRow) -> str | None:
    reason = why_closed(bid)
    if reason:
        return reason
    scored = scored_bid(session, bid)
    if any(r.score is None for r in scored.criteria.values()):
        return f"The assessment cannot be complete: {scored.reasons[0]}."
    return None


def completion(session: Session, lead_id: int, round_ref: str, bid_ref: str) -> Completion:
    """What the lead assessor confirms before marking a bid's assessment complete."""
    bid = _moderated_bid(session, lead_id, round_ref, bid_ref)
    users = {u.id: u for u in session.exec(select(UserRow))}
    assignees = _assignees(session, scheme_of(bid.round), bid, users)
    waiting = [a for a in assignees if a.progress is not Progress.SUBMITTED]
    return Completion(bid, waiting, _why_not_complete(session, bid))


def complete_assessment(session: Session, lead_id: int, round_ref: str, bid_ref: str) -> None:
    """Mark a bid's assessment complete once every criterion has a score; nothing changes after.
    Assessors who have not submitted keep their drafts, which do not count, and lose the bid from
    their list until the assessment is reopened."""
    bid = _moderated_bid(session, lead_id, round_ref, bid_ref)
    refusal = _why_not_complete(session, bid)
    if refusal:
        raise Refused(refusal)
    bid.assessed_at = utcnow()
    _history(session, bid, lead_id, Kind.STATUS, "Assessment of the bid", old="in assessment", new="complete")
    session.commit()


def reopenable(session: Session, lead_id: int, round_ref: str, bid_ref: str) -> BidRow:
    """A bid whose completed assessment the lead assessor may reopen."""
    bid = _moderated_bid(session, lead_id, round_ref, bid_ref)
    if bid.assessed_at is None:
        raise Refused(f"The assessment of {bid.reference} is not complete, so there is nothing to reopen.")
    return bid


def reopen_assessment(session: Session, lead_id: int, round_ref: str, bid_ref: str, reason: str) -> None:
    """Reopen a completed assessment, saying why: its assessors can score it again, and the lead moderate."""
    bid = reopenable(session, lead_id, round_ref, bid_ref)
    reason = reason_given(reason)
    bid.assessed_at = None
    _history(
        session,
        bid,
        lead_id,
        Kind.STATUS,
        "Assessment of the bid",
        old="complete",
        new="reopened",
        justification=reason,
    )
    session.commit()


def scored_bid(session: Session, bid: BidRow) -> ScoredBid:
    """A bid's result per criterion and weighted score, as the round's ranking computes it."""
    return _scored(session, bid.round, [bid])[0]


def _scored(session: Session, round_row: RoundRow, rows: Sequence[BidRow]) -> list[ScoredBid]:
    """Bids' results against the round's scheme from the submitted scores that count (calibrated
    once the lead adopts calibrated scores for the round)."""
    assessed, scores = assessed_bids(session, round_row, rows)
    return scored_bids(scheme_of(round_row), assessed, scores, _offsets(session, round_row))


def assessed_bids(
    session: Session, round_row: RoundRow, rows: Sequence[BidRow]
) -> tuple[list[Assessed], list[Score]]:
    """Bids as the core scores them (appraised, with the assessors whose scores do not count), and
    their submitted scores."""
    scheme = scheme_of(round_row)
    scores = round_scores(session, round_row, rows)
    emails = {u.id: u.email for u in session.exec(select(UserRow))}
    found = round_conflicts(session, round_row, rows)
    assessed = []
    for row in rows:
        core = to_core(row)
        conflicted = frozenset(emails[a] for a in found.get(row.id, {}))
        assessed.append(Assessed(core, scheme.appraise(core), conflicted))
    return assessed, scores


def _offsets(session: Session, round_row: RoundRow) -> dict[str, Fraction] | None:
    """Each assessor's calibration offset, fitted over the whole round, when the round ranks on them."""
    if not round_row.calibrated:
        return None
    assessed, scores = assessed_bids(session, round_row, assessable_bids(session, round_row))
    return agreement(scheme_of(round_row), scores, conflicts_of(assessed)).offsets


# The history


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str  # an email, or "command line"
    kind: Kind
    bid: str  # "" for a change to the round itself
    subject: str
    old: str
    new: str
    justification: str


def history(
    session: Session, round_row: RoundRow, bid: BidRow | None = None, *, only_round: bool = False
) -> list[Event]:
    """What happened to a round and its bids' assessment (or one bid, or the round only), oldest first."""
    query = (
        select(HistoryRow, BidRow.reference, UserRow.email)
        .outerjoin(BidRow, BidRow.id == HistoryRow.bid_id)
        .outerjoin(UserRow, UserRow.id == HistoryRow.actor_id)
        .where(HistoryRow.round_id == round_row.id)
    )
    if bid is not None:
        query = query.where(HistoryRow.bid_id == bid.id)
    elif only_round:
        query = query.where(HistoryRow.bid_id.is_(None))
    names = {c.id: c.name for c in scheme_of(round_row).criteria}
    return [
        Event(
            h.at,
            email or "command line",
            Kind(h.kind),
            ref or "",
            _named(h, names),
            h.old,
            h.new,
            h.justification,
        )
        for h, ref, email in session.exec(query.order_by(HistoryRow.at, HistoryRow.id))
    ]


def _named(entry: HistoryRow, names: Mapping[str, str]) -> str:
    """A score's subject as people read it: "Value for money by a.khan@..." rather than its id."""
    if entry.kind not in (Kind.SCORE, Kind.MODERATION):
        return entry.subject
    criterion, _, assessor = entry.subject.partition(" by ")
    return f"{names.get(criterion, criterion)} by {assessor}"


# Importing scores, and the round's ranking


def import_scores(session: Session, actor_id: int | None, round_ref: str, lines) -> int:
    """Store a scores CSV as submitted scores (and moderations) of the round: all of it, or none."""
    round_row = get_round(session, round_ref)
    bids = {b.reference: b for b in assessable_bids(session, round_row)}
    scores = parse_scores(lines, scheme_of(round_row), set(bids))
    emails = {s.assessor.lower() for s in scores}
    users = {u.email: u for u in session.exec(select(UserRow).where(UserRow.email.in_(emails)))}
    missing = sorted(emails - set(users))
    if missing:
        raise InvalidInput([Problem("assessor", f"{email} is not a bidtool user") for email in missing])
    for score in scores:
        bid = bids[score.bid]
        user = users[score.assessor.lower()]
        rows = _rows(session, bid, user.id, moderated=score.moderated)
        row = rows.get(score.criterion) or ScoreRow(
            bid_id=bid.id,
            criterion=score.criterion,
            assessor_id=user.id,
            moderated=score.moderated,
            justification="",
        )
        _store(session, bid, actor_id, row, Entry(score.criterion, score.score, score.justification), user)
        row.submitted = True
        session.flush()
    session.commit()
    return len(scores)


def round_scores(session: Session, round_row: RoundRow, bids: Sequence[BidRow] | None = None) -> list[Score]:
    """Every submitted score of the round's assessed bids (or of these bids), as the core knows scores,
    in one order (bid, criterion, assessed before moderated, assessor) whatever the database wrote last."""
    chosen = assessable_bids(session, round_row) if bids is None else bids
    query = (
        select(ScoreRow, BidRow.reference, UserRow.email)
        .join(BidRow, BidRow.id == ScoreRow.bid_id)
        .join(UserRow, UserRow.id == ScoreRow.assessor_id)
        .where(ScoreRow.bid_id.in_([b.id for b in chosen]), ScoreRow.submitted)
        .order_by(BidRow.reference, ScoreRow.criterion, ScoreRow.moderated, UserRow.email)
    )
    return [
        Score(ref, s.criterion, email, s.score, s.justification, s.moderated)
        for s, ref, email in session.exec(query)
    ]


def rank_round(session: Session, round_ref: str, pot: int | None = None) -> Ranking:
    """Rank the round's submitted bids on the submitted scores (calibrated, if the lead adopted them);
    conflicted assessors' scores do not count."""
    round_row = get_round(session, round_ref)
    scored = _scored(session, round_row, assessable_bids(session, round_row))
    return rank_bids(scheme_of(round_row), scored, round_row.pot_pence if pot is None else pot)
