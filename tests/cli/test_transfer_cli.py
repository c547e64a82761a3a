"""`bidtool import-bids` and `bidtool export-bids` against the test database."""

from __future__ import annotations

import dataclasses
import json

import openpyxl
import pytest
from sqlmodel import select

from bidtool import reports
from bidtool.core.bid import BidStatus
from bidtool.core.bidtable import rows_to_bids
from bidtool.models import BidRow, RoundRow
from bidtool.services import EVERYONE
from bidtool.services.bids import round_bids, to_core
from bidtool.services.rounds import NewRound, create_round, get_round


@pytest.fixture
def database(demo, database_url, monkeypatch):
    """The demo round in the test database, which the commands find through the environment."""
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)


@pytest.fixture
def empty_round(session, database) -> str:
    create_round(session, NewRound("empty", "An empty round", "tca", 0))
    return "empty"


def bids_in(session, round_ref: str):
    session.expire_all()
    return [to_core(row) for row in round_bids(session, EVERYONE, get_round(session, round_ref))]


def test_export_prints_json_that_lists_every_bid(run, database):
    result = run("export-bids", "--round", "tca-2013", "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert len(listed) == 18 and listed[0]["format"] == "bidtool.bid/1"


def test_export_prints_csv_in_the_flat_layout(run, database):
    result = run("export-bids", "--round", "tca-2013", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("reference,title,lead_organisation,")
    bids = rows_to_bids(*reports.read_table("out.csv", result.stdout.encode()))
    assert len(bids) == 18


def test_an_xlsx_export_needs_a_file(run, database, tmp_path):
    result = run("export-bids", "--round", "tca-2013", "--format", "xlsx")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --output: an XLSX workbook is not text: name a file with -o\n"
    out = tmp_path / "bids.xlsx"
    result = run("export-bids", "--round", "tca-2013", "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["Bids", "Appraisal", "Guidance"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_export_imports_back_into_an_empty_round_unchanged(run, session, empty_round, tmp_path, fmt):
    out = tmp_path / f"bids.{fmt}"
    assert run("export-bids", "--round", "tca-2013", "--format", fmt, "-o", out).exit_code == 0
    result = run("import-bids", "--round", empty_round, out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("18 bids added to empty: BDP-03, BMS-01, ")
    # The demo's bids are submitted; those whose self-check finds errors arrive as drafts, and say so.
    drafted = [line.split()[0] for line in result.stdout.splitlines() if "arrived as a draft" in line]
    assert 0 < len(drafted) < 18
    copied = bids_in(session, empty_round)
    assert [b.reference for b in copied if b.status is BidStatus.DRAFT] == drafted
    submitted = [dataclasses.replace(b, status=BidStatus.SUBMITTED) for b in copied]
    assert submitted == bids_in(session, "tca-2013")


def test_an_import_with_a_broken_file_adds_nothing_and_prints_every_problem(run, session, empty_round, write):
    good = write(
        "good.json",
        {"format": "bidtool.bid/1", "reference": "G-1", "title": "T", "lead_organisation": "L", "years": []},
    )
    broken = write("broken.csv", "reference,title,lead_organisation,year,savings\nB-1,T,,2014/15,lots\n")
    result = run("import-bids", "--round", empty_round, good, broken, "missing.xlsx")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == ["error: missing.xlsx: no such file"]
    result = run("import-bids", "--round", empty_round, good, broken)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"error: {broken}: row 2, lead_organisation: must not be empty",
        f"error: {broken}: row 2, savings: 'lots' is not an amount in pounds",
    ]
    query = select(BidRow).join(RoundRow).where(RoundRow.reference == empty_round)
    assert session.exec(query).all() == []


def test_an_unknown_round_or_format_is_refused(run, database, write):
    result = run("import-bids", "--round", "nope", write("a.json", {}))
    assert (result.exit_code, result.stderr) == (2, "error: There is no round 'nope'.\n")
    result = run("export-bids", "--round", "nope", "--format", "json")
    assert (result.exit_code, result.stderr) == (2, "error: There is no round 'nope'.\n")
    result = run("export-bids", "--round", "tca-2013", "--format", "pdf")
    assert result.exit_code == 2 and "'pdf' is not one of 'json', 'csv', 'xlsx'" in result.stderr


def test_the_csv_written_to_a_file_opens_in_excel_with_pounds(run, database, tmp_path):
    out = tmp_path / "bids.csv"
    assert run("export-bids", "--round", "tca-2013", "--format", "csv", "-o", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "£" in data.decode("utf-8-sig")
    assert len(rows_to_bids(*reports.read_csv("bids.csv", data))) == 18
