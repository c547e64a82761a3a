"""Appraisal: Green Book discounting, NPV, BCR, ROI, payback, optimism bias and VfM bands.

Every expected figure here is worked out by hand. Amounts in later years are chosen as exact
multiples of 1.035**t so that their present values come out in whole pounds: for example
£2,070 in year 1 is worth 2070 / 1.035 = £2,000 today and £2,142.45 in year 2 is worth
2142.45 / 1.071225 = £2,000.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from bidtool.core.appraisal import (
    ILLUSTRATIVE_OPTIMISM_BIAS,
    Payback,
    VfmCategory,
    appraise,
    discount_factor,
    vfm_category,
)
from bidtool.core.bid import BidYear

R1, R2, R3, R4, R5, R6 = (Fraction(r) for r in ("1.035", "1.03", "1.025", "1.02", "1.015", "1.01"))

# DF(t) written out from the schedule in DOMAIN 4.1, one rate change at a time.
EXPECTED_DISCOUNT_FACTORS = {
    0: Fraction(1),
    1: 1 / R1,
    2: 1 / R1**2,
    30: 1 / R1**30,
    31: 1 / (R1**30 * R2),
    75: 1 / (R1**30 * R2**45),
    76: 1 / (R1**30 * R2**45 * R3),
    125: 1 / (R1**30 * R2**45 * R3**50),
    126: 1 / (R1**30 * R2**45 * R3**50 * R4),
    200: 1 / (R1**30 * R2**45 * R3**50 * R4**75),
    201: 1 / (R1**30 * R2**45 * R3**50 * R4**75 * R5),
    300: 1 / (R1**30 * R2**45 * R3**50 * R4**75 * R5**100),
    301: 1 / (R1**30 * R2**45 * R3**50 * R4**75 * R5**100 * R6),
    350: 1 / (R1**30 * R2**45 * R3**50 * R4**75 * R5**100 * R6**50),
}


def close(actual: Decimal, expected: Fraction, relative: Fraction = Fraction(1, 10**20)) -> bool:
    return abs(Fraction(actual) - expected) <= abs(expected) * relative


@pytest.mark.parametrize("t", sorted(EXPECTED_DISCOUNT_FACTORS))
def test_discount_factor_follows_the_green_book_schedule(t):
    assert close(discount_factor(t), EXPECTED_DISCOUNT_FACTORS[t])


def test_discount_factor_of_year_zero_is_exactly_one():
    assert discount_factor(0) == 1


@pytest.mark.parametrize(
    ("t", "rate"),
    [
        (1, "0.035"),
        (30, "0.035"),
        (31, "0.03"),
        (75, "0.03"),
        (76, "0.025"),
        (125, "0.025"),
        (126, "0.02"),
        (200, "0.02"),
        (201, "0.015"),
        (300, "0.015"),
        (301, "0.01"),
        (400, "0.01"),
    ],
)
def test_each_year_is_discounted_from_the_year_before_at_the_rate_of_its_band(t, rate):
    step = Fraction(discount_factor(t - 1)) / Fraction(discount_factor(t))
    assert close(step, 1 + Fraction(rate))


def test_years_before_the_first_cannot_be_discounted():
    with pytest.raises(ValueError, match="before the bid's first year"):
        discount_factor(-1)


@pytest.fixture
def three_year_bid(make_bid):
    """£3,000 one-off costs up front, then savings worth £2,000 a year in today's money."""
    return make_bid(
        [
            BidYear(2014, award_costs=200000, match_costs=100000),
            BidYear(2015, recurring_costs=10350, savings=207000, other_benefits=10350),
            BidYear(2016, savings=214245),
        ],
        savings_confidence=3,
    )


def test_present_values_npv_bcr_and_roi_of_a_three_year_bid(three_year_bid):
    prudent = appraise(three_year_bid).prudent
    # PVC = 3000 + 103.50 / 1.035 = 3100; PVB = (2070 + 103.50) / 1.035 + 2142.45 / 1.035**2 = 4100
    assert prudent.pv_costs == 310000
    assert prudent.pv_benefits == 410000
    assert prudent.npv == 100000
    assert close(prudent.bcr, Fraction(41, 31))
    assert close(prudent.roi, Fraction(10, 31))
    assert prudent.vfm_category is VfmCategory.LOW


def test_undiscounted_totals_of_a_three_year_bid(three_year_bid):
    prudent = appraise(three_year_bid).prudent
    assert prudent.total_costs == 310350
    assert prudent.total_savings == 421245
    assert prudent.total_benefits == 431595
    assert prudent.award_sought == 200000


def test_year_figures_carry_discount_factors_and_the_running_net_benefit(three_year_bid):
    years = appraise(three_year_bid).prudent.years
    assert [y.year for y in years] == [2014, 2015, 2016]
    assert [y.costs for y in years] == [300000, 10350, 0]
    assert [y.benefits for y in years] == [0, 217350, 214245]
    assert close(years[1].discount_factor, 1 / R1)
    assert close(years[2].discount_factor, 1 / R1**2)
    running = [Fraction(y.cumulative_net) for y in years]
    assert [round(r) for r in running] == [-300000, -100000, 100000]


def test_payback_is_the_year_the_running_net_benefit_turns_positive(three_year_bid):
    prudent = appraise(three_year_bid).prudent
    assert prudent.payback is Payback.PAID_BACK
    assert prudent.payback_year == 2016


def test_savings_per_pound_is_undiscounted_savings_over_the_award(three_year_bid):
    # (2070 + 2142.45) / 2000
    assert appraise(three_year_bid).prudent.savings_per_pound == Decimal("2.106225")


def test_match_share_is_match_costs_over_one_off_costs_leaving_out_recurring_costs(three_year_bid):
    assert close(appraise(three_year_bid).prudent.match_share, Fraction(1, 3))


def test_match_share_is_undefined_without_one_off_costs(make_bid):
    bid = make_bid([BidYear(2014, recurring_costs=5000, savings=9000)], award_sought=0)
    assert appraise(bid).prudent.match_share is None


def test_savings_per_pound_is_undefined_when_no_award_is_sought(make_bid):
    bid = make_bid([BidYear(2014, match_costs=5000, savings=9000)], award_sought=0)
    assert appraise(bid).prudent.savings_per_pound is None


def test_a_bid_without_costs_has_no_bcr_roi_category_or_payback(make_bid):
    bid = make_bid([BidYear(2014, savings=5000), BidYear(2015, savings=10350)], award_sought=0)
    prudent = appraise(bid).prudent
    assert prudent.pv_costs == 0
    assert prudent.pv_benefits == 15000
    assert prudent.npv == 15000
    assert prudent.bcr is None
    assert prudent.roi is None
    assert prudent.vfm_category is None
    assert prudent.payback is Payback.NOT_APPLICABLE
    assert prudent.payback_year is None


def test_a_bid_still_under_water_in_its_last_year_has_no_payback(make_bid):
    bid = make_bid([BidYear(2014, award_costs=10000), BidYear(2015, savings=10000)])
    prudent = appraise(bid).prudent
    # 100 / 1.035 = 96.618... pounds
    assert prudent.pv_benefits == 9662
    assert prudent.npv == -338
    assert prudent.bcr == Decimal("0.9662")
    assert prudent.roi == Decimal("-0.0338")
    assert prudent.vfm_category is VfmCategory.POOR
    assert prudent.payback is Payback.NOT_WITHIN_YEARS
    assert prudent.payback_year is None


def test_a_bid_that_never_goes_negative_pays_back_in_its_first_year(make_bid):
    bid = make_bid([BidYear(2014, award_costs=10000, savings=15000), BidYear(2015, savings=1000)])
    prudent = appraise(bid).prudent
    assert prudent.payback is Payback.PAID_BACK
    assert prudent.payback_year == 2014


def test_a_running_net_benefit_of_exactly_zero_counts_as_paid_back(make_bid):
    bid = make_bid([BidYear(2014, award_costs=100000), BidYear(2015, savings=103500)])
    prudent = appraise(bid).prudent
    assert prudent.npv == 0
    assert prudent.bcr == 1
    assert prudent.payback_year == 2015


def test_payback_is_the_year_from_which_the_bid_stays_paid_back(make_bid):
    # Running net benefit: -1000, +1000 (2015), -3000 (2016, a second round of costs), then positive.
    bid = make_bid(
        [
            BidYear(2014, award_costs=100000),
            BidYear(2015, savings=207000),
            BidYear(2016, recurring_costs=428490),
            BidYear(2017, savings=10_000_000),
        ]
    )
    prudent = appraise(bid).prudent
    assert [round(Fraction(y.cumulative_net)) > 0 for y in prudent.years] == [False, True, False, True]
    assert prudent.payback is Payback.PAID_BACK
    assert prudent.payback_year == 2017


def test_years_with_gaps_are_discounted_by_their_real_distance_from_the_first(make_bid):
    # 2142.45 in 2016 is two years on from 2014 even though 2015 is missing: worth £2,000, not £2,070.
    bid = make_bid([BidYear(2014, award_costs=100000), BidYear(2016, savings=214245)])
    prudent = appraise(bid).prudent
    assert prudent.pv_benefits == 200000
    assert close(prudent.years[1].discount_factor, 1 / R1**2)


def test_years_given_out_of_order_are_appraised_from_the_earliest(make_bid):
    in_order = make_bid([BidYear(2014, award_costs=100000), BidYear(2015, savings=207000)])
    reversed_ = make_bid([BidYear(2015, savings=207000), BidYear(2014, award_costs=100000)])
    assert appraise(reversed_) == appraise(in_order)
    assert appraise(reversed_).prudent.pv_benefits == 200000


def test_optimism_bias_reduces_benefits_but_not_costs(three_year_bid):
    adjusted = appraise(three_year_bid).adjusted  # grade 3: 10%
    # 0.9 * 2173.50 / 1.035 + 0.9 * 2142.45 / 1.035**2 = 1890 + 1800
    assert adjusted.pv_benefits == 369000
    assert adjusted.pv_costs == 310000
    assert adjusted.npv == 59000
    assert close(adjusted.bcr, Fraction(369, 310))
    assert adjusted.payback_year == 2016


def test_adjusted_savings_total_is_rounded_to_the_nearest_penny_half_up(three_year_bid):
    # 0.9 * 4212.45 = 3791.205 pounds
    adjusted = appraise(three_year_bid).adjusted
    assert adjusted.total_savings == 379121
    assert adjusted.savings_per_pound == Decimal("1.895605")


@pytest.mark.parametrize(("grade", "percent", "pv_benefits"), [(1, 0, 100000), (2, 5, 95000), (5, 25, 75000)])
def test_optimism_bias_falls_as_the_evidence_gets_better(make_bid, grade, percent, pv_benefits):
    bid = make_bid(
        [BidYear(2014, award_costs=100000), BidYear(2015, savings=51750, other_benefits=51750)],
        savings_confidence=grade,
    )
    appraisal = appraise(bid)
    assert appraisal.confidence_grade == grade
    assert appraisal.grade_assumed is False
    assert appraisal.optimism_bias_percent == percent
    assert appraisal.prudent.pv_benefits == 100000
    assert appraisal.adjusted.pv_benefits == pv_benefits


def test_a_bid_without_a_confidence_grade_is_treated_as_grade_6_and_reduced_by_40_percent(make_bid):
    bid = make_bid(
        [BidYear(2014, award_costs=100000), BidYear(2015, savings=103500)], savings_confidence=None
    )
    appraisal = appraise(bid)
    assert appraisal.confidence_grade == 6
    assert appraisal.grade_assumed is True
    assert appraisal.optimism_bias_percent == 40
    assert appraisal.adjusted.pv_benefits == 60000


def test_a_scheme_table_of_optimism_bias_replaces_the_illustrative_one(make_bid):
    bid = make_bid([BidYear(2014, award_costs=100000), BidYear(2015, savings=103500)], savings_confidence=4)
    table = {**ILLUSTRATIVE_OPTIMISM_BIAS, 4: Decimal(50)}
    appraisal = appraise(bid, table)
    assert appraisal.optimism_bias_percent == 50
    assert appraisal.adjusted.pv_benefits == 50000


def test_there_is_no_high_case_when_no_year_gives_a_high_estimate(three_year_bid):
    assert appraise(three_year_bid).high is None


def test_the_high_case_uses_the_high_estimate_where_given_and_the_prudent_one_elsewhere(make_bid):
    bid = make_bid(
        [
            BidYear(2014, award_costs=300000),
            BidYear(2015, savings=207000),  # no high estimate: counts at £2,070
            BidYear(2016, savings=214245, savings_high=428490),
        ]
    )
    appraisal = appraise(bid)
    high = appraisal.high
    assert high is not None
    # 2070 / 1.035 + 4284.90 / 1.035**2 = 2000 + 4000
    assert high.pv_benefits == 600000
    assert high.npv == 300000
    assert high.bcr == 2
    assert high.total_savings == 207000 + 428490
    assert appraisal.prudent.pv_benefits == 400000


def test_the_high_case_is_not_reduced_by_optimism_bias(make_bid):
    bid = make_bid(
        [BidYear(2014, award_costs=100000, savings=1000, savings_high=2000)], savings_confidence=None
    )
    assert appraise(bid).high.pv_benefits == 2000


@pytest.mark.parametrize(
    ("bcr", "category"),
    [
        ("0", VfmCategory.POOR),
        ("0.9999", VfmCategory.POOR),
        ("1.0", VfmCategory.LOW),
        ("1.4999", VfmCategory.LOW),
        ("1.5", VfmCategory.MEDIUM),
        ("1.9999", VfmCategory.MEDIUM),
        ("2.0", VfmCategory.HIGH),
        ("3.9999", VfmCategory.HIGH),
        ("4.0", VfmCategory.VERY_HIGH),
        ("250", VfmCategory.VERY_HIGH),
    ],
)
def test_value_for_money_bands_put_each_edge_in_the_higher_band(bcr, category):
    assert vfm_category(Decimal(bcr)) is category


def test_an_undefined_bcr_has_no_value_for_money_category():
    assert vfm_category(None) is None


@pytest.mark.parametrize(
    ("savings", "category"),
    [
        (99999, VfmCategory.POOR),
        (100000, VfmCategory.LOW),
        (149999, VfmCategory.LOW),
        (150000, VfmCategory.MEDIUM),
        (199999, VfmCategory.MEDIUM),
        (200000, VfmCategory.HIGH),
        (399999, VfmCategory.HIGH),
        (400000, VfmCategory.VERY_HIGH),
    ],
)
def test_an_appraised_bid_on_a_band_edge_lands_in_the_higher_band(make_bid, savings, category):
    bid = make_bid([BidYear(2014, award_costs=100000, savings=savings)])
    assert appraise(bid).prudent.vfm_category is category


def test_value_for_money_labels_read_as_in_the_guidance():
    assert [c.label for c in VfmCategory] == ["Poor", "Low", "Medium", "High", "Very high"]
