"""A bid: who is bidding, what it costs and saves by financial year, who pays and gains, its narrative."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from bidtool.core.money import Pence, round_places
from bidtool.core.years import year_label


class PartnerType(StrEnum):
    DISTRICT = "district"
    COUNTY = "county"
    UNITARY = "unitary"
    METROPOLITAN = "metropolitan"
    LONDON_BOROUGH = "london_borough"
    FIRE = "fire"
    POLICE = "police"
    HEALTH = "health"
    PROBATION = "probation"
    VOLUNTARY = "voluntary"
    PRIVATE = "private"
    OTHER = "other"


class BidStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Partner:
    name: str
    type: PartnerType


@dataclass(frozen=True)
class BidYear:
    """The finance of one financial year; `year` is the calendar year it starts in."""

    year: int
    award_costs: Pence = 0
    match_costs: Pence = 0
    recurring_costs: Pence = 0
    savings: Pence = 0
    savings_high: Pence | None = None
    other_benefits: Pence = 0

    @property
    def one_off_costs(self) -> Pence:
        return self.award_costs + self.match_costs

    @property
    def costs(self) -> Pence:
        return self.award_costs + self.match_costs + self.recurring_costs


MONEY_FIELDS = (
    "award_costs",
    "match_costs",
    "recurring_costs",
    "savings",
    "savings_high",
    "other_benefits",
)

SUMMARY = "summary"

# The figures of a year as people read them (and all costs); a stated total adds up one of them.
FIGURE_NAMES = {
    "award_costs": "award costs",
    "match_costs": "match funding",
    "recurring_costs": "recurring costs",
    "costs": "total costs",
    "savings": "savings",
    "savings_high": "high savings",
    "other_benefits": "other benefits",
}


@dataclass(frozen=True)
class StatedTotal:
    """A total the bid prints (a table's total row, say), which the checks re-add from its years."""

    figure: str
    amount: Pence
    years: tuple[int, ...] = ()  # empty means every year of the bid
    source: str = ""

    def added_up(self, years: tuple[BidYear, ...]) -> Pence:
        """Re-add the figure over the years this total covers."""
        return figure_total([y for y in years if not self.years or y.year in self.years], self.figure)


def figure_total(years: Iterable[BidYear], figure: str) -> Pence:
    """Add up one figure over some years; high savings fall back to savings where no range is given."""
    if figure == "savings_high":
        return sum(y.savings if y.savings_high is None else y.savings_high for y in years)
    return sum(getattr(y, figure) for y in years)


class BenefitKind(StrEnum):
    """The kinds of benefit of the local-partnership CBA guidance: fiscal (to public budgets,
    cashable or not), economic (to people's earnings and the economy) and social (wider wellbeing)."""

    FISCAL_CASHABLE = "fiscal_cashable"
    FISCAL_NON_CASHABLE = "fiscal_non_cashable"
    ECONOMIC = "economic"
    SOCIAL = "social"

    @property
    def fiscal(self) -> bool:
        return self in (BenefitKind.FISCAL_CASHABLE, BenefitKind.FISCAL_NON_CASHABLE)


class CostKind(StrEnum):
    """Who pays a cost follows from its kind: award costs are the fund's, the rest the partners'."""

    AWARD = "award"
    MATCH = "match"
    RECURRING = "recurring"

    @property
    def one_off(self) -> bool:
        return self is not CostKind.RECURRING


class Party(StrEnum):
    """Who pays a cost or gains a benefit: the fund, an agency a line names, or nobody named."""

    FUND = "fund"
    COUNCIL = "council"
    NHS = "nhs"
    POLICE = "police"
    DWP = "dwp"
    FIRE = "fire"
    OTHER = "other"
    NOT_ATTRIBUTED = "not_attributed"


# The agencies a line may name as paying or gaining.
AGENCIES = (Party.COUNCIL, Party.NHS, Party.POLICE, Party.DWP, Party.FIRE, Party.OTHER)
# The kinds of cost a partner pays; award costs are the fund's, entered by year.
LINE_COST_KINDS = (CostKind.MATCH, CostKind.RECURRING)


@dataclass(frozen=True)
class BenefitLine:
    """A benefit claimed in one year, the agency that gains it, and its own confidence grade."""

    year: int
    kind: BenefitKind
    agency: Party
    amount: Pence
    confidence: int | None = None  # None: the bid's savings confidence applies
    description: str = ""


@dataclass(frozen=True)
class CostLine:
    """A cost in one year paid by a named agency: one-off (match funding) or recurring."""

    year: int
    kind: CostKind
    agency: Party
    amount: Pence
    description: str = ""


@dataclass(frozen=True)
class OutcomeLine:
    """A benefit worked out from an outcome, the guidance's way: the people it reaches, how many
    engage and succeed, less those who would have succeeded anyway, at a unit cost; rates are
    percentages, and the value falls by the drop-off each year after the first."""

    description: str
    kind: BenefitKind
    agency: Party
    first_year: int
    last_year: int
    cohort: int
    engagement_rate: Decimal
    success_rate: Decimal
    deadweight: Decimal
    unit_cost: Pence
    unit_cost_source: str
    drop_off: Decimal = Decimal(0)
    confidence: int | None = None

    @property
    def first_value(self) -> Fraction:
        """Its exact first-year value (pence): cohort x engagement x success x (1 - deadweight) x unit."""
        engaged = self.cohort * Fraction(self.engagement_rate) / 100
        succeeded = engaged * Fraction(self.success_rate) / 100 * (100 - Fraction(self.deadweight)) / 100
        return succeeded * self.unit_cost

    def values(self) -> tuple[tuple[int, Pence], ...]:
        """Its value in each of its years, each rounded to the penny by the one rule."""
        keep = 1 - Fraction(self.drop_off) / 100
        return tuple(
            (year, int(round_places(self.first_value * keep ** (year - self.first_year), 0)))
            for year in range(self.first_year, self.last_year + 1)
        )


@dataclass(frozen=True)
class Bid:
    reference: str
    title: str
    lead_organisation: str
    partners: tuple[Partner, ...] = ()
    award_sought: Pence = 0
    savings_confidence: int | None = None
    years: tuple[BidYear, ...] = ()
    narrative: dict[str, str] = field(default_factory=dict)
    stated_totals: tuple[StatedTotal, ...] = ()
    contact: str | None = None
    status: BidStatus = BidStatus.DRAFT
    benefit_lines: tuple[BenefitLine, ...] = ()
    cost_lines: tuple[CostLine, ...] = ()
    outcome_lines: tuple[OutcomeLine, ...] = ()

    def __post_init__(self) -> None:
        # Years are kept in order so that t = 0 is always the bid's first year.
        object.__setattr__(self, "years", tuple(sorted(self.years, key=lambda y: y.year)))

    @property
    def first_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def has_ranges(self) -> bool:
        return any(y.savings_high is not None for y in self.years)

    @property
    def has_lines(self) -> bool:
        """Whether the bid says who pays or gains (lines), which bidtool.bid/1 cannot carry."""
        return bool(self.benefit_lines or self.cost_lines or self.outcome_lines)

    def stray_lines(self) -> list[str]:
        """Say which lines fall in years the bid does not have (they could not be appraised)."""
        years = {y.year for y in self.years}
        strays = [
            f"the {what} line{' ' + repr(line.description) if line.description else ''} of "
            f"{year_label(line.year)}"
            for what, lines in (("benefit", self.benefit_lines), ("cost", self.cost_lines))
            for line in lines
            if line.year not in years
        ]
        strays += [
            f"the outcome {line.description!r} ({year_label(line.first_year)} to "
            f"{year_label(line.last_year)})"
            for line in self.outcome_lines
            if not set(range(line.first_year, line.last_year + 1)) <= years
        ]
        return strays


def repeat_savings(years: list[BidYear], count: int) -> list[BidYear]:
    """Write out the last year's savings (and high estimate) for `count` further years, with no costs."""
    if not years or count < 1:
        return []
    last = max(years, key=lambda y: y.year)
    return [
        BidYear(year=last.year + k, savings=last.savings, savings_high=last.savings_high)
        for k in range(1, count + 1)
    ]
