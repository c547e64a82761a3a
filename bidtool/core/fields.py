"""Readers for the fields of plain mappings (parsed JSON, YAML or CSV), collecting problems."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from bidtool.core.errors import Problems
from bidtool.core.money import MoneyError, Pence, parse_pounds, round_places

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# A reference (of a bid or a round) appears in web addresses and file names.
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
REFERENCE_RULE = (
    "must be 1 to 40 letters, digits, hyphens, underscores or full stops, starting with a letter or digit"
)
# Control characters other than tab and line breaks cannot be stored by every database.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The longest narrative answer: about 3,000 words, more than any criterion of a TCA bid needs.
MAX_NARRATIVE = 20_000


PERCENT_RULE = "must be a percentage from 0 to 100, with at most two decimal places, such as 60 or 12.5"


def parse_percent(value: object) -> Decimal:
    """Read a percentage as people write it (60, 12.5 or "60%"), or raise ValueError saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(PERCENT_RULE)
    text = repr(value) if isinstance(value, float) else str(value)
    text = text.strip().removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{str(value).strip()[:20]!r} is not a number: it {PERCENT_RULE}") from None
    if not number.is_finite() or not 0 <= number <= 100 or number != round_places(number, 2):
        raise ValueError(PERCENT_RULE)
    return number


def has_control_characters(text: str) -> bool:
    """Whether text holds a control character other than tab and line breaks."""
    return _CONTROL.search(text) is not None


def join(path: str, key: str | int) -> str:
    """Extend a field path: join("years[2]", "savings") -> "years[2].savings"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Read typed values out of a mapping; every bad value becomes a problem with its path."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def mapping(self, value: object, path: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, Mapping):
            self.problems.add(path, f"must be an object with the fields {', '.join(sorted(allowed))}")
            return {}
        for key in value:
            if key not in allowed:
                self.problems.add(
                    join(path, str(key)), f"is not a known field (known: {', '.join(sorted(allowed))})"
                )
        for key in sorted(required - set(value)):
            self.problems.add(join(path, key), "is required")
        return {k: v for k, v in value.items() if k in allowed}

    def text(self, value: object, path: str, *, required: bool = True, limit: int = 300) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems.add(path, "must not be empty")
            return ""
        if not isinstance(value, str):
            self.problems.add(path, "must be text")
            return ""
        if len(value) > limit:
            self.problems.add(path, f"is {len(value):,} characters long; the most allowed is {limit:,}")
        if has_control_characters(value):
            self.problems.add(path, "contains a control character; remove it")
        return value.replace("\r\n", "\n").strip()

    def reference(self, value: object, path: str) -> str:
        text = self.text(value, path, limit=40)
        if text and not REFERENCE.fullmatch(text):
            self.problems.add(path, f"{text[:40]!r} {REFERENCE_RULE}")
        return text

    def slug(self, value: object, path: str) -> str:
        text = self.text(value, path, limit=64)
        if text and not SLUG.fullmatch(text):
            self.problems.add(path, f"{text!r} must be lower-case letters, digits, - or _")
        return text

    def pence(self, value: object, path: str) -> Pence:
        try:
            return parse_pounds(value)
        except MoneyError as error:
            self.problems.add(path, str(error))
            return 0

    def integer(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problems.add(path, "must be a whole number")
            return None
        try:
            return int(str(value).strip())
        except ValueError:
            self.problems.add(path, f"{str(value)[:20]!r} is not a whole number")
            return None

    def number(self, value: object, path: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.problems.add(path, "must be a number")
            return None
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.problems.add(path, "must be a finite number")
            return None
        return number

    def percent(self, value: object, path: str) -> Decimal:
        try:
            return parse_percent(value)
        except ValueError as error:
            self.problems.add(path, str(error))
            return Decimal(0)

    def items(self, value: object, path: str) -> list:
        if not isinstance(value, list):
            self.problems.add(path, "must be a list")
            return []
        return value


def _no_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the field {key!r} appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number bidtool accepts")


def strict_json(text: str) -> object:
    """Parse JSON with exact decimals, refusing NaN, Infinity and repeated keys (ValueError)."""
    return json.loads(
        text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_no_repeated_keys
    )
