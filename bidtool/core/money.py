"""Money in integer pence: parsing pounds, formatting, and the one rounding rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Pence = int

# £1 trillion: far above any public-sector bid, far below what a 64-bit pence column holds.
MAX_POUNDS = Decimal(1_000_000_000_000)


class MoneyError(ValueError):
    """A value that is not an amount of money in pounds."""


def round_pence(amount: Decimal) -> Pence:
    """Round an exact pence amount to whole pence: half a penny rounds away from zero."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_pounds(value: object) -> Pence:
    """Turn pounds (a number or text such as "1,234.50" or "£1,234") into pence."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("must be an amount in pounds")
    if isinstance(value, float):
        value = repr(value)
    shown = str(value).strip()[:40]
    text = str(value).strip().replace(",", "")
    negative = text.startswith("-")
    text = text.removeprefix("-").removeprefix("£")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"{shown!r} is not an amount in pounds") from None
    if not amount.is_finite() or text[:1] in "+-":
        raise MoneyError(f"{shown!r} is not an amount in pounds")
    if negative:
        amount = -amount
    if abs(amount) > MAX_POUNDS:
        raise MoneyError(f"is too large (the most bidtool accepts is {format_pence(to_pence(MAX_POUNDS))})")
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise MoneyError(f"{shown} has more than two decimal places")
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
