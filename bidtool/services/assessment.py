"""Assessment: conflicts of interest, scores with their history, and the round's ranking."""

from __future__ import annotations

from sqlmodel import Session, select

from bidtool.core.access import Role
from bidtool.core.appraisal import appraise
from bidtool.core.errors import InvalidInput, Problem
from bidtool.core.ranking import Ranking, rank_bids
from bidtool.core.scorefile import parse_scores
from bidtool.core.scoring import Score, score_bid
from bidtool.models import BidRow, ConflictRow, HistoryRow, RoundRow, ScoreRow, UserRow, utcnow
from bidtool.services import EVERYONE
from bidtool.services.bids import round_bids, to_core
from bidtool.services.rounds import get_round, scheme_of


def conflicts(session: Session, bid: BidRow) -> dict[int, str]:
    """Assessors with an interest in a bid, and why: declared, or their organisation is a partner."""
    found = {
        c.assessor_id: c.reason for c in session.exec(select(ConflictRow).where(ConflictRow.bid_id == bid.id))
    }
    organisations = {p.name.casefold() for p in bid.partners} | {bid.lead_organisation.casefold()}
    assessors = session.exec(
        select(UserRow).where(UserRow.role.in_([Role.ASSESSOR.value, Role.LEAD_ASSESSOR.value]))
    )
    for user in assessors:
        if user.organisation and user.organisation.casefold() in organisations:
            found.setdefault(user.id, f"{user.organisation} is a partner in the bid")
    return found


def import_scores(session: Session, actor_id: int | None, round_ref: str, lines) -> int:
    """Store a scores CSV as submitted scores (and moderations) of the round: all of it, or none."""
    round_row = get_round(session, round_ref)
    bids = {b.reference: b for b in round_bids(session, EVERYONE, round_row)}
    scores = parse_scores(lines, scheme_of(round_row), set(bids))
    emails = {s.assessor.lower() for s in scores}
    users = {u.email: u for u in session.exec(select(UserRow).where(UserRow.email.in_(emails)))}
    missing = sorted(emails - set(users))
    if missing:
        raise InvalidInput([Problem("assessor", f"{email} is not a bidtool user") for email in missing])
    for score in scores:
        bid = bids[score.bid]
        user = users[score.assessor.lower()]
        row = _score_row(session, bid.id, score.criterion, user.id, score.moderated)
        old = "" if row.id is None else str(row.score)
        row.score = score.score
        row.justification = score.justification
        row.submitted = True
        row.version += row.id is not None
        row.updated_at = utcnow()
        session.add(row)
        session.add(
            HistoryRow(
                bid_id=bid.id,
                actor_id=actor_id,
                kind="moderation" if score.moderated else "score",
                subject=f"{score.criterion} by {user.email}",
                old=old,
                new=str(score.score),
                justification=score.justification,
            )
        )
    session.commit()
    return len(scores)


def _score_row(session: Session, bid_id: int, criterion: str, assessor_id: int, moderated: bool) -> ScoreRow:
    """The stored score of an assessor (or the moderation) of one criterion, or a new one."""
    query = select(ScoreRow).where(
        ScoreRow.bid_id == bid_id,
        ScoreRow.criterion == criterion,
        ScoreRow.assessor_id == assessor_id,
        ScoreRow.moderated == moderated,
    )
    found = session.exec(query).first()
    return found or ScoreRow(
        bid_id=bid_id,
        criterion=criterion,
        assessor_id=assessor_id,
        moderated=moderated,
        score=0,
        justification="",
    )


def round_scores(session: Session, round_row: RoundRow) -> list[Score]:
    """Every submitted score of the round's bids, as the core knows scores (assessors by email)."""
    rows = session.exec(
        select(ScoreRow, BidRow.reference, UserRow.email)
        .join(BidRow, BidRow.id == ScoreRow.bid_id)
        .join(UserRow, UserRow.id == ScoreRow.assessor_id)
        .where(BidRow.round_id == round_row.id, ScoreRow.submitted)
    )
    return [Score(ref, s.criterion, email, s.score, s.justification, s.moderated) for s, ref, email in rows]


def rank_round(session: Session, round_ref: str, pot: int | None = None) -> Ranking:
    """Rank the round's bids on their submitted scores; conflicted assessors' scores do not count."""
    round_row = get_round(session, round_ref)
    scheme = scheme_of(round_row)
    scores = round_scores(session, round_row)
    emails = {u.id: u.email for u in session.exec(select(UserRow))}
    scored = []
    for row in round_bids(session, EVERYONE, round_row):
        bid = to_core(row)
        conflicted = frozenset(emails[a] for a in conflicts(session, row))
        scored.append(score_bid(scheme, bid, appraise(bid, scheme.optimism_bias), scores, conflicted))
    return rank_bids(scheme, scored, round_row.pot_pence if pot is None else pot)
