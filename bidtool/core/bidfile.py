"""The bid interchange format bidtool.bid/1: plain mappings to Bid and back."""

from __future__ import annotations

from bidtool.core.appraisal import CONFIDENCE_GRADES
from bidtool.core.bid import (
    FIGURE_NAMES,
    MONEY_FIELDS,
    Bid,
    BidStatus,
    BidYear,
    Partner,
    PartnerType,
    StatedTotal,
)
from bidtool.core.errors import Problems
from bidtool.core.fields import MAX_NARRATIVE, SLUG, Reader, join
from bidtool.core.money import to_pounds
from bidtool.core.years import YearError, parse_year, year_label

BID_FORMAT = "bidtool.bid/1"
MAX_YEARS = 60
MAX_PARTNERS = 200
# A round of the 2013/14 award had 145 bids; an upload of more is a round split into files.
MAX_BIDS_PER_UPLOAD = 500


def too_many_bids(count: int, advice: str = "split it into smaller files") -> str:
    """Say that a file (or an upload) holds more bids than one upload may add."""
    return f"{count:,} bids; an upload may add at most {MAX_BIDS_PER_UPLOAD:,}: {advice}"


_FIELDS = {
    "format", "reference", "title", "lead_organisation", "contact", "status", "partners",
    "award_sought", "savings_confidence", "years", "narrative", "stated_totals",
}  # fmt: skip
_REQUIRED = {"format", "reference", "title", "lead_organisation", "years"}
_YEAR_FIELDS = {"year", *MONEY_FIELDS}


def parse_bid(data: object) -> Bid:
    """Build a Bid from a parsed bidtool.bid/1 object, or raise InvalidInput with every problem."""
    problems = Problems()
    read = Reader(problems)
    raw = read.mapping(data, "", _FIELDS, _REQUIRED)
    if "format" in raw and raw["format"] != BID_FORMAT:
        problems.add("format", f"must be {BID_FORMAT!r}, not {str(raw['format'])[:40]!r}")
    reference = read.reference(raw.get("reference"), "reference")
    status = BidStatus.DRAFT
    if raw.get("status") is not None:
        try:
            status = BidStatus(raw["status"])
        except ValueError:
            problems.add("status", f"must be one of {', '.join(s.value for s in BidStatus)}")
    years = _years(read, raw.get("years", []))
    bid = Bid(
        reference=reference,
        title=read.text(raw.get("title"), "title"),
        lead_organisation=read.text(raw.get("lead_organisation"), "lead_organisation"),
        contact=read.text(raw.get("contact"), "contact", required=False) or None,
        status=status,
        partners=_partners(read, raw.get("partners", [])),
        award_sought=read.pence(raw.get("award_sought", 0), "award_sought"),
        savings_confidence=_confidence(read, raw.get("savings_confidence")),
        years=years,
        narrative=_narrative(read, raw.get("narrative", {})),
        stated_totals=_stated_totals(read, raw.get("stated_totals", []), {y.year for y in years}),
    )
    problems.raise_if_any()
    return bid


def _partners(read: Reader, value: object) -> tuple[Partner, ...]:
    items = read.items(value, "partners")
    if len(items) > MAX_PARTNERS:
        read.problems.add("partners", f"lists {len(items)} partners; the most allowed is {MAX_PARTNERS}")
        return ()
    partners = []
    for i, item in enumerate(items):
        path = f"partners[{i}]"
        raw = read.mapping(item, path, {"name", "type"}, {"name", "type"})
        kind = raw.get("type")
        if "type" in raw and (not isinstance(kind, str) or kind not in set(PartnerType)):
            known = ", ".join(t.value for t in PartnerType)
            read.problems.add(join(path, "type"), f"{str(kind)[:40]!r} is not a partner type ({known})")
            kind = PartnerType.OTHER
        partners.append(Partner(read.text(raw.get("name"), join(path, "name")), PartnerType(kind or "other")))
    return tuple(partners)


def _confidence(read: Reader, value: object) -> int | None:
    if value is None:
        return None
    grade = read.integer(value, "savings_confidence")
    if grade is not None and grade not in CONFIDENCE_GRADES:
        read.problems.add("savings_confidence", f"{grade} is not a confidence grade (1 best to 6 weakest)")
        return None
    return grade


def _years(read: Reader, value: object) -> tuple[BidYear, ...]:
    items = read.items(value, "years")
    if len(items) > MAX_YEARS:
        read.problems.add("years", f"lists {len(items)} years; the most allowed is {MAX_YEARS}")
        return ()
    years: dict[int, BidYear] = {}
    for i, item in enumerate(items):
        path = f"years[{i}]"
        raw = read.mapping(item, path, _YEAR_FIELDS, {"year"})
        if "year" not in raw:
            continue
        try:
            start = parse_year(raw["year"])
        except YearError as error:
            read.problems.add(join(path, "year"), str(error))
            continue
        if start in years:
            read.problems.add(join(path, "year"), f"{year_label(start)} is listed more than once")
            continue
        amounts = {
            name: read.pence(0 if raw.get(name) is None else raw[name], join(path, name))
            for name in MONEY_FIELDS
            if name != "savings_high"
        }
        high = raw.get("savings_high")
        years[start] = BidYear(
            year=start,
            savings_high=None if high is None else read.pence(high, join(path, "savings_high")),
            **amounts,
        )
    return tuple(years.values())


def _stated_totals(read: Reader, value: object, bid_years: set[int]) -> tuple[StatedTotal, ...]:
    totals = []
    for i, item in enumerate(read.items(value, "stated_totals")):
        path = f"stated_totals[{i}]"
        raw = read.mapping(item, path, {"figure", "amount", "years", "source"}, {"figure", "amount"})
        if "figure" not in raw or "amount" not in raw:
            continue
        if not isinstance(raw["figure"], str) or raw["figure"] not in FIGURE_NAMES:
            known = ", ".join(FIGURE_NAMES)
            read.problems.add(join(path, "figure"), f"{str(raw['figure'])[:40]!r} is not one of {known}")
            continue
        years = []
        for j, label in enumerate(read.items(raw.get("years", []), join(path, "years"))):
            try:
                start = parse_year(label)
            except YearError as error:
                read.problems.add(f"{path}.years[{j}]", str(error))
                continue
            if start not in bid_years:
                read.problems.add(f"{path}.years[{j}]", f"{year_label(start)} is not one of the bid's years")
            years.append(start)
        totals.append(
            StatedTotal(
                figure=raw["figure"],
                amount=read.pence(raw["amount"], join(path, "amount")),
                years=tuple(years),
                source=read.text(raw.get("source"), join(path, "source"), required=False),
            )
        )
    return tuple(totals)


def _narrative(read: Reader, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        read.problems.add("narrative", "must map each criterion id (and 'summary') to its answer")
        return {}
    answers = {}
    for key, text in value.items():
        path = join("narrative", str(key))
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            read.problems.add(path, "must be a criterion id: lower-case letters, digits, - or _")
        elif answer := read.text(text, path, required=False, limit=MAX_NARRATIVE):
            answers[key] = answer
    return answers


def bid_to_dict(bid: Bid) -> dict:
    """Write a Bid as a bidtool.bid/1 object (money in pounds) that parse_bid reads back unchanged."""
    return {
        "format": BID_FORMAT,
        "reference": bid.reference,
        "title": bid.title,
        "lead_organisation": bid.lead_organisation,
        "contact": bid.contact,
        "status": bid.status.value,
        "partners": [{"name": p.name, "type": p.type.value} for p in bid.partners],
        "award_sought": to_pounds(bid.award_sought),
        "savings_confidence": bid.savings_confidence,
        "years": [
            {
                "year": year_label(y.year),
                **{
                    name: None if getattr(y, name) is None else to_pounds(getattr(y, name))
                    for name in MONEY_FIELDS
                },
            }
            for y in bid.years
        ],
        "narrative": dict(bid.narrative),
        "stated_totals": [
            {
                "figure": t.figure,
                "amount": to_pounds(t.amount),
                "years": [year_label(y) for y in t.years],
                "source": t.source,
            }
            for t in bid.stated_totals
        ],
    }
