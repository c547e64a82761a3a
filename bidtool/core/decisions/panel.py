"""The panel's decisions on a round at once: the ranking on the scores the round uses (raw, or
calibrated once the lead adopts them), agreement and calibration, how sure each rank is, and the
best portfolio beside the funding line; and all of it as plain data for JSON, CSV and pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bidtool.core.appraisal import Appraisal
from bidtool.core.bid import Bid
from bidtool.core.decisions.assessors import Agreement, agreement
from bidtool.core.decisions.portfolio import Comparison, Objective, best_portfolio
from bidtool.core.decisions.robustness import Robustness, robustness
from bidtool.core.money import Pence, to_pounds
from bidtool.core.organisations import Aliases
from bidtool.core.ranking import Ranking, rank_bids
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import Score, ScoredBid, score_bid
from bidtool.core.summary import ranking_summary, ratio

DEFAULT_CONCENTRATION = 100  # as a new round has it
PROBABILITY_PLACES = 4
NO_ALIASES = Aliases()


@dataclass(frozen=True)
class Assessed:
    """A bid as the decisions take it: its appraisal, and the assessors whose scores do not count."""

    bid: Bid
    appraisal: Appraisal
    conflicted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Settings:
    calibrated: bool = False  # rank on the calibrated scores (the lead adopted them for the round)
    concentration: int = DEFAULT_CONCENTRATION  # of the Dirichlet draws of the weights
    objective: Objective = Objective.SCORE  # of the best portfolio
    one_per_organisation: bool = False  # at most one bid of each lead organisation in the best portfolio


@dataclass(frozen=True)
class Decisions:
    settings: Settings
    ranking: Ranking  # on the scores the round uses
    raw: dict[str, Fraction | None]  # each bid's weighted score on the assessors' own scores
    calibrated: dict[str, Fraction | None]  # and on the calibrated scores
    agreement: Agreement
    robustness: Robustness
    portfolio: Comparison | None  # None without a pot


def scored_bids(
    scheme: Scheme,
    assessed: Sequence[Assessed],
    scores: Sequence[Score],
    offsets: Mapping[str, Fraction] | None,
) -> list[ScoredBid]:
    """Score every bid, on calibrated scores when given the assessors' offsets."""
    return [score_bid(scheme, a.bid, a.appraisal, scores, a.conflicted, offsets) for a in assessed]


def conflicts_of(assessed: Sequence[Assessed]) -> dict[str, frozenset[str]]:
    return {a.bid.reference: a.conflicted for a in assessed}


def decide(
    scheme: Scheme,
    assessed: Sequence[Assessed],
    scores: Sequence[Score],
    pot: Pence | None,
    settings: Settings,
    aliases: Aliases = NO_ALIASES,
) -> Decisions:
    """Everything the panel decides on: ranking, agreement, calibration, robustness, best portfolio."""
    conflicted = conflicts_of(assessed)
    found = agreement(scheme, scores, conflicted)
    raw = scored_bids(scheme, assessed, scores, None)
    calibrated = scored_bids(scheme, assessed, scores, found.offsets)
    used = calibrated if settings.calibrated else raw
    ranking = rank_bids(scheme, used, pot)
    organisations = (
        {a.bid.reference: aliases.key(a.bid.lead_organisation) for a in assessed}
        if settings.one_per_organisation
        else None
    )
    return Decisions(
        settings=settings,
        ranking=ranking,
        raw={b.reference: b.weighted_score for b in raw},
        calibrated={b.reference: b.weighted_score for b in calibrated},
        agreement=found,
        robustness=robustness(
            scheme,
            used,
            scores,
            pot,
            settings.concentration,
            conflicted=conflicted,
            offsets=found.offsets if settings.calibrated else None,
        ),
        portfolio=None if pot is None else best_portfolio(ranking, settings.objective, organisations),
    )


def not_available(decisions: Decisions) -> dict[str, str]:
    """What cannot be worked out from the scores and pot given, and why (nothing is made up instead)."""
    missing = {}
    found = decisions.agreement
    if found.overall is None:
        missing["agreement"] = (
            "No criterion of any bid was scored by two assessors or more whose scores differ anywhere, "
            "so agreement cannot be measured."
            if found.shared
            else "No criterion of any bid was scored by two assessors or more, so agreement cannot be "
            "measured and calibration leaves every score as it is."
        )
    if decisions.ranking.pot is None:
        missing["funded_probability"] = "There is no pot, so no bid is funded or not."
        missing["portfolio"] = "There is no pot to fill."
    return missing


def _number(value: float | Fraction | None, places: int):
    return None if value is None else ratio(Fraction(value), places)


def decisions_summary(decisions: Decisions) -> dict:
    """The ranking summary with the decisions: per bid and for the round."""
    summary = ranking_summary(decisions.ranking)
    chances = decisions.robustness
    best = decisions.portfolio
    for row in summary["bids"]:
        reference = row["reference"]
        row["raw_score"] = _number(decisions.raw[reference], 2)
        row["calibrated_score"] = _number(decisions.calibrated[reference], 2)
        row["funded_probability"] = _number(chances.funded[reference], PROBABILITY_PLACES)
        row["rank_range"] = list(chances.rank_range[reference])
        row["in_best_portfolio"] = None if best is None else reference in best.best.references
    found = decisions.agreement
    return {
        "scored_on": "calibrated" if decisions.settings.calibrated else "raw",
        **summary,
        "agreement": {
            "criteria": {key: _number(alpha, 4) for key, alpha in found.criteria.items()},
            "overall": _number(found.overall, 4),
            "shared": found.shared,
        },
        "assessors": [
            {
                "assessor": a.assessor,
                "leniency": _number(a.leniency, 4),
                "spread": _number(a.spread, 4),
                "bids_scored": a.bids_scored,
                "offset": _number(a.offset, 4),
            }
            for a in found.assessors
        ],
        "robustness": {
            "draws": chances.draws,
            "seed": chances.seed,
            "weight_concentration": chances.concentration,
        },
        "portfolio": None if best is None else _comparison(best),
        "not_available": not_available(decisions),
    }


def _comparison(best: Comparison) -> dict:
    def side(portfolio) -> dict:
        return {
            "references": list(portfolio.references),
            "total_score": ratio(portfolio.total_score, 2),
            "total_npv": to_pounds(portfolio.total_npv),
            "pot_used": to_pounds(portfolio.pot_used),
            "pot_left": to_pounds(best.pot - portfolio.pot_used),
        }

    return {
        "objective": best.objective.value,
        "one_per_lead_organisation": best.one_per_organisation,
        **side(best.best),
        "funding_line": side(best.line),
        "adds": list(best.only_best),
        "leaves_out": list(best.only_line),
    }
