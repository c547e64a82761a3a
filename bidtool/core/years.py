"""Financial years, April to March, written 2014/15."""

from __future__ import annotations

import re
from datetime import date

_LABEL = re.compile(r"(\d{4})/(\d{2})")


class YearError(ValueError):
    """Text that is not a financial year."""


def parse_year(label: object) -> int:
    """Return the calendar year in which the financial year "2014/15" starts (2014)."""
    match = _LABEL.fullmatch(str(label).strip())
    if not match:
        raise YearError(f"{str(label)[:20]!r} is not a financial year such as 2014/15")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise YearError(f"{label!r} is not a financial year: {start}/{(start + 1) % 100:02d} follows {start}")
    if not 1900 <= start <= 2199:
        raise YearError(f"{label!r} is outside the years bidtool accepts (1900/01 to 2199/00)")
    return start


def year_label(start: int) -> str:
    """Write the financial year starting in April of `start`, e.g. 2014 -> "2014/15"."""
    return f"{start}/{(start + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    """The financial year a day falls in (April to March), as the calendar year it starts in."""
    return day.year if day.month >= 4 else day.year - 1
