"""Template filters: money, ratios, shares, discount factors and UK times as GOV.UK writes them."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bidtool.web.filters import factor, money, percent, pounds, ratio, uk_time


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (0, "£0"),
        (1, "£0.01"),
        (100, "£1"),
        (-150, "-£1.50"),
        (123_456_789, "£1,234,567.89"),
        (668_683_200, "£6,686,832"),
        (100_000_000_000_000, "£1,000,000,000,000"),
    ],
)
def test_money_shows_pounds_with_pence_only_where_there_are_some(pence, shown):
    assert money(pence) == shown


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (Decimal("1234.5"), "£12.35"),  # half a penny rounds up
        (Decimal("1234.49"), "£12.34"),
        (Decimal("-0.5"), "-£0.01"),  # and away from zero
        (Decimal("99.4"), "£0.99"),
        (Decimal("250000"), "£2,500"),
    ],
)
def test_money_rounds_a_decimal_amount_of_pence_half_away_from_zero(pence, shown):
    assert money(pence) == shown


def test_money_shows_a_dash_for_nothing():
    assert money(None) == "–"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("48.39886963113170920870875336"), "48.40"),
        (Decimal("0"), "0.00"),
        (Decimal("1.659238"), "1.66"),
        (Decimal("-0.3321"), "-0.33"),
        (Decimal(4), "4.00"),
    ],
)
def test_a_ratio_is_shown_to_two_places(value, shown):
    assert ratio(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1.005"), "1.01"),
        (Decimal("0.125"), "0.13"),  # half to even would say 0.12
        (Decimal("2.675"), "2.68"),
        (Decimal("-1.005"), "-1.01"),
        (Decimal("-0.125"), "-0.13"),
        (Decimal("0.004999"), "0.00"),
    ],
)
def test_a_ratio_rounds_half_away_from_zero_like_all_bidtool_rounding(value, shown):
    assert ratio(value) == shown


def test_a_ratio_that_cannot_be_worked_out_is_not_applicable():
    assert ratio(None) == "n/a"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("0.2"), "20%"), (Decimal("1"), "100%"), (Decimal("0.0049"), "0%"), (Decimal("0.376"), "38%")],
)
def test_a_share_is_shown_as_a_whole_percentage(value, shown):
    assert percent(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.125"), "13%"),
        (Decimal("0.005"), "1%"),
        (Decimal("0.245"), "25%"),  # half to even would say 24%
        (Decimal("-0.125"), "-13%"),
        (Decimal("-0.005"), "-1%"),
        (Decimal("1.5"), "150%"),
    ],
)
def test_a_share_rounds_half_away_from_zero_like_all_bidtool_rounding(value, shown):
    assert percent(value) == shown


def test_a_share_that_cannot_be_worked_out_is_not_applicable():
    assert percent(None) == "n/a"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal(1), "1.0000"), (Decimal("0.966183574879227"), "0.9662"), (Decimal("0.84197317"), "0.8420")],
)
def test_a_discount_factor_is_shown_to_four_places(value, shown):
    assert factor(value) == shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "1 July 2026 at 1:00pm"),  # British Summer Time
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "15 January 2026 at 12:00pm"),  # Greenwich Mean Time
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "1 January 2026 at 12:00am"),
        (datetime(2026, 11, 22, 15, 4, tzinfo=UTC), "22 November 2026 at 3:04pm"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "31 December 2026 at 11:59pm"),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "1 July 2026 at 12:30am"),  # already the next day in UK
    ],
)
def test_a_moment_is_shown_in_uk_time_as_gov_uk_writes_it(moment, shown):
    assert uk_time(moment) == shown


def test_the_clocks_go_forward_at_one_in_the_morning_on_the_last_sunday_of_march():
    assert uk_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "29 March 2026 at 12:59am"
    assert uk_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "29 March 2026 at 2:00am"


def test_the_clocks_go_back_at_two_in_the_morning_on_the_last_sunday_of_october():
    assert uk_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "25 October 2026 at 1:30am"
    assert uk_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "25 October 2026 at 1:30am"
    assert uk_time(datetime(2026, 10, 25, 2, 30, tzinfo=UTC)) == "25 October 2026 at 2:30am"


def test_a_moment_in_another_time_zone_is_shown_in_uk_time():
    new_york = timezone(timedelta(hours=-4))

    assert uk_time(datetime(2026, 7, 1, 8, 0, tzinfo=new_york)) == "1 July 2026 at 1:00pm"


def test_no_moment_is_shown_as_a_dash():
    assert uk_time(None) == "–"


def test_the_filters_are_there_for_templates(app):
    template = app.jinja_env.from_string(
        "{{ 123456 | money }} {{ none | money }} {{ bcr | ratio }} {{ share | percent }} "
        "{{ df | factor }} {{ 2014 | year }} {{ moment | uk_time }}"
    )

    shown = template.render(
        bcr=Decimal("2.5"),
        share=Decimal("0.25"),
        df=Decimal("0.9"),
        moment=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
    )

    assert shown == "£1,234.56 – 2.50 25% 0.9000 2014/15 1 July 2026 at 1:00pm"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("420000.00"), "£420,000"),
        (Decimal("166900.50"), "£166,900.50"),
        (Decimal("0.00"), "£0"),
        (None, "–"),
    ],
)
def test_pounds_from_a_summary_show_as_money_shows_pence(amount, shown):
    assert pounds(amount) == shown
