"""Ranking scored bids with deterministic tie-breaks, and the funding line against the pot."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from bidtool.core.money import Pence
from bidtool.core.scheme import Scheme, TieBreak
from bidtool.core.scoring import ScoredBid, Status

_STATUS_ORDER = {Status.RANKED: 0, Status.FAILS_GATE: 1, Status.INCOMPLETE: 2}


@dataclass(frozen=True)
class RankedBid:
    rank: int
    bid: ScoredBid
    cumulative_award: Pence | None
    funded: bool | None


@dataclass(frozen=True)
class Ranking:
    rows: tuple[RankedBid, ...]
    pot: Pence | None
    pot_used: Pence | None
    pot_left: Pence | None
    first_unfunded: str | None


@dataclass(frozen=True)
class FundingLine:
    """Where the funding line falls in a ranking, and the funded bids below it."""

    above: str | None  # the reference of the bid the line is drawn above; None: no line
    fits_in_what_is_left: frozenset[str]  # bids below the line that are funded all the same


def funding_line(ranking: Ranking) -> FundingLine:
    """Draw the line above the first bid not funded; passing bids below it may still fit in what is left.

    When every passing bid fits, the line falls above the first bid failing a gate or not fully
    scored; with no pot, or when every bid is funded, there is no line.
    """
    below = list(itertools.dropwhile(lambda row: row.funded is not False, ranking.rows))
    return FundingLine(
        above=below[0].bid.reference if below else None,
        fits_in_what_is_left=frozenset(row.bid.reference for row in below if row.funded),
    )


def _descending(value: Fraction | None) -> tuple[bool, Fraction]:
    """Sort key putting higher values first and missing values last."""
    return (value is None, -(value or Fraction(0)))


def _tie_value(tie: TieBreak, bid: ScoredBid) -> Fraction | None:
    if tie.criterion is not None:
        return bid.criteria[tie.criterion].score
    if tie.key == "weighted_score":
        return bid.weighted_score
    value = {"bcr": bid.bcr, "npv": bid.npv, "award_sought": bid.award_sought}[tie.key]
    return None if value is None else Fraction(value)


def _sort_key(scheme: Scheme, bid: ScoredBid) -> tuple:
    ties = []
    for tie in scheme.tie_breaks:
        value = _tie_value(tie, bid)
        ties.append(_descending(value if value is None or tie.descending else -value))
    return (_STATUS_ORDER[bid.status], _descending(bid.weighted_score), *ties, bid.reference)


def rank_bids(scheme: Scheme, bids: Iterable[ScoredBid], pot: Pence | None = None) -> Ranking:
    """Order bids (passing, then failing a gate, then incomplete) and draw the funding line."""
    ordered = sorted(bids, key=lambda b: _sort_key(scheme, b))
    rows = []
    used = 0
    first_unfunded = None
    for position, bid in enumerate(ordered, start=1):
        if bid.status is not Status.RANKED:
            rows.append(RankedBid(position, bid, None, False if pot is not None else None))
            continue
        funded = None
        if pot is not None:
            funded = used + bid.award_sought <= pot
            if not funded and first_unfunded is None:
                first_unfunded = bid.reference
        if funded is not False:
            used += bid.award_sought
        rows.append(RankedBid(position, bid, used, funded))
    if pot is None:
        return Ranking(tuple(rows), None, None, None, None)
    return Ranking(tuple(rows), pot, used, pot - used, first_unfunded)


def standing(row: RankedBid, line: FundingLine) -> str:
    """Say where a ranked bid stands against the funding line."""
    if row.bid.status is Status.FAILS_GATE:
        return "Fails a gate: not funded"
    if row.bid.status is Status.INCOMPLETE:
        return "Not fully scored: not funded"
    if row.funded is None:
        return "Ranked"
    if not row.funded:
        return "Not funded: does not fit"
    return "Funded: fits in what is left" if row.bid.reference in line.fits_in_what_is_left else "Funded"
