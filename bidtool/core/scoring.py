"""Scoring a bid against a scheme: criterion scores, divergence, weighted score, gates, suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from bidtool.core import wording
from bidtool.core.appraisal import Appraisal, VfmCategory
from bidtool.core.bid import Bid
from bidtool.core.money import round_places
from bidtool.core.scheme import Criterion, Indicator, Scale, Scheme

# Match funding of half the one-off costs or more earns the top of the scale.
FULL_MATCH_SHARE = Fraction(1, 2)
# Five or more kinds of partner (say district, county, fire, police, health) earn the top.
FULL_PARTNER_TYPES = 5


@dataclass(frozen=True)
class Score:
    """One assessor's score of one criterion of one bid (moderated: the lead assessor's)."""

    bid: str
    criterion: str
    assessor: str
    score: int
    justification: str = ""
    moderated: bool = False


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    score: Fraction | None
    moderated: bool
    assessor_scores: tuple[int, ...]
    divergent: bool
    calibrated: bool = False  # the mean of the assessors' scores with each one's leniency taken out


class Status(StrEnum):
    RANKED = "ranked"
    FAILS_GATE = "fails_gate"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class ScoredBid:
    """A bid's result against a scheme: what ranking needs, and the reasons behind its status."""

    reference: str
    title: str
    award_sought: int
    bcr: Decimal | None
    npv: int
    criteria: dict[str, CriterionResult]
    weighted_score: Fraction | None
    status: Status
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """A score suggested by an indicator; None when the measure cannot be worked out."""

    criterion: str
    indicator: Indicator
    score: int | None
    basis: str


def criterion_result(
    scheme: Scheme,
    criterion: Criterion,
    scores: Iterable[Score],
    conflicted: frozenset[str],
    offsets: Mapping[str, Fraction] | None = None,
) -> CriterionResult:
    """Take the moderated score if there is one, else the mean of non-conflicted assessors' scores.

    With `offsets` (each assessor's fitted leniency) the mean is of the calibrated scores, each
    assessor's offset taken out, kept within the scale; divergence is always of the scores given.
    """
    counted = [s for s in scores if s.criterion == criterion.id and s.assessor not in conflicted]
    moderated = [s.score for s in counted if s.moderated]
    assessed = tuple(s.score for s in counted if not s.moderated)
    calibrated = offsets is not None and not moderated and bool(assessed)
    if moderated:
        score: Fraction | None = Fraction(moderated[-1])
    elif calibrated:
        mean = Fraction(sum(s.score - offsets.get(s.assessor, 0) for s in counted)) / len(counted)
        score = min(max(mean, Fraction(scheme.scale.min)), Fraction(scheme.scale.max))
    elif assessed:
        score = Fraction(sum(assessed), len(assessed))
    else:
        score = None
    spread = max(assessed) - min(assessed) if assessed else 0
    return CriterionResult(
        criterion.id, score, bool(moderated), assessed, spread >= scheme.divergence, calibrated
    )


def criterion_points(scheme: Scheme, criterion: Criterion, score: Fraction | None) -> Fraction | None:
    """Return what one criterion adds to the weighted score: 100 * w(s - min)/(max - min) / sum w."""
    if score is None:
        return None
    span = scheme.scale.max - scheme.scale.min
    total = sum(Fraction(c.weight) for c in scheme.criteria)
    return 100 * Fraction(criterion.weight) * (score - scheme.scale.min) / span / total


def weighted_score(scheme: Scheme, scores: Mapping[str, Fraction | None]) -> Fraction | None:
    """Return 100 * sum w(s - min)/(max - min) / sum w, or None when any criterion is unscored."""
    points = [criterion_points(scheme, c, scores.get(c.id)) for c in scheme.criteria]
    return None if None in points else sum(points)


def gate_reasons(scheme: Scheme, scores: Mapping[str, Fraction | None], bcr: Decimal | None) -> list[str]:
    """Say why a bid fails the scheme's gates (an empty list when it passes)."""
    reasons = []
    for c in scheme.criteria:
        score = scores.get(c.id)
        if c.gate_min_score is not None and score is not None and score < c.gate_min_score:
            reasons.append(
                f"{c.name} scored {wording.score(score)}, below the gate minimum of {c.gate_min_score}"
            )
    if scheme.vfm_gate is not None:
        if bcr is None:
            reasons.append(
                "The BCR cannot be worked out (the bid states no costs), "
                "so the value-for-money gate is not met"
            )
        elif bcr < scheme.vfm_gate:
            shown, gate = wording.ratio_below(bcr, scheme.vfm_gate)
            reasons.append(f"BCR {shown} (prudent case) is below the value-for-money gate of {gate}")
    return reasons


def score_bid(
    scheme: Scheme,
    bid: Bid,
    appraisal: Appraisal,
    scores: Iterable[Score],
    conflicted: frozenset[str] = frozenset(),
    offsets: Mapping[str, Fraction] | None = None,
) -> ScoredBid:
    """Score one bid: criterion results, weighted score, gates and its status with reasons (on
    calibrated scores when given each assessor's offset)."""
    scores = [s for s in scores if s.bid == bid.reference]
    results = {c.id: criterion_result(scheme, c, scores, conflicted, offsets) for c in scheme.criteria}
    values = {key: r.score for key, r in results.items()}
    unscored = [c.name for c in scheme.criteria if values[c.id] is None]
    reasons = gate_reasons(scheme, values, appraisal.prudent.bcr)
    if unscored:
        status = Status.INCOMPLETE
        reasons.insert(0, f"Not yet scored: {', '.join(unscored)}")
    else:
        status = Status.FAILS_GATE if reasons else Status.RANKED
    return ScoredBid(
        reference=bid.reference,
        title=bid.title,
        award_sought=bid.award_sought,
        bcr=appraisal.prudent.bcr,
        npv=appraisal.prudent.npv,
        criteria=results,
        weighted_score=weighted_score(scheme, values),
        status=status,
        reasons=tuple(reasons),
    )


def suggest_scores(scheme: Scheme, bid: Bid, appraisal: Appraisal) -> list[Suggestion]:
    """Suggest a score for every criterion that has an indicator."""
    return [_suggest(scheme.scale, c, bid, appraisal) for c in scheme.criteria if c.indicator is not None]


def _on_scale(scale: Scale, fraction: Fraction) -> int:
    """Place a fraction 0..1 of the way up the scale, rounding half up to a point from its bottom."""
    steps = (scale.max - scale.min) * min(max(fraction, Fraction(0)), Fraction(1))
    return scale.min + int(round_places(steps, 0))


def _suggest(scale: Scale, criterion: Criterion, bid: Bid, appraisal: Appraisal) -> Suggestion:
    indicator = criterion.indicator
    if indicator is Indicator.BCR:
        case = appraisal.adjusted
        if case.vfm_category is None:
            return Suggestion(criterion.id, indicator, None, "No BCR: the bid states no costs")
        top = max(c.order for c in VfmCategory)
        return Suggestion(
            criterion.id,
            indicator,
            _on_scale(scale, Fraction(case.vfm_category.order, top)),
            f"BCR {wording.ratio(case.bcr)} {wording.after_optimism_bias(appraisal)}: "
            f"{case.vfm_category.label} value for money",
        )
    if indicator is Indicator.MATCH_SHARE:
        share = appraisal.prudent.match_share
        if share is None:
            return Suggestion(criterion.id, indicator, None, "No one-off costs, so no match-funding share")
        return Suggestion(
            criterion.id,
            indicator,
            _on_scale(scale, Fraction(share) / FULL_MATCH_SHARE),
            f"Partners meet {wording.percent(share)} of one-off costs",
        )
    kinds = sorted({p.type.value for p in bid.partners})
    return Suggestion(
        criterion.id,
        indicator,
        _on_scale(scale, Fraction(max(len(kinds) - 1, 0), FULL_PARTNER_TYPES - 1)),
        f"{len(kinds)} kind{'s' if len(kinds) != 1 else ''} of partner: {', '.join(kinds) or 'none'}",
    )
