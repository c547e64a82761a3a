"""Builders shared by the core tests: valid scheme and bid data, and bids built from years."""

from __future__ import annotations

import pytest

from bidtool.core.bid import Bid, BidYear, Partner, PartnerType
from bidtool.core.scheme import Scheme, parse_scheme


def _criterion_data(item: str | dict, scale: tuple[int, int]) -> dict:
    raw = {"id": item} if isinstance(item, str) else dict(item)
    low, high = scale
    raw.setdefault("name", raw["id"].replace("_", " ").capitalize())
    raw.setdefault("weight", 1)
    raw.setdefault("guidance", f"What an assessor looks for under {raw['name']}.")
    raw.setdefault("descriptors", {point: f"{raw['name']} at {point}" for point in range(low, high + 1)})
    return raw


def build_scheme_data(
    criteria: tuple[str | dict, ...] | list[str | dict] = ("value_for_money", "innovation"),
    scale: tuple[int, int] = (0, 4),
    **fields: object,
) -> dict:
    """Return a valid bidtool.scheme/1 mapping; criteria given by id or as partial mappings."""
    low, high = scale
    data = {
        "format": "bidtool.scheme/1",
        "id": "test-scheme",
        "name": "Test scheme",
        "scale": {
            "min": low,
            "max": high,
            "labels": {point: f"Label {point}" for point in range(low, high + 1)},
        },
        "criteria": [_criterion_data(item, scale) for item in criteria],
    }
    data.update(fields)
    return data


def build_bid(
    years: tuple[BidYear, ...] | list[BidYear] = (),
    *,
    reference: str = "TST-01",
    award_sought: int | None = None,
    partners: tuple[Partner, ...] | None = None,
    savings_confidence: int | None = 3,
    narrative: dict[str, str] | None = None,
    **fields: object,
) -> Bid:
    """Build a Bid; the award sought defaults to the sum of the award costs of its years."""
    return Bid(
        reference=reference,
        title=f"Bid {reference}",
        lead_organisation="Northshire County Council",
        partners=(
            (
                Partner("Northshire County Council", PartnerType.COUNTY),
                Partner("Northshire Police", PartnerType.POLICE),
            )
            if partners is None
            else partners
        ),
        award_sought=sum(y.award_costs for y in years) if award_sought is None else award_sought,
        savings_confidence=savings_confidence,
        years=tuple(years),
        narrative={"summary": "What the bid does."} if narrative is None else narrative,
        **fields,
    )


def build_scheme(**kwargs: object) -> Scheme:
    return parse_scheme(build_scheme_data(**kwargs))


@pytest.fixture(scope="session")
def scheme_data():
    """Factory of valid scheme mappings (see build_scheme_data)."""
    return build_scheme_data


@pytest.fixture(scope="session")
def make_scheme():
    """Factory of parsed schemes (see build_scheme_data for the arguments)."""
    return build_scheme


@pytest.fixture(scope="session")
def make_bid():
    """Factory of bids (see build_bid)."""
    return build_bid


@pytest.fixture(scope="session")
def bid_data():
    """Factory of valid bidtool.bid/1 mappings, shaped like the example in DOMAIN 3.1."""

    def build(**fields: object) -> dict:
        data = {
            "format": "bidtool.bid/1",
            "reference": "SWI-01",
            "title": "One Swindon",
            "lead_organisation": "Swindon Borough Council",
            "partners": [
                {"name": "Swindon Borough Council", "type": "unitary"},
                {"name": "Wiltshire Police", "type": "police"},
            ],
            "award_sought": 380000,
            "savings_confidence": 4,
            "years": [
                {
                    "year": "2013/14",
                    "award_costs": 230000,
                    "match_costs": 0,
                    "recurring_costs": 0,
                    "savings": 0,
                    "savings_high": None,
                    "other_benefits": 0,
                },
                {
                    "year": "2014/15",
                    "award_costs": 150000,
                    "match_costs": 100000,
                    "recurring_costs": 0,
                    "savings": 7000000,
                    "savings_high": 10000000,
                    "other_benefits": 0,
                },
            ],
            "narrative": {"summary": "One public service for Swindon.", "value_for_money": "It pays."},
        }
        data.update(fields)
        return data

    return build
