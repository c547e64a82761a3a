"""Appraisal of a bid in the HM Treasury way: discounting, NPV, BCR, payback, optimism bias."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from functools import lru_cache

from bidtool.core.bid import Bid
from bidtool.core.money import Pence, round_pence

# Green Book Social Time Preference Rate: (last year the rate applies to, rate).
STPR_SCHEDULE: tuple[tuple[int | None, Decimal], ...] = (
    (30, Decimal("0.035")),
    (75, Decimal("0.030")),
    (125, Decimal("0.025")),
    (200, Decimal("0.020")),
    (300, Decimal("0.015")),
    (None, Decimal("0.010")),
)

# Illustrative percentages by confidence grade (DOMAIN 4.3); schemes carry their own table.
ILLUSTRATIVE_OPTIMISM_BIAS: Mapping[int, Decimal] = {
    1: Decimal(0),
    2: Decimal(5),
    3: Decimal(10),
    4: Decimal(15),
    5: Decimal(25),
    6: Decimal(40),
}
CONFIDENCE_GRADES = range(1, 7)
WEAKEST_GRADE = 6


def discount_rate(t: int) -> Decimal:
    """Return the rate that discounts year t-1 to year t (t >= 1)."""
    for last, rate in STPR_SCHEDULE:
        if last is None or t <= last:
            return rate
    raise AssertionError("the schedule ends with an open-ended rate")


@lru_cache(maxsize=1024)
def discount_factor(t: int) -> Decimal:
    """Return DF(t): 1 in year 0, then DF(t-1) / (1 + r_t)."""
    if t < 0:
        raise ValueError("years before the bid's first year cannot be discounted")
    factor = Decimal(1)
    for k in range(1, t + 1):
        factor /= 1 + discount_rate(k)
    return factor


class Case(StrEnum):
    PRUDENT = "prudent"
    ADJUSTED = "adjusted"
    HIGH = "high"


class VfmCategory(Enum):
    """DCLG value-for-money categories; each value is (order, label, lowest BCR)."""

    POOR = (0, "Poor", None)
    LOW = (1, "Low", Decimal("1.0"))
    MEDIUM = (2, "Medium", Decimal("1.5"))
    HIGH = (3, "High", Decimal("2.0"))
    VERY_HIGH = (4, "Very high", Decimal("4.0"))

    @property
    def order(self) -> int:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]

    @property
    def lowest_bcr(self) -> Decimal | None:
        return self.value[2]


def vfm_category(bcr: Decimal | None) -> VfmCategory | None:
    """Place a BCR in its band; an edge belongs to the higher band. None when BCR is undefined."""
    if bcr is None:
        return None
    found = VfmCategory.POOR
    for category in VfmCategory:
        if category.lowest_bcr is not None and bcr >= category.lowest_bcr:
            found = category
    return found


class Payback(StrEnum):
    PAID_BACK = "paid_back"
    NOT_WITHIN_YEARS = "not_within_years"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class YearFigures:
    """One year of a case: its costs and benefits (pence, exact) and their discounting."""

    year: int
    costs: Decimal
    benefits: Decimal
    discount_factor: Decimal
    cumulative_net: Decimal  # discounted benefits less discounted costs, up to this year


@dataclass(frozen=True)
class CaseAppraisal:
    """The figures of one case (prudent, adjusted or high). Money in pence."""

    case: Case
    total_costs: Pence
    total_savings: Pence
    total_benefits: Pence
    award_sought: Pence
    pv_costs: Pence
    pv_benefits: Pence
    npv: Pence
    bcr: Decimal | None
    roi: Decimal | None
    payback: Payback
    payback_year: int | None
    savings_per_pound: Decimal | None
    match_share: Decimal | None
    vfm_category: VfmCategory | None
    years: tuple[YearFigures, ...]


@dataclass(frozen=True)
class Appraisal:
    reference: str
    confidence_grade: int
    grade_assumed: bool
    optimism_bias_percent: Decimal
    prudent: CaseAppraisal
    adjusted: CaseAppraisal
    high: CaseAppraisal | None


def appraise(bid: Bid, optimism_bias: Mapping[int, Decimal] = ILLUSTRATIVE_OPTIMISM_BIAS) -> Appraisal:
    """Appraise a bid in its prudent, optimism-bias-adjusted and (if it has ranges) high cases."""
    grade = WEAKEST_GRADE if bid.savings_confidence is None else bid.savings_confidence
    percent = Decimal(optimism_bias[grade])
    keep = 1 - percent / 100
    prudent = [(Decimal(y.savings), Decimal(y.other_benefits)) for y in bid.years]
    high = [
        (Decimal(y.savings if y.savings_high is None else y.savings_high), Decimal(y.other_benefits))
        for y in bid.years
    ]
    adjusted = [(s * keep, o * keep) for s, o in prudent]
    return Appraisal(
        reference=bid.reference,
        confidence_grade=grade,
        grade_assumed=bid.savings_confidence is None,
        optimism_bias_percent=percent,
        prudent=_appraise_case(bid, Case.PRUDENT, prudent),
        adjusted=_appraise_case(bid, Case.ADJUSTED, adjusted),
        high=_appraise_case(bid, Case.HIGH, high) if bid.has_ranges else None,
    )


def _appraise_case(bid: Bid, case: Case, benefits: list[tuple[Decimal, Decimal]]) -> CaseAppraisal:
    first = bid.first_year or 0
    years = []
    cumulative = Decimal(0)
    for year, (savings, other) in zip(bid.years, benefits, strict=True):
        factor = discount_factor(year.year - first)
        cumulative += (savings + other - year.costs) * factor
        years.append(YearFigures(year.year, Decimal(year.costs), savings + other, factor, cumulative))
    pv_costs = round_pence(sum((y.costs * y.discount_factor for y in years), Decimal(0)))
    pv_benefits = round_pence(sum((y.benefits * y.discount_factor for y in years), Decimal(0)))
    npv = pv_benefits - pv_costs
    total_savings = round_pence(sum((s for s, _ in benefits), Decimal(0)))
    one_off = sum(y.one_off_costs for y in bid.years)
    bcr = Decimal(pv_benefits) / pv_costs if pv_costs else None
    payback, payback_year = _payback(years)
    return CaseAppraisal(
        case=case,
        total_costs=sum(y.costs for y in bid.years),
        total_savings=total_savings,
        total_benefits=round_pence(sum((y.benefits for y in years), Decimal(0))),
        award_sought=bid.award_sought,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npv=npv,
        bcr=bcr,
        roi=Decimal(npv) / pv_costs if pv_costs else None,
        payback=payback,
        payback_year=payback_year,
        savings_per_pound=Decimal(total_savings) / bid.award_sought if bid.award_sought else None,
        match_share=Decimal(sum(y.match_costs for y in bid.years)) / one_off if one_off else None,
        vfm_category=vfm_category(bcr),
        years=tuple(years),
    )


def _payback(years: list[YearFigures]) -> tuple[Payback, int | None]:
    """Find the first year from which cumulative discounted net benefit stays at or above 0.

    DOMAIN 4.2 says "the first year at which it is >= 0", "year 0 if it never goes negative" and
    "no payback if it ends negative"; reading it as "from which it stays >= 0" satisfies all three
    and never reports payback in a year after which the bid is under water again.
    """
    if not any(y.costs for y in years):
        return Payback.NOT_APPLICABLE, None
    paid_back_from: int | None = None
    for year in years:
        if year.cumulative_net < 0:
            paid_back_from = None
        elif paid_back_from is None:
            paid_back_from = year.year
    if paid_back_from is None:
        return Payback.NOT_WITHIN_YEARS, None
    return Payback.PAID_BACK, paid_back_from
