"""Money: pounds in, integer pence inside, £1,234,567 out, and the one rounding rule."""

from decimal import Decimal

import pytest

from bidtool.core.money import MoneyError, format_pence, parse_pounds, round_pence, to_pounds


@pytest.mark.parametrize(
    ("pounds", "pence"),
    [
        (0, 0),
        (1, 100),
        (380000, 38_000_000),
        (1_000_000_000_000, 100_000_000_000_000),
    ],
)
def test_whole_pounds_given_as_integers_become_pence(pounds, pence):
    assert parse_pounds(pounds) == pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.50", 123450),
        ("1,234.50", 123450),
        ("£1,234", 123400),
        ("1234.5", 123450),
        ("0.01", 1),
        ("  £12  ", 1200),
        ("7,000,000", 700_000_000),
    ],
)
def test_text_with_a_pound_sign_and_thousands_commas_becomes_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    ("amount", "pence"),
    [(Decimal("1234.50"), 123450), (Decimal("0.07"), 7), (Decimal("12"), 1200), (Decimal("1E+3"), 100000)],
)
def test_decimals_become_pence_exactly(amount, pence):
    assert parse_pounds(amount) == pence


@pytest.mark.parametrize(("amount", "pence"), [(1234.5, 123450), (0.1, 10), (19.99, 1999), (2.0, 200)])
def test_floats_are_read_as_the_number_they_print_as(amount, pence):
    assert parse_pounds(amount) == pence


def test_a_float_carrying_binary_noise_beyond_two_decimals_is_refused():
    with pytest.raises(MoneyError, match="more than two decimal places"):
        parse_pounds(0.1 + 0.2)


@pytest.mark.parametrize(
    ("value", "pence"),
    [("-1,234.50", -123450), ("-£1,234.50", -123450), (-5, -500), (Decimal("-0.01"), -1), (-2.5, -250)],
)
def test_negative_amounts_are_read_as_negative_pence(value, pence):
    assert parse_pounds(value) == pence


@pytest.mark.parametrize("value", ["0.001", "1.234", Decimal("0.005"), 1e-07, "£1,234.567"])
def test_more_than_two_decimal_places_are_refused(value):
    with pytest.raises(MoneyError, match="more than two decimal places"):
        parse_pounds(value)


def test_trailing_zeros_beyond_two_places_are_not_extra_precision():
    assert parse_pounds("1.2300") == 123


@pytest.mark.parametrize(
    "value", ["abc", "12abc", "", "   ", "£", "1.2.3", "twelve pounds", "£-5", "+5", "--5"]
)
def test_text_that_is_not_an_amount_is_refused(value):
    with pytest.raises(MoneyError, match="is not an amount in pounds"):
        parse_pounds(value)


@pytest.mark.parametrize("value", [True, False, None])
def test_booleans_and_none_are_refused(value):
    with pytest.raises(MoneyError, match="must be an amount in pounds"):
        parse_pounds(value)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        "NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "sNaN",
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
    ],
)
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(MoneyError, match="is not an amount in pounds"):
        parse_pounds(value)


@pytest.mark.parametrize(
    "value",
    [
        1_000_000_000_001,
        -1_000_000_000_001,
        "9" * 31,
        10**30,
        Decimal("1E+999999"),
        1e300,
        # Beyond what Decimal's context can hold: comparing must not overflow.
        Decimal("1E+999999999"),
        Decimal("-1E+999999999"),
        Decimal("1E+1000000"),
    ],
)
def test_amounts_above_a_trillion_pounds_are_refused(value):
    with pytest.raises(MoneyError, match="too large"):
        parse_pounds(value)


def test_money_errors_are_value_errors_so_readers_can_catch_them_generally():
    with pytest.raises(ValueError):
        parse_pounds("abc")


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (0, "£0"),
        (5, "£0.05"),
        (100, "£1"),
        (1050, "£10.50"),
        (123_456_700, "£1,234,567"),
        (123_456_789, "£1,234,567.89"),
        (100_000_000_000_000, "£1,000,000,000,000"),
    ],
)
def test_format_pence_shows_thousands_commas_and_pence_only_when_not_zero(pence, shown):
    assert format_pence(pence) == shown


@pytest.mark.parametrize(
    ("pence", "shown"), [(-50, "-£0.50"), (-123_456_700, "-£1,234,567"), (-101, "-£1.01")]
)
def test_format_pence_puts_the_minus_sign_before_the_pound_sign(pence, shown):
    assert format_pence(pence) == shown


@pytest.mark.parametrize(
    ("exact", "pence"),
    [
        ("0.5", 1),
        ("1.5", 2),
        ("2.5", 3),  # not banker's rounding, which would give 2
        ("2.4999999", 2),
        ("2.5000001", 3),
        ("7", 7),
        ("-0.4", 0),
    ],
)
def test_round_pence_rounds_half_a_penny_up(exact, pence):
    assert round_pence(Decimal(exact)) == pence


@pytest.mark.parametrize(("exact", "pence"), [("-0.5", -1), ("-2.5", -3), ("-2.4", -2)])
def test_round_pence_rounds_negative_halves_away_from_zero(exact, pence):
    assert round_pence(Decimal(exact)) == pence


def test_to_pounds_gives_two_decimal_places():
    assert str(to_pounds(123450)) == "1234.50"
    assert str(to_pounds(-7)) == "-0.07"


@pytest.mark.parametrize("typed", ["1e5", "1,23", "1234,567", "1_000", "- £5", "0x10"])
def test_typed_amounts_must_look_like_pounds(typed):
    with pytest.raises(MoneyError, match="is not an amount in pounds") as raised:
        parse_pounds(typed)
    assert raised.value.kind == MoneyError.NOT_MONEY


def test_a_failure_says_what_kind_it_is():
    with pytest.raises(MoneyError) as too_large:
        parse_pounds("9" * 20)
    with pytest.raises(MoneyError) as decimals:
        parse_pounds("1.234")
    assert (too_large.value.kind, decimals.value.kind) == (MoneyError.TOO_LARGE, MoneyError.DECIMALS)
