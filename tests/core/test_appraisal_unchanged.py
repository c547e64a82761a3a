"""A bid that says nothing of who pays or gains is appraised exactly as before lines existed.

Two witnesses of "before": `data/appraisals-before-lines.json`, every figure of every demo bid
under every shipped scheme (and none) as bidtool appraised them at commit 4b6517f, the last
before benefit lines; and `appraise_before_lines` below, that appraisal's rule written out again,
against which Hypothesis checks any bidtool.bid/1 bid.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.appraisal import (
    ILLUSTRATIVE_OPTIMISM_BIAS,
    WEAKEST_GRADE,
    CaseAppraisal,
    appraise,
    discount_factor,
)
from bidtool.core.bid import Bid, BidYear
from bidtool.core.bidfile import parse_bid
from bidtool.core.fields import strict_json
from bidtool.core.money import round_pence
from bidtool.core.scheme import parse_scheme
from tests.samples import ROOT, SCHEMES, TCA_BIDS

BEFORE = json.loads((Path(__file__).parent / "data" / "appraisals-before-lines.json").read_text())
DRAFTS = sorted((ROOT / "fixtures" / "tca2013" / "drafts").glob("*.json"))
CASE_FIELDS = (
    "total_costs", "total_savings", "total_benefits", "award_sought", "pv_costs", "pv_benefits", "npv",
    "bcr", "roi", "payback_year", "savings_per_pound", "match_share",
)  # fmt: skip


def _yaml_scheme(name: str):
    import yaml  # a test may read YAML; the core itself never does

    return parse_scheme(yaml.safe_load((SCHEMES / f"{name}.yaml").read_text()))


def _as_before(case: CaseAppraisal | None) -> dict | None:
    """A case in the terms of the file: the numbers as numbers, to compare by value."""
    if case is None:
        return None
    return {
        **{name: getattr(case, name) for name in CASE_FIELDS},
        "payback": case.payback.value,
        "vfm_category": None if case.vfm_category is None else case.vfm_category.label,
        "years": [[y.year, y.costs, y.benefits, y.discount_factor, y.cumulative_net] for y in case.years],
    }


def _numbers(before: dict | None) -> dict | None:
    if before is None:
        return None
    ratios = ("bcr", "roi", "savings_per_pound", "match_share")
    return {
        **{k: (None if v is None else Decimal(v)) if k in ratios else v for k, v in before.items()},
        "years": [[y, *map(Decimal, rest)] for y, *rest in before["years"]],
    }


@pytest.mark.parametrize("path", [*TCA_BIDS, *DRAFTS], ids=lambda p: p.stem)
def test_every_demo_bid_is_appraised_to_the_penny_as_before_under_every_shipped_scheme(path):
    bid = parse_bid(strict_json(path.read_text()))
    assert not bid.has_lines
    for name in ("none", "tca", "fire-transformation-2015", "relative-baseline"):
        appraisal = appraise(bid) if name == "none" else _yaml_scheme(name).appraise(bid)
        before = BEFORE[f"{path.name} {name}"]
        assert appraisal.confidence_grade == before["confidence_grade"]
        assert appraisal.grade_assumed is before["grade_assumed"]
        assert appraisal.optimism_bias_percent == Decimal(before["optimism_bias_percent"])
        for case in ("prudent", "adjusted", "high"):
            assert _as_before(getattr(appraisal, case)) == _numbers(before[case]), (name, case)
        # Every benefit of a bid without lines is fiscal, so its financial case is its public value case.
        assert _as_before(appraisal.prudent.financial) == _as_before(appraisal.prudent)


def test_the_file_of_before_covers_every_demo_bid_under_every_scheme():
    assert len(BEFORE) == 4 * len([*TCA_BIDS, *DRAFTS]) == 76


def appraise_before_lines(bid: Bid, table=ILLUSTRATIVE_OPTIMISM_BIAS) -> dict[str, dict | None]:
    """The appraisal as DOMAIN 4 set it before lines (payback and the VfM band follow from its
    years and BCR by rules that lines did not touch): C = award + match + recurring costs, B =
    savings + other benefits (high: the high savings), optimism bias cutting B by the bid's grade."""
    keep = (
        1 - Decimal(table[WEAKEST_GRADE if bid.savings_confidence is None else bid.savings_confidence]) / 100
    )
    first = bid.years[0].year if bid.years else 0

    def case(benefit) -> dict:
        running, years = Decimal(0), []
        for y in bid.years:
            saved, other = benefit(y)
            factor = discount_factor(y.year - first)
            running += (saved + other - y.costs) * factor
            years.append([y.year, Decimal(y.costs), saved + other, factor, running])
        pv_costs = round_pence(sum((row[1] * row[3] for row in years), Decimal(0)))
        pv_benefits = round_pence(sum((row[2] * row[3] for row in years), Decimal(0)))
        savings = round_pence(sum((benefit(y)[0] for y in bid.years), Decimal(0)))
        one_off = sum(y.award_costs + y.match_costs for y in bid.years)
        return {
            "total_costs": sum(y.costs for y in bid.years),
            "total_savings": savings,
            "total_benefits": round_pence(sum((row[2] for row in years), Decimal(0))),
            "award_sought": bid.award_sought,
            "pv_costs": pv_costs,
            "pv_benefits": pv_benefits,
            "npv": pv_benefits - pv_costs,
            "bcr": Decimal(pv_benefits) / pv_costs if pv_costs else None,
            "roi": Decimal(pv_benefits - pv_costs) / pv_costs if pv_costs else None,
            "savings_per_pound": Decimal(savings) / bid.award_sought if bid.award_sought else None,
            "match_share": Decimal(sum(y.match_costs for y in bid.years)) / one_off if one_off else None,
            "years": years,
        }

    return {
        "prudent": case(lambda y: (Decimal(y.savings), Decimal(y.other_benefits))),
        "adjusted": case(lambda y: (y.savings * keep, y.other_benefits * keep)),
        "high": case(
            lambda y: (
                Decimal(y.savings if y.savings_high is None else y.savings_high),
                Decimal(y.other_benefits),
            )
        )
        if any(y.savings_high is not None for y in bid.years)
        else None,
    }


amounts = st.integers(0, 10**12)  # up to £10bn a figure


@st.composite
def bids_of_the_first_format(draw) -> Bid:
    first = draw(st.integers(1990, 2100))
    years = []
    for t in draw(st.lists(st.integers(0, 8), min_size=1, max_size=6, unique=True)):
        savings = draw(amounts)
        years.append(
            BidYear(
                first + t,
                award_costs=draw(amounts),
                match_costs=draw(amounts),
                recurring_costs=draw(amounts),
                savings=savings,
                savings_high=draw(st.none() | st.integers(0, 10**12)),
                other_benefits=draw(amounts),
            )
        )
    return Bid(
        reference="H-01",
        title="Any bid",
        lead_organisation="Any council",
        award_sought=draw(amounts),
        savings_confidence=draw(st.none() | st.integers(1, 6)),
        years=tuple(years),
    )


percentages = st.decimals(0, 100, places=2)


@settings(max_examples=300, deadline=None)
@given(bid=bids_of_the_first_format(), table=st.lists(percentages, min_size=6, max_size=6))
def test_a_bid_of_the_first_format_keeps_every_figure_of_its_appraisal(bid, table):
    grades = dict(zip(range(1, 7), table, strict=True))
    appraisal = appraise(bid, grades)
    before = appraise_before_lines(bid, grades)
    for case in ("prudent", "adjusted", "high"):
        now = _as_before(getattr(appraisal, case))
        expected = before[case]
        if expected is None:
            assert now is None
            continue
        assert {
            k: v for k, v in now.items() if k not in ("payback", "payback_year", "vfm_category")
        } == expected, case
