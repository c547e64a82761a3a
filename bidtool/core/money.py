"""Money in integer pence: parsing pounds, formatting, and the one rounding rule."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

Pence = int

# £1 trillion: far above any public-sector bid, far below what a 64-bit pence column holds.
MAX_POUNDS = Decimal(1_000_000_000_000)


class MoneyError(ValueError):
    """A value that is not an amount of money in pounds; `kind` says what is wrong with it."""

    NOT_MONEY = "not_money"
    TOO_LARGE = "too_large"
    DECIMALS = "decimals"

    def __init__(self, message: str, kind: str = NOT_MONEY):
        super().__init__(message)
        self.kind = kind


# What a person may type: digits (commas between thousands), a point, a minus sign, a pound sign.
_TYPED = re.compile(r"-?£?\s*([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]*)?|-?£?\s*\.[0-9]+")


def round_places(value: Decimal | Fraction | int, places: int) -> Decimal:
    """Round an exact number to `places` decimals, half away from zero: the one rounding rule."""
    exact = Fraction(value) * 10**places
    whole, rest = divmod(abs(exact), 1)
    whole += rest >= Fraction(1, 2)
    return Decimal(-whole if exact < 0 else whole).scaleb(-places)


def round_pence(amount: Decimal) -> Pence:
    """Round an exact pence amount to whole pence: half a penny rounds away from zero."""
    return int(round_places(amount, 0))


def parse_pounds(value: object) -> Pence:
    """Turn pounds (a number or text such as "1,234.50" or "£1,234") into pence."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("must be an amount in pounds")
    if isinstance(value, str) and not _TYPED.fullmatch(value.strip()):
        raise MoneyError(f"{value.strip()[:40]!r} is not an amount in pounds")
    if isinstance(value, float):
        value = repr(value)
    shown = str(value).strip()[:40]
    text = str(value).strip().replace(",", "")
    negative = text.startswith("-")
    text = text.removeprefix("-").removeprefix("£").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"{shown!r} is not an amount in pounds") from None
    if not amount.is_finite() or text[:1] in "+-":
        raise MoneyError(f"{shown!r} is not an amount in pounds")
    if negative:
        amount = amount.copy_negate()
    # copy_abs, unlike abs(), ignores the context, which an exponent like 1e999999999 overflows.
    if amount.copy_abs() > MAX_POUNDS:
        raise MoneyError(
            f"is too large (the most bidtool accepts is {format_pence(to_pence(MAX_POUNDS))})",
            MoneyError.TOO_LARGE,
        )
    if amount != round_places(amount, 2):
        raise MoneyError(f"{shown} has more than two decimal places", MoneyError.DECIMALS)
    return to_pence(amount)


def to_pence(pounds: Decimal) -> Pence:
    """Convert an exact amount in pounds to pence."""
    return round_pence(pounds * 100)


def to_pounds(pence: Pence) -> Decimal:
    """Return pence as pounds with two decimal places."""
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def format_pence(pence: Pence) -> str:
    """Format pence for people: £1,234,567, with pence only where they are not zero."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}" + (f".{rest:02d}" if rest else "")
