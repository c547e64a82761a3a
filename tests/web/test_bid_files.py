"""Bids in and out through the browser: upload, download in three formats, the XLSX template."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime

import openpyxl
import pytest
from flask import template_rendered
from markupsafe import escape
from sqlmodel import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from bidtool import reports
from bidtool.core.bid import Bid
from bidtool.core.bidtable import rows_to_bids
from bidtool.models import BidRow, NarrativeRow, RoundRow
from bidtool.services import EVERYONE
from bidtool.services.bids import create_bid
from bidtool.services.rounds import NewRound, create_round
from tests.samples import bid_data

DEMO = "tca-2013"


@pytest.fixture
def rendered(app):
    """The templates rendered during a test, with their context."""
    seen: list[tuple[str, dict]] = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


@pytest.fixture
def empty_round(session, demo) -> str:
    create_round(session, NewRound("empty", "An empty round", "tca", 100_000_000))
    return "empty"


def upload(client, round_ref: str, *files: tuple[str, bytes]):
    # Encoded here, in memory: the test client spools large bodies to a file it never closes.
    boundary, body = encode_multipart(MultiDict([("files", FileStorage(io.BytesIO(c), n)) for n, c in files]))
    return client.post(
        f"/rounds/{round_ref}/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored(session, round_ref: str) -> list[str]:
    session.expire_all()
    query = select(BidRow.reference).join(RoundRow).where(RoundRow.reference == round_ref)
    return sorted(session.exec(query).all())


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


HEADER = ["reference", "title", "lead_organisation", "partners", "year", "award_costs", "savings"]
GOOD_CSV = csv_bytes(
    [
        HEADER,
        ["CSV-1", "First", "Anytown Council", "Anytown Council (district)", "2014/15", "1000", ""],
        ["CSV-1", "", "", "", "2015/16", "", "2000"],
        ["CSV-2", "Second", "Shire County Council", "", "2014/15", "500", "0"],
    ]
)


def problems_shown(rendered) -> list[str]:
    name, context = rendered[-1]
    assert name == "files/upload.html"
    return [item["text"] for item in context["problems"]]


# Upload ------------------------------------------------------------------------------------------


def test_the_upload_page_offers_the_template_and_describes_the_layout(client, empty_round):
    page = client.get(f"/rounds/{empty_round}/upload")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in text and 'type="file"' in text and "multiple" in text
    assert 'href="/bids-template.xlsx"' in text
    assert "One row per bid per financial year" in text and "<code>narrative:&lt;key&gt;</code>" in text


def test_an_upload_adds_the_bids_and_says_which(admin, session, empty_round):
    response = upload(admin, empty_round, ("bids.csv", GOOD_CSV))
    assert response.status_code == 302 and response.location == f"/rounds/{empty_round}"
    assert stored(session, empty_round) == ["CSV-1", "CSV-2"]
    page = admin.get(response.location).get_data(as_text=True)
    assert "2 bids uploaded: CSV-1, CSV-2" in page


def test_a_failed_upload_adds_nothing_and_lists_every_problem(admin, session, empty_round, rendered):
    broken = csv_bytes(
        [
            HEADER,
            ["BAD-1", "Broken", "Lead", "Nobody", "2014/15", "lots", ""],
            ["BAD-1", "Changed", "", "", "2015", "", ""],
        ]
    )
    response = upload(admin, empty_round, ("good.csv", GOOD_CSV), ("broken.csv", broken))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    shown = problems_shown(rendered)
    assert shown == [
        "broken.csv: row 2, partners: partner 1 ('Nobody') needs its type in brackets, such as 'Anytown "
        "Council (district)'; partners are separated by ';', so put a partner whose name contains one in "
        'double quotes, such as "Smith; Jones Ltd (private)"',
        "broken.csv: row 2, award_costs: 'lots' is not an amount in pounds",
        "broken.csv: row 3, title: 'Changed' differs from the bid's first row, row 2 ('Broken'); a bid's "
        "details are read from its first row, so leave this cell blank or repeat them",
        "broken.csv: row 3, year: '2015' is not a financial year such as 2014/15",
    ]
    for problem in shown:
        assert escape(problem) in text
    assert "<title>Error: Upload bids" in text and "Nothing was uploaded. Put right the 4 problems" in text
    assert stored(session, empty_round) == []


def test_an_upload_without_files_asks_for_them(client, empty_round):
    response = client.post(f"/rounds/{empty_round}/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Choose one or more files to upload" in response.get_data(as_text=True)


def test_a_reference_already_in_the_round_is_refused(admin, session, demo, rendered):
    bid = json.dumps(bid_data(reference="SWI-17")).encode()
    response = upload(admin, DEMO, ("swindon.json", bid))
    assert response.status_code == 200
    assert problems_shown(rendered) == [
        "swindon.json: bid SWI-17: the round already has a bid with this reference"
    ]
    assert len(stored(session, DEMO)) == 18


def test_a_narrative_with_a_script_is_stored_as_text_and_shown_escaped(admin, session, empty_round):
    script = "<script>alert('x')</script> & <b>bold</b>"
    bid = bid_data(reference="XSS-1", title="<i>Title</i>", narrative={"summary": script})
    response = upload(admin, empty_round, ("xss.json", json.dumps(bid).encode()))
    assert response.status_code == 302
    query = (
        select(NarrativeRow.text)
        .join(BidRow)
        .where(BidRow.reference == "XSS-1", NarrativeRow.key == "summary")
    )
    assert session.exec(query).all() == [script]
    for url in (f"/rounds/{empty_round}/bids/XSS-1/check-answers", f"/rounds/{empty_round}"):
        page = admin.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<i>Title</i>" not in page and "<b>bold" not in page
    page = admin.get(f"/rounds/{empty_round}/bids/XSS-1/check-answers").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


# Whose bids a council user may upload: only their own organisation's.

OWN = "Anytown District Council"  # the organisation of the `client` fixture's council user
NOT_OWN = "you can only add bids led by your own organisation"


def test_a_council_users_upload_of_their_own_organisations_bid_adds_it_as_a_draft(
    client, session, empty_round
):
    # Whatever the file says, a council's bid is submitted through the self-check.
    bid = json.dumps(bid_data(reference="OWN-1", lead_organisation=OWN, status="submitted")).encode()

    response = upload(client, empty_round, ("own.json", bid))

    assert response.status_code == 302 and response.location == f"/rounds/{empty_round}"
    assert stored(session, empty_round) == ["OWN-1"]
    assert session.exec(select(BidRow.status).where(BidRow.reference == "OWN-1")).all() == ["draft"]
    assert "1 bid uploaded: OWN-1" in client.get(response.location).get_data(as_text=True)


def test_a_council_users_upload_of_a_bid_led_by_another_organisation_is_refused_and_adds_nothing(
    client, session, empty_round, rendered
):
    own = json.dumps(bid_data(reference="OWN-1", lead_organisation=OWN)).encode()

    response = upload(client, empty_round, ("own.json", own), ("others.csv", GOOD_CSV))

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert problems_shown(rendered) == [
        f"others.csv: bid CSV-1: {NOT_OWN}",
        f"others.csv: bid CSV-2: {NOT_OWN}",
    ]
    assert f"others.csv: bid CSV-1: {NOT_OWN}" in text
    assert "Nothing was uploaded. Put right the 2 problems" in text
    assert stored(session, empty_round) == []


def test_a_council_users_upload_of_another_organisations_bid_with_a_taken_reference_says_both(
    client, session, demo, rendered
):
    bid = json.dumps(bid_data(reference="SWI-17", lead_organisation="Swindon Borough Council")).encode()

    response = upload(client, DEMO, ("swindon.json", bid))

    assert response.status_code == 200
    assert problems_shown(rendered) == [
        "swindon.json: bid SWI-17: the round already has a bid with this reference",
        f"swindon.json: bid SWI-17: {NOT_OWN}",
    ]
    assert len(stored(session, DEMO)) == 18


def test_a_council_user_cannot_upload_to_a_round_whose_deadline_has_passed_but_an_admin_can(
    client, admin, session, demo, rendered
):
    create_round(session, NewRound("closed", "A closed round", "tca", 0, datetime(2020, 1, 1, tzinfo=UTC)))
    bid = json.dumps(bid_data(reference="OWN-1", lead_organisation=OWN)).encode()

    refused = upload(client, "closed", ("own.json", bid))

    assert refused.status_code == 200
    assert problems_shown(rendered) == ["The round's deadline has passed, so no new bids can be added."]
    assert stored(session, "closed") == []
    accepted = upload(admin, "closed", ("own.json", bid))
    assert accepted.status_code == 302
    assert stored(session, "closed") == ["OWN-1"]


def test_people_who_only_read_bids_may_not_upload(sign_in, session, empty_round):
    bid = json.dumps(bid_data(reference="READ-1")).encode()

    answers = {who: upload(sign_in(who), empty_round, ("bid.json", bid)).status_code for who in READERS}

    assert answers == dict.fromkeys(READERS, 403)
    assert stored(session, empty_round) == []


def test_what_a_file_says_is_shown_escaped_in_the_problems(client, empty_round):
    hostile = csv_bytes([HEADER, ["<b>R</b>", "T", "L", "", "<script>x</script>", "", ""]])
    response = upload(client, empty_round, ("<img src=x onerror=alert(1)>.csv", hostile))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x" not in text and "<script>x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;.csv: row 2, year: &#39;&lt;script&gt;x&lt;/scrip" in text


def junk(seed: int, alphabet: bytes, size: int = 2 * 1024 * 1024) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv: is empty"),
        (
            "binary.xlsx",
            random.Random(1).randbytes(4096),
            "binary.xlsx: is not an XLSX workbook (save it from",
        ),
        ("bytes.csv", random.Random(2).randbytes(2 * 1024 * 1024), "bytes.csv: is not UTF-8 text (byte 1)"),
        ("lines.csv", junk(3, b'abc,;"\n\r '), "lines.csv: has more than 10,000 rows; split it into smaller"),
        (
            "wide.csv",
            junk(4, b"abcdefgh,,"),
            "wide.csv: row 1 has 418,353 cells; the most bidtool reads is 200",
        ),
        (
            "long.csv",
            b'reference,title\nA,"' + b"x" * 200_000,
            "long.csv: row 2 has a cell longer than 131,072 ",
        ),
        (
            "big.json",
            json.dumps(bid_data(narrative={"summary": "x" * 1_000_000})).encode(),
            "big.json: narrative.summary: is 1,000,000 characters long; the most allowed is 20,000",
        ),
        ("nested.json", b"[" * 100_000 + b"]" * 100_000, "nested.json: is nested too deeply"),
        ("bids.pdf", b"%PDF-1.4", "bids.pdf: is not a file bidtool reads: upload .json, .csv or .xlsx"),
    ],
    ids=[
        "empty",
        "binary-xlsx",
        "bytes-csv",
        "lines-csv",
        "wide-csv",
        "long-cell-csv",
        "huge-narrative",
        "deep-json",
        "pdf",
    ],
)
def test_a_hostile_upload_gets_a_clear_error_and_never_a_500(
    client, session, empty_round, rendered, name, content, message
):
    response = upload(client, empty_round, (name, content))
    assert response.status_code == 200
    shown = problems_shown(rendered)
    assert shown and shown[0].startswith(message)
    assert stored(session, empty_round) == []


def test_a_file_of_many_problems_lists_the_first_500_and_counts_the_rest(client, empty_round, rendered):
    rows = [HEADER] + [[f"R-{i}", "T", "L", "", "2014/15", "x", "y"] for i in range(300)]
    response = upload(client, empty_round, ("many.csv", csv_bytes(rows)))
    assert len(problems_shown(rendered)) == 500
    assert "Only the first 500 are listed; 100 more are not shown." in response.get_data(as_text=True)


def test_an_upload_over_20_mb_is_refused_with_a_page_that_says_so(client, empty_round):
    response = upload(client, empty_round, ("huge.csv", b"x" * (21 * 1024 * 1024)))
    assert response.status_code == 413
    assert "larger than 20 MB" in response.get_data(as_text=True)


def test_upload_and_export_of_an_unknown_round_are_not_found(client, demo):
    assert client.get("/rounds/nope/upload").status_code == 404
    assert client.get("/rounds/nope/export").status_code == 404
    assert client.get("/rounds/nope/export.csv").status_code == 404


# Download ----------------------------------------------------------------------------------------


def test_the_export_page_offers_three_formats(client, demo):
    text = client.get(f"/rounds/{DEMO}/export").get_data(as_text=True)
    for fmt in ("xlsx", "csv", "json"):
        assert f'href="/rounds/{DEMO}/export.{fmt}"' in text


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_each_download_is_an_attachment_that_reads_back_as_the_18_bids(admin, demo, fmt, mimetype):
    response = admin.get(f"/rounds/{DEMO}/export.{fmt}")
    assert response.status_code == 200 and response.content_type == mimetype
    assert response.headers["Content-Disposition"] == f"attachment; filename=tca-2013-bids.{fmt}"
    if fmt == "json":
        bids = json.loads(response.data)
        assert [b["format"] for b in bids] == ["bidtool.bid/1"] * 18
    else:
        bids = rows_to_bids(*reports.read_table(f"x.{fmt}", response.data))
        assert len(bids) == 18 and "SWI-17" in {b.reference for b in bids}


READERS = ("assessor", "lead", "panel")


@pytest.fixture
def own_bid(session, demo) -> str:
    """A draft of the council user's own organisation beside the demo round's 18 bids of others."""
    create_bid(session, EVERYONE, DEMO, Bid(reference="ANY-01", title="Shared office", lead_organisation=OWN))
    return "ANY-01"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_council_users_download_holds_only_their_organisations_bids(client, own_bid, fmt):
    response = client.get(f"/rounds/{DEMO}/export.{fmt}")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=tca-2013-bids.{fmt}"
    if fmt == "json":
        bids = [(b["reference"], b["lead_organisation"]) for b in json.loads(response.data)]
    else:
        bids = [
            (b.reference, b.lead_organisation)
            for b in rows_to_bids(*reports.read_table(f"x.{fmt}", response.data))
        ]
    assert bids == [(own_bid, OWN)]
    assert b"SWI-17" not in response.data and b"Swindon" not in response.data


def test_another_councils_download_holds_none_of_those_bids(sign_in, own_bid):
    response = sign_in("other_council").get(f"/rounds/{DEMO}/export.json")

    assert response.status_code == 200
    assert json.loads(response.data) == []


def test_an_admins_download_holds_every_bid_of_every_organisation(admin, own_bid):
    bids = json.loads(admin.get(f"/rounds/{DEMO}/export.json").data)

    assert len(bids) == 19 and own_bid in {b["reference"] for b in bids}


def test_an_unknown_download_format_is_not_found(client, demo):
    assert client.get(f"/rounds/{DEMO}/export.pdf").status_code == 404


def test_a_partner_with_a_semicolon_in_its_name_is_downloaded_in_double_quotes(admin, session, demo):
    partner = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one().partners[0]
    partner.name = "Swindon; Borough Council"
    session.commit()
    response = admin.get(f"/rounds/{DEMO}/export.csv")
    assert response.status_code == 200
    assert '""Swindon; Borough Council (unitary)""' in response.get_data(as_text=True)


def test_the_template_is_a_workbook_with_an_example_and_guidance(client):
    response = client.get("/bids-template.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=bids-template.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Bids", "Guidance"]
    assert [c.value for c in book["Bids"][1]][:3] == ["reference", "title", "lead_organisation"]
    [example] = rows_to_bids(*reports.read_table("template.xlsx", response.data))
    assert len(example.years) == 2 and len(example.partners) == 2
    # The example says who pays and gains too: one line of each kind, on rows of their own.
    assert (len(example.benefit_lines), len(example.cost_lines), len(example.outcome_lines)) == (1, 1, 1)
    lines = [row[0] for row in book["Bids"].iter_rows(min_row=2, values_only=True)]
    assert lines == ["EXAMPLE-01"] * 5
    documented = {row[1] for row in book["Guidance"].iter_rows(min_row=2, values_only=True)}
    assert {"reference", "partners", "year", "savings_high", "narrative:<key>", "stated_totals"} <= documented
    assert {"line", "kind", "agency", "cohort", "engagement_rate", "unit_cost_source"} <= documented
