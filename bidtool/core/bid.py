"""A bid: who is bidding, what it costs and saves by financial year, and its narrative."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from bidtool.core.money import Pence


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

    def __post_init__(self) -> None:
        # Years are kept in order so that t = 0 is always the bid's first year.
        object.__setattr__(self, "years", tuple(sorted(self.years, key=lambda y: y.year)))

    @property
    def first_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def has_ranges(self) -> bool:
        return any(y.savings_high is not None for y in self.years)


def repeat_savings(years: list[BidYear], count: int) -> list[BidYear]:
    """Write out the last year's savings (and high estimate) for `count` further years, with no costs."""
    if not years or count < 1:
        return []
    last = max(years, key=lambda y: y.year)
    return [
        BidYear(year=last.year + k, savings=last.savings, savings_high=last.savings_high)
        for k in range(1, count + 1)
    ]
