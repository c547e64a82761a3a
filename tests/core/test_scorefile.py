"""The scores file (CSV): one row per assessor per criterion; every bad row is named."""

import pytest

from bidtool.core.errors import InvalidInput
from bidtool.core.scorefile import parse_scores
from bidtool.core.scoring import Score

HEADER = "bid,criterion,assessor,score,justification,moderated"
REFERENCES = {"A-01", "B-02"}


@pytest.fixture
def scheme(make_scheme):
    return make_scheme(criteria=("value_for_money", "innovation"), scale=(0, 4))


def parse(scheme, *rows, header=HEADER):
    text = "\n".join([header, *rows]) + "\n"
    return parse_scores(text.splitlines(keepends=True), scheme, REFERENCES)


def problems(scheme, *rows, header=HEADER) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        parse(scheme, *rows, header=header)
    found: dict[str, str] = {}
    for problem in raised.value.problems:
        found[problem.where] = " / ".join(filter(None, [found.get(problem.where), problem.message]))
    return found


GOOD = "A-01,value_for_money,ann@example.org,3,Strong case,false"


def test_a_valid_scores_file_is_read_into_scores(scheme):
    scores = parse(
        scheme,
        GOOD,
        'A-01,innovation,bob@example.org,2,"New, but tried elsewhere",',
        "B-02,value_for_money,lead@example.org,4,Moderated up,true",
    )
    assert scores == [
        Score("A-01", "value_for_money", "ann@example.org", 3, "Strong case", False),
        Score("A-01", "innovation", "bob@example.org", 2, "New, but tried elsewhere", False),
        Score("B-02", "value_for_money", "lead@example.org", 4, "Moderated up", True),
    ]


@pytest.mark.parametrize(
    ("flag", "moderated"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("1", True),
        ("false", False),
        ("no", False),
        ("0", False),
        ("", False),
    ],
)
def test_the_moderated_flag_reads_true_or_false_in_common_spellings(scheme, flag, moderated):
    (score,) = parse(scheme, f"A-01,innovation,ann,2,,{flag}")
    assert score.moderated is moderated


def test_the_columns_may_come_in_any_order(scheme):
    (score,) = parse(
        scheme,
        "false,4,innovation,A-01,ann,Good",
        header="moderated,score,criterion,bid,assessor,justification",
    )
    assert score == Score("A-01", "innovation", "ann", 4, "Good", False)


def test_a_score_at_either_end_of_the_scale_is_accepted(scheme):
    scores = parse(scheme, "A-01,innovation,ann,0,,false", "A-01,value_for_money,ann,4,,false")
    assert [s.score for s in scores] == [0, 4]


def test_an_unknown_bid_is_an_error_naming_the_row(scheme):
    found = problems(scheme, GOOD, "Z-99,innovation,ann,2,,false")
    assert found == {"row 3, bid": "'Z-99' is not one of the bids given"}


def test_an_unknown_criterion_is_an_error_naming_the_row_and_listing_the_criteria(scheme):
    found = problems(scheme, GOOD, "A-01,sparkle,ann,2,,false")
    assert found == {
        "row 3, criterion": "'sparkle' is not a criterion of test-scheme (value_for_money, innovation)"
    }


@pytest.mark.parametrize("score", ["5", "-1"])
def test_a_score_off_the_scale_is_an_error_naming_the_row(scheme, score):
    found = problems(scheme, GOOD, f"A-01,innovation,ann,{score},,false")
    assert found == {"row 3, score": f"{score} is off the scale 0 to 4"}


def test_scores_off_a_relative_scale_are_judged_against_that_scale(make_scheme):
    relative = make_scheme(criteria=("efficiency",), scale=(-3, 3))
    assert parse(relative, "A-01,efficiency,ann,-3,,false")[0].score == -3
    found = problems(relative, "A-01,efficiency,ann,-4,,false")
    assert found == {"row 2, score": "-4 is off the scale -3 to 3"}


@pytest.mark.parametrize("score", ["2.5", "two", ""])
def test_a_score_that_is_not_a_whole_number_is_an_error_naming_the_row(scheme, score):
    found = problems(scheme, GOOD, f"A-01,innovation,ann,{score},,false")
    assert found == {"row 3, score": f"{score!r} is not a whole number"}


def test_a_bad_moderated_flag_is_an_error_naming_the_row(scheme):
    found = problems(scheme, GOOD, "A-01,innovation,ann,2,,maybe")
    assert found == {"row 3, moderated": "'maybe' must be true or false"}


def test_a_missing_assessor_is_an_error_naming_the_row(scheme):
    found = problems(scheme, GOOD, "A-01,innovation,,2,,false")
    assert found == {"row 3, assessor": "must not be empty"}


def test_a_missing_column_is_an_error_on_the_header_row(scheme):
    found = problems(scheme, "A-01,innovation,ann,2,false", header="bid,criterion,assessor,score,moderated")
    assert found == {"row 1": "the header lacks the column(s) justification"}


def test_an_unknown_column_is_an_error_on_the_header_row(scheme):
    found = problems(scheme, GOOD + ",x", header=HEADER + ",weight")
    assert found == {"row 1": "the header has unknown column(s) weight"}


def test_an_empty_file_is_an_error_on_the_header_row(scheme):
    with pytest.raises(InvalidInput) as raised:
        parse_scores([], scheme, REFERENCES)
    assert [p.where for p in raised.value.problems] == ["row 1"]


@pytest.mark.parametrize(
    ("row", "count"), [("A-01,innovation,ann,2,,false,extra", 7), ("A-01,innovation,ann,2", 4)]
)
def test_a_row_with_the_wrong_number_of_columns_is_an_error_naming_it(scheme, row, count):
    assert problems(scheme, GOOD, row) == {"row 3": f"has {count} columns; the header has 6"}


def test_a_repeated_row_is_an_error_naming_both_rows(scheme):
    found = problems(
        scheme,
        GOOD,
        "A-01,innovation,ann@example.org,2,,false",
        "A-01,value_for_money,ann@example.org,1,,false",
    )
    assert found == {"row 4": "repeats row 2 (ann@example.org on A-01 value_for_money)"}


def test_an_assessor_may_give_both_a_score_and_the_moderated_score(scheme):
    scores = parse(scheme, GOOD, "A-01,value_for_money,ann@example.org,4,Moderated,true")
    assert [s.moderated for s in scores] == [False, True]


def test_two_moderated_scores_for_one_bid_and_criterion_are_an_error_naming_both_rows(scheme):
    found = problems(
        scheme,
        "A-01,innovation,lead,3,,true",
        GOOD,
        "A-01,innovation,deputy,2,,true",
    )
    assert found == {"row 4": "a second moderated score for A-01 innovation (the first is row 2)"}


def test_moderated_scores_for_different_bids_or_criteria_are_fine(scheme):
    scores = parse(
        scheme,
        "A-01,innovation,lead,3,,true",
        "A-01,value_for_money,lead,3,,true",
        "B-02,innovation,lead,3,,true",
    )
    assert len(scores) == 3


def test_every_bad_row_is_reported_and_nothing_is_returned(scheme):
    found = problems(scheme, "Z-99,innovation,ann,2,,false", GOOD, "A-01,innovation,ann,9,,false")
    assert set(found) == {"row 2, bid", "row 4, score"}


def test_one_row_can_carry_several_problems(scheme):
    found = problems(scheme, "Z-99,sparkle,ann,9,,perhaps")
    assert set(found) == {"row 2, bid", "row 2, criterion", "row 2, score", "row 2, moderated"}


def test_surrounding_spaces_in_bid_and_criterion_are_ignored(scheme):
    (score,) = parse(scheme, " A-01 , innovation ,ann, 2 ,,false")
    assert (score.bid, score.criterion, score.score) == ("A-01", "innovation", 2)


def test_a_blank_line_still_counts_when_naming_rows(scheme):
    found = problems(scheme, GOOD, "", "A-01,innovation,ann,9,,false")
    assert found == {"row 4, score": "9 is off the scale 0 to 4"}


def test_an_enormous_justification_is_an_error_naming_the_row_not_a_crash(scheme):
    found = problems(scheme, GOOD, "A-01,innovation,ann,2," + "x" * 200_000 + ",false")
    assert list(found) == ["row 3"]
    assert found["row 3"].startswith("cannot be read as CSV (field larger than field limit")


def test_an_over_long_justification_is_an_error_naming_the_row(scheme):
    found = problems(scheme, GOOD, "A-01,innovation,ann,2," + "x" * 10_001 + ",false")
    assert found == {"row 3, justification": "is 10,001 characters long; the most allowed is 10,000"}


def test_a_column_named_twice_in_the_header_is_an_error(scheme):
    found = problems(
        scheme,
        "A-01,innovation,ann,0,4,,false",
        header="bid,criterion,assessor,score,score,justification,moderated",
    )
    assert list(found) == ["row 1"]
