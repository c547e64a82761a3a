"""Template filters: formatting only, never computing; the wording is the core's (bidtool.core.wording)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from bidtool.core.deadlines import UK, clock, show_deadline
from bidtool.core.money import to_pence
from bidtool.core.ranking import standing
from bidtool.core.wording import (
    after_optimism_bias,
    agreement,
    bcr_and_vfm,
    discounting,
    entered_percent,
    factor,
    kind,
    money,
    party,
    payback,
    payback_sentence,
    percent,
    points,
    probability,
    rank_range,
    ratio,
    score,
    switching_costs,
    switching_optimism_bias,
    switching_savings,
    vfm,
)
from bidtool.core.years import year_label


def pounds(amount: Decimal | None) -> str:
    """Pounds, as summaries give them, written as `money` writes pence; a dash for nothing."""
    return money(None if amount is None else to_pence(amount))


def uk_time(moment: datetime | None) -> str:
    """A moment in UK time, as GOV.UK writes it: 22 November 2026 at 3:04pm."""
    if moment is None:
        return "–"
    local = moment.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {clock(local)}"


def init_app(app: Flask) -> None:
    shown = (money, pounds, ratio, factor, percent, score, vfm, bcr_and_vfm, payback, payback_sentence)
    decisions = (agreement, points, probability, rank_range)
    appraisal = (party, kind, entered_percent, after_optimism_bias)
    switching = (switching_savings, switching_costs, switching_optimism_bias)
    for wording in (*shown, *decisions, discounting, *appraisal, *switching):
        app.add_template_filter(wording)
    app.add_template_filter(uk_time)
    app.add_template_filter(show_deadline, "deadline")
    app.add_template_filter(standing)
    app.add_template_filter(year_label, "year")
