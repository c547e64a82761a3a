"""Template filters: formatting only, never computing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from flask import Flask

from bidtool.core import summary
from bidtool.core.deadlines import UK, clock, show_deadline
from bidtool.core.money import format_pence, round_pence, to_pence
from bidtool.core.scoring import show_score
from bidtool.core.years import year_label


def money(pence: int | Decimal | None) -> str:
    """£1,234,567 (with pence only where they are not zero); a dash for nothing."""
    if pence is None:
        return "–"
    return format_pence(round_pence(pence) if isinstance(pence, Decimal) else pence)


def pounds(amount: Decimal | None) -> str:
    """Pounds, as summaries give them, written as `money` writes pence; a dash for nothing."""
    return money(None if amount is None else to_pence(amount))


def factor(value: Decimal) -> str:
    """A discount factor to four places."""
    return f"{value:.4f}"


def ratio(value: Decimal | None) -> str:
    """A ratio to two places (half away from zero, as all rounding), or "n/a" where it is undefined."""
    return "n/a" if value is None else f"{summary.ratio(value, 2):.2f}"


def percent(value: Decimal | None) -> str:
    """A share as a whole percentage, or "n/a"."""
    return "n/a" if value is None else f"{summary.ratio(value * 100, 0):.0f}%"


def score(value: Fraction | int | None) -> str:
    """A score as people read it (3, or 2.33 for a mean), or a dash when unscored."""
    return "–" if value is None else show_score(Fraction(value))


def uk_time(moment: datetime | None) -> str:
    """A moment in UK time, as GOV.UK writes it: 22 November 2026 at 3:04pm."""
    if moment is None:
        return "–"
    local = moment.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {clock(local)}"


def init_app(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(pounds)
    app.add_template_filter(ratio)
    app.add_template_filter(factor)
    app.add_template_filter(percent)
    app.add_template_filter(uk_time)
    app.add_template_filter(show_deadline, "deadline")
    app.add_template_filter(score)
    app.add_template_filter(year_label, "year")
