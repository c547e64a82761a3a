"""Deadlines: the end of the day typed in UK time, in winter and in summer, to the last second."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bidtool.core.deadlines import UK, deadline_day, end_of_day, has_passed, show_deadline


@pytest.mark.parametrize(
    ("day", "moment"),
    [
        (date(2027, 1, 27), datetime(2027, 1, 27, 23, 59, 59, tzinfo=UTC)),  # GMT
        (date(2027, 3, 31), datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC)),  # BST from 28 March 2027
        (date(2027, 3, 28), datetime(2027, 3, 28, 22, 59, 59, tzinfo=UTC)),  # the day the clocks go forward
        (date(2027, 10, 31), datetime(2027, 10, 31, 23, 59, 59, tzinfo=UTC)),  # the day they go back
    ],
    ids=["winter", "summer", "clocks-forward", "clocks-back"],
)
def test_a_deadline_is_the_last_second_of_the_day_in_uk_time(day, moment):
    assert end_of_day(day) == moment
    assert end_of_day(day).astimezone(UK).time().isoformat() == "23:59:59"
    assert deadline_day(end_of_day(day)) == day


@pytest.mark.parametrize("day", [date(2027, 3, 31), date(2027, 1, 27)], ids=["summer", "winter"])
def test_a_deadline_lasts_all_of_its_day_and_passes_at_midnight_uk_time(day):
    deadline = end_of_day(day)
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), UK)

    assert not has_passed(deadline, datetime.combine(day, datetime.min.time(), UK))
    assert not has_passed(deadline, deadline)
    assert not has_passed(deadline, midnight - timedelta(microseconds=1))
    assert has_passed(deadline, midnight)
    assert has_passed(deadline, midnight + timedelta(seconds=1))


def test_a_deadline_is_written_as_the_time_on_the_day():
    assert show_deadline(end_of_day(date(2027, 3, 31))) == "11:59pm on 31 March 2027"
    assert show_deadline(end_of_day(date(2027, 1, 7))) == "11:59pm on 7 January 2027"
    assert show_deadline(None) == "None set"


def test_a_deadline_once_kept_as_midnight_is_shown_as_it_is_and_ends_the_day_before():
    midnight = datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # 00:00 on 1 April, BST

    assert show_deadline(midnight) == "12:00am on 1 April 2027"
    assert deadline_day(midnight) == date(2027, 3, 31)
