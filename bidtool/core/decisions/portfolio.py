"""The best portfolio under the pot: the passing bids that together score most (or, as an option,
bring the most NPV) within the pot, as a 0/1 knapsack solved exactly by HiGHS (scipy's milp)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from bidtool.core.money import Pence
from bidtool.core.ranking import Ranking
from bidtool.core.scoring import Status


class Objective(StrEnum):
    SCORE = "score"  # the total weighted score of the bids funded
    NPV = "npv"  # the total net present value (prudent case) of the bids funded


@dataclass(frozen=True)
class Portfolio:
    """A set of funded bids, in rank order, with what it adds up to."""

    references: tuple[str, ...]
    total_score: Fraction
    total_npv: Pence
    pot_used: Pence


@dataclass(frozen=True)
class Comparison:
    """The best portfolio beside the funding line's, and what each leaves out of the other."""

    objective: Objective
    one_per_organisation: bool
    pot: Pence
    best: Portfolio
    line: Portfolio  # the bids the funding line funds
    only_best: tuple[str, ...]  # funded by the best portfolio, not by the line
    only_line: tuple[str, ...]  # funded by the line, not by the best portfolio


def _portfolio(ranking: Ranking, chosen: set[str]) -> Portfolio:
    rows = [row.bid for row in ranking.rows if row.bid.reference in chosen]
    return Portfolio(
        references=tuple(b.reference for b in rows),
        total_score=sum((b.weighted_score for b in rows), Fraction(0)),
        total_npv=sum(b.npv for b in rows),
        pot_used=sum(b.award_sought for b in rows),
    )


def best_portfolio(
    ranking: Ranking,
    objective: Objective = Objective.SCORE,
    organisations: Mapping[str, str] | None = None,
) -> Comparison:
    """Choose the passing bids that maximise the objective within the ranking's pot (with
    `organisations`, a bid's reference to its lead organisation: at most one bid of each)."""
    if ranking.pot is None:
        raise ValueError("the best portfolio needs a pot")
    passing = [row.bid for row in ranking.rows if row.bid.status is Status.RANKED]
    value = {
        Objective.SCORE: lambda b: float(b.weighted_score),
        Objective.NPV: lambda b: float(b.npv),
    }[objective]
    chosen: set[str] = set()
    if passing:
        rows = [np.array([b.award_sought for b in passing], dtype=float)]
        limits = [ranking.pot]
        groups = defaultdict(list)
        for i, b in enumerate(passing):
            if organisations is not None:
                groups[organisations[b.reference]].append(i)
        for members in groups.values():
            if len(members) > 1:
                rows.append(np.isin(np.arange(len(passing)), members).astype(float))
                limits.append(1)
        result = milp(
            c=-np.array([value(b) for b in passing]),
            integrality=np.ones(len(passing)),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(np.array(rows), -np.inf, np.array(limits, dtype=float)),
            options={"mip_rel_gap": 0},
        )
        chosen = {b.reference for b, x in zip(passing, result.x, strict=True) if x > 0.5}
    best = _portfolio(ranking, chosen)
    line = _portfolio(ranking, {row.bid.reference for row in ranking.rows if row.funded})
    return Comparison(
        objective=objective,
        one_per_organisation=organisations is not None,
        pot=ranking.pot,
        best=best,
        line=line,
        only_best=tuple(r for r in best.references if r not in line.references),
        only_line=tuple(r for r in line.references if r not in best.references),
    )
