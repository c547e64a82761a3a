"""Assessment schemes (bidtool.scheme/1): criteria, weights, scale, descriptors, gates, tie-breaks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bidtool.core.appraisal import (
    CONFIDENCE_GRADES,
    ILLUSTRATIVE_OPTIMISM_BIAS,
    NO_COST_UPLIFT,
    Appraisal,
    CostUplift,
    appraise,
)
from bidtool.core.bid import Bid
from bidtool.core.errors import Problems
from bidtool.core.fields import Reader, join
from bidtool.core.money import Pence, to_pounds

SCHEME_FORMAT = "bidtool.scheme/1"
MAX_SCALE_POINTS = 21
DEFAULT_DIVERGENCE = Decimal(2)


class Indicator(StrEnum):
    """Automatic measures that suggest a score (the assessor decides)."""

    BCR = "bcr"
    MATCH_SHARE = "match_share"
    PARTNERS = "partners"


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict[int, str]

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    weight: Decimal
    guidance: str
    descriptors: dict[int, str]
    indicator: Indicator | None = None
    gate_min_score: int | None = None


TIE_BREAK_KEYS = ("bcr", "npv", "weighted_score", "award_sought")


@dataclass(frozen=True)
class TieBreak:
    """One tie-break key; higher first unless written with a leading '-'."""

    key: str
    criterion: str | None = None
    descending: bool = True

    def __str__(self) -> str:
        name = f"criterion:{self.criterion}" if self.criterion else self.key
        return name if self.descending else f"-{name}"


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    scale: Scale
    criteria: tuple[Criterion, ...]
    description: str = ""
    divergence: Decimal = DEFAULT_DIVERGENCE
    vfm_gate: Decimal | None = None
    max_award: Pence | None = None
    tie_breaks: tuple[TieBreak, ...] = ()
    optimism_bias: Mapping[int, Decimal] = field(default_factory=lambda: dict(ILLUSTRATIVE_OPTIMISM_BIAS))
    cost_optimism_bias: CostUplift = NO_COST_UPLIFT

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def reweighted(self, weights: Mapping[str, Decimal]) -> Scheme:
        """The scheme with some criteria's weights replaced (a what-if: the scheme itself stays)."""
        return dataclasses.replace(
            self,
            criteria=tuple(dataclasses.replace(c, weight=weights.get(c.id, c.weight)) for c in self.criteria),
        )

    def appraise(self, bid: Bid) -> Appraisal:
        """Appraise a bid by this scheme: its optimism bias on benefits and costs, and its gate."""
        return appraise(bid, self.optimism_bias, self.cost_optimism_bias, self.vfm_gate)


_FIELDS = {
    "format", "id", "name", "description", "scale", "divergence", "vfm_gate",
    "max_award", "tie_breaks", "optimism_bias", "cost_optimism_bias", "criteria",
}  # fmt: skip
_CRITERION_FIELDS = {"id", "name", "weight", "guidance", "descriptors", "indicator", "gate"}


def parse_scheme(data: object) -> Scheme:
    """Build a Scheme from parsed YAML or JSON, or raise InvalidInput listing every problem."""
    problems = Problems()
    read = Reader(problems)
    raw = read.mapping(data, "", _FIELDS, {"format", "id", "name", "scale", "criteria"})
    if "format" in raw and raw["format"] != SCHEME_FORMAT:
        problems.add("format", f"must be {SCHEME_FORMAT!r}, not {str(raw['format'])[:40]!r}")
    scale = _scale(read, raw.get("scale"))
    criteria = tuple(
        _criterion(read, item, f"criteria[{i}]", scale)
        for i, item in enumerate(read.items(raw.get("criteria", []), "criteria"))
    )
    if "criteria" in raw and not criteria:
        problems.add("criteria", "must list at least one criterion")
    ids = [c.id for c in criteria]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.add("criteria", f"the id {duplicate!r} is used more than once")
    scheme = Scheme(
        id=read.slug(raw.get("id"), "id"),
        name=read.text(raw.get("name"), "name"),
        description=read.text(raw.get("description"), "description", required=False, limit=5000),
        scale=scale,
        criteria=criteria,
        divergence=_divergence(read, raw),
        vfm_gate=_optional_number(read, raw, "vfm_gate"),
        max_award=None if raw.get("max_award") is None else read.pence(raw["max_award"], "max_award"),
        tie_breaks=_tie_breaks(read, raw.get("tie_breaks", []), set(ids)),
        optimism_bias=_optimism_bias(read, raw.get("optimism_bias", ILLUSTRATIVE_OPTIMISM_BIAS)),
        cost_optimism_bias=_cost_optimism_bias(read, raw.get("cost_optimism_bias")),
    )
    if scheme.max_award is not None and scheme.max_award <= 0:
        problems.add("max_award", "must be more than £0")
    problems.raise_if_any()
    return scheme


def _optional_number(read: Reader, raw: dict, key: str) -> Decimal | None:
    if raw.get(key) is None:
        return None
    number = read.number(raw[key], key)
    if number is not None and number < 0:
        read.problems.add(key, "must not be negative")
    return number


def _divergence(read: Reader, raw: dict) -> Decimal:
    divergence = _optional_number(read, raw, "divergence")
    if divergence is None:
        return DEFAULT_DIVERGENCE
    if divergence == 0:
        read.problems.add("divergence", "must be more than 0 points")
    return divergence


def _point_map(read: Reader, value: object, path: str, scale: Scale | None, what: str) -> dict[int, str]:
    """Read a mapping of scale point -> text (keys may be ints or digit strings, as JSON has them)."""
    if not isinstance(value, Mapping):
        read.problems.add(path, f"must map each score point to its {what}")
        return {}
    result: dict[int, str] = {}
    for key, text in value.items():
        point = read.integer(key, join(path, str(key)))
        if point is not None:
            result[point] = read.text(text, join(path, str(key)), limit=2000)
    if scale is not None:
        missing = [p for p in scale.points if p not in result]
        extra = sorted(p for p in result if p not in scale.points)
        if missing:
            read.problems.add(path, f"has no {what} for {', '.join(map(str, missing))}")
        if extra:
            read.problems.add(path, f"has points outside the scale: {', '.join(map(str, extra))}")
    return result


def _scale(read: Reader, value: object) -> Scale | None:
    if value is None:
        return None
    raw = read.mapping(value, "scale", {"min", "max", "labels"}, {"min", "max", "labels"})
    low = read.integer(raw["min"], "scale.min") if "min" in raw else None
    high = read.integer(raw["max"], "scale.max") if "max" in raw else None
    if low is None or high is None:
        return None
    if high <= low:
        read.problems.add("scale", f"max ({high}) must be greater than min ({low})")
        return None
    if high - low + 1 > MAX_SCALE_POINTS:
        read.problems.add("scale", f"has {high - low + 1} points; the most allowed is {MAX_SCALE_POINTS}")
        return None
    scale = Scale(low, high, {})
    labels = _point_map(read, raw.get("labels", {}), "scale.labels", scale, "label")
    return Scale(low, high, labels)


def _criterion(read: Reader, value: object, path: str, scale: Scale | None) -> Criterion:
    raw = read.mapping(value, path, _CRITERION_FIELDS, {"id", "name", "weight", "guidance", "descriptors"})
    weight = read.number(raw["weight"], join(path, "weight")) if "weight" in raw else None
    if weight is not None and weight <= 0:
        read.problems.add(join(path, "weight"), "must be more than 0")
    indicator = None
    if raw.get("indicator") is not None:
        try:
            indicator = Indicator(raw["indicator"])
        except ValueError:
            known = ", ".join(i.value for i in Indicator)
            read.problems.add(
                join(path, "indicator"), f"{str(raw['indicator'])[:40]!r} is not one of {known}"
            )
    return Criterion(
        id=read.slug(raw.get("id"), join(path, "id")),
        name=read.text(raw.get("name"), join(path, "name")),
        weight=weight or Decimal(1),
        guidance=read.text(raw.get("guidance"), join(path, "guidance"), limit=5000),
        descriptors=_point_map(
            read, raw.get("descriptors", {}), join(path, "descriptors"), scale, "descriptor"
        ),
        indicator=indicator,
        gate_min_score=_gate(read, raw.get("gate"), join(path, "gate"), scale),
    )


def _gate(read: Reader, value: object, path: str, scale: Scale | None) -> int | None:
    if value is None:
        return None
    raw = read.mapping(value, path, {"min_score"}, {"min_score"})
    if "min_score" not in raw:
        return None
    minimum = read.integer(raw["min_score"], join(path, "min_score"))
    if minimum is not None and scale is not None and minimum not in scale.points:
        read.problems.add(
            join(path, "min_score"), f"{minimum} is not on the scale {scale.min} to {scale.max}"
        )
    return minimum


def _tie_breaks(read: Reader, value: object, criterion_ids: set[str]) -> tuple[TieBreak, ...]:
    result = []
    for i, item in enumerate(read.items(value, "tie_breaks")):
        path = f"tie_breaks[{i}]"
        if not isinstance(item, str):
            read.problems.add(path, "must be text such as 'criterion:value_for_money' or '-award_sought'")
            continue
        name = item.strip().removeprefix("-")
        descending = not item.strip().startswith("-")
        if name.startswith("criterion:"):
            criterion = name.removeprefix("criterion:")
            if criterion not in criterion_ids:
                read.problems.add(path, f"{criterion!r} is not a criterion of this scheme")
            result.append(TieBreak("criterion", criterion, descending))
        elif name in TIE_BREAK_KEYS:
            result.append(TieBreak(name, None, descending))
        else:
            known = ", ".join(("criterion:<id>", *TIE_BREAK_KEYS))
            read.problems.add(path, f"{item[:40]!r} is not a tie-break key ({known})")
    names = [str(t).removeprefix("-") for t in result]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        read.problems.add("tie_breaks", f"{duplicate!r} is listed more than once")
    return tuple(result)


def _optimism_bias(read: Reader, value: object) -> dict[int, Decimal]:
    if not isinstance(value, Mapping):
        read.problems.add("optimism_bias", "must map each confidence grade 1-6 to a percentage")
        return dict(ILLUSTRATIVE_OPTIMISM_BIAS)
    table: dict[int, Decimal] = {}
    for key, percent in value.items():
        path = join("optimism_bias", str(key))
        grade = read.integer(key, path)
        number = read.number(percent, path)
        if grade is not None and grade not in CONFIDENCE_GRADES:
            read.problems.add(path, "is not a confidence grade (1 to 6)")
        elif number is not None and not 0 <= number <= 100:
            read.problems.add(path, f"{number}% must be between 0 and 100")
        elif grade is not None and number is not None:
            table[grade] = number
    missing = [g for g in CONFIDENCE_GRADES if g not in table]
    if missing:
        read.problems.add("optimism_bias", f"has no percentage for grade {', '.join(map(str, missing))}")
    return table


def _cost_optimism_bias(read: Reader, value: object) -> CostUplift:
    if value is None:
        return NO_COST_UPLIFT
    raw = read.mapping(value, "cost_optimism_bias", {"one_off", "recurring"}, {"one_off", "recurring"})
    percents = {}
    for key in ("one_off", "recurring"):
        path = join("cost_optimism_bias", key)
        number = read.number(raw[key], path) if key in raw else None
        if number is not None and not 0 <= number <= 1000:
            read.problems.add(path, f"{number}% must be between 0 and 1000")
        percents[key] = number if number is not None and 0 <= number <= 1000 else Decimal(0)
    return CostUplift(**percents)


def scheme_to_dict(scheme: Scheme) -> dict:
    """Write a Scheme as a bidtool.scheme/1 object that parse_scheme reads back unchanged."""
    data: dict = {
        "format": SCHEME_FORMAT,
        "id": scheme.id,
        "name": scheme.name,
        "description": scheme.description,
        "scale": {"min": scheme.scale.min, "max": scheme.scale.max, "labels": dict(scheme.scale.labels)},
        "divergence": scheme.divergence,
        "vfm_gate": scheme.vfm_gate,
        "max_award": None if scheme.max_award is None else to_pounds(scheme.max_award),
        "tie_breaks": [str(t) for t in scheme.tie_breaks],
        "optimism_bias": dict(scheme.optimism_bias),
        "cost_optimism_bias": {
            "one_off": scheme.cost_optimism_bias.one_off,
            "recurring": scheme.cost_optimism_bias.recurring,
        },
        "criteria": [],
    }
    for c in scheme.criteria:
        criterion = {"id": c.id, "name": c.name, "weight": c.weight, "guidance": c.guidance}
        criterion["descriptors"] = dict(c.descriptors)
        if c.indicator is not None:
            criterion["indicator"] = c.indicator.value
        if c.gate_min_score is not None:
            criterion["gate"] = {"min_score": c.gate_min_score}
        data["criteria"].append(criterion)
    return data
