"""The bid interchange formats bidtool.bid/1 and /2: reading with precise errors, and writing back."""

import json
from decimal import Decimal

import pytest

from bidtool.core.bid import (
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    Party,
    StatedTotal,
)
from bidtool.core.bidfile import bid_to_dict, parse_bid
from bidtool.core.errors import InvalidInput
from bidtool.core.fields import strict_json
from tests.samples import TCA_BIDS


def problems(data) -> dict[str, str]:
    """Parse a bid that must fail and return its problems as {field path: messages joined by ' / '}."""
    with pytest.raises(InvalidInput) as raised:
        parse_bid(data)
    found: dict[str, str] = {}
    for problem in raised.value.problems:
        found[problem.where] = " / ".join(filter(None, [found.get(problem.where), problem.message]))
    return found


def test_the_domain_example_reads_into_pence_and_calendar_years(bid_data):
    bid = parse_bid(bid_data())
    assert bid.reference == "SWI-01"
    assert bid.title == "One Swindon"
    assert bid.lead_organisation == "Swindon Borough Council"
    assert bid.partners == (
        Partner("Swindon Borough Council", PartnerType.UNITARY),
        Partner("Wiltshire Police", PartnerType.POLICE),
    )
    assert bid.award_sought == 38_000_000
    assert bid.savings_confidence == 4
    assert bid.years == (
        BidYear(2013, award_costs=23_000_000),
        BidYear(
            2014,
            award_costs=15_000_000,
            match_costs=10_000_000,
            savings=700_000_000,
            savings_high=1_000_000_000,
        ),
    )
    assert bid.narrative == {"summary": "One public service for Swindon.", "value_for_money": "It pays."}
    assert bid.status is BidStatus.DRAFT
    assert bid.contact is None
    assert bid.stated_totals == ()


def test_a_bid_written_out_reads_back_unchanged():
    bid = Bid(
        reference="RT-07",
        title="Round trip",
        lead_organisation="Eastshire District Council",
        partners=(
            Partner("Eastshire District Council", PartnerType.DISTRICT),
            Partner("Eastshire Fire and Rescue", PartnerType.FIRE),
            Partner("Eastshire CCG", PartnerType.HEALTH),
        ),
        award_sought=12_345_67,
        savings_confidence=2,
        years=(
            BidYear(2014, award_costs=10_000_00, match_costs=5_50, recurring_costs=1),
            BidYear(2015, award_costs=2_345_67, savings=99_99, savings_high=None, other_benefits=3),
            BidYear(2016, savings=1_000_000_00, savings_high=1_500_000_01),
        ),
        narrative={"summary": "Joint working.", "innovation": "First of its kind."},
        stated_totals=(
            StatedTotal("savings", 1_000_099_99, source="table 3"),
            StatedTotal("award_costs", 10_000_00, years=(2014,)),
        ),
        contact="bids@eastshire.example",
        status=BidStatus.SUBMITTED,
    )
    assert parse_bid(bid_to_dict(bid)) == bid


def test_a_bid_is_written_with_money_in_pounds_and_years_as_labels(bid_data):
    written = bid_to_dict(parse_bid(bid_data()))
    assert written["format"] == "bidtool.bid/1"
    assert str(written["award_sought"]) == "380000.00"
    assert written["years"][0]["year"] == "2013/14"
    assert written["years"][0]["savings_high"] is None
    assert str(written["years"][1]["savings_high"]) == "10000000.00"


def test_an_unknown_top_level_field_is_an_error_naming_it(bid_data):
    found = problems(bid_data(award_saught=380000))
    assert list(found) == ["award_saught"]
    assert found["award_saught"].startswith("is not a known field (known: award_sought, ")


def test_an_unknown_field_in_a_year_is_an_error_with_its_path(bid_data):
    data = bid_data()
    data["years"][1]["savigns"] = 5
    assert list(problems(data)) == ["years[1].savigns"]


def test_a_missing_format_is_an_error(bid_data):
    data = bid_data()
    del data["format"]
    assert problems(data) == {"format": "is required"}


def test_a_different_format_is_an_error_naming_both_it_reads(bid_data):
    assert problems(bid_data(format="bidtool.bid/3")) == {
        "format": "must be 'bidtool.bid/1' or 'bidtool.bid/2', not 'bidtool.bid/3'"
    }


@pytest.mark.parametrize("field", ["reference", "title", "lead_organisation", "years"])
def test_each_required_field_is_an_error_when_missing(bid_data, field):
    data = bid_data()
    del data[field]
    found = problems(data)
    assert list(found) == [field]
    assert found[field].startswith("is required")


def test_a_year_listed_twice_is_an_error_at_the_second(bid_data):
    data = bid_data()
    data["years"].append({"year": "2013/14", "savings": 5})
    assert problems(data) == {"years[2].year": "2013/14 is listed more than once"}


@pytest.mark.parametrize("label", ["2014-15", "2014/16", "14/15"])
def test_a_bad_year_label_is_an_error_at_its_year(bid_data, label):
    data = bid_data()
    data["years"][0]["year"] = label
    found = problems(data)
    assert list(found) == ["years[0].year"]
    assert "is not a financial year" in found["years[0].year"]


def test_a_year_without_its_label_is_an_error(bid_data):
    data = bid_data()
    del data["years"][1]["year"]
    assert problems(data) == {"years[1].year": "is required"}


def test_text_in_a_money_field_is_an_error_naming_its_path(bid_data):
    data = bid_data()
    data["years"][1]["savings"] = "seven million"
    assert problems(data) == {"years[1].savings": "'seven million' is not an amount in pounds"}


def test_money_with_more_than_two_decimals_is_an_error_naming_its_path(bid_data):
    found = problems(bid_data(award_sought=380000.001))
    assert list(found) == ["award_sought"]
    assert "more than two decimal places" in found["award_sought"]


def test_pounds_given_as_text_with_commas_and_pence_are_read(bid_data):
    data = bid_data(award_sought="£380,000.50")
    data["years"][1]["award_costs"] = "150,000.50"
    bid = parse_bid(data)
    assert bid.award_sought == 38_000_050
    assert bid.years[1].award_costs == 15_000_050


def test_missing_numeric_fields_mean_zero(bid_data):
    data = bid_data(years=[{"year": "2014/15"}, {"year": "2015/16", "savings": 10, "other_benefits": None}])
    del data["award_sought"]
    bid = parse_bid(data)
    assert bid.award_sought == 0
    assert bid.years == (BidYear(2014), BidYear(2015, savings=1000))
    assert bid.years[0].award_costs == 0
    assert bid.years[0].savings_high is None


def test_a_null_high_estimate_stays_absent_and_a_zero_one_stays_zero(bid_data):
    data = bid_data()
    data["years"][0]["savings_high"] = None
    data["years"][1]["savings_high"] = 0
    bid = parse_bid(data)
    assert bid.years[0].savings_high is None
    assert bid.years[1].savings_high == 0


def test_years_are_kept_in_calendar_order_whatever_order_the_file_gives(bid_data):
    data = bid_data()
    data["years"].reverse()
    assert [y.year for y in parse_bid(data).years] == [2013, 2014]


def test_an_unknown_partner_type_is_an_error_listing_the_types(bid_data):
    data = bid_data()
    data["partners"][1]["type"] = "constabulary"
    found = problems(data)
    assert list(found) == ["partners[1].type"]
    assert found["partners[1].type"].startswith("'constabulary' is not a partner type (district, county, ")


def test_a_partner_without_a_name_is_an_error(bid_data):
    found = problems(bid_data(partners=[{"type": "fire"}]))
    assert found["partners[0].name"].startswith("is required")


@pytest.mark.parametrize("kind", [["police"], {"name": "police"}])
def test_a_partner_type_that_is_a_list_or_object_is_an_error_not_a_crash(bid_data, kind):
    data = bid_data()
    data["partners"][1]["type"] = kind
    assert list(problems(data)) == ["partners[1].type"]


@pytest.mark.parametrize("grade", [7, 0, -1])
def test_a_confidence_grade_outside_1_to_6_is_an_error(bid_data, grade):
    assert problems(bid_data(savings_confidence=grade)) == {
        "savings_confidence": f"{grade} is not a confidence grade (1 best to 6 weakest)"
    }


@pytest.mark.parametrize("grade", [4.5, True, "four"])
def test_a_confidence_grade_that_is_not_a_whole_number_is_an_error(bid_data, grade):
    assert list(problems(bid_data(savings_confidence=grade))) == ["savings_confidence"]


def test_a_missing_confidence_grade_stays_absent(bid_data):
    data = bid_data()
    del data["savings_confidence"]
    assert parse_bid(data).savings_confidence is None


def test_an_unknown_status_is_an_error(bid_data):
    assert problems(bid_data(status="approved")) == {"status": "must be one of draft, submitted"}


def test_a_narrative_key_that_is_not_a_criterion_id_is_an_error(bid_data):
    found = problems(bid_data(narrative={"summary": "x", "Value For Money": "y"}))
    assert list(found) == ["narrative.Value For Money"]


def test_blank_narrative_answers_are_dropped(bid_data):
    bid = parse_bid(bid_data(narrative={"summary": "  Shared services.  ", "innovation": "   "}))
    assert bid.narrative == {"summary": "Shared services."}


def test_stated_totals_are_read_with_their_years_and_source(bid_data):
    bid = parse_bid(
        bid_data(
            stated_totals=[{"figure": "savings", "amount": 7000000, "years": ["2014/15"], "source": "p. 3"}]
        )
    )
    assert bid.stated_totals == (StatedTotal("savings", 700_000_000, years=(2014,), source="p. 3"),)


def test_a_stated_total_of_an_unknown_figure_is_an_error(bid_data):
    found = problems(bid_data(stated_totals=[{"figure": "profit", "amount": 5}]))
    assert list(found) == ["stated_totals[0].figure"]


def test_a_stated_total_for_a_year_the_bid_lacks_is_an_error(bid_data):
    found = problems(bid_data(stated_totals=[{"figure": "savings", "amount": 5, "years": ["2020/21"]}]))
    assert found == {"stated_totals[0].years[0]": "2020/21 is not one of the bid's years"}


def test_a_stated_total_figure_that_is_a_list_is_an_error_not_a_crash(bid_data):
    found = problems(bid_data(stated_totals=[{"figure": ["savings"], "amount": 5}]))
    assert list(found) == ["stated_totals[0].figure"]


def test_every_problem_in_a_file_is_reported_at_once(bid_data):
    data = bid_data(savings_confidence=7, colour="blue")
    data["years"][0]["year"] = "2013-14"
    data["years"][1]["savings"] = "lots"
    data["partners"][0]["type"] = "council"
    assert set(problems(data)) == {
        "colour",
        "savings_confidence",
        "years[0].year",
        "years[1].savings",
        "partners[0].type",
    }


@pytest.mark.parametrize("data", [[], "a bid", None, 5])
def test_a_file_that_is_not_an_object_is_one_error_and_nothing_more(data):
    found = problems(data)
    assert list(found) == [""]
    assert found[""].startswith("must be an object with the fields award_sought, ")


def test_a_list_of_years_that_is_not_a_list_is_one_error(bid_data):
    assert problems(bid_data(years="2014/15")) == {"years": "must be a list"}


# bidtool.bid/2: who pays and who gains


def lines_data(bid_data, **lines) -> dict:
    """The DOMAIN example (years 2013/14 and 2014/15) in bidtool.bid/2 with the given lines."""
    return bid_data(format="bidtool.bid/2", **lines)


BENEFIT = {"year": "2014/15", "kind": "social", "agency": "nhs", "amount": 1234.5, "confidence": 2}
COST = {"year": "2013/14", "kind": "match", "agency": "police", "amount": "£1,000", "description": "Seconded"}
OUTCOME = {
    "description": "Adults back in work",
    "kind": "fiscal_cashable",
    "agency": "dwp",
    "first_year": "2013/14",
    "last_year": "2014/15",
    "cohort": 200,
    "engagement_rate": 60,
    "success_rate": Decimal("12.5"),
    "deadweight": "20%",
    "unit_cost": 9000,
    "unit_cost_source": "Unit cost database, line 42",
}


def test_a_second_format_bid_reads_its_lines_in_pence_years_and_percentages(bid_data):
    bid = parse_bid(lines_data(bid_data, benefit_lines=[BENEFIT], cost_lines=[COST], outcome_lines=[OUTCOME]))
    assert bid.benefit_lines == (BenefitLine(2014, BenefitKind.SOCIAL, Party.NHS, 123_450, 2, ""),)
    assert bid.cost_lines == (CostLine(2013, CostKind.MATCH, Party.POLICE, 100_000, "Seconded"),)
    assert bid.outcome_lines == (
        OutcomeLine(
            description="Adults back in work",
            kind=BenefitKind.FISCAL_CASHABLE,
            agency=Party.DWP,
            first_year=2013,
            last_year=2014,
            cohort=200,
            engagement_rate=Decimal(60),
            success_rate=Decimal("12.5"),
            deadweight=Decimal(20),
            unit_cost=900_000,
            unit_cost_source="Unit cost database, line 42",
            drop_off=Decimal(0),
            confidence=None,
        ),
    )


def test_a_bid_with_lines_is_written_in_the_second_format_and_reads_back_unchanged(bid_data):
    bid = parse_bid(lines_data(bid_data, benefit_lines=[BENEFIT], cost_lines=[COST], outcome_lines=[OUTCOME]))
    written = bid_to_dict(bid)
    assert written["format"] == "bidtool.bid/2"
    assert parse_bid(json.loads(json.dumps(written, default=str), parse_float=Decimal)) == bid


def test_a_bid_without_lines_is_still_written_in_the_first_format_with_its_fields_alone(bid_data):
    written = bid_to_dict(parse_bid(lines_data(bid_data)))
    assert written["format"] == "bidtool.bid/1"
    assert not set(written) & {"benefit_lines", "cost_lines", "outcome_lines"}


def test_every_demo_bid_is_written_back_as_the_first_format_file_it_was_read_from():
    for path in TCA_BIDS:
        read = strict_json(path.read_text())
        written = bid_to_dict(parse_bid(read))
        # The files leave out an empty list of stated totals, which bidtool writes.
        assert {key: value for key, value in written.items() if key in read or value != []} == read


def test_lines_in_a_first_format_file_are_an_error_naming_the_format_to_use(bid_data):
    assert problems(bid_data(benefit_lines=[BENEFIT])) == {
        "benefit_lines": "is new in bidtool.bid/2: give the format as 'bidtool.bid/2'"
    }


@pytest.mark.parametrize(
    ("line", "where", "message"),
    [
        ({**BENEFIT, "year": "2019/20"}, "benefit_lines[0].year", "2019/20 is not one of the bid's years"),
        ({**BENEFIT, "kind": "fiscal"}, "benefit_lines[0].kind", "'fiscal' is not one of fiscal_cashable, "),
        (
            {**BENEFIT, "agency": "fund"},
            "benefit_lines[0].agency",
            "'fund' is not one of council, nhs, police, ",
        ),
        ({**BENEFIT, "confidence": 7}, "benefit_lines[0].confidence", "7 is not a confidence grade"),
        ({**BENEFIT, "amount": "lots"}, "benefit_lines[0].amount", "'lots' is not an amount in pounds"),
        ({k: v for k, v in BENEFIT.items() if k != "agency"}, "benefit_lines[0].agency", "is required"),
        ({**BENEFIT, "sum": 1}, "benefit_lines[0].sum", "is not a known field"),
    ],
)
def test_a_bad_benefit_line_is_an_error_at_its_field(bid_data, line, where, message):
    found = problems(lines_data(bid_data, benefit_lines=[line]))
    assert list(found) == [where]
    assert found[where].startswith(message)


def test_a_cost_line_of_award_costs_is_an_error_for_award_costs_are_the_funds(bid_data):
    found = problems(lines_data(bid_data, cost_lines=[{**COST, "kind": "award"}]))
    assert found == {"cost_lines[0].kind": "'award' is not one of match, recurring"}


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"last_year": "2012/13"}, "outcome_lines[0].last_year", "2012/13 is not one of the bid's years"),
        (
            {"first_year": "2014/15", "last_year": "2013/14"},
            "outcome_lines[0].last_year",
            "must not come before the first year, 2014/15",
        ),
        ({"cohort": -1}, "outcome_lines[0].cohort", "must be a number of people from 0 to 10,000,000"),
        ({"cohort": 2.5}, "outcome_lines[0].cohort", "must be a whole number"),
        ({"engagement_rate": 101}, "outcome_lines[0].engagement_rate", "must be a percentage from 0 to 100"),
        ({"success_rate": "12.345"}, "outcome_lines[0].success_rate", "must be a percentage from 0 to 100"),
        (
            {"drop_off": "half"},
            "outcome_lines[0].drop_off",
            "'half' is not a number: it must be a percentage",
        ),
        ({"unit_cost_source": " "}, "outcome_lines[0].unit_cost_source", "must not be empty"),
        ({"description": None}, "outcome_lines[0].description", "must not be empty"),
    ],
)
def test_a_bad_outcome_line_is_an_error_at_its_field(bid_data, change, where, message):
    found = problems(lines_data(bid_data, outcome_lines=[{**OUTCOME, **change}]))
    assert list(found) == [where]
    assert found[where].startswith(message)


def test_a_bid_may_list_at_most_five_hundred_lines_of_each_kind(bid_data):
    found = problems(lines_data(bid_data, cost_lines=[COST] * 501))
    assert found == {"cost_lines": "lists 501 lines; the most allowed is 500"}
