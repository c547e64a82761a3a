"""Plain-data summaries of appraisals, checks and rankings, for JSON, CSV and tables."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from bidtool.core.appraisal import Appraisal, CaseAppraisal, PartyFigures, Switch
from bidtool.core.bid import BenefitKind
from bidtool.core.checks import Finding
from bidtool.core.money import round_places, to_pounds
from bidtool.core.ranking import Ranking
from bidtool.core.years import year_label

RATIO_PLACES = 4


def ratio(value: Decimal | Fraction | None, places: int = RATIO_PLACES) -> Decimal | None:
    """Round a ratio for output; an undefined ratio stays None."""
    if value is None:
        return None
    return round_places(value, places)


def case_summary(case: CaseAppraisal) -> dict:
    """The headline figures of one case: money in pounds, ratios rounded, payback as a year label;
    and its financial case (fiscal benefits only)."""
    summary = {
        "total_costs": to_pounds(case.total_costs),
        "award_sought": to_pounds(case.award_sought),
        "pv_costs": to_pounds(case.pv_costs),
        "pv_benefits": to_pounds(case.pv_benefits),
        "npv": to_pounds(case.npv),
        "bcr": ratio(case.bcr),
        "roi": ratio(case.roi),
        "payback_year": None if case.payback_year is None else year_label(case.payback_year),
        "payback": case.payback.value,
        "vfm_category": None if case.vfm_category is None else case.vfm_category.label,
        "savings_per_pound": ratio(case.savings_per_pound),
        "match_share": ratio(case.match_share),
    }
    if case.financial is not None:
        summary["financial"] = _financial_summary(case.financial)
    return summary


FINANCIAL_KEYS = ("pv_costs", "pv_benefits", "npv", "bcr", "roi", "payback_year", "payback")


def _financial_summary(case: CaseAppraisal) -> dict:
    summary = case_summary(case)
    return {key: summary[key] for key in FINANCIAL_KEYS}


def _party_summary(figures: PartyFigures) -> dict:
    return {
        "party": "total" if figures.party is None else figures.party.value,
        "pv_costs": to_pounds(figures.costs),
        **{f"pv_{kind.value}": to_pounds(figures.benefits[kind]) for kind in BenefitKind},
        "net_fiscal": to_pounds(figures.net_fiscal),
        "net_public_value": to_pounds(figures.net_public_value),
    }


def _switch_summary(switch: Switch | None) -> dict | None:
    if switch is None:
        return None
    return {
        "bcr": ratio(switch.target),
        "savings": ratio(switch.savings),
        "costs": ratio(switch.costs),
        "optimism_bias": ratio(switch.optimism_bias),
    }


def appraisal_summary(appraisal: Appraisal, findings: list[Finding]) -> dict:
    """Everything `bidtool appraise --json` prints for one bid."""
    return {
        "reference": appraisal.reference,
        **case_summary(appraisal.prudent),
        "optimism_bias": {
            "grade": appraisal.confidence_grade,
            "grade_assumed": appraisal.grade_assumed,
            "percent": appraisal.optimism_bias_percent,
        },
        "adjusted": case_summary(appraisal.adjusted),
        "high": None if appraisal.high is None else case_summary(appraisal.high),
        "cost_optimism_bias": {
            "one_off": appraisal.cost_uplift.one_off,
            "recurring": appraisal.cost_uplift.recurring,
        },
        "who_pays_who_gains": [
            _party_summary(figures) for figures in (*appraisal.who, appraisal.who_total) if appraisal.who
        ],
        "switching_values": {
            "npv_zero": _switch_summary(appraisal.switching.npv),
            "gate": _switch_summary(appraisal.switching.gate),
            "optimism_bias_applied": ratio(appraisal.benefit_haircut),
        },
        "checks": findings_summary(findings),
    }


def findings_summary(findings: list[Finding]) -> list[dict]:
    return [{"code": f.code, "severity": f.severity.value, "message": f.message} for f in findings]


def ranking_summary(ranking: Ranking) -> dict:
    """The ranking as plain data: one row per bid, then the pot figures."""
    rows = [
        {
            "rank": row.rank,
            "reference": row.bid.reference,
            "title": row.bid.title,
            "weighted_score": ratio(row.bid.weighted_score, 2),
            "criteria": {key: ratio(r.score, 2) for key, r in row.bid.criteria.items()},
            "status": row.bid.status.value,
            "reasons": list(row.bid.reasons),
            "award_sought": to_pounds(row.bid.award_sought),
            "cumulative_award": None if row.cumulative_award is None else to_pounds(row.cumulative_award),
            "funded": row.funded,
        }
        for row in ranking.rows
    ]
    return {
        "bids": rows,
        "pot": None if ranking.pot is None else to_pounds(ranking.pot),
        "pot_used": None if ranking.pot_used is None else to_pounds(ranking.pot_used),
        "pot_left": None if ranking.pot_left is None else to_pounds(ranking.pot_left),
        "first_unfunded": ranking.first_unfunded,
    }
