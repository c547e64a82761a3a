"""Bids as spreadsheets: CSV and XLSX in the flat layout of core.bidtable, the appraisal, the template."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from xml.parsers import expat

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bidtool.core import wording
from bidtool.core.appraisal import Appraisal, appraise
from bidtool.core.bid import (
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    Party,
)
from bidtool.core.bidtable import (
    COLUMN_GUIDANCE,
    LAYOUT,
    NUMBER_COLUMNS,
    bids_to_rows,
    known_columns,
)
from bidtool.core.errors import InvalidInput, Problem
from bidtool.core.scheme import Scheme
from bidtool.core.scorefile import SCORE_COLUMNS
from bidtool.core.scoring import Score
from bidtool.core.summary import case_summary, ratio
from bidtool.files import plain_number

BIDS_SHEET = "Bids"
APPRAISAL_SHEET = "Appraisal"
GUIDANCE_SHEET = "Guidance"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Limits that keep a hostile file from costing more than a real one: a round of a few hundred
# bids over a few years fills well under a thousand rows and about thirty columns.
MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Counted in the workbook's XML before openpyxl reads it, since openpyxl holds every shared
# string and every cell of a row (the blank ones before its last cell too) in memory: a real
# round's sheet is a few thousand rows of about thirty cells, and fewer different texts.
MAX_CELLS = 300_000
MAX_SHARED_STRINGS = 200_000
MAX_XML_ELEMENTS = 3_000_000

# A spreadsheet runs a cell that starts with one of these as a formula: CSV cells that would are
# written with a leading apostrophe (which reading removes), XLSX cells are marked as text.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# XLSX text cannot hold most control characters; Excel writes them as _xHHHH_ (and a literal
# "_xHHHH_" with its underscore escaped as _x005F_), so bidtool does the same.
_XLSX_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _fail(name: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(name, message)])


# Reading ------------------------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Read a CSV or XLSX file's bytes (by its name's extension) as its header and rows of text."""
    if name.lower().endswith(".xlsx"):
        return read_xlsx(name, data)
    return read_csv(name, data)


def read_csv(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Read CSV bytes (UTF-8, with or without a byte-order mark) as its header and rows of text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(
            name, f"is not UTF-8 text (byte {error.start}); save it as 'CSV UTF-8 (comma delimited)'"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                longest = f"{csv.field_size_limit():,}"
                raise _fail(name, f"row {number} has a cell longer than {longest} characters") from None
            raise _fail(name, f"row {number} cannot be read as CSV ({error})") from None
        if len(cells) > MAX_COLUMNS:
            raise _fail(
                name, f"row {number} has {len(cells):,} cells; the most bidtool reads is {MAX_COLUMNS}"
            )
        if number > MAX_ROWS + 1:
            raise _fail(name, f"has more than {MAX_ROWS:,} rows; split it into smaller files")
        rows.append([_csv_unescape(cell) for cell in cells])
    if not rows:
        raise _fail(name, "is empty")
    return rows[0], rows[1:]


def _csv_unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell) else cell


def read_xlsx(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Read the sheet "Bids" of an XLSX workbook as its header and rows of text."""
    _check_archive(name, data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features of the workbook it does not keep (styles, validation).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if BIDS_SHEET not in book.sheetnames:
                    sheets = ", ".join(repr(s[:40]) for s in book.sheetnames[:10])
                    raise _fail(name, f"has no sheet named {BIDS_SHEET!r} (its sheets: {sheets})")
                sheet = book[BIDS_SHEET]
                sheet.reset_dimensions()  # the size a file claims is not trusted
                rows = _sheet_rows(name, sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True))
            finally:
                book.close()
    except InvalidInput:
        raise
    except Exception as error:
        # openpyxl raises many kinds of error for a damaged workbook; each means the same to a user.
        raise _fail(name, f"cannot be read as an XLSX workbook ({type(error).__name__})") from None
    return rows[0], rows[1:]


def _check_archive(name: str, data: bytes) -> None:
    """Refuse what is not a zip archive (as XLSX files are), or would cost far more to read than a
    round of bids: measured by reading its XML as a stream, before openpyxl parses any of it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
                raise _fail(name, f"unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
            counter = _XmlCounter(name)
            for info in parts:
                if info.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        counter.read(info.filename, part)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _fail(
            name, "is not an XLSX workbook (save it from Excel as 'Excel Workbook (.xlsx)')"
        ) from None


class _XmlCounter:
    """Count the cells, shared strings and elements of a workbook's XML parts, refusing too many."""

    def __init__(self, name: str):
        self.name = name
        self.cells = self.strings = self.elements = 0
        self.column = 0  # the last column reached in the current row

    def read(self, part_name: str, part) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        try:
            while chunk := part.read(1024 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise _fail(
                self.name, f"cannot be read as an XLSX workbook ({part_name[:60]} is not XML: {error})"
            ) from None

    def _doctype(self, *_args) -> None:
        # Workbooks never declare a document type; one that does may define entities to expand.
        raise _fail(self.name, "cannot be read as an XLSX workbook (it declares an XML document type)")

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _fail(self.name, f"has more than {MAX_XML_ELEMENTS:,} XML elements, far more than bids use")
        namespace, _, local = tag.rpartition(" ")
        if "spreadsheetml" not in namespace:
            return
        if local == "row":
            self.column = 0
        elif local == "c":
            column = _column_number(attributes.get("r", "")) or self.column + 1
            if column > self.column:
                self.cells += column - self.column
                self.column = column
            if self.cells > MAX_CELLS:
                raise _fail(
                    self.name,
                    f"has more than {MAX_CELLS:,} cells (counting the blank cells before each row's last "
                    f"one); the most bidtool reads is {MAX_CELLS:,}: delete the cells that are not part of "
                    "the bids",
                )
        elif local == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise _fail(
                    self.name,
                    f"has more than {MAX_SHARED_STRINGS:,} different texts; the most bidtool reads is "
                    f"{MAX_SHARED_STRINGS:,}",
                )


def _column_number(reference: str) -> int:
    """The column of a cell reference such as "AB12" (28), or 0 when it has none."""
    number = 0
    for letter in reference:
        if not "A" <= letter <= "Z":
            break
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_rows(name: str, source) -> list[list[str]]:
    """Take the rows of the sheet Bids as text, refusing one too long or too wide before reading on."""
    rows = []
    for number, values in enumerate(source, start=1):
        if number > MAX_ROWS + 1:
            raise _fail(name, f"has more than {MAX_ROWS:,} rows in the sheet {BIDS_SHEET!r}; split it up")
        if any(value is not None for value in values[MAX_COLUMNS:]):
            column = get_column_letter(MAX_COLUMNS)
            raise _fail(name, f"row {number} has values beyond column {column}, the last that bidtool reads")
        row = [cell_text(value) for value in values[:MAX_COLUMNS]]
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    if not rows or not any(rows[0]):
        raise _fail(name, f"the sheet {BIDS_SHEET!r} has no header in row 1")
    return rows


def cell_text(value: object) -> str:
    """The text of a spreadsheet cell, numbers as people typed them: 166900.0 is "166900"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # A sum worked out by the spreadsheet can be a hair off the penny (0.1 + 0.2).
        if abs(value - round(value, 2)) <= 1e-9 * max(1.0, abs(value)):
            return repr(round(value, 2))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return _XLSX_ESCAPE.sub(lambda m: chr(int(m.group()[2:6], 16)), value)
    return str(value)


# Writing ------------------------------------------------------------------------------------------


def bids_csv(bids: Sequence[Bid]) -> bytes:
    """Write bids as CSV in the flat layout, UTF-8 with a byte-order mark so that Excel reads £ right."""
    columns, rows = bids_to_rows(bids)
    frame = pd.DataFrame([[_csv_escape(cell) for cell in row] for row in rows], columns=columns, dtype=object)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _csv_escape(cell: str) -> str:
    return f"'{cell}" if _FORMULA_START.match(cell) and not _NUMBER.fullmatch(cell) else cell


def bids_xlsx(bids: Sequence[Bid], scheme: Scheme | None = None) -> bytes:
    """Write bids as XLSX: the sheet Bids in the flat layout, their appraisal (by the scheme's rules,
    or the illustrative ones), and the guidance."""
    appraisals = [scheme.appraise(bid) if scheme else appraise(bid) for bid in bids]
    return _workbook(bids, _appraisal_frame(bids, appraisals))


def template_xlsx() -> bytes:
    """The XLSX template: the Bids header with one example bid, and the guidance."""
    return _workbook([EXAMPLE_BID], None)


def _workbook(bids: Sequence[Bid], appraisal: pd.DataFrame | None) -> bytes:
    columns, rows = bids_to_rows(bids)
    frame = pd.DataFrame([_xlsx_row(columns, row) for row in rows], columns=columns, dtype=object)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=BIDS_SHEET, index=False)
        if appraisal is not None:
            appraisal.to_excel(writer, sheet_name=APPRAISAL_SHEET, index=False)
        _guidance_frame(appraisal is not None).to_excel(writer, sheet_name=GUIDANCE_SHEET, index=False)
        for sheet in writer.sheets.values():
            _tidy(sheet)
        bids_sheet = writer.sheets[BIDS_SHEET]
        for i, column in enumerate(columns, start=1):
            if column not in NUMBER_COLUMNS:
                # Text columns stay text when people type into them: 2014/15 is not a date.
                bids_sheet.column_dimensions[get_column_letter(i)].number_format = "@"
    return out.getvalue()


def _xlsx_row(columns: Sequence[str], row: Sequence[str]) -> list[object]:
    return [_xlsx_value(cell, column in NUMBER_COLUMNS) for column, cell in zip(columns, row, strict=True)]


def _xlsx_value(cell: str, numeric: bool) -> object:
    if not cell:
        return None
    if numeric and _NUMBER.fullmatch(cell):
        number = Decimal(cell)
        return int(number) if number == number.to_integral_value() else float(number)
    escaped = _XLSX_ESCAPE.sub(lambda m: "_x005F" + m.group(), cell)
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", escaped)


def _tidy(sheet) -> None:
    """Bold, frozen header; readable widths; every cell that looks like a formula kept as text."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            if cell.value is not None:
                longest = max(len(line) for line in str(cell.value).split("\n"))
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8), 60) + 2
    sheet.freeze_panes = "A2"


def _number(value: Decimal | None) -> object:
    return None if value is None else plain_number(value)


def _appraisal_frame(bids: Sequence[Bid], appraisals: Sequence[Appraisal]) -> pd.DataFrame:
    rows = []
    for bid, appraisal in zip(bids, appraisals, strict=True):
        prudent, adjusted = case_summary(appraisal.prudent), case_summary(appraisal.adjusted)
        rows.append(
            {
                "reference": _xlsx_value(bid.reference, numeric=False),
                "title": _xlsx_value(bid.title, numeric=False),
                **{key: _number(prudent[key]) for key in ("award_sought", "total_costs", "pv_costs")},
                **{key: _number(prudent[key]) for key in ("pv_benefits", "npv", "bcr")},
                "vfm_category": wording.vfm(appraisal.prudent.vfm_category),
                "payback_year": wording.payback(appraisal.prudent),
                "confidence_grade": appraisal.confidence_grade,
                "optimism_bias_percent": _number(appraisal.optimism_bias_percent),
                **{f"adjusted_{key}": _number(adjusted[key]) for key in ("pv_benefits", "npv", "bcr")},
                "adjusted_vfm_category": wording.vfm(appraisal.adjusted.vfm_category),
                "adjusted_payback_year": wording.payback(appraisal.adjusted),
                **{f"financial_{key}": _number(prudent["financial"][key]) for key in ("npv", "bcr")},
                **{
                    f"adjusted_financial_{key}": _number(adjusted["financial"][key]) for key in ("npv", "bcr")
                },
                **{
                    f"switching_{key}": _number(ratio(getattr(appraisal.switching.npv, key)))
                    for key in ("savings", "costs", "optimism_bias")
                },
            }
        )
    return pd.DataFrame(rows, columns=list(APPRAISAL_GUIDANCE), dtype=object)


APPRAISAL_GUIDANCE = {
    "reference": "The bid's reference.",
    "title": "The bid's title.",
    "award_sought": "The total asked for from the fund, in pounds.",
    "total_costs": "All costs over the bid's years (award, match and recurring), undiscounted.",
    "pv_costs": "Present value of the costs (HM Treasury Green Book discounting: 3.5% a year for "
    "years 1 to 30 of the bid, then the schedule's lower rates).",
    "pv_benefits": "Present value of the savings and other benefits (prudent case: the low savings).",
    "npv": "Net present value: pv_benefits less pv_costs.",
    "bcr": "Benefit-cost ratio: pv_benefits / pv_costs (blank when there are no costs).",
    "vfm_category": "Value-for-money category of the BCR: Poor, Low, Medium, High, Very high.",
    "payback_year": "The year from which the discounted benefits stay ahead of the discounted costs.",
    "confidence_grade": "The savings confidence grade used (6, the weakest, when the bid gives none).",
    "optimism_bias_percent": "How much the benefits are reduced for optimism bias at that grade "
    "(the round's scheme); costs are not adjusted.",
    "adjusted_pv_benefits": "Present value of the benefits after optimism bias.",
    "adjusted_npv": "Net present value after optimism bias.",
    "adjusted_bcr": "Benefit-cost ratio after optimism bias.",
    "adjusted_vfm_category": "Value-for-money category after optimism bias.",
    "adjusted_payback_year": "Payback year after optimism bias.",
    "financial_npv": "The financial case: net present value counting fiscal benefits only (savings to public "
    "budgets, cashable or not), prudent case.",
    "financial_bcr": "The financial case: benefit-cost ratio of fiscal benefits only, prudent case.",
    "adjusted_financial_npv": "The financial case after optimism bias: net present value.",
    "adjusted_financial_bcr": "The financial case after optimism bias: benefit-cost ratio.",
    "switching_savings": "Switching value: the change in cashable savings, as a share (-0.25 is a fall of a "
    "quarter), that would bring the prudent net present value to zero; blank without savings.",
    "switching_costs": "Switching value: the change in costs, as a share, that would bring the prudent net "
    "present value to zero; blank without costs.",
    "switching_optimism_bias": "Switching value: the cut in every benefit, as a share, that would bring the "
    "prudent net present value to zero; blank without benefits.",
}


def _guidance_frame(with_appraisal: bool) -> pd.DataFrame:
    rows = [(BIDS_SHEET, "(layout)", line) for line in LAYOUT]
    rows += [(BIDS_SHEET, column, COLUMN_GUIDANCE[column]) for column in known_columns()]
    if with_appraisal:
        rows.append(
            (APPRAISAL_SHEET, "(layout)", "One row per bid, worked out by bidtool; it is not read back.")
        )
        rows += [(APPRAISAL_SHEET, column, text) for column, text in APPRAISAL_GUIDANCE.items()]
    return pd.DataFrame(rows, columns=["Sheet", "Column", "What it holds"], dtype=object)


EXAMPLE_BID = Bid(
    reference="EXAMPLE-01",
    title="Shared back office (an example: replace these rows with your bids)",
    lead_organisation="Anytown Borough Council",
    contact="Transformation team",
    status=BidStatus.DRAFT,
    partners=(
        Partner("Anytown Borough Council", PartnerType.DISTRICT),
        Partner("Shire County Council", PartnerType.COUNTY),
    ),
    award_sought=10_000_000,
    savings_confidence=3,
    years=(
        BidYear(year=2015, award_costs=10_000_000, match_costs=2_000_000),
        BidYear(year=2016, recurring_costs=1_000_000, savings=8_000_000, savings_high=12_000_000),
    ),
    narrative={
        "summary": "The two councils will merge their back offices into one team.",
        "value_for_money": "The merged team costs £80,000 a year less from the second year.",
    },
    cost_lines=(CostLine(2016, CostKind.RECURRING, Party.COUNCIL, 500_000, "Shared system licence"),),
    benefit_lines=(
        BenefitLine(2016, BenefitKind.FISCAL_NON_CASHABLE, Party.COUNCIL, 1_500_000, 4, "Staff time freed"),
    ),
    outcome_lines=(
        OutcomeLine(
            description="Residents helped back into work by the one front door",
            kind=BenefitKind.ECONOMIC,
            agency=Party.OTHER,
            first_year=2016,
            last_year=2016,
            cohort=40,
            engagement_rate=Decimal(50),
            success_rate=Decimal(25),
            deadweight=Decimal(20),
            unit_cost=1_000_000,
            unit_cost_source="Illustrative: replace with your unit cost and its source",
            confidence=5,
        ),
    ),
)


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def ranking_rows(scheme: Scheme, summary: dict) -> list[dict]:
    """The ranking as rows of a table (with the decisions per bid): one column per criterion, money,
    scores and probabilities as numbers; `scored_on` says whether the ranking is on calibrated scores."""
    rows = []
    for row in summary["bids"]:
        low, high = row["rank_range"]
        cells = {
            **{k: row[k] for k in ("rank", "reference", "title", "weighted_score")},
            "scored_on": summary["scored_on"],
            "raw_score": row["raw_score"],
            "calibrated_score": row["calibrated_score"],
            **{f"criterion:{c.id}": row["criteria"][c.id] for c in scheme.criteria},
            "status": row["status"],
            "reasons": "; ".join(row["reasons"]),
            "award_sought": row["award_sought"],
            "cumulative_award": row["cumulative_award"],
            "funded": _flag(row["funded"]),
            "funded_probability": row["funded_probability"],
            "rank_range_low": low,
            "rank_range_high": high,
            "in_best_portfolio": _flag(row["in_best_portfolio"]),
        }
        rows.append({k: _number(v) if isinstance(v, Decimal) else v for k, v in cells.items()})
    return rows


def ranking_csv(scheme: Scheme, summary: dict) -> str:
    """The ranking as CSV, with any text a spreadsheet would run as a formula kept as text."""
    rows = [
        {key: _csv_escape(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in ranking_rows(scheme, summary)
    ]
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")


def _xlsx_texts(row: dict) -> dict:
    """A row whose text can go into a workbook, whatever it holds (control characters escaped)."""
    return {
        key: _xlsx_value(value, numeric=False) if isinstance(value, str) else value
        for key, value in row.items()
    }


def ranking_xlsx(scheme: Scheme, summary: dict) -> bytes:
    out = io.BytesIO()
    rows = [_xlsx_texts(row) for row in ranking_rows(scheme, summary)]
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name="Ranking", index=False)
        _tidy(writer.sheets["Ranking"])
    return out.getvalue()


def scores_xlsx(scores: Sequence[Score], events: Sequence) -> bytes:
    """A round's submitted scores (the columns of the scores CSV) and the history of its assessment."""
    score_rows = [
        {
            "bid": s.bid,
            "criterion": s.criterion,
            "assessor": s.assessor,
            "score": s.score,
            "justification": s.justification,
            "moderated": str(s.moderated).lower(),
        }
        for s in sorted(scores, key=lambda s: (s.bid, s.criterion, s.moderated, s.assessor))
    ]
    history_rows = [
        {
            "at (UTC)": e.at.astimezone(UTC).replace(tzinfo=None),
            "by": e.actor,
            "bid": e.bid,
            "what": e.kind.value,
            "subject": e.subject,
            "old": e.old,
            "new": e.new,
            "justification": e.justification,
        }
        for e in events
    ]
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, rows, columns in (
            ("Scores", score_rows, SCORE_COLUMNS),
            (
                "History",
                history_rows,
                ("at (UTC)", "by", "bid", "what", "subject", "old", "new", "justification"),
            ),
        ):
            frame = pd.DataFrame([_xlsx_texts(row) for row in rows], columns=list(columns))
            frame.to_excel(writer, sheet_name=name, index=False)
            _tidy(writer.sheets[name])
    return out.getvalue()
