"""Consistency checks: each finding has a code, a severity and a message naming years and figures."""

from dataclasses import replace
from decimal import Decimal

import pytest

from bidtool.core.bid import (
    BenefitKind,
    BenefitLine,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    Party,
    StatedTotal,
)
from bidtool.core.checks import Severity, check_bid, has_errors

NARRATIVE = {"summary": "Shared services.", "value_for_money": "It pays.", "innovation": "New."}


@pytest.fixture
def scheme(make_scheme):
    return make_scheme(criteria=("value_for_money", "innovation"), max_award=5000, name="Test Fund")


@pytest.fixture
def clean_bid(make_bid):
    return make_bid(
        [
            BidYear(2014, award_costs=200000, match_costs=50000),
            BidYear(2015, award_costs=100000, savings=500000, savings_high=600000),
        ],
        narrative=dict(NARRATIVE),
    )


def only(findings, code):
    """Return the one finding with the code, after checking it is the only finding."""
    assert [f.code for f in findings] == [code], [f.message for f in findings]
    return findings[0]


def test_a_clean_bid_has_no_findings(clean_bid, scheme):
    assert clean_bid.award_sought == 300000
    assert check_bid(clean_bid, scheme) == []
    assert check_bid(clean_bid) == []


def test_award_costs_that_fall_short_of_the_award_sought_are_an_error_naming_years_and_figures(clean_bid):
    finding = only(check_bid(replace(clean_bid, award_sought=350000)), "award-costs-mismatch")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "The award costs by year add up to £3,000 (2014/15 £2,000, 2015/16 £1,000) "
        "but the award sought is £3,500: £500 unaccounted for in the years."
    )


def test_award_costs_above_the_award_sought_are_reported_as_too_much(clean_bid):
    finding = only(check_bid(replace(clean_bid, award_sought=299950)), "award-costs-mismatch")
    assert "the award sought is £2,999.50" in finding.message
    assert "£0.50 too much in the years" in finding.message


def test_a_bid_asking_for_nothing_is_an_error(clean_bid):
    years = tuple(replace(y, award_costs=0) for y in clean_bid.years)
    finding = only(check_bid(replace(clean_bid, years=years, award_sought=0)), "no-award-sought")
    assert finding.severity is Severity.ERROR
    assert "£0" in finding.message


def test_a_bid_without_years_is_an_error(clean_bid):
    findings = check_bid(replace(clean_bid, years=()))
    codes = [f.code for f in findings]
    assert "no-years" in codes
    assert has_errors(findings)


def test_a_missing_year_is_an_error_naming_it(clean_bid):
    years = (*clean_bid.years, BidYear(2017, savings=500000))
    finding = only(check_bid(replace(clean_bid, years=years)), "years-not-contiguous")
    assert finding.severity is Severity.ERROR
    assert "from 2015/16 to 2017/18" in finding.message
    assert "2016/17 is missing" in finding.message


def test_several_missing_years_are_all_named(clean_bid):
    years = (*clean_bid.years, BidYear(2018, savings=500000))
    finding = only(check_bid(replace(clean_bid, years=years)), "years-not-contiguous")
    assert "2016/17, 2017/18 are missing" in finding.message


def test_a_negative_amount_is_an_error_naming_year_field_and_figure(clean_bid):
    years = (clean_bid.years[0], replace(clean_bid.years[1], match_costs=-5000))
    finding = only(check_bid(replace(clean_bid, years=years)), "negative-amount")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("2015/16: match funding is -£50;")


def test_every_money_field_is_checked_for_negative_amounts(make_bid):
    year = BidYear(
        2014,
        award_costs=-1,
        match_costs=-2,
        recurring_costs=-3,
        savings=-4,
        savings_high=-4,
        other_benefits=-6,
    )
    findings = [f for f in check_bid(make_bid([year])) if f.code == "negative-amount"]
    named = [f.message.split(" is ")[0] for f in findings]
    assert named[1:] == [
        "2014/15: award costs",
        "2014/15: match funding",
        "2014/15: recurring costs",
        "2014/15: savings",
        "2014/15: high savings",
        "2014/15: other benefits",
    ]
    assert findings[0].message.startswith("The award sought is -£0.01")


def test_a_high_estimate_below_the_prudent_one_is_an_error_naming_both(clean_bid):
    years = (clean_bid.years[0], replace(clean_bid.years[1], savings_high=400000))
    finding = only(check_bid(replace(clean_bid, years=years)), "savings-high-below-prudent")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "2015/16: the high savings estimate £4,000 is below the prudent estimate £5,000."
    )


def test_a_high_estimate_equal_to_the_prudent_one_is_fine(clean_bid):
    years = (clean_bid.years[0], replace(clean_bid.years[1], savings_high=500000))
    assert check_bid(replace(clean_bid, years=years)) == []


def test_savings_before_the_first_cost_are_a_warning_naming_the_years(clean_bid):
    years = (BidYear(2013, savings=1000), *clean_bid.years)
    finding = only(check_bid(replace(clean_bid, years=years)), "savings-before-costs")
    assert finding.severity is Severity.WARNING
    assert "(the first costs are in 2014/15)" in finding.message
    assert "2013/14 £10" in finding.message


def test_savings_in_a_bid_without_any_costs_are_a_warning(make_bid):
    bid = make_bid([BidYear(2014, savings=1000)], award_sought=0)
    findings = check_bid(bid)
    finding = next(f for f in findings if f.code == "savings-before-costs")
    assert "the bid states no costs at all" in finding.message
    assert "2014/15 £10" in finding.message


def test_savings_in_the_same_year_as_the_first_costs_are_fine(make_bid):
    bid = make_bid([BidYear(2014, award_costs=1000, savings=5000)])
    assert "savings-before-costs" not in [f.code for f in check_bid(bid)]


def test_a_bid_naming_only_its_lead_organisation_as_partner_is_an_error(clean_bid):
    lead_only = (Partner("NORTHSHIRE county council", PartnerType.COUNTY),)
    finding = only(check_bid(replace(clean_bid, partners=lead_only)), "no-partners")
    assert finding.severity is Severity.ERROR
    assert "Northshire County Council" in finding.message


def test_a_bid_with_no_partners_at_all_is_an_error(clean_bid):
    only(check_bid(replace(clean_bid, partners=())), "no-partners")


def test_a_bid_without_a_confidence_grade_is_warned_it_counts_as_grade_6(clean_bid):
    finding = only(check_bid(replace(clean_bid, savings_confidence=None)), "no-savings-confidence")
    assert finding.severity is Severity.WARNING
    assert "grade 6" in finding.message


def test_a_bid_claiming_no_savings_is_warned(clean_bid):
    years = (
        clean_bid.years[0],
        replace(clean_bid.years[1], savings=0, savings_high=None, other_benefits=900),
    )
    finding = only(check_bid(replace(clean_bid, years=years)), "no-savings")
    assert finding.severity is Severity.WARNING


def test_a_missing_summary_is_an_error(clean_bid):
    narrative = {k: v for k, v in NARRATIVE.items() if k != "summary"}
    finding = only(check_bid(replace(clean_bid, narrative=narrative)), "missing-narrative")
    assert finding.severity is Severity.ERROR
    assert finding.message == "There is no narrative answer for Summary ('summary')."


def test_a_blank_narrative_answer_counts_as_missing(clean_bid):
    only(check_bid(replace(clean_bid, narrative={"summary": "   "})), "missing-narrative")


def test_each_scheme_criterion_without_a_narrative_answer_is_an_error(clean_bid, scheme):
    findings = check_bid(replace(clean_bid, narrative={"summary": "Shared services."}), scheme)
    assert [f.code for f in findings] == ["missing-narrative", "missing-narrative"]
    assert [f.message for f in findings] == [
        "There is no narrative answer for Value for money ('value_for_money').",
        "There is no narrative answer for Innovation ('innovation').",
    ]


def test_without_a_scheme_only_the_summary_is_required(clean_bid):
    assert check_bid(replace(clean_bid, narrative={"summary": "Shared services."})) == []


def test_an_award_above_the_scheme_maximum_is_an_error_naming_both_figures(clean_bid, scheme):
    years = (clean_bid.years[0], replace(clean_bid.years[1], award_costs=300001))
    bid = replace(clean_bid, years=years, award_sought=500001)
    finding = only(check_bid(bid, scheme), "award-above-maximum")
    assert finding.severity is Severity.ERROR
    assert finding.message == ("The award sought, £5,000.01, is above the Test Fund maximum of £5,000.")


def test_an_award_exactly_at_the_scheme_maximum_is_fine(clean_bid, scheme):
    years = (clean_bid.years[0], replace(clean_bid.years[1], award_costs=300000))
    assert check_bid(replace(clean_bid, years=years, award_sought=500000), scheme) == []


def test_has_errors_ignores_warnings(clean_bid):
    warnings_only = check_bid(replace(clean_bid, savings_confidence=None))
    assert warnings_only
    assert not has_errors(warnings_only)
    assert has_errors(check_bid(replace(clean_bid, partners=())))


def test_a_stated_total_that_adds_up_is_fine(clean_bid):
    stated = (
        StatedTotal("savings", 500000, source="table 2"),
        StatedTotal("costs", 250000, years=(2014,)),
        StatedTotal("savings_high", 600000),
    )
    assert check_bid(replace(clean_bid, stated_totals=stated)) == []


def test_a_stated_total_that_does_not_add_up_is_an_error_naming_figure_years_source_and_difference(clean_bid):
    stated = (StatedTotal("award_costs", 320000, years=(2014, 2015), source="page 4 table"),)
    finding = only(check_bid(replace(clean_bid, stated_totals=stated)), "stated-total-mismatch")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "The bid states award costs of £3,200 for 2014/15, 2015/16 (page 4 table), "
        "but its years add up to £3,000: a difference of £200."
    )


def test_a_stated_total_without_years_covers_all_the_years(clean_bid):
    stated = (StatedTotal("match_costs", 60000),)
    finding = only(check_bid(replace(clean_bid, stated_totals=stated)), "stated-total-mismatch")
    assert finding.message == (
        "The bid states match funding of £600 for all its years, but its years add up to £500: "
        "a difference of £100."
    )


def test_a_stated_high_savings_total_counts_prudent_savings_where_no_high_estimate_is_given(make_bid):
    bid = make_bid(
        [
            BidYear(2014, award_costs=1000, savings=100),
            BidYear(2015, savings=200, savings_high=500),
        ],
        stated_totals=(StatedTotal("savings_high", 600),),
    )
    assert "stated-total-mismatch" not in [f.code for f in check_bid(bid)]


def test_a_negative_line_amount_is_an_error_naming_its_year_kind_and_agency(make_bid):
    bid = make_bid(
        [BidYear(2014, award_costs=1000)],
        benefit_lines=(BenefitLine(2014, BenefitKind.SOCIAL, Party.NHS, -500),),
        cost_lines=(CostLine(2014, CostKind.RECURRING, Party.FIRE, -1),),
        outcome_lines=(
            OutcomeLine(
                "Work",
                BenefitKind.ECONOMIC,
                Party.DWP,
                2014,
                2014,
                1,
                Decimal(1),
                Decimal(1),
                Decimal(0),
                -100,
                "Db",
            ),
        ),
    )
    messages = [f.message for f in check_bid(bid) if f.code == "negative-amount"]
    assert messages == [
        "2014/15: the social benefit to NHS is -£5; amounts cannot be negative.",
        "2014/15: the recurring cost paid by Fire and rescue is -£0.01; amounts cannot be negative.",
        "The outcome 'Work' has a unit cost of -£1; amounts cannot be negative.",
    ]


def test_cashable_savings_claimed_as_a_line_or_an_outcome_are_savings(make_bid, clean_bid):
    years = (clean_bid.years[0], replace(clean_bid.years[1], savings=0, savings_high=None))
    without = replace(clean_bid, years=years)
    line = BenefitLine(years[1].year, BenefitKind.FISCAL_CASHABLE, Party.POLICE, 700)
    social = replace(line, kind=BenefitKind.SOCIAL)
    assert "no-savings" in [f.code for f in check_bid(replace(without, benefit_lines=(social,)))]
    assert "no-savings" not in [f.code for f in check_bid(replace(without, benefit_lines=(line,)))]


def test_savings_of_a_line_before_the_first_cost_of_a_line_are_a_warning(make_bid):
    bid = make_bid(
        [BidYear(2014), BidYear(2015)],
        award_sought=0,
        benefit_lines=(BenefitLine(2014, BenefitKind.FISCAL_CASHABLE, Party.NHS, 1000),),
        cost_lines=(CostLine(2015, CostKind.MATCH, Party.NHS, 500),),
    )
    (finding,) = [f for f in check_bid(bid) if f.code == "savings-before-costs"]
    assert "(the first costs are in 2015/16): 2014/15 £10." in finding.message
