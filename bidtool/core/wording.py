"""How figures are written for people, in one place: the CLI, files, reasons, pages and prints."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from bidtool.core.appraisal import STPR_SCHEDULE, Appraisal, CaseAppraisal, Payback, Switch, VfmCategory
from bidtool.core.bid import BenefitKind, CostKind, Party
from bidtool.core.money import Pence, format_pence, round_pence, round_places
from bidtool.core.years import year_label

NOTHING = "–"
UNDEFINED = "n/a"
NO_COSTS = "n/a (no costs)"
# A ratio just below a limit is written to at most this many places.
MOST_PLACES = 12


def money(pence: Pence | Decimal | None) -> str:
    """£1,234,567 (with pence only where they are not zero); exact pence are rounded; a dash for nothing."""
    if pence is None:
        return NOTHING
    return format_pence(round_pence(pence) if isinstance(pence, Decimal) else pence)


def money_axis(ticks: Sequence[float]) -> list[str]:
    """Money as an axis labels its ticks (pence, as floats): all in the unit of the largest (£m,
    £k or £) and to as few places as label every tick exactly, at most two (£0.25m, £0.50m),
    rounded half away from zero; £0 for nothing."""
    largest = max((abs(Fraction(t)) for t in ticks), default=Fraction(0)) / 100
    unit, suffix = next((u, s) for u, s in AXIS_UNITS if largest >= u or u == 1)
    scaled = [Fraction(t) / 100 / unit for t in ticks]
    places = next(
        (
            p
            for p in range(AXIS_PLACES)
            if all(abs(v - Fraction(round_places(v, p))) < AXIS_EXACT for v in scaled)
        ),
        AXIS_PLACES,
    )
    return [
        "£0"
        if round_places(v, places) == 0
        else f"{'-' if v < 0 else ''}£{round_places(abs(v), places):.{places}f}{suffix}"
        for v in scaled
    ]


AXIS_UNITS = ((1_000_000, "m"), (1_000, "k"), (1, ""))
AXIS_PLACES = 2
AXIS_EXACT = Fraction(1, 10**6)  # of the unit: what floating-point ticks miss by is far less


def ratio(value: Decimal | Fraction | None) -> str:
    """A ratio (BCR, ROI, a weighted score) to two places, or "n/a" where it is undefined."""
    return UNDEFINED if value is None else f"{round_places(value, 2):.2f}"


def ratio_below(value: Decimal | Fraction, limit: Decimal) -> tuple[str, str]:
    """A ratio below a limit and the limit, the ratio to as many places as it takes to read below it.

    A BCR of 2.345 is 2.35 to two places, as the page shows it; against a gate of 2.35 it is
    written 2.345, so that the reason never says "2.35 is below 2.35".
    """
    limit_places = max(2, -Decimal(limit).normalize().as_tuple().exponent)
    places = 2
    while round_places(value, places) >= limit and places < MOST_PLACES:
        places += 1
    return (
        f"{round_places(value, places):.{places}f}",
        f"{round_places(limit, limit_places):.{limit_places}f}",
    )


def percent(share: Decimal | Fraction | None) -> str:
    """A share (0 to 1) as a whole percentage, or "n/a" where it is undefined."""
    return UNDEFINED if share is None else f"{round_places(Fraction(share) * 100, 0):.0f}%"


def rate(value: Decimal) -> str:
    """A rate given as a fraction (0.035) as a percentage to one place: 3.5%."""
    return f"{round_places(value * 100, 1):.1f}%"


def factor(value: Decimal) -> str:
    """A discount factor to four places."""
    return f"{round_places(value, 4):.4f}"


def score(value: Fraction | int | None) -> str:
    """A score as people read it (3, or 2.33 for a mean), or a dash when unscored."""
    if value is None:
        return NOTHING
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else ratio(value)


def vfm(category: VfmCategory | None) -> str:
    """The value-for-money category of a BCR; without costs there is no BCR, so no category."""
    return NO_COSTS if category is None else category.label


def payback(case: CaseAppraisal) -> str:
    """The payback year of a case, or why there is none."""
    if case.payback is Payback.PAID_BACK:
        return year_label(case.payback_year)
    if case.payback is Payback.NOT_APPLICABLE:
        return "Not applicable (no costs)"
    return "Not within the bid's years"


def payback_sentence(case: CaseAppraisal) -> str:
    """The payback of a case as a sentence of prose (none when the bid has no costs)."""
    if case.payback is Payback.PAID_BACK:
        return f"It pays back in {year_label(case.payback_year)}."
    if case.payback is Payback.NOT_WITHIN_YEARS:
        return "It does not pay back within its own years."
    return ""


def discounting(case: CaseAppraisal) -> str:
    """The Green Book rates that discount this case's years, as far as its years reach."""
    reach = case.years[-1].year - case.years[0].year if case.years else 0
    parts = []
    first = 1
    for last, value in STPR_SCHEDULE:
        parts.append((first, last, value))
        if last is None or reach <= last:
            break
        first = last + 1
    if len(parts) == 1:
        return f"{rate(parts[0][2])} a year"
    steps = [f"{rate(value)} for years {first} to {last}" for first, last, value in parts[:-1]]
    steps[0] = steps[0].replace(" for", " a year for", 1)
    return f"{', '.join(steps)}, then {rate(parts[-1][2])}"


def bcr_and_vfm(case: CaseAppraisal, case_name: str = "") -> str:
    """A case's BCR, named, with its value-for-money category: 2.35 prudent (high value for money)."""
    shown = f"{ratio(case.bcr)} {case_name}".rstrip()
    if case.vfm_category is None:
        return f"{shown} (no costs)"
    return f"{shown} ({case.vfm_category.label.lower()} value for money)"


# Krippendorff (2004): data are relied on at an alpha of 0.800 or more, and tentative conclusions
# drawn at 0.667 or more at the least.
RELIABLE_ALPHA = Decimal("0.800")
TENTATIVE_ALPHA = Decimal("0.667")


def agreement(alpha: float | None) -> str:
    """Krippendorff's alpha with what it allows: 0.82 (good), 0.70 (tentative), 0.41 (low); just
    below a limit it takes the places it needs to read below it (0.6669, not 0.67)."""
    if alpha is None:
        return UNDEFINED
    exact = Fraction(alpha)
    if exact >= RELIABLE_ALPHA:
        return f"{ratio(exact)} (good)"
    limit, band = (TENTATIVE_ALPHA, "low") if exact < TENTATIVE_ALPHA else (RELIABLE_ALPHA, "tentative")
    return f"{ratio_below(exact, limit)[0]} ({band})"


def points(value: float | Fraction | None) -> str:
    """A difference in score points, signed, to two places: +0.20, -0.32, 0.00; a dash for none."""
    if value is None:
        return NOTHING
    shown = round_places(Fraction(value), 2)
    return f"{'+' if shown > 0 else ''}{shown:.2f}"


def probability(share: float | None) -> str:
    """A probability as a whole percentage, never shown as certain (0% or 100%) unless it is."""
    if share is None:
        return NOTHING
    shown = round_places(Fraction(share) * 100, 0)
    if share > 0 and shown == 0:
        return "under 1%"
    if share < 1 and shown == 100:
        return "over 99%"
    return f"{shown:.0f}%"


def rank_range(ranks: Sequence[int]) -> str:
    """The range of ranks a bid takes, lowest and highest: 4, or 3 to 7."""
    low, high = ranks
    return str(low) if low == high else f"{low} to {high}"


PARTY_NAMES = {
    Party.FUND: "The fund (award)",
    Party.COUNCIL: "Council",
    Party.NHS: "NHS",
    Party.POLICE: "Police",
    Party.DWP: "DWP",
    Party.FIRE: "Fire and rescue",
    Party.OTHER: "Other",
    Party.NOT_ATTRIBUTED: "Not attributed",
}
KIND_NAMES = {
    BenefitKind.FISCAL_CASHABLE: "Fiscal, cashable",
    BenefitKind.FISCAL_NON_CASHABLE: "Fiscal, non-cashable",
    BenefitKind.ECONOMIC: "Economic",
    BenefitKind.SOCIAL: "Social",
    CostKind.AWARD: "Award",
    CostKind.MATCH: "Match funding (one-off)",
    CostKind.RECURRING: "Recurring",
}


def party(who: Party | None) -> str:
    """Who pays or gains, as a table names them; None is every party together."""
    return "Total" if who is None else PARTY_NAMES[who]


def kind(what: BenefitKind | CostKind) -> str:
    """A kind of benefit or cost: Fiscal, cashable; Match funding (one-off)."""
    return KIND_NAMES[what]


def plain_decimal(value: Decimal) -> str:
    """An exact number as people write it, without trailing zeros: 60, 12.5."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def entered_percent(value: Decimal) -> str:
    """A percentage as it was entered: 60%, 12.5%."""
    return f"{plain_decimal(value)}%"


def after_optimism_bias(appraisal: Appraisal) -> str:
    """The adjusted case, named: after 15% optimism bias, or after optimism bias where lines carry
    their own grades or costs are uplifted too."""
    if appraisal.uniform_optimism_bias:
        return f"after {appraisal.optimism_bias_percent}% optimism bias"
    return "after optimism bias"


def _change(share: Decimal) -> str:
    return f"{'rise' if share > 0 else 'fall'} by {percent(abs(share))}"


def switching_savings(switch: Switch) -> str:
    """How far cashable savings must move, others unchanged, for the switch to happen."""
    if switch.savings is None:
        return "n/a (no cashable savings)"
    if switch.savings < -1:
        return "no fall reaches it: the other benefits alone pass it"
    return "none: it is there already" if switch.savings == 0 else _change(switch.savings)


def switching_costs(switch: Switch) -> str:
    """How far the costs must move, benefits unchanged, for the switch to happen."""
    if switch.costs is None:
        return "n/a (no costs)"
    return "none: it is there already" if switch.costs == 0 else _change(switch.costs)


def switching_optimism_bias(switch: Switch) -> str:
    """The cut in every benefit at which the switch happens."""
    if switch.optimism_bias is None:
        return "n/a (no benefits)"
    if switch.optimism_bias < 0:
        return f"none: benefits would have to {_change(-switch.optimism_bias)}"
    return f"a cut of {percent(switch.optimism_bias)}"
