"""The flat table of bids that CSV and XLSX files share: one row per bid per financial year, and
one per line saying who pays or gains."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bidtool.core.bid import MONEY_FIELDS, SUMMARY, Bid, BidYear, Partner
from bidtool.core.bidfile import (
    BID_FORMAT,
    LINES_FORMAT,
    MAX_BIDS_PER_UPLOAD,
    MAX_PARTNERS,
    bid_to_dict,
    lines_to_dict,
    parse_bid,
    too_many_bids,
)
from bidtool.core.errors import InvalidInput, Problem
from bidtool.core.fields import strict_json
from bidtool.core.money import Pence, to_pounds
from bidtool.core.years import year_label

BID_COLUMNS = (
    "reference", "title", "lead_organisation", "contact", "status", "award_sought", "savings_confidence",
    "partners",
)  # fmt: skip
YEAR_COLUMNS = ("year", *MONEY_FIELDS)
LINE = "line"
LINE_COLUMNS = (
    LINE, "kind", "agency", "amount", "confidence", "description", "last_year", "cohort", "engagement_rate",
    "success_rate", "deadweight", "drop_off", "unit_cost", "unit_cost_source",
)  # fmt: skip
# The kinds of line row: the bidtool.bid/2 list each fills, and its columns with the field each holds.
LINE_ROWS = {
    "benefit": (
        "benefit_lines",
        {"year": "year", **{c: c for c in ("kind", "agency", "amount", "confidence", "description")}},
    ),
    "cost": ("cost_lines", {"year": "year", **{c: c for c in ("kind", "agency", "amount", "description")}}),
    "outcome": (
        "outcome_lines",
        {"year": "first_year", **{c: c for c in LINE_COLUMNS[1:] if c != "amount"}},
    ),
}
NARRATIVE = "narrative:"
STATED_TOTALS = "stated_totals"
REQUIRED_COLUMNS = ("reference", "title", "lead_organisation", "year")
# Columns that hold numbers; a spreadsheet writes them as numbers so that people can add them up.
NUMBER_COLUMNS = (
    "award_sought", "savings_confidence", *MONEY_FIELDS, "amount", "confidence", "cohort", "engagement_rate",
    "success_rate", "deadweight", "drop_off", "unit_cost",
)  # fmt: skip

LAYOUT = (
    "One row per bid per financial year, the rows of a bid one after another, each repeating its reference.",
    "The bid's details (title to partners, the narrative:<key> columns and stated_totals) are read from "
    "its first row; on its later rows leave them blank or repeat the same value.",
    "A bid with no years is one row with a blank year.",
    "Amounts are pounds with at most two decimals (£ and commas are allowed); a blank amount means 0, "
    "except savings_high, where a blank means no high estimate.",
    "Columns may come in any order; reference, title, lead_organisation and year are required, "
    "unknown columns are an error.",
    "Who pays and who gains (optional): after a bid's year rows, one row per line, with its reference, "
    "its year and the line column saying what it is: benefit (a benefit in one year, the kind and the "
    "agency that gains it), cost (a match-funded or recurring cost in one year and the agency that pays it) "
    "or outcome (a benefit worked out from an outcome over some years). A line row leaves the year's "
    "amounts (award_costs to other_benefits) blank; a year row leaves the line columns blank.",
    "Amounts entered on the year rows are not attributed to any agency (award costs are the fund's); "
    "enter an amount either there or as a line, never both.",
)
COLUMN_GUIDANCE = {
    "reference": "The bid's reference, unique within the round (at most 40 characters), on every row.",
    "title": "The bid's title.",
    "lead_organisation": "The organisation that leads the bid.",
    "contact": "Optional: a role or team to contact.",
    "status": "draft or submitted (blank: draft).",
    "award_sought": "The total asked for from the fund, in pounds.",
    "savings_confidence": "How good the evidence for the savings is: 1 (best) to 6 (weakest); "
    "blank: not graded.",
    "partners": "Every partner as Name (type), separated by ';', for example "
    "'Anytown Borough Council (district); Shire Police (police)'. Types: district, county, unitary, "
    "metropolitan, london_borough, fire, police, health, probation, voluntary, private, other. "
    "A partner whose name contains ';' is put in double quotes, for example \"Smith; Jones Ltd (private)\".",
    "year": "The financial year of the row, such as 2014/15; the years of a bid must not repeat.",
    "award_costs": "One-off costs paid from the award in this year.",
    "match_costs": "One-off costs paid by the partners (match funding) in this year.",
    "recurring_costs": "Ongoing extra running costs caused by the change in this year.",
    "savings": "Cashable savings in this year: the low (prudent) estimate.",
    "savings_high": "Optional high estimate of the savings; blank means no range.",
    "other_benefits": "Non-cashable, monetised benefits in this year (fiscal, non-cashable).",
    LINE: "Blank on a year row; on a line row: benefit, cost or outcome.",
    "kind": "Line rows: of a benefit or an outcome, fiscal_cashable, fiscal_non_cashable, economic or "
    "social; of a cost, match (one-off, paid by a partner) or recurring.",
    "agency": "Line rows: who gains the benefit or pays the cost: council, nhs, police, dwp, fire or other.",
    "amount": "Benefit and cost rows: the amount in pounds in the row's year.",
    "confidence": "Benefit and outcome rows: how good the evidence is, 1 (best) to 6 (weakest), which sets "
    "the optimism bias; blank: the bid's savings_confidence.",
    "description": "Line rows: what the line is, such as 'Fewer A&E attendances' (required for an outcome).",
    "last_year": "Outcome rows: the last financial year the outcome is counted in (year is its first).",
    "cohort": "Outcome rows: the number of people the outcome is for.",
    "engagement_rate": "Outcome rows: the percentage of the cohort who take part, 0 to 100 (60 for 60%).",
    "success_rate": "Outcome rows: the percentage of those taking part who achieve the outcome, 0 to 100.",
    "deadweight": "Outcome rows: the percentage who would have achieved it anyway, 0 to 100.",
    "drop_off": "Outcome rows: the percentage by which the benefit falls each year after the first, 0 to 100 "
    "(blank: 0).",
    "unit_cost": "Outcome rows: the value of the outcome for one person in one year, in pounds.",
    "unit_cost_source": "Outcome rows: where the unit cost comes from, such as a unit cost database "
    "and its reference.",
    f"{NARRATIVE}<key>": f"The narrative answer for {SUMMARY} or a criterion id of the round's scheme, "
    "such as narrative:value_for_money; one column per answer.",
    STATED_TOTALS: "Optional: the totals the bid itself prints, as a JSON list in bidtool.bid/1 form, for "
    'example [{"figure": "savings", "amount": 250000, "years": ["2015/16"], "source": "Table 2"}].',
}


def narrative_keys(bids: Sequence[Bid]) -> list[str]:
    """The narrative keys of some bids: the summary first, then the others in order."""
    keys = {key for bid in bids for key in bid.narrative}
    return ([SUMMARY] if SUMMARY in keys else []) + sorted(keys - {SUMMARY})


def columns_for(keys: Sequence[str], lines: bool = False) -> list[str]:
    """The columns of the table for the given narrative keys, with the line columns if asked."""
    line_columns = LINE_COLUMNS if lines else ()
    return [*BID_COLUMNS, *YEAR_COLUMNS, *line_columns, *(NARRATIVE + key for key in keys), STATED_TOTALS]


def bids_to_rows(bids: Sequence[Bid]) -> tuple[list[str], list[list[str]]]:
    """Write bids as the flat table: the columns, then one row of text per bid per year and per line
    (the line columns only when some bid has lines, so that older files keep their layout)."""
    keys = narrative_keys(bids)
    columns = columns_for(keys, any(bid.has_lines for bid in bids))
    rows: list[list[str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for bid in bids:
        if bid.reference in seen:
            problems.append(Problem(f"bid {bid.reference}", "the reference is used by more than one bid"))
        seen.add(bid.reference)
        first = _bid_cells(bid, keys)
        for i, year in enumerate(bid.years or (None,)):
            cells = first if i == 0 else {"reference": bid.reference}
            rows.append([{**cells, **_year_cells(year)}.get(column, "") for column in columns])
        for cells in _line_cells(bid):
            rows.append([{"reference": bid.reference, **cells}.get(column, "") for column in columns])
    if problems:
        raise InvalidInput(problems)
    return columns, rows


def _pounds(pence: Pence | None) -> str:
    return "" if pence is None else str(to_pounds(pence)).removesuffix(".00")


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as a number")


def _partner_entry(partner: Partner) -> str:
    """A partner as "Name (type)", in double quotes (doubled inside) where the name holds a ';'."""
    entry = f"{partner.name} ({partner.type.value})"
    if any(mark in entry for mark in ";\r\n") or entry.startswith('"'):
        return '"' + entry.replace('"', '""') + '"'
    return entry


def _bid_cells(bid: Bid, keys: Sequence[str]) -> dict[str, str]:
    stated = bid_to_dict(bid)["stated_totals"]
    return {
        "reference": bid.reference,
        "title": bid.title,
        "lead_organisation": bid.lead_organisation,
        "contact": bid.contact or "",
        "status": bid.status.value,
        "award_sought": _pounds(bid.award_sought),
        "savings_confidence": "" if bid.savings_confidence is None else str(bid.savings_confidence),
        "partners": "; ".join(_partner_entry(p) for p in bid.partners),
        **{NARRATIVE + key: bid.narrative.get(key, "") for key in keys},
        STATED_TOTALS: json.dumps(stated, default=_json_number, ensure_ascii=False) if stated else "",
    }


def _year_cells(year: BidYear | None) -> dict[str, str]:
    if year is None:
        return {}
    cells = {name: _pounds(getattr(year, name)) for name in MONEY_FIELDS}
    return {"year": year_label(year.year), **cells}


def _line_cells(bid: Bid) -> list[dict[str, str]]:
    """A row's cells for each line of a bid, from its bidtool.bid/2 form."""
    written = lines_to_dict(bid)
    rows = []
    for kind, (key, fields) in LINE_ROWS.items():
        for line in written[key]:
            rows.append({LINE: kind, **{column: _cell(line[field]) for column, field in fields.items()}})
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).removesuffix(".00") if isinstance(value, Decimal) else str(value)


# Reading ------------------------------------------------------------------------------------------


@dataclass
class _Found:
    """Problems found in a table, each kept with its row and column so they can be listed in order."""

    order: dict[str, int]
    items: list[tuple[int, int, Problem]] = field(default_factory=list)

    def add(self, row: int, column: str | None, message: str) -> None:
        where = f"row {row}, {column}" if column else f"row {row}"
        position = self.order.get(column or "", -1)
        self.items.append((row, position, Problem(where, message)))

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(enumerate(self.items), key=lambda item: (item[1][0], item[1][1], item[0]))
            raise InvalidInput([problem for _, (_, _, problem) in ordered])


@dataclass
class _Group:
    """The rows of one bid: (row number, cells by column)."""

    reference: str
    rows: list[tuple[int, dict[str, str]]]


def rows_to_bids(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Bid]:
    """Read bids from the flat table (header row 1), or raise InvalidInput naming each row and column."""
    names = _header(columns)
    found = _Found({name: i for i, name in enumerate(names) if name})
    groups = _groups(names, rows, found)
    if len(groups) > MAX_BIDS_PER_UPLOAD:
        raise InvalidInput([Problem("", f"holds {too_many_bids(len(groups))}")])
    bids = []
    for group in groups:
        before = len(found)
        bid = _bid(group, found)
        if bid is not None and len(found) == before:
            bids.append(bid)
    found.raise_if_any()
    return bids


def _shown(names: Sequence[str], most: int = 8) -> str:
    listed = ", ".join(repr(name[:40]) for name in names[:most])
    return listed + (f" and {len(names) - most:,} more" if len(names) > most else "")


def _header(columns: Sequence[str]) -> list[str]:
    names = [str(column).strip() for column in columns]
    known = {*BID_COLUMNS, *YEAR_COLUMNS, *LINE_COLUMNS, STATED_TOTALS}
    if not any(names):
        raise InvalidInput(
            [Problem("row 1", f"is empty; it must name the columns, such as {', '.join(REQUIRED_COLUMNS)}")]
        )
    wrong = []
    unknown = [n for n in names if n and n not in known and not n.startswith(NARRATIVE)]
    if unknown:
        wrong.append(f"has unknown columns {_shown(unknown)} (known: {', '.join(known_columns())})")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        wrong.append(f"lacks the required columns {', '.join(missing)}")
    twice = [name for name, count in Counter(n for n in names if n).items() if count > 1]
    if twice:
        wrong.append(f"names {_shown(twice)} more than once")
    if wrong:
        hint = ""
        if len([n for n in names if n]) == 1 and ";" in names[0]:
            hint = (
                " (the columns seem to be separated by ';': save the file as 'CSV UTF-8 (comma delimited)')"
            )
        raise InvalidInput([Problem("row 1", f"the header {'; '.join(wrong)}{hint}")])
    return names


def known_columns() -> list[str]:
    """Every column the table may have, as the header names them."""
    return [*BID_COLUMNS, *YEAR_COLUMNS, *LINE_COLUMNS, f"{NARRATIVE}<key>", STATED_TOTALS]


def column_letter(index: int) -> str:
    """The spreadsheet name of a column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _groups(names: list[str], rows: Sequence[Sequence[str]], found: _Found) -> list[_Group]:
    """Split the rows into bids: consecutive rows with the same reference (blank rows are skipped)."""
    groups: list[_Group] = []
    first_row: dict[str, int] = {}
    for offset, cells in enumerate(rows):
        number = offset + 2
        if not any(str(cell).strip() for cell in cells):
            continue
        for i in range(len(cells)):
            if (i >= len(names) or not names[i]) and str(cells[i]).strip():
                found.add(number, None, f"column {column_letter(i)} has a value but no name in row 1")
        row = {name: str(cells[i]) if i < len(cells) else "" for i, name in enumerate(names) if name}
        reference = row["reference"].strip()
        if not reference:
            found.add(number, "reference", "must not be empty: every row of a bid repeats its reference")
        elif groups and groups[-1].reference == reference:
            groups[-1].rows.append((number, row))
        elif reference in first_row:
            found.add(
                number,
                "reference",
                f"{reference[:40]!r} is already the reference of the bid that starts on row "
                f"{first_row[reference]}; keep the rows of one bid together, one after another",
            )
        else:
            first_row[reference] = number
            groups.append(_Group(reference, [(number, row)]))
    return groups


def _blank(value: str | None) -> str | None:
    """A cell's text, or None when it is blank."""
    return value.strip() if value is not None and value.strip() else None


def _bid(group: _Group, found: _Found) -> Bid | None:
    first_number, first = group.rows[0]
    bid_columns = [c for c in first if c in BID_COLUMNS or c.startswith(NARRATIVE) or c == STATED_TOTALS]
    for number, row in group.rows[1:]:
        for column in bid_columns:
            value, expected = row[column].strip(), first[column].strip()
            if value and value != expected:
                found.add(
                    number,
                    column,
                    f"{value[:40]!r} differs from the bid's first row, row {first_number} "
                    f"({expected[:40]!r}); a bid's details are read from its first row, "
                    "so leave this cell blank or repeat them",
                )
    partners, partner_numbers = _partners(first.get("partners", ""), first_number, found)
    year_rows = [(number, row) for number, row in group.rows if _blank(row.get(LINE)) is None]
    years, year_numbers = _years(year_rows, found)
    lines, line_numbers = _lines(
        [(number, row) for number, row in group.rows if _blank(row.get(LINE))], found
    )
    data = {
        "format": LINES_FORMAT if lines else BID_FORMAT,
        "reference": _blank(first["reference"]),
        "title": _blank(first["title"]),
        "lead_organisation": _blank(first["lead_organisation"]),
        "contact": _blank(first.get("contact")),
        "status": _blank(first.get("status")),
        "partners": partners,
        "award_sought": _blank(first.get("award_sought")) or 0,
        "savings_confidence": _blank(first.get("savings_confidence")),
        "years": years,
        "narrative": {
            column.removeprefix(NARRATIVE): first[column]
            for column in first
            if column.startswith(NARRATIVE) and first[column].strip()
        },
        "stated_totals": _stated_totals(first.get(STATED_TOTALS, ""), first_number, found),
        **lines,
    }
    try:
        return parse_bid(data)
    except InvalidInput as error:
        for problem in error.problems:
            found.add(*_locate(problem, first_number, year_numbers, partner_numbers, line_numbers))
        return None


def _split_partner(text: str) -> tuple[str, str] | None:
    """Split "Name (type)" at its last bracket: "Police (force not named) (police)" keeps its own brackets."""
    if not text.endswith(")"):
        return None
    name, bracket, kind = text[:-1].rpartition("(")
    if not bracket:
        return None
    return name.strip(), kind.strip()


def _partners(cell: str, number: int, found: _Found) -> tuple[list[dict], list[int]]:
    """Read the partners cell; return the partners and, for each, its place in the cell (from 1)."""
    try:
        # Partners are separated by ';' as a CSV row's cells are by commas, quoted the same way.
        texts = [
            text
            for record in csv.reader(io.StringIO(cell, newline=""), delimiter=";", skipinitialspace=True)
            for text in record
        ]
    except csv.Error as error:
        found.add(number, "partners", f"cannot be read ({error})")
        return [], []
    entries = [(n, text.strip()) for n, text in enumerate(texts, start=1) if text.strip()]
    if len(entries) > MAX_PARTNERS:
        found.add(number, "partners", f"lists {len(entries):,} partners; the most allowed is {MAX_PARTNERS}")
        return [], []
    partners, places = [], []
    for n, text in entries:
        split = _split_partner(text)
        if split is None:
            found.add(
                number,
                "partners",
                f"partner {n} ({text[:40]!r}) needs its type in brackets, such as "
                "'Anytown Council (district)'; partners are separated by ';', so put a partner whose name "
                'contains one in double quotes, such as "Smith; Jones Ltd (private)"',
            )
            continue
        partners.append({"name": split[0], "type": split[1]})
        places.append(n)
    return partners, places


def _years(rows: list[tuple[int, dict[str, str]]], found: _Found) -> tuple[list[dict], list[int]]:
    """Read the year rows of a bid; return the years and the row number of each."""
    for number, row in rows:
        for column in LINE_COLUMNS[1:]:
            if _blank(row.get(column)) is not None:
                found.add(
                    number, column, f"belongs to a line row: give the row's {LINE} (benefit, cost or outcome)"
                )
    if not rows:
        return [], []
    if len(rows) == 1 and _blank(rows[0][1]["year"]) is None:
        number, row = rows[0]
        for name in MONEY_FIELDS:
            if _blank(row.get(name)) is not None:
                found.add(
                    number, name, "a row without a year cannot hold amounts: give its year, such as 2014/15"
                )
        return [], []
    years, numbers = [], []
    for number, row in rows:
        label = _blank(row["year"])
        if label is None:
            found.add(number, "year", "must not be empty (only a bid with no years has a row without a year)")
            continue
        amounts = {name: value for name in MONEY_FIELDS if (value := _blank(row.get(name))) is not None}
        years.append({"year": label, **amounts})
        numbers.append(number)
    return years, numbers


def _lines(
    rows: list[tuple[int, dict[str, str]]], found: _Found
) -> tuple[dict[str, list], dict[str, list[int]]]:
    """Read the line rows of a bid into bidtool.bid/2 lists; return them and each line's row number."""
    lines: dict[str, list] = {}
    numbers: dict[str, list[int]] = {}
    for number, row in rows:
        kind = row[LINE].strip()
        if kind not in LINE_ROWS:
            found.add(number, LINE, f"{kind[:40]!r} is not one of {', '.join(LINE_ROWS)} (blank: a year row)")
            continue
        key, fields = LINE_ROWS[kind]
        for column in (*MONEY_FIELDS, *(c for c in LINE_COLUMNS[1:] if c not in fields)):
            if _blank(row.get(column)) is not None:
                found.add(number, column, f"a {kind} row leaves this column blank")
        data = {
            field: value for column, field in fields.items() if (value := _blank(row.get(column))) is not None
        }
        lines.setdefault(key, []).append(data)
        numbers.setdefault(key, []).append(number)
    return lines, numbers


def _stated_totals(cell: str, number: int, found: _Found) -> object:
    text = cell.strip()
    if not text:
        return []
    try:
        return strict_json(text)
    except (ValueError, RecursionError) as error:
        found.add(number, STATED_TOTALS, f"must be a JSON list of totals ({str(error)[:100]})")
        return []


_YEAR_PATH = re.compile(r"years\[(\d+)\](?:\.(\w+))?")
_PARTNER_PATH = re.compile(r"partners\[(\d+)\](?:\.(\w+))?")
_LINE_PATH = re.compile(r"(\w+_lines)\[(\d+)\](?:\.(\w+))?")
# The column that holds each field of a line (outcomes give their first year in the year column).
_LINE_COLUMN = {"first_year": "year"}


def _locate(
    problem: Problem,
    first: int,
    year_rows: list[int],
    partner_numbers: list[int],
    line_numbers: dict[str, list[int]],
) -> tuple[int, str | None, str]:
    """Turn a bidtool.bid/2 field path into the row and column of the table that holds the field."""
    where, message = problem.where, problem.message
    if match := _YEAR_PATH.fullmatch(where):
        return year_rows[int(match.group(1))], match.group(2), message
    if (match := _LINE_PATH.fullmatch(where)) and match.group(1) in line_numbers:
        field = match.group(3)
        return line_numbers[match.group(1)][int(match.group(2))], _LINE_COLUMN.get(field, field), message
    if match := _PARTNER_PATH.fullmatch(where):
        detail = f" ({match.group(2)})" if match.group(2) else ""
        return first, "partners", f"partner {partner_numbers[int(match.group(1))]}{detail}: {message}"
    if where == "years":
        return first, "year", message
    if where.startswith("narrative."):
        return first, NARRATIVE + where.removeprefix("narrative."), message
    if where.startswith(f"{STATED_TOTALS}["):
        return first, STATED_TOTALS, f"{where.removeprefix(STATED_TOTALS)}: {message}"
    return first, where or None, message
