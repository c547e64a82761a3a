"""Printed sheets, packs and self-check reports, downloaded as each person would, read back with pypdf."""

import itertools
import json
import re
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bidtool import printing
from bidtool.core.bid import Bid, BidYear
from bidtool.core.money import format_pence
from bidtool.models import BidRow, ConflictRow, UserRow
from bidtool.services import EVERYONE
from bidtool.services.assessment import complete_assessment, rank_round
from bidtool.services.bids import create_bid, self_check
from bidtool.services.sheets import bid_sheet
from tests.conftest import ORGANISATION
from tests.pdfs import bookmarks, is_tagged_pdf_ua, page_texts, reader, squeezed, structure_problems, text

ROUND = "tca-2013"


def test_a_bids_sheet_shows_its_figures_every_score_and_a_sign_off_block(scored, sign_in):
    response = sign_in("lead").get(f"/rounds/{ROUND}/bids/SWI-17/sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    pages = page_texts(data)
    whole = " ".join(pages)
    assert "SWI-17: One Swindon" in pages[0]
    assert "Rank 2 of 18 · Funded" in whole  # on its own, the sheet says where the bid stands
    assert "Lead organisation Swindon Borough Council" in whole
    assert "Police (force not named) police" in whole
    assert "Total £330,000 £0 £0 £24,000,000 £31,000,000 £0" in whole  # the finance table's totals
    assert "Net present value (NPV) £22,006,452.62 £18,656,491.97 £28,527,453.29" in whole
    assert "Benefit-cost ratio (BCR) 68.38 58.12 88.34" in whole
    # Every benefit of a bid of the first format is fiscal: its financial case is its public value case.
    assert "Financial case: fiscal benefits only" in whole
    assert "Net present value £22,006,452.62 £18,656,491.97 £28,527,453.29" in whole
    assert "Who pays and who gains" in whole
    assert "The fund (award) £326,618.36 £0 £0 £0 £0 -£326,618.36 -£326,618.36" in whole
    assert "Not attributed £0 £18,983,110.33 £0 £0 £0 £18,983,110.33 £18,983,110.33" in whole
    assert "Costs rise by 6738% rise by 6738%" in whole  # to NPV zero, and to the gate of 1.00
    assert "Value for money: weight 30%" in whole
    assert "b.jones@assessors.example.gov.uk 3 Savings of £7m-£10m" in whole
    assert "c.obi@assessors.example.gov.uk 2 The ranges are" in whole
    assert "Weighted score: 71.25 out of 100" in whole
    assert "award-costs-mismatch" in whole
    assert "No assessor has an interest in this bid." in whole
    assert "The assessment is not yet marked complete" in whole
    assert "Lead assessor's name Signature Date" in whole
    assert re.search(r"Generated \d+ \w+ 20\d\d at \d+:\d\d[ap]m \(UK time\)", pages[0])
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_a_sheet_is_tagged_pdf_ua_titled_in_english_with_a_vector_chart(scored, sign_in):
    data = sign_in("panel").get(f"/rounds/{ROUND}/bids/SWI-17/sheet.pdf").get_data()
    pdf = reader(data)
    assert is_tagged_pdf_ua(data)
    assert pdf.metadata.title == "Assessment sheet: SWI-17, Transformation Challenge Award 2013/14"
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
    drawn = [
        xobject.get_object()["/Subtype"]
        for page in pdf.pages
        for xobject in page["/Resources"].get("/XObject", {}).values()
    ]
    assert "/Form" in drawn  # the chart, drawn as vectors
    assert "/Image" not in drawn  # never a picture of one
    assert "Costs and savings by year" in text(data)


def test_scores_of_an_assessor_with_an_interest_are_printed_as_not_counting(scored, session, sign_in):
    obi = session.exec(select(UserRow).where(UserRow.email == "c.obi@assessors.example.gov.uk")).one()
    swindon = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    session.add(ConflictRow(bid_id=swindon.id, assessor_id=obi.id, reason="Used to work there"))
    session.commit()
    whole = text(sign_in("lead").get(f"/rounds/{ROUND}/bids/SWI-17/sheet.pdf").get_data())
    assert "c.obi@assessors.example.gov.uk Does not count: Used to work there 2" in whole
    assert "c.obi@assessors.example.gov.uk: Used to work there. Their scores do not count." in whole
    # Only b.jones counts now: value for money is his 3, not the mean 2.5 of both.
    assert "Criterion score: 3 (mean of the assessors' scores) · adds 22.50 to the weighted score" in whole
    sheet = bid_sheet(session, EVERYONE, ROUND, "SWI-17")
    value = sheet.criteria[0]
    assert [(a.assessor, a.conflict) for a in value.scores] == [
        ("b.jones@assessors.example.gov.uk", None),
        ("c.obi@assessors.example.gov.uk", "Used to work there"),
    ]
    assert value.result.assessor_scores == (3,)


def printed_pack(client) -> tuple[str, bytes]:
    """Print the round's panel pack as a browser does: start it, follow its page until it is ready
    (the page refreshes itself), download it. Returns the page's address and the PDF."""
    started = client.post(f"/rounds/{ROUND}/pack")
    assert started.status_code == 302
    job_page = started.headers["Location"]
    for _ in range(240):
        page = client.get(job_page).get_data(as_text=True)
        if "The panel pack is ready" in page:
            break
        assert "Printing the panel pack" in page and 'http-equiv="refresh"' in page
        time.sleep(0.5)
    download = client.get(f"{job_page}.pdf")
    assert download.headers["Content-Disposition"] == f"attachment; filename={ROUND}-panel-pack.pdf"
    return job_page, download.get_data()


def test_the_panel_pack_is_one_tagged_document_with_every_sheet_in_rank_order_and_its_page_in_the_contents(
    scored, sign_in, session
):
    _, data = printed_pack(sign_in("panel"))
    assert is_tagged_pdf_ua(data)
    assert structure_problems(data) == []
    pdf = reader(data)
    assert pdf.metadata.title == "Panel pack: Transformation Challenge Award 2013/14"
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
    marks = bookmarks(data)
    decisions = "How sure the ranking is, the best portfolio and agreement"
    assert [title for title, _ in marks[:4]] == [
        "Panel pack: Transformation Challenge Award 2013/14",
        "Contents",
        "Ranked summary",
        decisions,
    ]
    ranked = rank_round(session, ROUND).rows
    assert [title for title, _ in marks[4:]] == [
        f"{r.rank}. {r.bid.reference}: {r.bid.title}" for r in ranked
    ]
    pages = page_texts(data)
    contents = squeezed(pages[1])
    assert f"Rankedsummary{dict(marks)['Ranked summary']}" in contents
    assert squeezed(f"{decisions}{dict(marks)[decisions]}") in contents
    sheets = [*marks[4:], ("end", len(pages) + 1)]
    for (title, page), (_, next_page) in itertools.pairwise(sheets):
        rank, heading = title.split(". ", 1)
        # The bookmark and the contents give the page where the sheet's heading is, and its
        # pages run up to the next sheet's, each with the sheet's running title.
        assert pages[page - 1].startswith(heading)
        assert squeezed(f"{rank} {heading} {page}") in contents
        reference = heading.split(":")[0]
        assert all(f"Assessment sheet: {reference}, " in p for p in pages[page - 1 : next_page - 1])
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all(re.search(r"Generated \d+ \w+ 20\d\d at \d+:\d\d[ap]m \(UK time\)", page) for page in pages)


def test_a_pack_still_printing_says_so_and_one_interrupted_says_it_failed(scored, sign_in, app):
    folder = Path(app.config["PRINTS_DIR"])
    folder.mkdir(parents=True)
    lead = sign_in("lead")
    for job, minutes_ago, expected in (
        ("0" * 16, 1, "Printing the panel pack"),
        ("1" * 16, 20, "could not be printed"),
    ):
        started = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
        (folder / f"{job}.json").write_text(
            json.dumps({"round": ROUND, "started": started, "updated": started, "status": "queued"})
        )
        page = lead.get(f"/rounds/{ROUND}/pack/{job}").get_data(as_text=True)
        assert expected in page
        assert lead.get(f"/rounds/{ROUND}/pack/{job}.pdf").status_code == 404  # nothing to download yet
    # Written a minute ago, read a moment later (the test's own requests take time on a busy machine).
    waiting = lead.get(f"/rounds/{ROUND}/pack/{'0' * 16}").get_data(as_text=True)
    assert re.search(r"Waiting to start: asked for 6\d seconds ago", waiting)
    assert lead.get(f"/rounds/other-round/pack/{'0' * 16}").status_code == 404  # a job of another round
    assert lead.get(f"/rounds/{ROUND}/pack/..%2Fsecret_key").status_code == 404


def test_the_sheet_and_pack_are_refused_to_a_council_user_and_an_assessor(scored, sign_in):
    for who in ("council", "assessor"):
        assert sign_in(who).get(f"/rounds/{ROUND}/bids/SWI-17/sheet.pdf").status_code == 403
        assert sign_in(who).post(f"/rounds/{ROUND}/pack").status_code == 403


HOSTILE = (
    'Our plan. <img src="http://127.0.0.1:{port}/x"> <a href="file:///etc/passwd">passwd</a> '
    "<script>document.write('scripted')</script> The end."
)


@pytest.fixture
def listener():
    """A real socket listening on a free local port: any request to it would be queued there."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def _connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


@pytest.fixture
def opened_files():
    """The paths this process opens from now on (Python's audit events; a hook cannot be removed,
    so it only records while the list is being watched)."""
    seen: list[str] = []
    watching = [True]

    def hook(event, args):
        if watching[0] and event == "open" and isinstance(args[0], str | bytes):
            seen.append(str(args[0]))

    sys.addaudithook(hook)
    yield seen
    watching[0] = False


def test_nothing_a_council_wrote_is_fetched_or_run_and_it_prints_literally(
    session, demo, people, sign_in, listener, opened_files
):
    port = listener.getsockname()[1]
    narrative = HOSTILE.format(port=port)
    row = create_bid(
        session,
        EVERYONE,
        ROUND,
        Bid(
            reference="ANY-01",
            title=f'Shared office <img src="http://127.0.0.1:{port}/title">',
            lead_organisation=ORGANISATION,
            years=(BidYear(2014, award_costs=100_000),),
            narrative={"summary": narrative},
        ),
    )
    row.status = "submitted"  # a draft has no assessment sheet
    session.commit()
    report = sign_in("council").get(f"/rounds/{ROUND}/bids/ANY-01/self-check.pdf").get_data()
    sheet = sign_in("lead").get(f"/rounds/{ROUND}/bids/ANY-01/sheet.pdf").get_data()
    for data in (report, sheet):
        printed = squeezed(text(data))
        assert squeezed(narrative) in printed
        assert squeezed(f'Shared office <img src="http://127.0.0.1:{port}/title">') in printed
    assert _connections(listener) == 0
    assert not [path for path in opened_files if "passwd" in path]


def test_the_renderer_fetches_only_bidtools_own_static_files_even_from_markup(
    app, listener, opened_files, tmp_path
):
    """Even markup that does ask for them (never what users write, which is escaped) fetches nothing."""
    port = listener.getsockname()[1]
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    opened_files.clear()  # writing it was this test, not the renderer
    html = (
        f'<html lang="en"><head><title>Probe</title><link rel="stylesheet" href="{secret.as_uri()}">'
        f'<link rel="stylesheet" href="../../../../../../etc/passwd"></head><body>'
        f'<img src="http://127.0.0.1:{port}/x" alt="probe"><img src="file:///etc/passwd" alt="passwd">'
        f'<img src="https://127.0.0.1:{port}/y" alt="tls"><p>Text</p></body></html>'
    )
    assert "Text" in text(printing.render(html))
    assert _connections(listener) == 0
    assert not [path for path in opened_files if "passwd" in path or "secret" in path]
    fetcher = printing.StaticOnly()
    assert fetcher.fetch(printing.PRINT_CSS.as_uri()).read().startswith(b"/* Printed")
    for refused in (
        "file:///etc/passwd",
        (printing.STATIC / ".." / "pyproject.toml").as_uri(),
        f"http://127.0.0.1:{port}/x",
        "data:text/html,<script>1</script>",
    ):
        with pytest.raises(printing.Refused):
            fetcher.fetch(refused)


def test_the_self_check_report_has_the_appraisal_and_checks_but_no_scores(scored, session, app):
    from bidtool.services.bids import get_bid

    check = self_check(get_bid(session, EVERYONE, ROUND, "SWI-17"))
    with app.test_request_context():
        data = printing.self_check_pdf(check, datetime(2026, 11, 22, 15, 4, tzinfo=UTC))
    whole = text(data)
    assert is_tagged_pdf_ua(data)
    assert "Self-check: SWI-17: One Swindon" in whole
    assert f"Net present value (NPV) {format_pence(check.appraisal.prudent.npv)}" in whole
    assert "Generated 22 November 2026 at 3:04pm (UK time)" in whole
    assert "Council sign-off" in whole
    assert "assessors.example.gov.uk" not in whole and "Weighted score" not in whole


def test_a_sheet_says_when_the_lead_marked_the_assessment_complete(scored, session, sign_in, people):
    complete_assessment(session, people["lead"], ROUND, "SWI-17")
    whole = text(sign_in("panel").get(f"/rounds/{ROUND}/bids/SWI-17/sheet.pdf").get_data())
    assert re.search(
        r"The lead assessor marked this assessment complete on \d+ \w+ 20\d\d at \d+:\d\d[ap]m \(UK time\)",
        whole,
    )
