"""How sure is rank k? A Monte Carlo over the scheme's weights and over each bid's assessors.

Each draw takes weights from a Dirichlet distribution around the scheme's (its parameters are the
concentration times each weight's share: the larger the concentration, the closer to the scheme)
and, for every bid, as many of its assessors as it has, drawn with replacement (a bootstrap). The
draw is then ranked and funded as the ranking is: a moderated criterion keeps its moderated score,
gates are applied to the drawn scores (the value-for-money gate to the bid's BCR, which does not
vary), incomplete bids stay last and unfunded, ties go to the scheme's tie-breaks and then the
reference, and the funding line funds each passing bid, in rank order, whose award still fits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bidtool.core.decisions.assessors import NO_CONFLICTS, counted
from bidtool.core.money import Pence
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import Score, ScoredBid, Status

DRAWS = 10_000
SEED = 2013
CHUNK = 1_000  # draws worked out at once: bounds the memory a round of thousands of bids takes
LOW, HIGH = 0.05, 0.95  # the percentiles of a bid's rank that its range spans
# Weighted scores equal to this many places are a tie, as exact scores that happen to be equal are.
TIE_PLACES = 9
_STATUS = {Status.RANKED: 0, Status.FAILS_GATE: 1, Status.INCOMPLETE: 2}


@dataclass(frozen=True)
class Robustness:
    """Per bid, how often it was funded (None without a pot) and the 5th to 95th percentile of its rank."""

    draws: int
    seed: int
    concentration: int
    funded: dict[str, float | None]
    rank_range: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class _Round:
    """The round as arrays: bids along the first axis, their assessors along the second."""

    scores: np.ndarray  # (bids, assessors, criteria): each assessor's score, less any offset
    given: np.ndarray  # (bids, assessors, criteria): whether the assessor scored the criterion
    assessors: np.ndarray  # (bids,): how many assessors each bid has
    fixed: np.ndarray  # (bids, criteria): a moderated score, NaN where the criterion is resampled
    mean: np.ndarray  # (bids, criteria): the criterion score of the ranking, NaN where unscored
    incomplete: np.ndarray  # (bids,)
    fails_vfm: np.ndarray  # (bids,)
    award: np.ndarray  # (bids,) pence


def robustness(
    scheme: Scheme,
    bids: Sequence[ScoredBid],
    scores: Sequence[Score],
    pot: Pence | None,
    concentration: int,
    *,
    conflicted: Mapping[str, frozenset[str]] = NO_CONFLICTS,
    offsets: Mapping[str, Fraction] | None = None,
    draws: int = DRAWS,
    seed: int = SEED,
) -> Robustness:
    """Draw the ranking `draws` times (seeded: the same every time); count each bid's funding and ranks."""
    # In reference order, so that each bid meets the same random numbers whatever order it came in.
    bids = sorted(bids, key=lambda b: b.reference)
    data = _arrays(scheme, bids, scores, conflicted, offsets or {})
    shares = np.array([float(c.weight) for c in scheme.criteria])
    shares /= shares.sum()
    rng = np.random.default_rng(seed)
    count = len(bids)
    funded = np.zeros(count, dtype=np.int64)
    ranks = np.zeros(count * count, dtype=np.int64)  # (bid, rank - 1) histogram
    picks = np.zeros(data.scores.shape[:2])
    for b, m in enumerate(data.assessors):
        picks[b, :m] = 1 / m if m else 0
    picks[data.assessors == 0, 0] = 1  # no assessor to draw: a placeholder that is never counted
    done = 0
    while done < draws:
        size = min(CHUNK, draws - done)
        weights = rng.dirichlet(concentration * shares, size=size)
        drawn = rng.multinomial(np.maximum(data.assessors, 1), picks, size=(size, count))
        criterion = _criterion_scores(scheme, data, drawn)
        order, status = _ranked(scheme, bids, data, criterion, weights)
        place = np.empty_like(order)
        np.put_along_axis(place, order, np.arange(count)[None, :], axis=1)
        ranks += np.bincount((np.arange(count)[None, :] * count + place).ravel(), minlength=count * count)
        if pot is not None:
            funded += _funded(order, status, data.award, pot).sum(axis=0)
        done += size
    histogram = ranks.reshape(count, count).cumsum(axis=1)
    rank_range = {
        bid.reference: (
            int(np.searchsorted(histogram[i], LOW * draws)) + 1,
            int(np.searchsorted(histogram[i], HIGH * draws)) + 1,
        )
        for i, bid in enumerate(bids)
    }
    return Robustness(
        draws=draws,
        seed=seed,
        concentration=concentration,
        funded={b.reference: None if pot is None else float(funded[i] / draws) for i, b in enumerate(bids)},
        rank_range=rank_range,
    )


def _arrays(
    scheme: Scheme,
    bids: Sequence[ScoredBid],
    scores: Sequence[Score],
    conflicted: Mapping[str, frozenset[str]],
    offsets: Mapping[str, Fraction],
) -> _Round:
    criteria = {c.id: i for i, c in enumerate(scheme.criteria)}
    by_bid: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for s in counted(scores, conflicted):
        by_bid[s.bid][s.assessor][s.criterion] = s.score - float(offsets.get(s.assessor, 0))
    count, width = len(bids), max([len(by_bid[b.reference]) for b in bids] + [1])
    data = _Round(
        scores=np.zeros((count, width, len(criteria))),
        given=np.zeros((count, width, len(criteria)), dtype=bool),
        assessors=np.array([len(by_bid[b.reference]) for b in bids], dtype=np.int64),
        fixed=np.full((count, len(criteria)), np.nan),
        mean=np.full((count, len(criteria)), np.nan),
        incomplete=np.array([b.status is Status.INCOMPLETE for b in bids], dtype=bool),
        fails_vfm=np.array(
            [scheme.vfm_gate is not None and (b.bcr is None or b.bcr < scheme.vfm_gate) for b in bids],
            dtype=bool,
        ),
        award=np.array([b.award_sought for b in bids], dtype=np.int64),
    )
    for b, bid in enumerate(bids):
        for a, given in enumerate(sorted(by_bid[bid.reference].items())):
            for criterion, value in given[1].items():
                data.scores[b, a, criteria[criterion]] = value
                data.given[b, a, criteria[criterion]] = True
        for criterion, result in bid.criteria.items():
            if result.score is not None:
                data.mean[b, criteria[criterion]] = float(result.score)
            if result.moderated:
                data.fixed[b, criteria[criterion]] = float(result.score)
    return data


def _criterion_scores(scheme: Scheme, data: _Round, drawn: np.ndarray) -> np.ndarray:
    """Each draw's criterion scores (draws, bids, criteria): the mean of the drawn assessors' scores.

    A criterion that none of the drawn assessors scored keeps the ranking's score; a moderated one
    keeps its moderation.
    """
    # optimize: as a batched matrix product (BLAS), several times faster than einsum's own loops.
    total = np.einsum("dba,bac->dbc", drawn, data.scores, optimize=True)
    weight = np.einsum("dba,bac->dbc", drawn, data.given.astype(float), optimize=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, total / weight, data.mean[None])
    mean = np.clip(mean, scheme.scale.min, scheme.scale.max)
    return np.where(np.isnan(data.fixed)[None], mean, data.fixed[None])


def _ranked(
    scheme: Scheme, bids: Sequence[ScoredBid], data: _Round, criterion: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each draw's order of the bids (draws, bids) and each bid's status in it (0 passes, 1 fails a
    gate, 2 incomplete), as the ranking orders them."""
    span = scheme.scale.max - scheme.scale.min
    weighted = 100 * np.einsum("dc,dbc->db", weights, (criterion - scheme.scale.min) / span, optimize=True)
    weighted = np.round(weighted, TIE_PLACES)
    below = np.zeros(weighted.shape, dtype=bool)
    for i, c in enumerate(scheme.criteria):
        if c.gate_min_score is not None:
            below |= criterion[:, :, i] < c.gate_min_score - 10.0**-TIE_PLACES
    status = np.where(data.incomplete[None], 2, np.where(below | data.fails_vfm[None], 1, 0))
    missing = np.isnan(weighted)
    keys = [np.broadcast_to(np.arange(len(bids)), weighted.shape)]  # the bids are in reference order
    for tie in reversed(scheme.tie_breaks):
        keys.append(_tie_key(tie, bids, scheme, criterion, weighted))
    keys += [np.where(missing, np.inf, -weighted), status]
    return np.lexsort(keys, axis=-1), status


def _tie_key(tie, bids: Sequence[ScoredBid], scheme: Scheme, criterion: np.ndarray, weighted: np.ndarray):
    """A sort key (smaller first) for one tie-break; a missing value sorts last either way."""
    if tie.criterion is not None:
        index = [c.id for c in scheme.criteria].index(tie.criterion)
        values = criterion[:, :, index]
    elif tie.key == "weighted_score":
        values = weighted
    else:
        fixed = [{"bcr": b.bcr, "npv": b.npv, "award_sought": b.award_sought}[tie.key] for b in bids]
        values = np.broadcast_to(np.array([np.nan if v is None else float(v) for v in fixed]), weighted.shape)
    key = -values if tie.descending else values
    return np.where(np.isnan(values), np.inf, key)


def _funded(order: np.ndarray, status: np.ndarray, award: np.ndarray, pot: Pence) -> np.ndarray:
    """Each draw's funded bids (draws, bids): each passing bid, in rank order, whose award still fits."""
    rows = np.arange(order.shape[0])
    used = np.zeros(order.shape[0], dtype=np.int64)
    funded = np.zeros(order.shape, dtype=bool)
    for k in range(order.shape[1]):
        bid = order[:, k]
        fits = (status[rows, bid] == 0) & (used + award[bid] <= pot)
        used += np.where(fits, award[bid], 0)
        funded[rows, bid] = fits
    return funded
