"""The panel pack, sheets and self-check reports from the command line, read back with pypdf."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from bidtool.core.money import format_pence, to_pence
from tests.cli.test_round_scores import SCORES
from tests.cli.test_round_scores import database as database
from tests.pdfs import bookmarks, is_tagged_pdf_ua, page_texts, reader, squeezed, structure_problems
from tests.samples import ROOT, SCHEMES, TCA_BIDS


@pytest.fixture
def scored(run, database):
    assert run("import-scores", "--round", "tca-2013", SCORES).exit_code == 0


def test_the_demo_pack_ranks_as_bidtool_rank_and_shows_the_appraised_npv_and_bcr(run, scored, tmp_path):
    result = run("pack", "--round", "tca-2013", "-o", tmp_path / "pack.pdf")
    assert result.exit_code == 0, result.stderr
    assert "Printing sheets" in result.stderr and f"Wrote {tmp_path / 'pack.pdf'}" in result.stderr
    data = (tmp_path / "pack.pdf").read_bytes()
    pages = page_texts(data)
    ranked = [b["reference"] for b in json.loads(run("rank", "--round", "tca-2013", "--json").stdout)["bids"]]

    summary_page = dict(bookmarks(data))["Ranked summary"]
    summary = " ".join(pages[summary_page - 1 : bookmarks(data)[4][1] - 1])
    assert sorted(ranked, key=summary.index) == ranked  # the summary lists the bids in rank order
    sheets = bookmarks(data)[4:]  # after the cover, the contents and the summary's two parts
    assert [title.split(" ")[1].rstrip(":") for title, _ in sheets] == ranked

    scheme = SCHEMES / "tca.yaml"
    for (title, page), end in zip(sheets, [p for _, p in sheets[1:]] + [len(pages) + 1], strict=True):
        reference = title.split(" ")[1].rstrip(":")
        path = next(p for p in TCA_BIDS if json.loads(p.read_text())["reference"] == reference)
        appraised = json.loads(run("appraise", path, "--scheme", scheme, "--json").stdout)
        sheet = " ".join(pages[page - 1 : end - 1])
        npv = format_pence(to_pence(Decimal(str(appraised["npv"]))))
        bcr = (
            "n/a"
            if appraised["bcr"] is None
            else str(Decimal(str(appraised["bcr"])).quantize(Decimal("0.01"), ROUND_HALF_UP))
        )
        assert f"Net present value (NPV) {npv}" in sheet, reference
        assert f"Benefit-cost ratio (BCR) {bcr}" in sheet, reference
        assert f"{reference}: page" not in sheet  # pages are numbered through the whole pack
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    contents = pages[1]
    for title, page in sheets[:5]:
        assert squeezed(f"{title.replace('. ', ' ', 1)} {page}") in squeezed(contents)  # its page


def test_a_pack_is_tagged_and_a_second_prints_only_what_changed(run, scored, prints, tmp_path):
    first = run("pack", "--round", "tca-2013", "--jobs", "2", "-o", tmp_path / "pack.pdf")
    assert first.exit_code == 0, first.stderr
    assert "Printed 20 of 20 parts of the pack" in first.stderr
    data = (tmp_path / "pack.pdf").read_bytes()
    assert is_tagged_pdf_ua(data) and structure_problems(data) == []
    assert reader(data).metadata.title == "Panel pack: Transformation Challenge Award 2013/14"
    assert len(bookmarks(data)) == 4 + 18
    assert "Moderated by lead@assessors.example.gov.uk 1 Moderated: both agree" in " ".join(page_texts(data))
    kept = {path.name: path.stat().st_ino for path in (prints / "parts").iterdir()}
    assert len(kept) == 20

    again = run("pack", "--round", "tca-2013", "-o", tmp_path / "again.pdf")
    assert "Printed 0 of 20 parts of the pack" in again.stderr
    assert {path.name: path.stat().st_ino for path in (prints / "parts").iterdir()} == kept  # none rewritten

    def undated(pdf: bytes) -> list[str]:  # every page says when its pack was bound
        return [re.sub(r"Generated .*? \(UK time\)", "", page) for page in page_texts(pdf)]

    assert undated((tmp_path / "again.pdf").read_bytes()) == undated(data)


def test_a_sheet_is_written_for_one_bid_and_an_unknown_bid_is_refused(run, scored, tmp_path):
    written = run("sheet", "--round", "tca-2013", "--bid", "BMS-01", "-o", tmp_path / "sheet.pdf")
    assert written.exit_code == 0, written.stderr
    data = (tmp_path / "sheet.pdf").read_bytes()
    assert is_tagged_pdf_ua(data)
    assert "BMS-01: Transformational approach" in page_texts(data)[0]
    assert "Rank 9 of 18" in page_texts(data)[0]
    missing = run("sheet", "--round", "tca-2013", "--bid", "NOPE-1", "-o", tmp_path / "nope.pdf")
    assert missing.exit_code == 2
    assert missing.stderr == "error: There is no bid 'NOPE-1' in round 'tca-2013'.\n"
    assert not (tmp_path / "nope.pdf").exists()


def test_check_writes_the_self_check_report_beside_its_usual_output(run, tmp_path, database):
    swindon = next(p for p in TCA_BIDS if "swindon" in p.name)
    result = run("check", swindon, "--scheme", SCHEMES / "tca.yaml", "--pdf", tmp_path / "check.pdf")
    assert result.exit_code == 1  # the bid has errors, as without --pdf
    assert "award-costs-mismatch" in result.stdout
    data = (tmp_path / "check.pdf").read_bytes()
    whole = " ".join(page_texts(data))
    assert is_tagged_pdf_ua(data)
    assert "Self-check: SWI-17: One Swindon" in whole and "2 errors must be put right" in whole
    assert "Suggested scores" in whole and "Council sign-off" in whole


def test_the_self_check_report_prints_lines_who_gains_and_switching_values(run, tmp_path, database):
    examples = ROOT / "fixtures" / "examples"
    scheme = examples / "local-partnership.yaml"
    run("check", examples / "early-help.json", "--scheme", scheme, "--pdf", tmp_path / "check.pdf")
    whole = " ".join(page_texts((tmp_path / "check.pdf").read_bytes()))
    assert "Benefits by who gains" in whole and "Costs by who pays" in whole
    assert "2016/17 Fiscal, non-cashable NHS £82,800 3 Fewer A&E attendances: clinical time freed" in whole
    assert (
        "Outcome: Adults in the families back in work Fiscal, cashable, to DWP: 200 people × 60% engaged × "
        "40% succeeding × (1 − 20% deadweight) × £9,000, falling by 25% a year after the first: "
        "2016/17 £345,600; 2017/18 £259,200."
    ) in whole
    assert "Financial case: fiscal benefits only" in whole
    assert "NHS £55,000 £0 £144,000 £0 £0 £89,000 £89,000" in whole
    assert "Total £635,280.19 £549,497.16 £144,000 £652,662.89 £60,000 £58,216.97 £770,879.86" in whole
    assert "To the scheme's gate, a BCR of 1.50" in whole
