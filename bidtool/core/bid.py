"""A bid: who is bidding, what it costs and saves by financial year, and its narrative."""

from __future__ import annotations

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
