"""Sample inputs shared by the tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "fixtures" / "schemes"
TCA_BIDS = sorted((ROOT / "fixtures" / "tca2013" / "bids").glob("*.json"))


def bid_data(**changes) -> dict:
    """A small, complete, consistent bid as a bidtool.bid/1 object."""
    data = {
        "format": "bidtool.bid/1",
        "reference": "HAND-01",
        "title": "Shared back office",
        "lead_organisation": "Anytown Borough Council",
        "partners": [
            {"name": "Anytown Borough Council", "type": "district"},
            {"name": "Shire County Council", "type": "county"},
            {"name": "Shire Fire and Rescue", "type": "fire"},
        ],
        "award_sought": 100000,
        "savings_confidence": 3,
        "years": [
            {"year": "2014/15", "award_costs": 100000, "match_costs": 20000},
            {"year": "2015/16", "recurring_costs": 10000, "savings": 80000},
            {"year": "2016/17", "recurring_costs": 10000, "savings": 90000, "savings_high": 120000},
        ],
        "narrative": {
            key: "We will merge the two back offices."
            for key in ("summary", "value_for_money", "innovation", "collaboration", "deliverability")
        }
        | {"transferability": "Any two-tier area can copy it."},
    }
    data.update(changes)
    return data
