"""Bids in and out as files: all-or-nothing imports, exports that import back unchanged."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bidtool import reports
from bidtool.core.appraisal import appraise
from bidtool.core.bid import Bid, BidStatus, BidYear
from bidtool.core.bidtable import rows_to_bids
from bidtool.core.errors import InvalidInput
from bidtool.files import load_bid
from bidtool.models import BidRow
from bidtool.services import EVERYONE, Refused, Scope
from bidtool.services.bids import round_bids, submission_errors, to_core
from bidtool.services.rounds import NewRound, create_round, get_round, scheme_of
from bidtool.services.transfer import export_bids, import_bids, read_bids
from tests.core.test_bidtable import table_bids
from tests.samples import ROOT, TCA_BIDS, bid_data

DEMO = "tca-2013"


def new_round(session, reference: str = "empty") -> str:
    create_round(session, NewRound(reference, "An empty round", "tca", 100_000_000))
    return reference


def references(session, round_ref: str) -> list[str]:
    return [row.reference for row in round_bids(session, EVERYONE, get_round(session, round_ref))]


def core_bids(session, round_ref: str):
    return [to_core(row) for row in round_bids(session, EVERYONE, get_round(session, round_ref))]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def problems(raised: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in raised.value.problems]


CSV_HEADER = ["reference", "title", "lead_organisation", "partners", "year", "award_costs", "savings"]
GOOD_CSV = csv_bytes(
    [
        CSV_HEADER,
        ["CSV-1", "First", "Anytown Council", "Anytown Council (district)", "2014/15", "1000", ""],
        ["CSV-1", "", "", "", "2015/16", "", "2000"],
        ["CSV-2", "Second", "Shire County Council", "", "2014/15", "500", "0"],
    ]
)


# Export, then import into an empty round -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_export_imported_into_an_empty_round_gives_identical_bids_and_appraisals(session, demo, fmt):
    name, _, data = export_bids(session, EVERYONE, DEMO, fmt)
    target = new_round(session)
    imported = import_bids(session, EVERYONE, target, [(name, data)])
    assert len(imported.references) == 18
    session.expire_all()  # read back what the database holds, not what the session remembers
    original, copy = core_bids(session, DEMO), core_bids(session, target)
    # Bids keep the status in the file if they pass the gate of a council's submission.
    scheme = scheme_of(get_round(session, target))
    failing = {b.reference for b in original if submission_errors(b, scheme)}
    assert {d.reference for d in imported.drafted} == failing and 0 < len(failing) < 18
    drafted = [
        dataclasses.replace(b, status=BidStatus.DRAFT) if b.reference in failing else b for b in original
    ]
    assert len(copy) == 18 and copy == drafted
    assert [scheme.appraise(b) for b in copy] == [scheme.appraise(b) for b in original]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_bid_saying_who_pays_and_gains_exports_and_imports_back_unchanged(session, demo, fmt):
    example = load_bid(ROOT / "fixtures" / "examples" / "early-help.json")
    source, target = new_round(session, "with-lines"), new_round(session, "copy")
    import_bids(
        session,
        EVERYONE,
        source,
        [("early-help.json", (ROOT / "fixtures/examples/early-help.json").read_bytes())],
    )
    name, _, data = export_bids(session, EVERYONE, source, fmt)
    import_bids(session, EVERYONE, target, [(name, data)])
    session.expire_all()
    assert core_bids(session, source) == core_bids(session, target) == [example]
    if fmt == "json":
        assert json.loads(data)[0]["format"] == "bidtool.bid/2"


def test_the_xlsx_appraisal_gives_the_financial_case_and_switching_values(session):
    example = load_bid(ROOT / "fixtures" / "examples" / "early-help.json")
    book = openpyxl.load_workbook(io.BytesIO(reports.bids_xlsx([example])))
    header = [c.value for c in book["Appraisal"][1]]
    row = dict(zip(header, [c.value for c in book["Appraisal"][2]], strict=True))
    appraisal = appraise(example)
    assert row["financial_npv"] == pytest.approx(appraisal.prudent.financial.npv / 100)
    assert row["adjusted_financial_bcr"] == pytest.approx(float(round(appraisal.adjusted.financial.bcr, 4)))
    assert row["switching_costs"] == pytest.approx(float(round(appraisal.switching.npv.costs, 4)))
    guided = {r[1] for r in book["Guidance"].iter_rows(min_row=2, values_only=True)}
    assert {"financial_npv", "switching_savings", "switching_optimism_bias"} <= guided


def test_the_json_export_is_a_list_of_bid_files(session, demo):
    name, mimetype, data = export_bids(session, EVERYONE, DEMO, "json")
    assert (name, mimetype) == ("tca-2013-bids.json", "application/json")
    listed = json.loads(data)
    assert len(listed) == 18 and {item["format"] for item in listed} == {"bidtool.bid/1"}
    assert [item["reference"] for item in listed] == sorted(item["reference"] for item in listed)


def test_the_export_respects_the_scope(session, demo):
    _, _, data = export_bids(session, Scope("Swindon Borough Council"), DEMO, "json")
    assert [item["reference"] for item in json.loads(data)] == ["SWI-17"]


def test_an_unknown_export_format_is_refused(session, demo):
    with pytest.raises(InvalidInput, match="'pdf' is not one of json, csv, xlsx"):
        export_bids(session, EVERYONE, DEMO, "pdf")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_partner_name_with_a_semicolon_is_quoted_in_a_table_and_reads_back(session, demo, fmt):
    row = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    row.partners[1].name = 'NHS Swindon; "CCG"'
    session.commit()
    name, _, data = export_bids(session, EVERYONE, DEMO, fmt)
    swindon = next(bid for bid in read_bids(name, data) if bid.reference == "SWI-17")
    assert swindon.partners[1].name == 'NHS Swindon; "CCG"'


def test_a_partners_cell_quotes_names_as_csv_quotes_cells():
    cell = 'Police "Blue" (police); "Smith; Jones (Ltd) (private)" ;"""Q"" (other)"'
    (bid,) = rows_to_bids(
        ["reference", "title", "lead_organisation", "partners", "year"], [["Q-1", "T", "L", cell, ""]]
    )
    assert [(p.name, p.type.value) for p in bid.partners] == [
        ('Police "Blue"', "police"),
        ("Smith; Jones (Ltd)", "private"),
        ('"Q"', "other"),
    ]


# Imports are all or nothing ----------------------------------------------------------------------


def test_a_good_csv_adds_its_bids(session, demo):
    target = new_round(session)
    assert import_bids(session, EVERYONE, target, [("bids.csv", GOOD_CSV)]).references == ["CSV-1", "CSV-2"]
    first = core_bids(session, target)[0]
    assert first.years == (BidYear(2014, award_costs=100_000), BidYear(2015, savings=200_000))
    assert first.status is BidStatus.DRAFT


def test_a_broken_second_file_means_no_bid_of_the_first_is_added(session, demo):
    target = new_round(session)
    broken = csv_bytes([CSV_HEADER, ["BAD-1", "Broken", "Lead", "", "2014/15", "lots", ""]])
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, EVERYONE, target, [("good.csv", GOOD_CSV), ("broken.csv", broken)])
    assert problems(raised) == ["broken.csv: row 2, award_costs: 'lots' is not an amount in pounds"]
    session.rollback()
    assert references(session, target) == []
    assert session.exec(select(BidRow).where(BidRow.reference.in_(["CSV-1", "CSV-2"]))).all() == []


def test_the_problems_of_every_file_are_reported_together(session, demo):
    target = new_round(session)
    bad_json = json.dumps([bid_data(reference="J-1"), bid_data(reference="J-2", years=[{"year": "2014"}])])
    bad_csv = csv_bytes([["reference", "title"], ["X", "Y"]])
    uploads = [("a.json", bad_json.encode()), ("b.csv", bad_csv), ("c.txt", b"hello"), ("d.csv", b"")]
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, EVERYONE, target, uploads)
    assert problems(raised) == [
        "a.json: bid 2, years[0].year: '2014' is not a financial year such as 2014/15",
        "b.csv: row 1: the header lacks the required columns lead_organisation, year",
        "c.txt: is not a file bidtool reads: upload .json, .csv or .xlsx",
        "d.csv: is empty",
    ]
    assert references(session, target) == []


def test_a_reference_used_twice_in_an_upload_or_already_in_the_round_is_refused(session, demo):
    target = new_round(session)
    import_bids(session, EVERYONE, target, [("first.json", json.dumps(bid_data(reference="CSV-2")).encode())])
    again = json.dumps([bid_data(reference="CSV-1")]).encode()
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, EVERYONE, target, [("bids.csv", GOOD_CSV), ("again.json", again)])
    assert problems(raised) == [
        "bids.csv: bid CSV-2: the round already has a bid with this reference",
        "again.json: bid CSV-1: the reference is also used by a bid in bids.csv",
    ]
    assert references(session, target) == ["CSV-2"]


def test_a_json_file_holds_one_bid_or_a_list(session, demo):
    target = new_round(session)
    one = json.dumps(bid_data(reference="ONE", status="submitted")).encode()
    many = json.dumps([bid_data(reference="TWO"), bid_data(reference="THREE")]).encode("utf-8")
    assert import_bids(session, EVERYONE, target, [("one.json", one), ("many.JSON", many)]).references == [
        "ONE", "TWO", "THREE",
    ]  # fmt: skip
    assert {b.reference: b.status for b in core_bids(session, target)}["ONE"] is BidStatus.SUBMITTED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "old.xls: is not a file bidtool reads (an old-style Excel file"),
        ("x.json", b"[]", "x.json: is an empty list: it has no bids"),
        ("x.json", b"{", "x.json: line 1, column 2: Expecting property name"),
        ("x.json", b'{"a": 1, "a": 2}', "x.json: is not valid bidtool JSON: the field 'a' appears twice"),
        ("x.json", b"\xff\xfe{}", "x.json: is not UTF-8 text (byte 0)"),
        ("x.json", b"[1]", "x.json: bid 1: must be an object with the fields"),
        ("x.csv", b"reference,title,lead_organisation,year\n", "x.csv: has a header but no bids"),
        ("x.csv", b"\xa3100", "x.csv: is not UTF-8 text (byte 0); save it as 'CSV UTF-8 (comma delimited)'"),
        ("x.xlsx", b"PK\x03\x04 not really", "x.xlsx: is not an XLSX workbook"),
        ("x.xlsx", b"\x00\x01binary" * 100, "x.xlsx: is not an XLSX workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_with_what_is_wrong(name, data, message):
    with pytest.raises(InvalidInput) as raised:
        read_bids(name, data)
    assert problems(raised)[0].startswith(message)


def test_a_council_can_only_add_bids_it_leads(session, demo):
    target = new_round(session)
    with pytest.raises(InvalidInput) as raised:
        import_bids(session, Scope("Anytown Council"), target, [("bids.csv", GOOD_CSV)])
    assert problems(raised) == ["bids.csv: bid CSV-2: you can only add bids led by your own organisation"]


def test_a_council_cannot_add_bids_after_the_deadline(session, demo):
    from datetime import UTC, datetime

    create_round(session, NewRound("closed", "Closed", "tca", 0, datetime(2020, 1, 1, tzinfo=UTC)))
    with pytest.raises(Refused, match="deadline has passed"):
        import_bids(session, Scope("Anytown Council"), "closed", [("bids.csv", GOOD_CSV)])


# Spreadsheets --------------------------------------------------------------------------------------


def test_the_csv_export_starts_with_a_byte_order_mark_so_that_excel_reads_pounds():
    data = reports.bids_csv([load_bid(TCA_BIDS[0])])
    assert data.startswith(b"\xef\xbb\xbfreference,title,")
    assert "£" in data.decode("utf-8-sig")


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    bid = Bid(
        reference="F-1",
        title='=HYPERLINK("http://x")',
        lead_organisation="@Lead",
        contact="+44 1632",
        years=(BidYear(2014, award_costs=-5_00),),
    )
    text = reports.bids_csv([bid]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@Lead" in text and "'+44 1632" in text and ",-5," in text
    sheet = openpyxl.load_workbook(io.BytesIO(reports.bids_xlsx([bid])))["Bids"]
    title = sheet.cell(row=2, column=2)
    assert (title.value, title.data_type) == ('=HYPERLINK("http://x")', "s")
    for data, name in ((reports.bids_csv([bid]), "x.csv"), (reports.bids_xlsx([bid]), "x.xlsx")):
        assert rows_to_bids(*reports.read_table(name, data)) == [bid]


def test_the_xlsx_export_has_numbers_for_amounts_and_the_appraisal_and_guidance(session, demo):
    _, mimetype, data = export_bids(session, EVERYONE, DEMO, "xlsx")
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Bids", "Appraisal", "Guidance"]
    bids, appraisal = book["Bids"], book["Appraisal"]
    header = [c.value for c in bids[1]]
    assert bids.freeze_panes == "A2" and bids.cell(row=1, column=1).font.bold
    babergh = next(r for r in bids.iter_rows(values_only=True) if r[0] == "BMS-01")
    assert babergh[header.index("award_sought")] == 166900 and babergh[header.index("year")] == "2013/14"
    assert [c.value for c in appraisal[1]][:10] == [
        "reference", "title", "award_sought", "total_costs", "pv_costs", "pv_benefits", "npv", "bcr",
        "vfm_category", "payback_year",
    ]  # fmt: skip
    assert "adjusted_bcr" in [c.value for c in appraisal[1]]
    assert appraisal.max_row == 19
    swindon = next(r for r in appraisal.iter_rows(values_only=True) if r[0] == "SWI-17")
    expected = scheme_of(get_round(session, DEMO)).appraise(load_bid(TCA_BIDS[16]))
    assert swindon[6] == pytest.approx(float(expected.prudent.npv) / 100)
    guided = {row[1] for row in book["Guidance"].iter_rows(min_row=2, values_only=True)}
    assert set(header) - guided <= {c for c in header if c.startswith("narrative:")}
    assert "narrative:<key>" in guided and "adjusted_npv" in guided


def test_numbers_excel_stores_as_floats_read_as_people_typed_them():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Bids"
    sheet.append(
        ["reference", "title", "lead_organisation", "year", "award_costs", "savings", "savings_confidence"]
    )
    sheet.append(["F-1", "Floats", "Lead", "2014/15", 166900.0, 0.1 + 0.2, 4.0])
    out = io.BytesIO()
    book.save(out)
    columns, rows = reports.read_table("f.xlsx", out.getvalue())
    assert rows == [["F-1", "Floats", "Lead", "2014/15", "166900", "0.3", "4"]]
    assert rows_to_bids(columns, rows)[0].years[0].award_costs == 16_690_000


def workbook(*sheets: str, cells: dict | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for (row, column), value in (cells or {}).items():
        book[sheets[0]].cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_without_a_bids_sheet_names_its_sheets():
    with pytest.raises(InvalidInput) as raised:
        reports.read_table("w.xlsx", workbook("Sheet1", "Notes"))
    assert problems(raised) == ["w.xlsx: has no sheet named 'Bids' (its sheets: 'Sheet1', 'Notes')"]


def test_a_sheet_that_reaches_the_last_row_of_excel_is_refused_without_reading_it_all():
    data = workbook("Bids", cells={(1, 1): "reference", (1_048_576, 1): "x"})
    with pytest.raises(InvalidInput, match="has more than 10,000 rows"):
        reports.read_table("far.xlsx", data)


def test_values_beyond_the_last_column_bidtool_reads_are_refused():
    data = workbook("Bids", cells={(1, 1): "reference", (2, 16_384): "x"})
    with pytest.raises(InvalidInput, match="row 2 has values beyond column GR, the last that bidtool reads"):
        reports.read_table("wide.xlsx", data)


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="unpacks to more than 100 MB"):
        reports.read_table("bomb.xlsx", out.getvalue())


def test_a_corrupt_workbook_is_named():
    data = bytearray(workbook("Bids", cells={(1, 1): "reference"}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        names = archive.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, b"<not xml")
    with pytest.raises(InvalidInput) as raised:
        reports.read_table("corrupt.xlsx", out.getvalue())
    assert problems(raised)[0].startswith("corrupt.xlsx: cannot be read as an XLSX workbook")


def test_a_csv_with_too_many_cells_in_a_row_is_refused():
    with pytest.raises(InvalidInput, match="row 2 has 1,000 cells; the most bidtool reads is 200"):
        reports.read_table("wide.csv", b"reference\n" + b"," * 999 + b"\n")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(table_bids(), min_size=1, max_size=3, unique_by=lambda b: b.reference), st.data())
def test_any_bids_written_as_csv_or_xlsx_read_back_unchanged(bids, data):
    # Text with line breaks, tabs and Excel's own escapes must survive both formats.
    awkward = data.draw(st.text(st.sampled_from("a\n\t_x0041_=+-@'"), min_size=1, max_size=12))
    bids[0] = dataclasses.replace(bids[0], narrative={"summary": f"x{awkward}x"})
    for name, written in (("b.csv", reports.bids_csv(bids)), ("b.xlsx", reports.bids_xlsx(bids))):
        assert rows_to_bids(*reports.read_table(name, written)) == bids, name


def test_a_councils_upload_arrives_as_drafts_whatever_the_file_says(session, demo):
    from bidtool.services import Scope

    target = new_round(session, "council-round")
    data = json.dumps(bid_data(reference="C-1", lead_organisation="Anytown", status="submitted")).encode()
    import_bids(session, Scope(organisation="Anytown"), target, [("bid.json", data)])
    (row,) = round_bids(session, EVERYONE, get_round(session, target))
    assert row.status == "draft"
