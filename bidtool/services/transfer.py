"""Bids in and out as files: import bidtool.bid/1 or /2 JSON, CSV or XLSX all-or-nothing; export a round."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bidtool import reports
from bidtool.core.bid import Bid, BidStatus
from bidtool.core.bidfile import MAX_BIDS_PER_UPLOAD, bid_to_dict, parse_bid, too_many_bids
from bidtool.core.bidtable import rows_to_bids
from bidtool.core.errors import InvalidInput, Problem
from bidtool.core.scheme import Scheme
from bidtool.files import dump_json, parse_json
from bidtool.models import BidRow, RoundRow
from bidtool.services import Refused, Scope
from bidtool.services.bids import add_bid, drafts_over_limit, round_bids, submission_errors, to_core
from bidtool.services.rounds import get_round, is_open, scheme_of

FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": reports.XLSX_TYPE,
}
READABLE = (".json", ".csv", ".xlsx")


def read_bids(name: str, data: bytes) -> list[Bid]:
    """Read the bids of one file, by its extension; every problem names the file."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in READABLE:
        hint = " (an old-style Excel file: save it as 'Excel Workbook (.xlsx)')" if suffix == ".xls" else ""
        raise InvalidInput([Problem(name, f"is not a file bidtool reads{hint}: upload .json, .csv or .xlsx")])
    if not data or data.isspace():
        raise InvalidInput([Problem(name, "is empty")])
    if suffix == ".json":
        return _json_bids(name, data)
    columns, rows = reports.read_table(name, data)
    try:
        bids = rows_to_bids(columns, rows)
    except InvalidInput as error:
        raise error.prefixed(name) from None
    if not bids:
        raise InvalidInput([Problem(name, "has a header but no bids")])
    return bids


def _json_bids(name: str, data: bytes) -> list[Bid]:
    """Read one bidtool.bid/1 or /2 object, or a list of them."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput([Problem(name, f"is not UTF-8 text (byte {error.start})")]) from None
    parsed = parse_json(text, Path(name))
    if isinstance(parsed, list) and not parsed:
        raise InvalidInput([Problem(name, "is an empty list: it has no bids")])
    if isinstance(parsed, list) and len(parsed) > MAX_BIDS_PER_UPLOAD:
        raise InvalidInput([Problem(name, f"is a list of {too_many_bids(len(parsed))}")])
    items = parsed if isinstance(parsed, list) else [parsed]
    bids, problems = [], []
    for i, item in enumerate(items, start=1):
        try:
            bids.append(parse_bid(item))
        except InvalidInput as error:
            if isinstance(parsed, list):
                problems += [
                    Problem(f"bid {i}, {p.where}" if p.where else f"bid {i}", p.message)
                    for p in error.problems
                ]
            else:
                problems += error.problems
    if problems:
        raise InvalidInput(problems).prefixed(name)
    return bids


@dataclass(frozen=True)
class Drafted:
    """A bid a file gives as submitted that arrived as a draft, and the errors that stop it."""

    reference: str
    errors: list[str]


@dataclass(frozen=True)
class Imported:
    references: list[str]
    drafted: list[Drafted]


def import_bids(session: Session, scope: Scope, round_ref: str, uploads: list[tuple[str, bytes]]) -> Imported:
    """Add the bids of every file to a round, or none of them: raise InvalidInput with every problem.

    A council's bids arrive as drafts, to be submitted through the self-check; anyone else's keep
    the status in the file only if they pass the check that a council's submission passes.
    """
    round_row = get_round(session, round_ref)
    if scope.organisation is not None and not is_open(round_row):
        raise Refused("The round's deadline has passed, so no new bids can be added.")
    found, problems = _read_uploads(uploads)
    problems += _clashes(found, _present(session, round_row), scope)
    arriving, drafted = _through_the_gate([bid for _, bid in found], scope, scheme_of(round_row))
    problems += [Problem("", message) for message in drafts_over_limit(session, round_row, arriving)]
    if problems:
        raise InvalidInput(problems)
    try:
        for bid in arriving:
            add_bid(session, round_row, bid)
        session.commit()
    except IntegrityError:
        # Another upload of the same bids got there first, between the check above and the write.
        session.rollback()
        clashes = _clashes(found, _present(session, round_row), scope)
        if not clashes:
            raise
        raise InvalidInput(clashes) from None
    except Exception:
        session.rollback()
        raise
    return Imported([bid.reference for bid in arriving], drafted)


def _read_uploads(uploads: list[tuple[str, bytes]]) -> tuple[list[tuple[str, Bid]], list[Problem]]:
    """The bids of every file with the file each came from, and every file's problems."""
    problems: list[Problem] = []
    found: list[tuple[str, Bid]] = []
    for name, data in uploads:
        try:
            found += [(name, bid) for bid in read_bids(name, data)]
        except InvalidInput as error:
            problems += error.problems
    if not uploads:
        problems.append(Problem("", "Choose one or more files to upload."))
    if len(found) > MAX_BIDS_PER_UPLOAD:
        advice = "upload them in smaller groups"
        raise InvalidInput([*problems, Problem("", f"The files hold {too_many_bids(len(found), advice)}")])
    return found, problems


def _through_the_gate(bids: list[Bid], scope: Scope, scheme: Scheme) -> tuple[list[Bid], list[Drafted]]:
    """The bids as they will be stored, and those given as submitted that arrive as drafts."""
    arriving, drafted = [], []
    for bid in bids:
        errors = [] if bid.status is BidStatus.DRAFT else submission_errors(bid, scheme)
        if scope.organisation is None and errors:
            drafted.append(Drafted(bid.reference, [f.message for f in errors]))
        if scope.organisation is not None or errors:
            bid = dataclasses.replace(bid, status=BidStatus.DRAFT)
        arriving.append(bid)
    return arriving, drafted


def _present(session: Session, round_row: RoundRow) -> set[str]:
    return set(session.exec(select(BidRow.reference).where(BidRow.round_id == round_row.id)).all())


def _clashes(found: list[tuple[str, Bid]], present: set[str], scope: Scope) -> list[Problem]:
    """References taken already or twice in the upload, and bids the scope may not add."""
    problems = []
    first_in: dict[str, str] = {}
    for name, bid in found:
        where = f"{name}: bid {bid.reference}"
        if bid.reference in present:
            problems.append(Problem(where, "the round already has a bid with this reference"))
        elif bid.reference in first_in:
            problems.append(
                Problem(where, f"the reference is also used by a bid in {first_in[bid.reference]}")
            )
        else:
            first_in[bid.reference] = name
        if scope.organisation is not None and bid.lead_organisation != scope.organisation:
            problems.append(Problem(where, "you can only add bids led by your own organisation"))
    return problems


def export_bids(session: Session, scope: Scope, round_ref: str, fmt: str) -> tuple[str, str, bytes]:
    """Write the round's bids that the scope may see as JSON, CSV or XLSX: (file name, type, bytes)."""
    if fmt not in FORMATS:
        raise InvalidInput([Problem("format", f"{fmt[:20]!r} is not one of {', '.join(FORMATS)}")])
    round_row = get_round(session, round_ref)
    bids = [to_core(row) for row in round_bids(session, scope, round_row)]
    if fmt == "json":
        data = (dump_json([bid_to_dict(bid) for bid in bids]) + "\n").encode("utf-8")
    elif fmt == "csv":
        data = reports.bids_csv(bids)
    else:
        data = reports.bids_xlsx(bids, scheme_of(round_row))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", round_row.reference).strip("-.") or "round"
    return f"{safe}-bids.{fmt}", FORMATS[fmt], data


def bids_template() -> tuple[str, str, bytes]:
    """The XLSX template for uploading bids: (file name, type, bytes)."""
    return "bids-template.xlsx", reports.XLSX_TYPE, reports.template_xlsx()
