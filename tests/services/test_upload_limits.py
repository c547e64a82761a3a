"""Uploads are bounded: bids per upload, drafts per organisation, cells and shared strings of a
workbook (counted before it is parsed), and an admin's submitted bids pass the council's gate."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile

import openpyxl
import pytest

from bidtool import reports
from bidtool.core.bid import BidStatus
from bidtool.core.bidfile import MAX_BIDS_PER_UPLOAD
from bidtool.core.errors import InvalidInput
from bidtool.services import EVERYONE, Refused, Scope
from bidtool.services.bids import MAX_DRAFTS, create_bid, round_bids
from bidtool.services.rounds import get_round
from bidtool.services.transfer import import_bids
from tests.samples import bid_data
from tests.services.test_transfer import core_bids, csv_bytes, new_round, problems, references

COUNCIL = Scope(organisation="Anytown Borough Council")


def bid_list(count: int, **changes) -> bytes:
    return json.dumps([bid_data(reference=f"B-{n}", **changes) for n in range(count)]).encode()


def test_a_json_list_of_more_bids_than_an_upload_may_add_is_refused_before_they_are_read(session, demo):
    target = new_round(session)
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, EVERYONE, target, [("many.json", bid_list(MAX_BIDS_PER_UPLOAD + 1))])
    assert problems(raised) == [
        f"many.json: is a list of {MAX_BIDS_PER_UPLOAD + 1} bids; an upload may add at most "
        f"{MAX_BIDS_PER_UPLOAD}: split it into smaller files"
    ]
    assert references(session, target) == []


def test_a_csv_of_more_bids_than_an_upload_may_add_is_refused(session, demo):
    rows = [["reference", "title", "lead_organisation", "year"]]
    rows += [[f"D-{n:05}", "Draft", "Anytown Borough Council", ""] for n in range(10_000)]
    data = csv_bytes(rows)
    assert len(data) < 500_000  # the 440 KB file of the issue
    target = new_round(session)
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, COUNCIL, target, [("drafts.csv", data)])
    assert problems(raised) == [
        f"drafts.csv: holds 10,000 bids; an upload may add at most {MAX_BIDS_PER_UPLOAD}: "
        "split it into smaller files"
    ]


def test_files_that_together_hold_more_bids_than_an_upload_may_add_are_refused(session, demo):
    half = MAX_BIDS_PER_UPLOAD // 2 + 1
    files = [("a.json", bid_list(half)), ("b.json", bid_list(half, lead_organisation="Shire Council"))]
    files[1] = ("b.json", files[1][1].replace(b'"B-', b'"C-'))
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, EVERYONE, new_round(session), files)
    assert problems(raised) == [
        f"The files hold {2 * half} bids; an upload may add at most {MAX_BIDS_PER_UPLOAD}: "
        "upload them in smaller groups"
    ]


def test_an_organisation_cannot_have_more_drafts_in_a_round_than_the_limit(session, demo):
    target = new_round(session)
    import_bids(session, COUNCIL, target, [("drafts.json", bid_list(MAX_DRAFTS - 1))])
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, COUNCIL, target, [("more.json", bid_list(2).replace(b'"B-', b'"M-'))])
    assert problems(raised) == [
        f"Anytown Borough Council would have {MAX_DRAFTS + 1} draft bids in this round; an organisation "
        f"may have at most {MAX_DRAFTS} draft bids in a round: submit some first"
    ]
    bid = core_bids(session, target)[0]
    create_bid(session, COUNCIL, target, dataclasses.replace(bid, reference="LAST"))
    with pytest.raises(Refused, match=f"may have at most {MAX_DRAFTS} draft bids in a round"):
        create_bid(session, COUNCIL, target, dataclasses.replace(bid, reference="ONE-TOO-MANY"))
    assert len(references(session, target)) == MAX_DRAFTS


def test_an_admin_upload_of_submitted_bids_may_add_more_than_the_drafts_limit(session, demo):
    target = new_round(session)
    import_bids(session, EVERYONE, target, [("many.json", bid_list(MAX_DRAFTS + 1, status="submitted"))])
    assert len(references(session, target)) == MAX_DRAFTS + 1


# Workbooks are measured before openpyxl reads them ------------------------------------------------


def replaced(data: bytes, parts: dict[str, bytes]) -> bytes:
    """A copy of a workbook with some of its parts' XML replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info.filename, parts.get(info.filename, source.read(info.filename)))
        for name in parts.keys() - set(source.namelist()):
            copy.writestr(name, parts[name])
    return out.getvalue()


def with_shared_strings(data: bytes, strings: bytes) -> bytes:
    """A copy of a workbook with a shared strings part, listed where openpyxl looks for it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    listed = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return replaced(
        data, {"[Content_Types].xml": types.replace(b"</Types>", listed + b"</Types>"), STRINGS: strings}
    )


def small_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Bids"
    book.active.append(["reference", "title", "lead_organisation", "year"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_a_row_of_more_cells_than_a_workbook_may_hold_is_refused_before_the_sheet_is_read():
    cells = b"<c><v>1</v></c>" * (reports.MAX_CELLS + 1)
    sheet = b"<worksheet " + NS + b'><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
    data = replaced(small_workbook(), {SHEET: sheet})
    with pytest.raises(InvalidInput) as raised:
        reports.read_table("wide.xlsx", data)
    assert problems(raised) == [
        f"wide.xlsx: has more than {reports.MAX_CELLS:,} cells (counting the blank cells before each "
        "row's last one); the most bidtool reads is "
        f"{reports.MAX_CELLS:,}: delete the cells that are not part of the bids"
    ]


def test_a_cell_far_to_the_right_counts_the_blank_cells_before_it():
    rows = b"".join(b'<row r="%d"><c r="XFD%d"/></row>' % (n, n) for n in range(1, 20))
    sheet = b"<worksheet " + NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"
    with pytest.raises(InvalidInput, match="has more than 300,000 cells"):
        reports.read_table("far.xlsx", replaced(small_workbook(), {SHEET: sheet}))


def test_more_shared_strings_than_a_workbook_may_hold_are_refused_before_they_are_read():
    few = b"<sst " + NS + b' count="1" uniqueCount="1"><si><t>reference</t></si></sst>'
    assert reports.read_table("few.xlsx", with_shared_strings(small_workbook(), few))[0][0] == "reference"
    many = b"<si><t>x</t></si>" * (reports.MAX_SHARED_STRINGS + 1)
    # The counts the file states are not trusted: it says it has one string.
    strings = b"<sst " + NS + b' count="1" uniqueCount="1">' + many + b"</sst>"
    with pytest.raises(InvalidInput) as raised:
        reports.read_table("strings.xlsx", with_shared_strings(small_workbook(), strings))
    assert problems(raised) == [
        f"strings.xlsx: has more than {reports.MAX_SHARED_STRINGS:,} different texts; the most bidtool "
        f"reads is {reports.MAX_SHARED_STRINGS:,}"
    ]


def test_a_workbook_part_with_a_document_type_is_refused():
    sheet = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet ' + NS + b"/>"
    with pytest.raises(InvalidInput, match="cannot be read as an XLSX workbook"):
        reports.read_table("dtd.xlsx", replaced(small_workbook(), {SHEET: sheet}))


def test_a_real_export_of_the_demo_round_is_well_inside_the_limits(session, demo):
    from bidtool.services.transfer import export_bids

    _, _, data = export_bids(session, EVERYONE, "tca-2013", "xlsx")
    assert len(reports.read_table("demo.xlsx", data)[1]) > 18


# An admin's submitted bids pass the gate a council's submission passes -----------------------------


def test_an_admins_submitted_bid_that_fails_the_self_check_arrives_as_a_draft_and_is_named(session, demo):
    target = new_round(session)
    failing = bid_data(reference="FAILS", status="submitted", award_sought=999_999)
    passing = bid_data(reference="PASSES", status="submitted")
    data = json.dumps([failing, passing]).encode()
    imported = import_bids(session, EVERYONE, target, [("bids.json", data)])
    assert imported.references == ["FAILS", "PASSES"]
    (drafted,) = imported.drafted
    assert drafted.reference == "FAILS"
    assert any(re.search("award", message) for message in drafted.errors)
    statuses = {
        row.reference: row.status for row in round_bids(session, EVERYONE, get_round(session, target))
    }
    assert statuses == {"FAILS": BidStatus.DRAFT.value, "PASSES": BidStatus.SUBMITTED.value}
