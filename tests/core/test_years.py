"""Financial years, April to March, written 2014/15."""

import pytest

from bidtool.core.years import YearError, parse_year, year_label


@pytest.mark.parametrize(
    ("label", "start"),
    [("2014/15", 2014), ("2013/14", 2013), (" 2015/16 ", 2015), ("1900/01", 1900), ("2199/00", 2199)],
)
def test_a_financial_year_label_gives_the_year_it_starts_in(label, start):
    assert parse_year(label) == start


def test_a_year_ending_in_a_new_century_rolls_over_to_00():
    assert parse_year("1999/00") == 1999
    assert year_label(1999) == "1999/00"


def test_a_year_that_does_not_follow_its_start_is_refused_saying_which_would():
    with pytest.raises(YearError, match="2014/15 follows 2014"):
        parse_year("2014/16")


@pytest.mark.parametrize("label", ["1999/99", "1999/01", "2014/14"])
def test_second_halves_other_than_the_next_year_are_refused(label):
    with pytest.raises(YearError, match="is not a financial year"):
        parse_year(label)


@pytest.mark.parametrize(
    "label", ["2014-15", "2014/2015", "14/15", "2014", "2014 / 15", "", "year one", 2014, None, "2014/15x"]
)
def test_labels_not_written_like_2014_15_are_refused(label):
    with pytest.raises(YearError, match="such as 2014/15"):
        parse_year(label)


@pytest.mark.parametrize("label", ["1899/00", "2200/01"])
def test_years_outside_1900_to_2199_are_refused(label):
    with pytest.raises(YearError, match="outside the years bidtool accepts"):
        parse_year(label)


@pytest.mark.parametrize(("start", "label"), [(2014, "2014/15"), (2009, "2009/10"), (2000, "2000/01")])
def test_year_label_writes_the_year_with_the_two_digits_of_the_next(start, label):
    assert year_label(start) == label


def test_year_errors_are_value_errors():
    with pytest.raises(ValueError):
        parse_year("2014-15")
