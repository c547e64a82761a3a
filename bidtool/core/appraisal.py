"""Appraisal of a bid in the HM Treasury way: discounting, NPV, BCR, payback, optimism bias on
benefits and costs; the local-partnership guidance's financial and public value cases, who pays
and who gains, and switching values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from functools import lru_cache

from bidtool.core.bid import BenefitKind, Bid, CostKind, Party
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
    """The figures of one case (prudent, adjusted or high). Money in pence.

    Benefits are every benefit (the public value case); `financial` is the same case counting
    fiscal benefits alone (the financial case), and has no financial case of its own.
    """

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
    financial: CaseAppraisal | None = None


@dataclass(frozen=True)
class CostUplift:
    """Green Book optimism bias on costs: percentages added to one-off and to recurring costs."""

    one_off: Decimal = Decimal(0)
    recurring: Decimal = Decimal(0)

    def percent(self, kind: CostKind) -> Decimal:
        return self.one_off if kind.one_off else self.recurring


NO_COST_UPLIFT = CostUplift()


@dataclass(frozen=True)
class Flow:
    """One amount of one year as the appraisal counts it: its kind, and who pays or gains it."""

    year: int
    party: Party
    kind: BenefitKind | CostKind
    claimed: Pence  # as entered: the prudent case
    high: Pence  # the high case: the high estimate of savings where given, else as claimed
    factor: Decimal  # after optimism bias: 1 - OB / 100 for a benefit, 1 + uplift / 100 for a cost
    percent: Decimal  # the optimism bias (benefit) or uplift (cost) behind the factor

    @property
    def cost(self) -> bool:
        return isinstance(self.kind, CostKind)


@dataclass(frozen=True)
class PartyFigures:
    """What one party pays and gains, in present values after optimism bias. Money in pence."""

    party: Party | None  # None: the total of every party
    costs: Pence
    benefits: Mapping[BenefitKind, Pence]

    @property
    def fiscal(self) -> Pence:
        return sum(amount for kind, amount in self.benefits.items() if kind.fiscal)

    @property
    def public_value(self) -> Pence:
        return sum(self.benefits.values())

    @property
    def net_fiscal(self) -> Pence:
        return self.fiscal - self.costs

    @property
    def net_public_value(self) -> Pence:
        return self.public_value - self.costs


@dataclass(frozen=True)
class Switch:
    """How far each figure of the prudent case must move for its BCR to reach `target` (1: a net
    present value of zero); a change is a share (-0.25: a fall of a quarter), None where that
    figure cannot move the BCR (no savings, no costs, no benefits)."""

    target: Decimal
    savings: Decimal | None  # change in the cashable savings
    costs: Decimal | None  # change in the costs
    optimism_bias: Decimal | None  # the cut in every benefit that reaches the target (0.6: 60%)


@dataclass(frozen=True)
class SwitchingValues:
    npv: Switch  # to a net present value of zero
    gate: Switch | None  # to the scheme's value-for-money gate, if it has one (and the bid has costs)


@dataclass(frozen=True)
class OutcomeFigures:
    """An outcome-based line as the appraisal counts it: its grade, and its values by year."""

    grade: int  # the line's own grade, else the bid's, else the weakest
    percent: Decimal  # the optimism bias that grade brings
    values: tuple[tuple[int, Pence], ...]


@dataclass(frozen=True)
class Appraisal:
    reference: str
    confidence_grade: int
    grade_assumed: bool
    optimism_bias_percent: Decimal
    prudent: CaseAppraisal
    adjusted: CaseAppraisal
    high: CaseAppraisal | None
    cost_uplift: CostUplift
    benefit_percents: frozenset[Decimal]  # every optimism bias its benefits are cut by
    benefit_haircut: Decimal | None  # how much optimism bias cuts the benefits' present value (a share)
    who: tuple[PartyFigures, ...]  # who pays and who gains, after optimism bias
    switching: SwitchingValues
    outcomes: tuple[OutcomeFigures, ...]  # one per outcome-based line of the bid

    @property
    def who_total(self) -> PartyFigures:
        """The who-pays table's total row: each column of its rounded figures added up."""
        return PartyFigures(
            None,
            sum(p.costs for p in self.who),
            {kind: sum(p.benefits[kind] for p in self.who) for kind in BenefitKind},
        )

    @property
    def lines_graded_apart(self) -> bool:
        """Whether some benefit is cut by another percentage than the bid's grade's (a line's own grade)."""
        return not self.benefit_percents <= {self.optimism_bias_percent}

    @property
    def costs_uplifted(self) -> bool:
        return self.cost_uplift != NO_COST_UPLIFT

    @property
    def uniform_optimism_bias(self) -> bool:
        """Whether one percentage (the bid's grade's) cuts every benefit, and costs are not uplifted."""
        return not self.lines_graded_apart and not self.costs_uplifted


def appraise(
    bid: Bid,
    optimism_bias: Mapping[int, Decimal] = ILLUSTRATIVE_OPTIMISM_BIAS,
    cost_uplift: CostUplift = NO_COST_UPLIFT,
    vfm_gate: Decimal | None = None,
) -> Appraisal:
    """Appraise a bid in its prudent, optimism-bias-adjusted and (if it has ranges) high cases,
    each with its financial case; say who pays and gains, and how far its figures may move."""
    grade = _grade(bid, None)
    found = flows(bid, optimism_bias, cost_uplift)
    prudent = _with_financial(bid, Case.PRUDENT, found, lambda f: Decimal(f.claimed))
    adjusted = _with_financial(bid, Case.ADJUSTED, found, lambda f: f.claimed * f.factor)
    benefits = [f for f in found if not f.cost]
    claimed = _present_value(bid, benefits, lambda f: Decimal(f.claimed))
    return Appraisal(
        reference=bid.reference,
        confidence_grade=grade,
        grade_assumed=bid.savings_confidence is None,
        optimism_bias_percent=Decimal(optimism_bias[grade]),
        prudent=prudent,
        adjusted=adjusted,
        high=_with_financial(bid, Case.HIGH, found, lambda f: Decimal(f.high)) if bid.has_ranges else None,
        cost_uplift=cost_uplift,
        benefit_percents=frozenset(f.percent for f in benefits if f.claimed),
        benefit_haircut=1 - _present_value(bid, benefits, lambda f: f.claimed * f.factor) / claimed
        if claimed
        else None,
        who=_who(bid, found),
        switching=_switching(bid, prudent, found, vfm_gate),
        outcomes=tuple(
            OutcomeFigures(
                _grade(bid, line.confidence),
                Decimal(optimism_bias[_grade(bid, line.confidence)]),
                line.values(),
            )
            for line in bid.outcome_lines
        ),
    )


def _grade(bid: Bid, line_grade: int | None) -> int:
    """The grade that applies: the line's own, else the bid's, else the weakest."""
    if line_grade is not None:
        return line_grade
    return WEAKEST_GRADE if bid.savings_confidence is None else bid.savings_confidence


def flows(
    bid: Bid,
    optimism_bias: Mapping[int, Decimal] = ILLUSTRATIVE_OPTIMISM_BIAS,
    cost_uplift: CostUplift = NO_COST_UPLIFT,
) -> list[Flow]:
    """Every amount of the bid, year by year: the year's costs then its cost lines, its savings and
    other benefits, then its benefit lines and the year's value of each outcome.

    The year's own amounts name nobody (savings are fiscal cashable, other benefits fiscal
    non-cashable) but award costs, which are the fund's.
    """

    def cost(year: int, party: Party, kind: CostKind, amount: Pence) -> Flow:
        percent = Decimal(cost_uplift.percent(kind))
        return Flow(year, party, kind, amount, amount, 1 + percent / 100, percent)

    def benefit(
        year: int, party: Party, kind: BenefitKind, amount: Pence, grade: int | None, high: int | None = None
    ) -> Flow:
        percent = Decimal(optimism_bias[_grade(bid, grade)])
        return Flow(year, party, kind, amount, amount if high is None else high, 1 - percent / 100, percent)

    nobody = Party.NOT_ATTRIBUTED
    found = []
    for y in bid.years:
        found += [
            cost(y.year, Party.FUND, CostKind.AWARD, y.award_costs),
            cost(y.year, nobody, CostKind.MATCH, y.match_costs),
            cost(y.year, nobody, CostKind.RECURRING, y.recurring_costs),
            *(cost(c.year, c.agency, c.kind, c.amount) for c in bid.cost_lines if c.year == y.year),
            benefit(y.year, nobody, BenefitKind.FISCAL_CASHABLE, y.savings, None, y.savings_high),
            benefit(y.year, nobody, BenefitKind.FISCAL_NON_CASHABLE, y.other_benefits, None),
            *(
                benefit(b.year, b.agency, b.kind, b.amount, b.confidence)
                for b in bid.benefit_lines
                if b.year == y.year
            ),
            *(
                benefit(year, o.agency, o.kind, amount, o.confidence)
                for o in bid.outcome_lines
                for year, amount in o.values()
                if year == y.year
            ),
        ]
    return found


def _with_financial(
    bid: Bid, case: Case, found: list[Flow], value: Callable[[Flow], Decimal]
) -> CaseAppraisal:
    """A case counting every benefit, with its financial case (fiscal benefits alone)."""
    fiscal = [f for f in found if f.cost or f.kind.fiscal]
    return _appraise_case(bid, case, found, value, _appraise_case(bid, case, fiscal, value, None))


def _appraise_case(
    bid: Bid,
    case: Case,
    found: list[Flow],
    value: Callable[[Flow], Decimal],
    financial: CaseAppraisal | None,
) -> CaseAppraisal:
    first = bid.first_year or 0
    years = []
    cumulative = Decimal(0)
    for year in bid.years:
        here = [f for f in found if f.year == year.year]
        costs = sum((value(f) for f in here if f.cost), Decimal(0))
        benefits = sum((value(f) for f in here if not f.cost), Decimal(0))
        factor = discount_factor(year.year - first)
        cumulative += (benefits - costs) * factor
        years.append(YearFigures(year.year, costs, benefits, factor, cumulative))
    pv_costs = round_pence(sum((y.costs * y.discount_factor for y in years), Decimal(0)))
    pv_benefits = round_pence(sum((y.benefits * y.discount_factor for y in years), Decimal(0)))
    npv = pv_benefits - pv_costs
    total_savings = round_pence(
        sum((value(f) for f in found if f.kind is BenefitKind.FISCAL_CASHABLE), Decimal(0))
    )
    one_off = sum(f.claimed for f in found if f.cost and f.kind.one_off)
    match = sum(f.claimed for f in found if f.kind is CostKind.MATCH)
    bcr = Decimal(pv_benefits) / pv_costs if pv_costs else None
    payback, payback_year = _payback(years)
    return CaseAppraisal(
        case=case,
        total_costs=round_pence(sum((y.costs for y in years), Decimal(0))),
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
        match_share=Decimal(match) / one_off if one_off else None,
        vfm_category=vfm_category(bcr),
        years=tuple(years),
        financial=financial,
    )


def _present_value(bid: Bid, found: list[Flow], value: Callable[[Flow], Decimal]) -> Decimal:
    """The exact present value of some flows (unrounded)."""
    first = bid.first_year or 0
    return sum((value(f) * discount_factor(f.year - first) for f in found), Decimal(0))


def _who(bid: Bid, found: list[Flow]) -> tuple[PartyFigures, ...]:
    """What each party pays and gains after optimism bias, every figure rounded once to the penny;
    parties with nothing to pay or gain are left out."""

    def pv(flows: list[Flow]) -> Pence:
        return round_pence(_present_value(bid, flows, lambda f: f.claimed * f.factor))

    rows = []
    for party in Party:
        mine = [f for f in found if f.party is party]
        if not any(f.claimed for f in mine):
            continue
        rows.append(
            PartyFigures(
                party,
                pv([f for f in mine if f.cost]),
                {kind: pv([f for f in mine if f.kind is kind]) for kind in BenefitKind},
            )
        )
    return tuple(rows)


def _switching(bid: Bid, prudent: CaseAppraisal, found: list[Flow], gate: Decimal | None) -> SwitchingValues:
    """Switching values of the prudent case: to a net present value of zero, and to the gate."""
    savings = round_pence(
        _present_value(
            bid, [f for f in found if f.kind is BenefitKind.FISCAL_CASHABLE], lambda f: Decimal(f.claimed)
        )
    )

    def switch(target: Decimal) -> Switch:
        benefits, costs = Decimal(prudent.pv_benefits), Decimal(prudent.pv_costs)
        others = benefits - savings
        return Switch(
            target=target,
            savings=(target * costs - others) / savings - 1 if savings else None,
            costs=benefits / (target * costs) - 1 if costs and target else None,
            optimism_bias=1 - target * costs / benefits if benefits else None,
        )

    return SwitchingValues(
        npv=switch(Decimal(1)),
        gate=switch(Decimal(gate)) if gate is not None and prudent.pv_costs else None,
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
