"""The bid interchange formats bidtool.bid/1 and /2 (who pays and gains): plain mappings to Bid and back."""

from __future__ import annotations

from bidtool.core.appraisal import CONFIDENCE_GRADES
from bidtool.core.bid import (
    AGENCIES,
    FIGURE_NAMES,
    LINE_COST_KINDS,
    MONEY_FIELDS,
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    StatedTotal,
)
from bidtool.core.errors import Problems
from bidtool.core.fields import MAX_NARRATIVE, SLUG, Reader, join
from bidtool.core.money import to_pounds
from bidtool.core.years import YearError, parse_year, year_label

BID_FORMAT = "bidtool.bid/1"
# The second format adds who pays and who gains: benefit, cost and outcome-based lines.
LINES_FORMAT = "bidtool.bid/2"
FORMATS = (BID_FORMAT, LINES_FORMAT)
MAX_YEARS = 60
MAX_LINES = 500  # of each kind: far more than a bid's table of benefits by agency and year
MAX_COHORT = 10_000_000  # people an outcome reaches: more than any English county holds
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
LINE_LISTS = ("benefit_lines", "cost_lines", "outcome_lines")
_REQUIRED = {"format", "reference", "title", "lead_organisation", "years"}
_YEAR_FIELDS = {"year", *MONEY_FIELDS}
_BENEFIT_FIELDS = {"year", "kind", "agency", "amount", "confidence", "description"}
_COST_FIELDS = {"year", "kind", "agency", "amount", "description"}
_OUTCOME_FIELDS = {
    "description", "kind", "agency", "first_year", "last_year", "cohort", "engagement_rate", "success_rate",
    "deadweight", "drop_off", "unit_cost", "unit_cost_source", "confidence",
}  # fmt: skip
_OUTCOME_OPTIONAL = {"drop_off", "confidence"}


def parse_bid(data: object) -> Bid:
    """Build a Bid from a parsed bidtool.bid/1 or /2 object, or raise InvalidInput with every problem."""
    problems = Problems()
    read = Reader(problems)
    raw = read.mapping(data, "", {*_FIELDS, *LINE_LISTS}, _REQUIRED)
    if "format" in raw and raw["format"] not in FORMATS:
        problems.add("format", f"must be {BID_FORMAT!r} or {LINES_FORMAT!r}, not {str(raw['format'])[:40]!r}")
    for key in LINE_LISTS:
        if key in raw and raw.get("format") == BID_FORMAT:
            problems.add(key, f"is new in {LINES_FORMAT}: give the format as {LINES_FORMAT!r}")
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
        savings_confidence=_grade(read, raw.get("savings_confidence"), "savings_confidence"),
        years=years,
        narrative=_narrative(read, raw.get("narrative", {})),
        stated_totals=_stated_totals(read, raw.get("stated_totals", []), {y.year for y in years}),
        benefit_lines=_benefit_lines(read, raw.get("benefit_lines", []), {y.year for y in years}),
        cost_lines=_cost_lines(read, raw.get("cost_lines", []), {y.year for y in years}),
        outcome_lines=_outcome_lines(read, raw.get("outcome_lines", []), {y.year for y in years}),
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


def _line_items(read: Reader, value: object, path: str) -> list:
    items = read.items(value, path)
    if len(items) > MAX_LINES:
        read.problems.add(path, f"lists {len(items):,} lines; the most allowed is {MAX_LINES}")
        return []
    return items


def _bid_year(read: Reader, value: object, path: str, bid_years: set[int]) -> int:
    """A year of the bid's own (lines are appraised over the bid's years only)."""
    try:
        start = parse_year(value)
    except YearError as error:
        read.problems.add(path, str(error))
        return 0
    if start not in bid_years:
        read.problems.add(path, f"{year_label(start)} is not one of the bid's years")
    return start


def _choice(read: Reader, value: object, path: str, choices: tuple) -> object:
    """One of some StrEnum members, by its value."""
    for choice in choices:
        if value == choice.value:
            return choice
    read.problems.add(path, f"{str(value)[:40]!r} is not one of {', '.join(c.value for c in choices)}")
    return choices[0]


def _grade(read: Reader, value: object, path: str) -> int | None:
    if value is None:
        return None
    grade = read.integer(value, path)
    if grade is not None and grade not in CONFIDENCE_GRADES:
        read.problems.add(path, f"{grade} is not a confidence grade (1 best to 6 weakest)")
        return None
    return grade


def _benefit_lines(read: Reader, value: object, bid_years: set[int]) -> tuple[BenefitLine, ...]:
    lines = []
    for i, item in enumerate(_line_items(read, value, "benefit_lines")):
        path = f"benefit_lines[{i}]"
        raw = read.mapping(item, path, _BENEFIT_FIELDS, {"year", "kind", "agency", "amount"})
        lines.append(
            BenefitLine(
                year=_bid_year(read, raw.get("year"), join(path, "year"), bid_years),
                kind=_choice(read, raw.get("kind"), join(path, "kind"), tuple(BenefitKind)),
                agency=_choice(read, raw.get("agency"), join(path, "agency"), AGENCIES),
                amount=read.pence(raw.get("amount", 0), join(path, "amount")),
                confidence=_grade(read, raw.get("confidence"), join(path, "confidence")),
                description=read.text(raw.get("description"), join(path, "description"), required=False),
            )
        )
    return tuple(lines)


def _cost_lines(read: Reader, value: object, bid_years: set[int]) -> tuple[CostLine, ...]:
    lines = []
    for i, item in enumerate(_line_items(read, value, "cost_lines")):
        path = f"cost_lines[{i}]"
        raw = read.mapping(item, path, _COST_FIELDS, {"year", "kind", "agency", "amount"})
        lines.append(
            CostLine(
                year=_bid_year(read, raw.get("year"), join(path, "year"), bid_years),
                kind=_choice(read, raw.get("kind"), join(path, "kind"), LINE_COST_KINDS),
                agency=_choice(read, raw.get("agency"), join(path, "agency"), AGENCIES),
                amount=read.pence(raw.get("amount", 0), join(path, "amount")),
                description=read.text(raw.get("description"), join(path, "description"), required=False),
            )
        )
    return tuple(lines)


def _outcome_lines(read: Reader, value: object, bid_years: set[int]) -> tuple[OutcomeLine, ...]:
    lines = []
    for i, item in enumerate(_line_items(read, value, "outcome_lines")):
        path = f"outcome_lines[{i}]"
        raw = read.mapping(item, path, _OUTCOME_FIELDS, _OUTCOME_FIELDS - _OUTCOME_OPTIONAL)
        first = _bid_year(read, raw.get("first_year"), join(path, "first_year"), bid_years)
        last = _bid_year(read, raw.get("last_year"), join(path, "last_year"), bid_years)
        if first > last:
            read.problems.add(
                join(path, "last_year"), f"must not come before the first year, {year_label(first)}"
            )
        cohort = read.integer(raw.get("cohort", 0), join(path, "cohort")) or 0
        if not 0 <= cohort <= MAX_COHORT:
            read.problems.add(join(path, "cohort"), f"must be a number of people from 0 to {MAX_COHORT:,}")
        rates = {
            name: read.percent(raw.get(name, 0), join(path, name))
            for name in ("engagement_rate", "success_rate", "deadweight", "drop_off")
        }
        lines.append(
            OutcomeLine(
                description=read.text(raw.get("description"), join(path, "description")),
                kind=_choice(read, raw.get("kind"), join(path, "kind"), tuple(BenefitKind)),
                agency=_choice(read, raw.get("agency"), join(path, "agency"), AGENCIES),
                first_year=first,
                last_year=last,
                cohort=cohort,
                unit_cost=read.pence(raw.get("unit_cost", 0), join(path, "unit_cost")),
                unit_cost_source=read.text(raw.get("unit_cost_source"), join(path, "unit_cost_source")),
                confidence=_grade(read, raw.get("confidence"), join(path, "confidence")),
                **rates,
            )
        )
    return tuple(lines)


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
    """Write a Bid (money in pounds) that parse_bid reads back unchanged: a bidtool.bid/1 object,
    or /2 when it says who pays or gains, which /1 cannot carry."""
    data = {
        "format": LINES_FORMAT if bid.has_lines else BID_FORMAT,
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
    if bid.has_lines:
        data |= lines_to_dict(bid)
    return data


def lines_to_dict(bid: Bid) -> dict:
    """The lines of a bid as bidtool.bid/2 writes them."""
    return {
        "benefit_lines": [
            {
                "year": year_label(b.year),
                "kind": b.kind.value,
                "agency": b.agency.value,
                "amount": to_pounds(b.amount),
                "confidence": b.confidence,
                "description": b.description,
            }
            for b in bid.benefit_lines
        ],
        "cost_lines": [
            {
                "year": year_label(c.year),
                "kind": c.kind.value,
                "agency": c.agency.value,
                "amount": to_pounds(c.amount),
                "description": c.description,
            }
            for c in bid.cost_lines
        ],
        "outcome_lines": [
            {
                "description": o.description,
                "kind": o.kind.value,
                "agency": o.agency.value,
                "first_year": year_label(o.first_year),
                "last_year": year_label(o.last_year),
                "cohort": o.cohort,
                "engagement_rate": o.engagement_rate,
                "success_rate": o.success_rate,
                "deadweight": o.deadweight,
                "drop_off": o.drop_off,
                "unit_cost": to_pounds(o.unit_cost),
                "unit_cost_source": o.unit_cost_source,
                "confidence": o.confidence,
            }
            for o in bid.outcome_lines
        ],
    }
