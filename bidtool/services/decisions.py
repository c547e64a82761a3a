"""The panel's decisions on a round: the ranking with agreement, calibration, robustness and the best
portfolio; the round's settings for them; and a proposed assignment for the lead to review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from bidtool.core.decisions.allocation import Proposal, Request, propose
from bidtool.core.decisions.panel import Decisions, Settings, decide
from bidtool.core.decisions.portfolio import Objective
from bidtool.core.errors import Problems
from bidtool.core.organisations import Aliases
from bidtool.core.scheme import Scheme
from bidtool.models import AssignmentRow, BidRow, RoundRow, UserRow
from bidtool.services.assessment import assessable_bids, assessed_bids, assessors_of, reason_given
from bidtool.services.conflicts import round_conflicts
from bidtool.services.rounds import get_round, record_change, scheme_of

# How closely the robustness draws keep to the scheme's weights: from wild (1) to all but fixed.
CONCENTRATIONS = range(1, 100_001)
SCORED_ON = {False: "raw scores", True: "calibrated scores"}
SETTINGS = ("Scores ranked on", "Weight concentration")  # their history entries' subjects


def round_decisions(
    session: Session,
    round_ref: str,
    pot: int | None = None,
    weights: Mapping[str, Decimal] | None = None,
    objective: Objective = Objective.SCORE,
    one_per_organisation: bool = False,
) -> tuple[Scheme, Decisions]:
    """The round's ranking and decisions at its pot and weights, or at what-if ones (nothing saved)."""
    round_row = get_round(session, round_ref)
    scheme = scheme_of(round_row).reweighted(weights or {})
    assessed, scores = assessed_bids(session, round_row, assessable_bids(session, round_row))
    settings = Settings(round_row.calibrated, round_row.weight_concentration, objective, one_per_organisation)
    aliases = Aliases(tuple(tuple(group) for group in round_row.aliases))
    pot = round_row.pot_pence if pot is None else pot
    return scheme, decide(scheme, assessed, scores, pot, settings, aliases)


def change_settings(
    session: Session, actor_id: int, round_ref: str, calibrated: bool, concentration: int, reason: str
) -> list[str]:
    """Change whether the round ranks on calibrated scores and the robustness draws' concentration,
    each change in the round's history with the reason; say what changed."""
    round_row = get_round(session, round_ref)
    problems = Problems()
    if concentration not in CONCENTRATIONS:
        problems.add(
            "concentration",
            f"The concentration must be a whole number from {CONCENTRATIONS[0]} to {CONCENTRATIONS[-1]:,}",
        )
    problems.raise_if_any()
    changes = [
        (subject, old, new)
        for subject, old, new in (
            (SETTINGS[0], SCORED_ON[round_row.calibrated], SCORED_ON[calibrated]),
            (SETTINGS[1], str(round_row.weight_concentration), str(concentration)),
        )
        if old != new
    ]
    if not changes:
        return []
    why = reason_given(reason)
    for subject, old, new in changes:
        record_change(session, round_row, actor_id, subject, old, new, why)
    round_row.calibrated, round_row.weight_concentration = calibrated, concentration
    session.add(round_row)
    session.commit()
    return [subject for subject, _, _ in changes]


@dataclass(frozen=True)
class Proposed:
    """A proposed assignment with the rows it names, for the lead to review before it is made."""

    round: RoundRow
    proposal: Proposal
    bids: dict[str, BidRow]
    assessors: dict[str, UserRow]  # by email


def propose_assignments(
    session: Session, round_ref: str, per_bid: int, min_load: int, max_load: int
) -> Proposed:
    """Propose assessors for every submitted bid whose assessment is not complete (NoAssignment says
    why none can be made); nothing is assigned until the lead makes the proposal."""
    round_row = get_round(session, round_ref)
    bids = [b for b in assessable_bids(session, round_row) if b.assessed_at is None]
    people = assessors_of(session)
    found = round_conflicts(session, round_row, bids)
    by_id = {u.id: u for u in people}
    existing = session.exec(select(AssignmentRow).where(AssignmentRow.bid_id.in_([b.id for b in bids]))).all()
    references = {b.id: b.reference for b in bids}
    request = Request(
        bids=tuple(b.reference for b in bids),
        assessors=tuple(u.email for u in people),
        per_bid=per_bid,
        min_load=min_load,
        max_load=max_load,
        conflicts=frozenset(
            (references[bid_id], by_id[user_id].email)
            for bid_id, interests in found.items()
            for user_id in interests
            if user_id in by_id and bid_id in references
        ),
        existing=frozenset(
            (references[a.bid_id], by_id[a.assessor_id].email) for a in existing if a.assessor_id in by_id
        ),
    )
    return Proposed(round_row, propose(request), {b.reference: b for b in bids}, {u.email: u for u in people})
