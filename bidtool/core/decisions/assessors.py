"""How far assessors agree (Krippendorff's alpha, ordinal), how lenient each is, and calibration.

Calibration fits one offset per assessor by least squares over the bids they share with others:
score = the bid's true score on the criterion + the assessor's offset. The offsets of assessors
linked through shared bids (directly or by a chain of others) average zero, so calibration moves
scores between assessors and never the level of the round; an assessor who shares no bid with
another gets no offset, since nothing can tell their leniency from the quality of their bids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bidtool.core.money import round_places
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import Score

# Offsets are kept to this many places, so that calibrated scores, and the ranking on them, are exact.
OFFSET_PLACES = 4
NO_CONFLICTS: Mapping[str, frozenset[str]] = {}


@dataclass(frozen=True)
class AssessorStanding:
    """One assessor's scoring: how lenient against the others on the same bids, how spread out."""

    assessor: str
    leniency: float | None  # mean points above the others on the same criterion of the same bid
    spread: float  # the standard deviation of their scores
    bids_scored: int
    offset: Fraction  # what calibration takes off each of their scores (0 when they share no bid)


@dataclass(frozen=True)
class Agreement:
    """Agreement per criterion and overall (None where no two assessors scored the same thing, or
    every score is the same), and each assessor's standing."""

    criteria: dict[str, float | None]
    overall: float | None
    assessors: tuple[AssessorStanding, ...]
    shared: int  # criteria of bids scored by two assessors or more: what agreement is measured on

    @property
    def offsets(self) -> dict[str, Fraction]:
        return {a.assessor: a.offset for a in self.assessors}


def counted(scores: Iterable[Score], conflicted: Mapping[str, frozenset[str]] = NO_CONFLICTS) -> list[Score]:
    """The assessors' own scores that count: not a moderation, not from an assessor with an interest."""
    return [
        s
        for s in scores
        if not s.moderated and s.score is not None and s.assessor not in conflicted.get(s.bid, frozenset())
    ]


def ordinal_alpha(units: Sequence[Sequence[int]], points: Sequence[int]) -> float | None:
    """Krippendorff's alpha for ordinal values: each unit lists the values its coders gave it.

    None when no unit has two values, or when every value is the same (no disagreement to expect).
    """
    index = {point: i for i, point in enumerate(points)}
    counts = np.zeros((len(units), len(points)))
    for u, values in enumerate(units):
        for value in values:
            counts[u, index[value]] += 1
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    if not len(counts):
        return None
    weighted = counts / (pairable - 1)[:, None]
    observed = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = observed.sum(axis=0)
    expected = (np.outer(totals, totals) - np.diag(totals)) / (totals.sum() - 1)
    # The ordinal distance of values c <= k: (n_c + ... + n_k - (n_c + n_k) / 2) squared.
    through = np.concatenate(([0.0], np.cumsum(totals)))
    i = np.arange(len(points))
    low, high = np.minimum.outer(i, i), np.maximum.outer(i, i)
    distance = (through[high + 1] - through[low] - (totals[low] + totals[high]) / 2) ** 2
    disagreement = (expected * distance).sum()
    if disagreement <= 0:
        return None
    return float(1 - (observed * distance).sum() / disagreement)


def agreement(
    scheme: Scheme, scores: Iterable[Score], conflicted: Mapping[str, frozenset[str]] = NO_CONFLICTS
) -> Agreement:
    """Alpha per criterion and over all criteria, and each assessor's leniency, spread and offset."""
    own = counted(scores, conflicted)
    units: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for s in own:
        units[(s.bid, s.criterion)][s.assessor] = s.score
    points = list(scheme.scale.points)
    per_criterion = {
        c.id: ordinal_alpha([list(v.values()) for (_, crit), v in units.items() if crit == c.id], points)
        for c in scheme.criteria
    }
    overall = ordinal_alpha([list(v.values()) for v in units.values()], points)
    shared = [v for v in units.values() if len(v) >= 2]
    offsets = fit_offsets(shared)
    differences: dict[str, list[float]] = defaultdict(list)
    for given in shared:
        total = sum(given.values())
        for assessor, score in given.items():
            differences[assessor].append(score - (total - score) / (len(given) - 1))
    by_assessor: dict[str, list[Score]] = defaultdict(list)
    for s in own:
        by_assessor[s.assessor].append(s)
    standings = tuple(
        AssessorStanding(
            assessor=assessor,
            leniency=float(np.mean(differences[assessor])) if differences[assessor] else None,
            spread=float(np.std([s.score for s in given])),
            bids_scored=len({s.bid for s in given}),
            offset=offsets.get(assessor, Fraction(0)),
        )
        for assessor, given in sorted(by_assessor.items())
    )
    return Agreement(per_criterion, overall, standings, len(shared))


def fit_offsets(units: Sequence[Mapping[str, float]]) -> dict[str, Fraction]:
    """Each assessor's offset, by least squares over units each scored by two assessors or more.

    The true score of a unit drops out (it is the mean of the unit's scores less their offsets),
    leaving L o = b with L a graph Laplacian over the assessors: singular exactly along each group
    of linked assessors, whose offsets the least-norm solution makes sum to zero.
    """
    names = sorted({a for unit in units for a in unit})
    where = {name: i for i, name in enumerate(names)}
    laplacian = np.zeros((len(names), len(names)))
    pull = np.zeros(len(names))
    for unit in units:
        members = [where[a] for a in unit]
        size = len(members)
        mean = sum(unit.values()) / size
        laplacian[np.ix_(members, members)] -= 1 / size
        laplacian[members, members] += 1
        pull[members] += [unit[a] - mean for a in unit]
    solution = np.linalg.lstsq(laplacian, pull, rcond=None)[0] if names else []
    return {
        name: Fraction(round_places(Fraction(float(o)), OFFSET_PLACES))
        for name, o in zip(names, solution, strict=True)
    }
