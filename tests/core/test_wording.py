"""How figures are written for people: one rounding rule, and one wording of payback, value for money
and the discount rates, for the CLI, the files, the reasons, the pages and the prints."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core import wording
from bidtool.core.appraisal import CostUplift, Switch, appraise
from bidtool.core.bid import BenefitKind, BenefitLine, BidYear, Party
from bidtool.core.money import round_places


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.345"), "2.35"),  # half away from zero, where f"{x:.2f}" gave 2.34 (half-even)
        (Decimal("2.335"), "2.34"),
        (Decimal("-2.345"), "-2.35"),
        (Decimal("2.3449999"), "2.34"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Decimal(4), "4.00"),
        (None, "n/a"),
    ],
)
def test_a_ratio_is_shown_to_two_places_half_away_from_zero(value, shown):
    assert wording.ratio(value) == shown


@pytest.mark.parametrize(
    ("share", "shown"),
    [(Decimal("0.125"), "13%"), (Decimal("0.005"), "1%"), (Decimal("0.004"), "0%"), (Decimal(1), "100%")],
)
def test_a_share_is_a_whole_percentage_half_away_from_zero(share, shown):
    assert wording.percent(share) == shown


def test_a_score_is_whole_or_a_mean_to_two_places():
    assert [wording.score(s) for s in (3, Fraction(5, 2), Fraction(7, 3), None)] == ["3", "2.50", "2.33", "–"]


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    st.integers(0, 4),
)
def test_rounding_is_half_away_from_zero_as_decimal_rounds_half_up(value, places):
    expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_places(value, places) == expected
    assert round_places(-value, places) == -expected
    assert abs(round_places(value, places) - value) <= Decimal(5).scaleb(-places - 1)


@pytest.mark.parametrize(
    ("bcr", "gate", "shown"),
    [
        (Decimal("2.345"), Decimal("2.35"), ("2.345", "2.35")),  # never "2.35 is below 2.35"
        (Decimal("2.345"), Decimal("2.4"), ("2.35", "2.40")),
        (Decimal("0.95"), Decimal("1.0"), ("0.95", "1.00")),
        (Decimal("2.349999"), Decimal("2.35"), ("2.349999", "2.35")),
        (Decimal("0.5"), Decimal("0.625"), ("0.50", "0.625")),
    ],
)
def test_a_ratio_below_a_limit_takes_the_places_it_needs_to_read_below_it(bcr, gate, shown):
    assert wording.ratio_below(bcr, gate) == shown


def a_case(make_bid, years: int, payback: str = "paid_back"):
    costs = {"paid_back": 100_000, "not_within_years": 10**9, "not_applicable": 0}[payback]
    spread = [BidYear(2014, award_costs=costs)] + [BidYear(2014 + t, savings=50_000) for t in range(1, years)]
    return appraise(make_bid(spread)).prudent


@pytest.mark.parametrize(
    ("years", "shown"),
    [
        (1, "3.5% a year"),
        (31, "3.5% a year"),  # years 0 to 30: the rate never steps down
        (32, "3.5% a year for years 1 to 30, then 3.0%"),
        (76, "3.5% a year for years 1 to 30, then 3.0%"),
        (77, "3.5% a year for years 1 to 30, 3.0% for years 31 to 75, then 2.5%"),
    ],
)
def test_the_discount_rate_is_said_as_far_as_the_bids_years_reach(make_bid, years, shown):
    assert wording.discounting(a_case(make_bid, years)) == shown


def test_payback_is_worded_once_for_every_case(make_bid):
    paid, never, free = (a_case(make_bid, 12, p) for p in ("paid_back", "not_within_years", "not_applicable"))
    assert [wording.payback(c) for c in (paid, never, free)] == [
        "2017/18",
        "Not within the bid's years",
        "Not applicable (no costs)",
    ]
    assert [wording.payback_sentence(c) for c in (paid, never, free)] == [
        "It pays back in 2017/18.",
        "It does not pay back within its own years.",
        "",
    ]


def test_value_for_money_is_the_category_or_no_costs(make_bid):
    case = a_case(make_bid, 12)
    assert wording.vfm(case.vfm_category) == case.vfm_category.label
    assert wording.vfm(None) == "n/a (no costs)"
    free = a_case(make_bid, 3, "not_applicable")
    assert wording.bcr_and_vfm(free) == "n/a (no costs)"
    assert (
        wording.bcr_and_vfm(case)
        == f"{wording.ratio(case.bcr)} ({case.vfm_category.label.lower()} value for money)"
    )


@pytest.mark.parametrize(
    ("ticks", "shown"),
    [
        (
            [0, 25e6, 50e6, 75e6, 100e6, 125e6, 150e6, 175e6, 200e6],
            ["£0", "£0.25m", "£0.50m", "£0.75m", "£1.00m", "£1.25m", "£1.50m", "£1.75m", "£2.00m"],
        ),
        ([0.0, 50e6, 100e6, 150e6], ["£0", "£0.5m", "£1.0m", "£1.5m"]),
        ([0.0, 100e6, 200e6], ["£0", "£1m", "£2m"]),
        ([-250e6, 0.0, 250e6], ["-£2.5m", "£0", "£2.5m"]),
        ([0.0, 20e5, 40e5, 60e5], ["£0", "£20k", "£40k", "£60k"]),
        ([0.0, 2500.0, 5000.0], ["£0", "£25", "£50"]),
        ([124_999_999.99999999, 150e6], ["£1.25m", "£1.50m"]),  # as matplotlib's floats arrive
        ([123_456_789.0], ["£1.23m"]),  # more places than two: rounded half away from zero
    ],
)
def test_an_axis_labels_money_in_one_unit_to_as_few_places_as_label_every_tick_exactly(ticks, shown):
    assert wording.money_axis(ticks) == shown


@given(
    step=st.sampled_from([2_500, 25_000, 500_000, 2_500_000, 5_000_000, 25_000_000, 50_000_000, 100_000_000]),
    first=st.integers(-4, 4),
    count=st.integers(2, 12),
)
def test_every_tick_of_an_axis_is_labelled_with_its_own_value(step, first, count):
    """Ticks a step apart, as matplotlib places them: each label reads back as its tick's value."""
    ticks = [float((first + n) * step) for n in range(count)]
    labels = wording.money_axis(ticks)
    assert len(set(labels)) == len(labels)
    suffixes = {label[-1] for label in labels} & {"m", "k"}
    unit = {"m": 100_000_000, "k": 100_000}[suffixes.pop()] if suffixes else 100
    for tick, label in zip(ticks, labels, strict=True):
        number = label.replace("£", "").rstrip("mk")
        assert Fraction(number) * unit == tick


def test_a_named_case_reads_its_bcr_then_its_name_then_its_category(make_bid):
    case = a_case(make_bid, 12)
    label = case.vfm_category.label.lower()
    assert (
        wording.bcr_and_vfm(case, "prudent") == f"{wording.ratio(case.bcr)} prudent ({label} value for money)"
    )
    assert wording.bcr_and_vfm(a_case(make_bid, 3, "not_applicable"), "prudent") == "n/a prudent (no costs)"


@pytest.mark.parametrize(
    ("alpha", "shown"),
    [
        (None, "n/a"),
        (0.8, "0.80 (good)"),
        (0.7999, "0.7999 (tentative)"),  # never "0.80 (tentative)"
        (0.667, "0.67 (tentative)"),
        (0.6669, "0.6669 (low)"),
        (-0.25, "-0.25 (low)"),
    ],
)
def test_agreement_is_worded_with_krippendorffs_limits_and_reads_below_them(alpha, shown):
    assert wording.agreement(alpha) == shown


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (None, "–"),
        (0.0, "0%"),
        (0.004, "under 1%"),
        (0.005, "1%"),
        (0.5, "50%"),
        (0.996, "over 99%"),
        (1.0, "100%"),
    ],
)
def test_a_probability_is_never_shown_as_certain_unless_it_is(share, shown):
    assert wording.probability(share) == shown


def test_points_are_signed_and_rank_ranges_collapse_when_they_are_one_rank():
    assert [wording.points(v) for v in (0.204, -0.315, 0.001, None)] == ["+0.20", "-0.32", "0.00", "–"]
    assert (wording.rank_range((4, 4)), wording.rank_range([3, 7])) == ("4", "3 to 7")


def switch(savings, costs, optimism_bias, target=1) -> Switch:
    return Switch(*(None if v is None else Decimal(v) for v in (target, savings, costs, optimism_bias)))


@pytest.mark.parametrize(
    ("moves", "savings", "costs", "optimism_bias"),
    [
        (switch("-0.625", "1.5", "0.6"), "fall by 63%", "rise by 150%", "a cut of 60%"),
        (
            switch("0.2", "-0.25", "-0.5"),
            "rise by 20%",
            "fall by 25%",
            "none: benefits would have to rise by 50%",
        ),
        (
            switch("-1.5", 0, 0),
            "no fall reaches it: the other benefits alone pass it",
            "none: it is there already",
            "a cut of 0%",
        ),
        (switch(None, None, None, 2), "n/a (no cashable savings)", "n/a (no costs)", "n/a (no benefits)"),
    ],
)
def test_switching_values_are_worded_as_a_rise_fall_or_cut_in_whole_percentages(
    moves, savings, costs, optimism_bias
):
    assert wording.switching_savings(moves) == savings
    assert wording.switching_costs(moves) == costs
    assert wording.switching_optimism_bias(moves) == optimism_bias


def test_the_adjusted_case_is_named_by_its_percentage_only_when_one_percentage_cuts_every_benefit(make_bid):
    years = [BidYear(2014, award_costs=1000, savings=2000)]
    assert wording.after_optimism_bias(appraise(make_bid(years))) == "after 10% optimism bias"
    social = BenefitLine(2014, BenefitKind.SOCIAL, Party.OTHER, 100, confidence=6)
    own_grade = make_bid(years, benefit_lines=(social,))
    assert wording.after_optimism_bias(appraise(own_grade)) == "after optimism bias"
    same_grade = make_bid(years, benefit_lines=(replace(social, confidence=3),))
    assert wording.after_optimism_bias(appraise(same_grade)) == "after 10% optimism bias"
    uplifted = appraise(make_bid(years), cost_uplift=CostUplift(Decimal(0), Decimal(5)))
    assert wording.after_optimism_bias(uplifted) == "after optimism bias"


def test_entered_percentages_are_shown_without_trailing_zeros():
    assert [wording.entered_percent(Decimal(v)) for v in ("60", "12.50", "0.05", "100.00")] == [
        "60%",
        "12.5%",
        "0.05%",
        "100%",
    ]
