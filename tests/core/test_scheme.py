"""Schemes (bidtool.scheme/1): a valid scheme parses; every problem is reported with its field path."""

from decimal import Decimal

import pytest

from bidtool.core.appraisal import ILLUSTRATIVE_OPTIMISM_BIAS, CostUplift
from bidtool.core.bid import BidYear
from bidtool.core.errors import InvalidInput
from bidtool.core.scheme import Indicator, TieBreak, parse_scheme, scheme_to_dict

MINIMAL = {
    "format": "bidtool.scheme/1",
    "id": "mini",
    "name": "Minimal scheme",
    "scale": {"min": 0, "max": 2, "labels": {0: "None", 1: "Some", 2: "Plenty"}},
    "criteria": [
        {
            "id": "impact",
            "name": "Impact",
            "weight": 1,
            "guidance": "Look for impact.",
            "descriptors": {0: "No impact", 1: "Some impact", 2: "Great impact"},
        }
    ],
}


def problems(data) -> dict[str, str]:
    """Parse a scheme that must fail and return its problems as {field path: messages joined by ' / '}."""
    with pytest.raises(InvalidInput) as raised:
        parse_scheme(data)
    found: dict[str, str] = {}
    for problem in raised.value.problems:
        found[problem.where] = " / ".join(filter(None, [found.get(problem.where), problem.message]))
    return found


def test_a_minimal_scheme_parses_with_the_defaults():
    scheme = parse_scheme(MINIMAL)
    assert scheme.id == "mini"
    assert scheme.name == "Minimal scheme"
    assert scheme.scale.min == 0
    assert scheme.scale.max == 2
    assert list(scheme.scale.points) == [0, 1, 2]
    assert scheme.scale.labels == {0: "None", 1: "Some", 2: "Plenty"}
    (criterion,) = scheme.criteria
    assert criterion.id == "impact"
    assert criterion.weight == 1
    assert criterion.descriptors[2] == "Great impact"
    assert criterion.indicator is None
    assert criterion.gate_min_score is None
    assert scheme.divergence == 2
    assert scheme.vfm_gate is None
    assert scheme.max_award is None
    assert scheme.tie_breaks == ()
    assert scheme.optimism_bias == ILLUSTRATIVE_OPTIMISM_BIAS


def test_a_full_scheme_parses_every_optional_field(scheme_data):
    data = scheme_data(
        criteria=[
            {"id": "value_for_money", "weight": 30, "indicator": "bcr", "gate": {"min_score": 1}},
            {"id": "collaboration", "weight": 20.5, "indicator": "partners"},
        ],
        description="Illustrative weights.",
        divergence=1.5,
        vfm_gate=1.0,
        max_award=500000,
        tie_breaks=["criterion:value_for_money", "bcr", "-award_sought"],
        optimism_bias={1: 0, 2: 5, 3: 10, 4: 15, 5: 25, 6: 40},
    )
    scheme = parse_scheme(data)
    vfm, collaboration = scheme.criteria
    assert vfm.indicator is Indicator.BCR
    assert vfm.gate_min_score == 1
    assert collaboration.weight == Decimal("20.5")
    assert collaboration.indicator is Indicator.PARTNERS
    assert scheme.description == "Illustrative weights."
    assert scheme.divergence == Decimal("1.5")
    assert scheme.vfm_gate == 1
    assert scheme.max_award == 50_000_000
    assert scheme.tie_breaks == (
        TieBreak("criterion", "value_for_money", True),
        TieBreak("bcr", None, True),
        TieBreak("award_sought", None, False),
    )
    assert [str(t) for t in scheme.tie_breaks] == ["criterion:value_for_money", "bcr", "-award_sought"]
    assert scheme.criterion("collaboration") is collaboration
    assert scheme.criterion("nothing") is None


def test_a_relative_scale_from_minus_3_to_plus_3_works(scheme_data):
    scheme = parse_scheme(
        scheme_data(scale=(-3, 3), criteria=[{"id": "sovereignty", "gate": {"min_score": 0}}])
    )
    assert list(scheme.scale.points) == [-3, -2, -1, 0, 1, 2, 3]
    assert sorted(scheme.criteria[0].descriptors) == [-3, -2, -1, 0, 1, 2, 3]
    assert scheme.criteria[0].gate_min_score == 0


def test_json_style_string_keys_are_read_as_scale_points(scheme_data):
    data = scheme_data(scale=(-3, 3))
    data["scale"]["labels"] = {str(k): v for k, v in data["scale"]["labels"].items()}
    for criterion in data["criteria"]:
        criterion["descriptors"] = {str(k): v for k, v in criterion["descriptors"].items()}
    data["optimism_bias"] = {"1": 0, "2": 5, "3": 10, "4": 15, "5": 25, "6": 40}
    scheme = parse_scheme(data)
    assert scheme.scale.labels[-3] == "Label -3"
    assert scheme.criteria[0].descriptors[-3] == "Value for money at -3"
    assert scheme.optimism_bias[6] == 40


def test_a_scale_point_without_a_descriptor_is_reported_naming_the_point(scheme_data):
    data = scheme_data()
    del data["criteria"][0]["descriptors"][3]
    assert problems(data) == {"criteria[0].descriptors": "has no descriptor for 3"}


def test_labels_outside_the_scale_are_reported(scheme_data):
    data = scheme_data()
    data["scale"]["labels"][5] = "Beyond"
    data["scale"]["labels"][-1] = "Below"
    assert problems(data) == {"scale.labels": "has points outside the scale: -1, 5"}


def test_a_scale_whose_max_is_not_above_its_min_is_reported(scheme_data):
    data = scheme_data()
    data["scale"]["min"], data["scale"]["max"] = 4, 4
    assert problems(data) == {"scale": "max (4) must be greater than min (4)"}


def test_a_scale_of_more_than_21_points_is_reported(scheme_data):
    data = scheme_data()
    data["scale"]["max"] = 21
    assert "scale" in problems(data)


def test_an_unknown_tie_break_key_is_reported(scheme_data):
    found = problems(scheme_data(tie_breaks=["bcr", "cheapest"]))
    assert list(found) == ["tie_breaks[1]"]
    assert "'cheapest' is not a tie-break key" in found["tie_breaks[1]"]


def test_a_tie_break_naming_an_unknown_criterion_is_reported(scheme_data):
    found = problems(scheme_data(tie_breaks=["-criterion:sparkle"]))
    assert found == {"tie_breaks[0]": "'sparkle' is not a criterion of this scheme"}


def test_a_tie_break_listed_twice_is_reported(scheme_data):
    found = problems(scheme_data(tie_breaks=["bcr", "-bcr"]))
    assert found == {"tie_breaks": "'bcr' is listed more than once"}


def test_a_tie_break_that_is_not_text_is_reported(scheme_data):
    assert "tie_breaks[0]" in problems(scheme_data(tie_breaks=[3]))


def test_duplicate_criterion_ids_are_reported(scheme_data):
    found = problems(scheme_data(criteria=["impact", "reach", "impact"]))
    assert found == {"criteria": "the id 'impact' is used more than once"}


def test_a_scheme_without_criteria_is_reported(scheme_data):
    assert problems(scheme_data(criteria=[])) == {"criteria": "must list at least one criterion"}


@pytest.mark.parametrize("weight", [0, -5, Decimal("-0.1")])
def test_a_weight_that_is_not_positive_is_reported(scheme_data, weight):
    found = problems(scheme_data(criteria=[{"id": "impact", "weight": weight}]))
    assert found == {"criteria[0].weight": "must be more than 0"}


@pytest.mark.parametrize("weight", ["30", True, None, float("nan")])
def test_a_weight_that_is_not_a_finite_number_is_reported(scheme_data, weight):
    found = problems(scheme_data(criteria=[{"id": "impact", "weight": weight}]))
    assert list(found) == ["criteria[0].weight"]


def test_an_unknown_top_level_field_is_reported_by_name(scheme_data):
    found = problems(scheme_data(colour="blue"))
    assert list(found) == ["colour"]
    assert found["colour"].startswith("is not a known field")


def test_an_unknown_criterion_field_is_reported_with_its_path(scheme_data):
    found = problems(scheme_data(criteria=[{"id": "impact", "wieght": 3}]))
    assert list(found) == ["criteria[0].wieght"]


def test_a_wrong_format_is_reported(scheme_data):
    found = problems(scheme_data(format="bidtool.scheme/2"))
    assert found == {"format": "must be 'bidtool.scheme/1', not 'bidtool.scheme/2'"}


def test_a_missing_format_is_reported(scheme_data):
    data = scheme_data()
    del data["format"]
    assert problems(data) == {"format": "is required"}


@pytest.mark.parametrize("field", ["id", "name", "scale", "criteria"])
def test_each_required_field_is_reported_when_missing(scheme_data, field):
    data = scheme_data()
    del data[field]
    found = problems(data)
    assert list(found) == [field]
    assert found[field].startswith("is required")


def test_an_id_that_is_not_a_slug_is_reported(scheme_data):
    assert list(problems(scheme_data(id="My Scheme"))) == ["id"]


@pytest.mark.parametrize("min_score", [5, -1])
def test_a_gate_minimum_off_the_scale_is_reported(scheme_data, min_score):
    found = problems(scheme_data(criteria=[{"id": "impact", "gate": {"min_score": min_score}}]))
    assert found == {"criteria[0].gate.min_score": f"{min_score} is not on the scale 0 to 4"}


def test_an_unknown_indicator_is_reported(scheme_data):
    found = problems(scheme_data(criteria=[{"id": "impact", "indicator": "npv"}]))
    assert list(found) == ["criteria[0].indicator"]
    assert "bcr, match_share, partners" in found["criteria[0].indicator"]


def test_an_optimism_bias_table_missing_a_grade_is_reported(scheme_data):
    found = problems(scheme_data(optimism_bias={1: 0, 2: 5, 3: 10, 4: 15, 6: 40}))
    assert found == {"optimism_bias": "has no percentage for grade 5"}


def test_an_optimism_bias_above_100_percent_is_reported_at_its_grade(scheme_data):
    found = problems(scheme_data(optimism_bias={1: 0, 2: 5, 3: 10, 4: 15, 5: 25, 6: 101}))
    assert "optimism_bias.6" in found
    assert "between 0 and 100" in found["optimism_bias.6"]


def test_an_optimism_bias_for_a_grade_beyond_6_is_reported(scheme_data):
    found = problems(scheme_data(optimism_bias={1: 0, 2: 5, 3: 10, 4: 15, 5: 25, 6: 40, 7: 50}))
    assert found == {"optimism_bias.7": "is not a confidence grade (1 to 6)"}


@pytest.mark.parametrize(("field", "value"), [("vfm_gate", -1), ("divergence", -1), ("divergence", 0)])
def test_negative_gates_and_non_positive_divergence_are_reported(scheme_data, field, value):
    assert list(problems(scheme_data(**{field: value}))) == [field]


@pytest.mark.parametrize("value", [0, -100])
def test_a_maximum_award_that_is_not_a_positive_amount_is_reported(scheme_data, value):
    assert problems(scheme_data(max_award=value)) == {"max_award": "must be more than £0"}


def test_a_maximum_award_that_is_not_an_amount_is_reported_once(scheme_data):
    assert problems(scheme_data(max_award="lots")) == {"max_award": "'lots' is not an amount in pounds"}


def test_a_null_maximum_award_means_no_maximum(scheme_data):
    assert parse_scheme(scheme_data(max_award=None)).max_award is None


def test_several_problems_are_all_reported_at_once_with_their_paths(scheme_data):
    data = scheme_data(
        criteria=[{"id": "impact", "weight": 0}, {"id": "reach", "gate": {"min_score": 9}}],
        tie_breaks=["cheapest"],
        colour="blue",
    )
    del data["criteria"][0]["descriptors"][0]
    data["scale"]["labels"][7] = "Seven"
    found = problems(data)
    assert set(found) == {
        "colour",
        "scale.labels",
        "criteria[0].weight",
        "criteria[0].descriptors",
        "criteria[1].gate.min_score",
        "tie_breaks[0]",
    }
    assert found["criteria[0].descriptors"] == "has no descriptor for 0"


def test_the_error_message_lists_every_problem_with_its_path(scheme_data):
    with pytest.raises(InvalidInput) as raised:
        parse_scheme(scheme_data(colour="blue", criteria=[{"id": "impact", "weight": -1}]))
    message = str(raised.value)
    assert "colour: is not a known field" in message
    assert "criteria[0].weight: must be more than 0" in message


def test_a_scheme_that_is_not_a_mapping_is_reported():
    with pytest.raises(InvalidInput):
        parse_scheme(["not", "a", "scheme"])


def test_without_a_cost_optimism_bias_a_scheme_leaves_costs_as_they_are():
    assert parse_scheme(MINIMAL).cost_optimism_bias == CostUplift(Decimal(0), Decimal(0))


def test_a_cost_optimism_bias_gives_one_off_and_recurring_costs_their_own_percentage(scheme_data):
    scheme = parse_scheme(scheme_data(cost_optimism_bias={"one_off": 24, "recurring": 41.5}, vfm_gate=1.5))
    assert scheme.cost_optimism_bias == CostUplift(Decimal(24), Decimal("41.5"))
    assert parse_scheme(scheme_to_dict(scheme)).cost_optimism_bias == scheme.cost_optimism_bias


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        ({"one_off": 24}, "cost_optimism_bias.recurring", "is required"),
        ({"one_off": -1, "recurring": 0}, "cost_optimism_bias.one_off", "-1% must be between 0 and 1000"),
        ({"one_off": "a lot", "recurring": 0}, "cost_optimism_bias.one_off", "must be a number"),
        ({"one_off": 0, "recurring": 0, "capital": 5}, "cost_optimism_bias.capital", "is not a known field"),
        (24, "cost_optimism_bias", "must be an object with the fields one_off, recurring"),
    ],
)
def test_a_bad_cost_optimism_bias_is_reported_at_its_field(scheme_data, value, where, message):
    found = problems(scheme_data(cost_optimism_bias=value))
    assert list(found) == [where]
    assert found[where].startswith(message)


def test_a_scheme_appraises_with_its_own_optimism_bias_cost_uplift_and_gate(scheme_data, make_bid):
    scheme = parse_scheme(
        scheme_data(
            optimism_bias={1: 0, 2: 5, 3: 10, 4: 15, 5: 25, 6: 50},
            cost_optimism_bias={"one_off": 10, "recurring": 0},
            vfm_gate=2,
        )
    )
    bid = make_bid([BidYear(2014, award_costs=100_000, savings=400_000)], savings_confidence=None)
    appraisal = scheme.appraise(bid)
    assert (appraisal.adjusted.pv_costs, appraisal.adjusted.pv_benefits) == (110_000, 200_000)
    assert appraisal.switching.gate.target == 2
