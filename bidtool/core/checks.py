"""Consistency checks of a bid: re-add what it states and report each difference plainly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from bidtool.core.appraisal import flows
from bidtool.core.bid import FIGURE_NAMES, MONEY_FIELDS, SUMMARY, BenefitKind, Bid
from bidtool.core.scheme import Scheme
from bidtool.core.wording import kind, money, party
from bidtool.core.years import year_label


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str


def check_bid(bid: Bid, scheme: Scheme | None = None) -> list[Finding]:
    """Run every consistency check on a bid (and, given a scheme, the scheme's own rules)."""
    findings = [
        *_years(bid),
        *_negative_amounts(bid),
        *_award_costs(bid),
        *_stated_totals(bid),
        *_savings_ranges(bid),
        *_savings_before_costs(bid),
        *_partners(bid),
        *_confidence(bid),
        *_narrative(bid, scheme),
    ]
    if scheme is not None and scheme.max_award is not None and bid.award_sought > scheme.max_award:
        findings.append(
            Finding(
                "award-above-maximum",
                Severity.ERROR,
                f"The award sought, {money(bid.award_sought)}, is above the "
                f"{scheme.name} maximum of {money(scheme.max_award)}.",
            )
        )
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def _years(bid: Bid) -> Iterator[Finding]:
    if not bid.years:
        yield Finding("no-years", Severity.ERROR, "The bid has no financial years of costs and savings.")
        return
    for before, after in zip(bid.years, bid.years[1:], strict=False):
        if after.year != before.year + 1:
            gap = [year_label(y) for y in range(before.year + 1, after.year)]
            yield Finding(
                "years-not-contiguous",
                Severity.ERROR,
                f"The years jump from {year_label(before.year)} to {year_label(after.year)}: "
                f"{', '.join(gap)} {'is' if len(gap) == 1 else 'are'} missing. "
                "Add the missing years, with zeros where nothing happens.",
            )


def _negative_amounts(bid: Bid) -> Iterator[Finding]:
    if bid.award_sought < 0:
        yield Finding(
            "negative-amount",
            Severity.ERROR,
            f"The award sought is {money(bid.award_sought)}; it cannot be negative.",
        )
    for year in bid.years:
        for name in MONEY_FIELDS:
            amount = getattr(year, name)
            if amount is not None and amount < 0:
                yield Finding(
                    "negative-amount",
                    Severity.ERROR,
                    f"{year_label(year.year)}: {FIGURE_NAMES[name]} is {money(amount)}; "
                    "amounts cannot be negative (enter costs and savings as positive figures).",
                )
    lines = [("benefit to", line) for line in bid.benefit_lines] + [
        ("cost paid by", c) for c in bid.cost_lines
    ]
    for what, line in lines:
        if line.amount < 0:
            yield Finding(
                "negative-amount",
                Severity.ERROR,
                f"{year_label(line.year)}: the {kind(line.kind).lower()} {what} "
                f"{party(line.agency)} is {money(line.amount)}; amounts cannot be negative.",
            )
    for outcome in bid.outcome_lines:
        if outcome.unit_cost < 0:
            yield Finding(
                "negative-amount",
                Severity.ERROR,
                f"The outcome {outcome.description!r} has a unit cost of {money(outcome.unit_cost)}; "
                "amounts cannot be negative.",
            )


def _award_costs(bid: Bid) -> Iterator[Finding]:
    if bid.award_sought == 0:
        yield Finding(
            "no-award-sought",
            Severity.ERROR,
            "The bid states no award sought (£0). Enter the total amount asked for.",
        )
    total = sum(y.award_costs for y in bid.years)
    if total != bid.award_sought:
        by_year = ", ".join(
            f"{year_label(y.year)} {money(y.award_costs)}" for y in bid.years if y.award_costs
        )
        difference = bid.award_sought - total
        yield Finding(
            "award-costs-mismatch",
            Severity.ERROR,
            f"The award costs by year add up to {money(total)} ({by_year or 'no years'}) "
            f"but the award sought is {money(bid.award_sought)}: "
            f"{money(abs(difference))} {'unaccounted for' if difference > 0 else 'too much'} "
            "in the years.",
        )


def _stated_totals(bid: Bid) -> Iterator[Finding]:
    for stated in bid.stated_totals:
        added = stated.added_up(bid.years)
        if added == stated.amount:
            continue
        span = ", ".join(year_label(y) for y in stated.years) if stated.years else "all its years"
        source = f" ({stated.source})" if stated.source else ""
        yield Finding(
            "stated-total-mismatch",
            Severity.ERROR,
            f"The bid states {FIGURE_NAMES[stated.figure]} of {money(stated.amount)} for "
            f"{span}{source}, but its years add up to {money(added)}: "
            f"a difference of {money(abs(stated.amount - added))}.",
        )


def _savings_ranges(bid: Bid) -> Iterator[Finding]:
    for year in bid.years:
        if year.savings_high is not None and year.savings_high < year.savings:
            yield Finding(
                "savings-high-below-prudent",
                Severity.ERROR,
                f"{year_label(year.year)}: the high savings estimate "
                f"{money(year.savings_high)} is below the prudent estimate "
                f"{money(year.savings)}.",
            )


def _by_year(bid: Bid) -> dict[int, tuple[int, int]]:
    """Each year's costs and cashable savings, the year's own with those of the lines naming an agency."""
    found = flows(bid)
    return {
        y.year: (
            sum(f.claimed for f in found if f.year == y.year and f.cost),
            sum(f.claimed for f in found if f.year == y.year and f.kind is BenefitKind.FISCAL_CASHABLE),
        )
        for y in bid.years
    }


def _savings_before_costs(bid: Bid) -> Iterator[Finding]:
    amounts = _by_year(bid)
    first_cost = next((year for year, (costs, _) in amounts.items() if costs > 0), None)
    early = {
        year: saved
        for year, (_, saved) in amounts.items()
        if saved > 0 and (first_cost is None or year < first_cost)
    }
    if not early:
        return
    claimed = ", ".join(f"{year_label(year)} {money(saved)}" for year, saved in early.items())
    when = (
        f"before any cost is incurred (the first costs are in {year_label(first_cost)})"
        if first_cost is not None
        else "but the bid states no costs at all"
    )
    yield Finding(
        "savings-before-costs",
        Severity.WARNING,
        f"Savings are claimed {when}: {claimed}. Explain how they arise without spending.",
    )


def _partners(bid: Bid) -> Iterator[Finding]:
    others = [p for p in bid.partners if p.name.casefold() != bid.lead_organisation.casefold()]
    if not others:
        yield Finding(
            "no-partners",
            Severity.ERROR,
            f"The bid names no partner besides the lead organisation ({bid.lead_organisation}); "
            "a collaboration bid needs at least one.",
        )


def _confidence(bid: Bid) -> Iterator[Finding]:
    if bid.savings_confidence is None:
        yield Finding(
            "no-savings-confidence",
            Severity.WARNING,
            "No confidence grade is given for the savings, so they are treated as grade 6, "
            "the weakest evidence, and reduced by the largest optimism bias.",
        )
    if not any(y.savings_high for y in bid.years) and not any(saved for _, saved in _by_year(bid).values()):
        yield Finding(
            "no-savings",
            Severity.WARNING,
            "The bid claims no cashable savings in any year, so its benefit-cost ratio "
            "rests on other benefits alone.",
        )


def _narrative(bid: Bid, scheme: Scheme | None) -> Iterator[Finding]:
    wanted = [(SUMMARY, "Summary")]
    if scheme is not None:
        wanted += [(c.id, c.name) for c in scheme.criteria]
    for key, name in wanted:
        if not bid.narrative.get(key, "").strip():
            yield Finding(
                "missing-narrative",
                Severity.ERROR,
                f"There is no narrative answer for {name} ('{key}').",
            )
