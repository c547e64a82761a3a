"""The ranking page of a round shows what `bidtool rank --round` gives, draws the funding line at the
pot or a what-if pot, and downloads the ranking as the command writes it."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlmodel import Session

from bidtool import db, printing
from bidtool.cli import main
from bidtool.core.bid import Bid, BidStatus
from bidtool.core.money import format_pence, to_pence
from bidtool.core.summary import ranking_summary
from bidtool.services import EVERYONE
from bidtool.services.assessment import import_scores, rank_round
from bidtool.services.bids import add_bid
from bidtool.services.rounds import NewRound, create_round, get_round, scheme_of
from bidtool.services.sheets import round_pack
from tests.web.screens import screen

ROUND = "tca-2013"
PAGE = f"/rounds/{ROUND}/rankings"
NOT_A_POUND_AMOUNT = "What-if pot must be an amount in pounds, like 1,500 or 1,500.50"


class Table(HTMLParser):
    """The rows of the ranking table as the text of their cells; the funding line as its own row."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[str]]] = []  # (data-testid of the row, its cells)
        self._inside = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-testid") == "ranking":
            self._inside = True
        elif self._inside and tag == "tr" and attributes.get("data-testid"):
            self.rows.append((attributes["data-testid"], []))
        elif self._inside and self.rows and tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        elif tag in {"td", "th"} and self._cell is not None:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def bids(self) -> list[list[str]]:
        return [cells for kind, cells in self.rows if kind == "ranked-bid"]

    def line_above(self) -> str | None:
        """The reference of the bid just below the funding line."""
        kinds = [kind for kind, _ in self.rows]
        if "funding-line" not in kinds:
            return None
        return self.rows[kinds.index("funding-line") + 1][1][1]


def table(response) -> Table:
    assert response.status_code == 200, response.status_code
    return Table(response.get_data(as_text=True))


def pounds(amount: Decimal | None) -> str:
    return "–" if amount is None else format_pence(to_pence(amount))


CRITERIA = ["value_for_money", "innovation", "collaboration", "deliverability", "transferability"]


def test_the_page_shows_the_bids_in_rank_order_with_the_figures_of_the_ranking_summary(
    scored, session, reader
):
    expected = ranking_summary(rank_round(session, ROUND))["bids"]
    shown = table(reader.get(PAGE)).bids()
    assert [cells[1] for cells in shown] == [row["reference"] for row in expected]
    for cells, row in zip(shown, expected, strict=True):
        (
            rank,
            reference,
            title,
            weighted,
            _other,
            award,
            cumulative,
            _funding,
            _chance,
            _ranks,
            *scores,
            gates,
        ) = cells
        assert (int(rank), reference, title) == (row["rank"], row["reference"], row["title"])
        assert Decimal(weighted) == row["weighted_score"]
        assert (award, cumulative) == (pounds(row["award_sought"]), pounds(row["cumulative_award"]))
        assert [Decimal(cell.split()[0]) for cell in scores] == [row["criteria"][c] for c in CRITERIA]
        assert all(reason in gates for reason in row["reasons"])


def test_the_criteria_are_headed_with_the_names_the_scheme_gives_them(scored, session, reader):
    html = " ".join(reader.get(PAGE).get_data(as_text=True).split())
    criteria = scheme_of(get_round(session, ROUND)).criteria
    assert [c.id for c in criteria] == CRITERIA
    for criterion in criteria:
        assert (
            f'<th scope="col" class="govuk-table__header govuk-table__header--numeric">{criterion.name}</th>'
            in html
        )


def test_a_mean_score_shows_to_two_places_and_a_whole_score_as_it_is(scored, reader):
    swindon = next(cells for cells in table(reader.get(PAGE)).bids() if cells[1] == "SWI-17")
    assert swindon[10:15] == ["2.50", "3", "3.50", "3", "2"]


def test_moderated_and_divergent_scores_are_marked_as_the_core_finds_them(scored, session, reader):
    # In the demo the lead moderates just the divergent criteria; here one that is not divergent too.
    moderation = "bid,criterion,assessor,score,justification,moderated\n"
    moderation += "SWI-17,transferability,lead@assessors.example.gov.uk,3,Agreed at the panel,true\n"
    import_scores(session, None, ROUND, io.StringIO(moderation))
    ranking = rank_round(session, ROUND)
    shown = {cells[1]: cells[10:15] for cells in table(reader.get(PAGE)).bids()}
    marked = 0
    for row in ranking.rows:
        for cell, criterion in zip(shown[row.bid.reference], CRITERIA, strict=True):
            result = row.bid.criteria[criterion]
            assert ("Moderated" in cell, "Divergent" in cell) == (result.moderated, result.divergent)
            marked += result.moderated
    assert marked > 1
    assert shown["SWI-17"][4] == "3 Moderated"


def test_the_funding_line_falls_above_the_first_bid_not_funded_at_the_rounds_pot(scored, session, reader):
    summary = ranking_summary(rank_round(session, ROUND))
    page = reader.get(PAGE)
    # At £6.9m every passing bid fits: the line falls above the first bid that fails a gate.
    assert table(page).line_above() == "COR-06"
    assert [row["funded"] for row in summary["bids"]].index(False) == 9
    text = " ".join(page.get_data(as_text=True).split())
    assert 'Pot used</dt> <dd class="govuk-summary-list__value">£3,243,900' in text
    assert pounds(summary["pot_used"]) == "£3,243,900" and pounds(summary["pot_left"]) == "£3,656,100"
    assert "None: every bid that passes the gates fits in the pot" in text
    assert 'data-testid="what-if"' not in text


def test_a_what_if_pot_redraws_the_line_and_leaves_the_rounds_pot_alone(app, scored, session, reader):
    summary = ranking_summary(rank_round(session, ROUND, 200_000_000))
    page = reader.get(PAGE, query_string={"pot": "£2,000,000"})
    shown = table(page)
    assert shown.line_above() == summary["first_unfunded"] == "WOR-18"
    funding = {cells[1]: cells[7] for cells in shown.bids()}
    assert funding["SFP-15"] == "Funded Fits in what is left"  # below the line, yet it fits
    assert funding["WOR-18"] == "Does not fit"
    assert [cells[6] for cells in shown.bids()] == [pounds(r["cumulative_award"]) for r in summary["bids"]]
    html = page.get_data(as_text=True)
    assert "This is a what-if: the funding line is drawn at a pot of £2,000,000." in html
    assert f'href="{PAGE}">Show the ranking at the round\'s pot of £6,900,000</a>' in html
    assert "£1,860,000" in html and '<a class="govuk-link" href="#bid-WOR-18">WOR-18</a>' in html
    with app.app_context(), Session(db.engine()) as fresh:
        assert get_round(fresh, ROUND).pot_pence == 690_000_000
    assert table(reader.get(PAGE)).line_above() == "COR-06"


def pack_summary(app, session) -> tuple[str | None, dict[str, str]]:
    """The pack's ranked summary: the bid below its funding line, and each bid's funding."""
    with app.test_request_context():
        html = printing._pack_html(round_pack(session, EVERYONE, ROUND), frozenset({printing.SUMMARY}))
    rows = re.findall(
        r"<tr( class=\"funding-line\")?>\s*<td>\d+</td>\s*<td>([A-Z]+-\d+)</td>(.*?)</tr>", html, re.S
    )
    line = next((reference for marked, reference, _ in rows if marked), None)
    funding = {reference: re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)[-2] for _, reference, cells in rows}
    return line, funding


@pytest.mark.parametrize(
    ("pot", "line", "fits"),
    [
        (690_000_000, "COR-06", None),  # the round's £6.9m: every passing bid fits
        (200_000_000, "WOR-18", "SFP-15"),  # £2m: some do not, and one below the line still fits
    ],
)
def test_the_page_and_the_pack_draw_the_funding_line_above_the_same_bid(
    app, scored, session, reader, pot, line, fits
):
    get_round(session, ROUND).pot_pence = pot
    session.commit()
    shown = table(reader.get(PAGE))
    printed_line, printed = pack_summary(app, session)
    assert shown.line_above() == printed_line == line
    funding = {cells[1]: cells[7] for cells in shown.bids()}
    if fits:
        assert funding[fits] == "Funded Fits in what is left"
        assert printed[fits] == "Funded: fits in what is left"
    assert [ref for ref, text in funding.items() if text.startswith("Funded")] == [
        ref for ref, text in printed.items() if text.startswith("Funded")
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", NOT_A_POUND_AMOUNT),
        ("1.234", "What-if pot must not have more than 2 decimal places"),
        ("-5", "What-if pot must not be negative"),
    ],
)
def test_a_pot_that_is_not_money_is_refused_at_the_field_and_the_rounds_pot_is_used(
    scored, reader, typed, message
):
    page = reader.get(PAGE, query_string={"pot": typed})
    shown = screen(page)
    assert shown.summary == [("#pot", message)]
    assert shown.inline_errors == [message]
    assert shown.values["pot"] == typed
    assert "<title>Error: " in page.get_data(as_text=True)
    assert table(page).line_above() == "COR-06"


def test_an_empty_pot_means_the_rounds_own(scored, reader):
    page = reader.get(PAGE, query_string={"pot": " "})
    assert screen(page).summary == []
    assert table(page).line_above() == "COR-06"


@pytest.fixture
def cli(database_url, monkeypatch):
    """`bidtool rank` on the same database as the application."""
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["rank", "--round", ROUND, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    return run


def comparable(frame: pd.DataFrame) -> list[list[object]]:
    """Cells as both files mean them: numbers as floats, yes/no and text as lower-case text."""

    def cell(value: object) -> object:
        if pd.isna(value):
            return None
        return str(value).lower() if isinstance(value, bool | str) else float(value)

    return [[cell(v) for v in row] for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("pot", [None, "2000000"])
def test_the_downloads_hold_what_bidtool_rank_writes(scored, reader, cli, pot):
    query = {} if pot is None else {"pot": pot}
    from_cli = cli(*([] if pot is None else ["--pot", pot]), "--format", "csv")
    expected = pd.read_csv(io.StringIO(from_cli))
    name = f"{ROUND}-ranking" + ("" if pot is None else f"-what-if-pot-{pot}")

    csv_file = reader.get(f"{PAGE}.csv", query_string=query)
    assert csv_file.status_code == 200
    assert csv_file.headers["Content-Disposition"] == f"attachment; filename={name}.csv"
    assert csv_file.mimetype == "text/csv"
    assert csv_file.get_data(as_text=True) == from_cli
    parsed = pd.read_csv(io.BytesIO(csv_file.data))
    assert list(parsed.columns) == list(expected.columns)
    assert comparable(parsed) == comparable(expected)

    workbook = reader.get(f"{PAGE}.xlsx", query_string=query)
    assert workbook.headers["Content-Disposition"] == f"attachment; filename={name}.xlsx"
    sheet = pd.read_excel(io.BytesIO(workbook.data), sheet_name="Ranking")
    assert list(sheet.columns) == list(expected.columns)
    assert comparable(sheet) == comparable(expected)
    assert list(sheet["reference"])[:4] == ["CWH-05", "SWI-17", "KRA-12", "WOR-18"]


def test_a_download_with_a_bad_pot_goes_to_the_page_that_says_what_is_wrong(scored, reader):
    response = reader.get(f"{PAGE}.csv", query_string={"pot": "lots"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PAGE}?pot=lots"
    assert screen(reader.get(response.headers["Location"])).inline_errors == [NOT_A_POUND_AMOUNT]


@pytest.mark.parametrize(
    ("who", "linked"),
    [("lead", True), ("panel", True), ("council", False), ("assessor", False), ("admin", False)],
)
def test_the_round_page_links_to_the_ranking_for_those_who_read_assessments(demo, sign_in, who, linked):
    page = sign_in(who).get(f"/rounds/{ROUND}").get_data(as_text=True)
    assert (f'href="{PAGE}"' in page) is linked


def test_a_round_without_bids_says_so(demo, session, reader):
    create_round(session, NewRound("empty", "Empty round", "tca", 100_000))
    page = reader.get("/rounds/empty/rankings")
    assert page.status_code == 200
    assert "The round has no bids yet." in page.get_data(as_text=True)


def test_a_title_that_a_spreadsheet_would_run_is_downloaded_as_text(scored, session, reader):
    title = '=HYPERLINK("http://example.com/","Open")'
    submitted = Bid(reference="EQ-01", title=title, lead_organisation="Anytown", status=BidStatus.SUBMITTED)
    add_bid(session, get_round(session, ROUND), submitted)  # a draft would not be ranked
    session.commit()
    rows = list(csv.DictReader(io.StringIO(reader.get(f"{PAGE}.csv").get_data(as_text=True))))
    assert next(row["title"] for row in rows if row["reference"] == "EQ-01") == "'" + title
    sheet = openpyxl.load_workbook(io.BytesIO(reader.get(f"{PAGE}.xlsx").data))["Ranking"]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == "EQ-01")
    assert (cell.value, cell.data_type) == (title, "s")
