"""A round's deadline: the end of the day typed, in UK time whatever the season, kept in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
LAST_SECOND = time(23, 59, 59)
# A deadline is kept to the second and that second still counts: 23:59:59.9 is on time.
GRACE = timedelta(seconds=1)


def end_of_day(day: date) -> datetime:
    """The last second of a day in UK time (GMT or BST), as a moment in UTC."""
    return datetime.combine(day, LAST_SECOND, UK).astimezone(UTC)


def has_passed(deadline: datetime, now: datetime) -> bool:
    """Whether a deadline is over: from the second after it, 00:00 UK time after the day typed."""
    return now >= deadline + GRACE


def deadline_day(deadline: datetime) -> date:
    """The UK day a deadline ends (a deadline kept as midnight, as rounds once were, ends the day before)."""
    return (deadline - GRACE).astimezone(UK).date()


def clock(local: datetime) -> str:
    """A time of day as GOV.UK writes it: 3:04pm, 12:00am for midnight."""
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def show_deadline(deadline: datetime | None) -> str:
    """A deadline as GOV.UK writes one, 11:59pm on 31 March 2027, or "None set"."""
    if deadline is None:
        return "None set"
    local = deadline.astimezone(UK)
    return f"{clock(local)} on {local.day} {local:%B %Y}"
