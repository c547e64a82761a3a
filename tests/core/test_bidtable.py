"""The flat table of bids (CSV and XLSX): one row per bid per year, read back with row-and-column errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    StatedTotal,
)
from bidtool.core.bidfile import parse_bid
from bidtool.core.bidtable import (
    BID_COLUMNS,
    LINE_COLUMNS,
    YEAR_COLUMNS,
    bids_to_rows,
    column_letter,
    rows_to_bids,
)
from bidtool.core.errors import InvalidInput
from tests.core.test_properties import bids
from tests.samples import TCA_BIDS

HEADER = [*BID_COLUMNS, *YEAR_COLUMNS, "narrative:summary", "stated_totals"]
BEFORE_CSV = Path(__file__).parent / "data" / "demo-bids-before-lines.csv"


def demo_bids() -> list[Bid]:
    return [parse_bid(json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal)) for p in TCA_BIDS]


def row(**cells: str) -> list[str]:
    """A row of the HEADER table; cells not given are blank."""
    unknown = set(cells) - {c.replace(":", "_") for c in HEADER}
    assert not unknown, unknown
    return [cells.get(column.replace(":", "_"), "") for column in HEADER]


def first_row(**cells: str) -> list[str]:
    """The first row of a valid bid, with the given cells changed."""
    base = {
        "reference": "AB-01",
        "title": "Shared back office",
        "lead_organisation": "Anytown Borough Council",
        "partners": "Anytown Borough Council (district); Shire County Council (county)",
        "award_sought": "100000",
        "savings_confidence": "3",
        "year": "2014/15",
        "award_costs": "100000",
        "narrative_summary": "One back office.",
    }
    return row(**(base | cells))


def problems_of(rows: list[list[str]], header: list[str] = HEADER) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        rows_to_bids(header, rows)
    return [str(p) for p in raised.value.problems]


# Writing and reading back -----------------------------------------------------------------------


def test_the_18_demo_bids_read_back_unchanged_from_the_table():
    bids = demo_bids()
    columns, rows = bids_to_rows(bids)
    assert rows_to_bids(columns, rows) == bids
    assert len(rows) == sum(len(b.years) for b in bids)


def test_the_columns_come_in_the_documented_order_with_the_summary_first():
    columns, _ = bids_to_rows(demo_bids())
    assert columns[:15] == [
        "reference", "title", "lead_organisation", "contact", "status", "award_sought", "savings_confidence",
        "partners", "year", "award_costs", "match_costs", "recurring_costs", "savings", "savings_high",
        "other_benefits",
    ]  # fmt: skip
    assert columns[15:] == [
        "narrative:summary", "narrative:collaboration", "narrative:deliverability", "narrative:innovation",
        "narrative:transferability", "narrative:value_for_money", "stated_totals",
    ]  # fmt: skip


def test_a_bid_has_one_row_per_year_and_its_details_only_on_the_first(make_bid):
    bid = make_bid(
        [BidYear(2014, award_costs=150_00), BidYear(2015, savings=99_050, savings_high=120_000_00)]
    )
    columns, rows = bids_to_rows([bid])
    first, second = (dict(zip(columns, r, strict=True)) for r in rows)
    assert first["title"] == "Bid TST-01" and first["award_sought"] == "150"
    assert first["partners"] == "Northshire County Council (county); Northshire Police (police)"
    assert (first["year"], first["award_costs"], first["savings_high"]) == ("2014/15", "150", "")
    assert (second["reference"], second["title"], second["partners"]) == ("TST-01", "", "")
    assert (second["year"], second["savings"], second["savings_high"]) == ("2015/16", "990.50", "120000")


def test_a_bid_with_no_years_is_one_row_with_a_blank_year(make_bid):
    bid = make_bid([], award_sought=500_00)
    columns, rows = bids_to_rows([bid])
    assert len(rows) == 1 and rows[0][columns.index("year")] == ""
    assert rows_to_bids(columns, rows) == [bid]


def test_awkward_values_read_back_unchanged():
    bid = Bid(
        reference="ODD-1",
        title='Quotes "here", commas, and £ signs',
        lead_organisation="Conseil d'Évreux",
        partners=(
            Partner("Police (force not named)", PartnerType.POLICE),
            Partner("Fire (district) Trust", PartnerType.FIRE),
            Partner("Health)", PartnerType.HEALTH),
        ),
        award_sought=-1_234_56,
        savings_confidence=None,
        years=(BidYear(2013, savings=1, savings_high=0), BidYear(2014, other_benefits=10**14)),
        narrative={"summary": "Line one\nline two, with a comma", "x-1": "=SUM(A1:A2)"},
        stated_totals=(StatedTotal("costs", 12_345_67, (2013,), "Table 1; total row"),),
        contact="Transformation team",
        status=BidStatus.SUBMITTED,
    )
    columns, rows = bids_to_rows([bid])
    assert rows_to_bids(columns, rows) == [bid]


def test_a_partner_name_with_a_semicolon_is_written_in_double_quotes_and_reads_back(make_bid):
    partners = (Partner("Health; Care Trust", PartnerType.HEALTH), Partner('"Q" Ltd', PartnerType.PRIVATE))
    bid = make_bid([BidYear(2014)], partners=partners)
    columns, rows = bids_to_rows([bid])
    assert rows[0][columns.index("partners")] == '"Health; Care Trust (health)"; """Q"" Ltd (private)"'
    assert rows_to_bids(columns, rows) == [bid]


def test_two_bids_with_one_reference_cannot_be_written(make_bid):
    with pytest.raises(InvalidInput, match="used by more than one bid"):
        bids_to_rows([make_bid([BidYear(2014)]), make_bid([BidYear(2015)])])


plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)


def table_bids():
    """Any bid a table can hold (partner names with ';' and '"' too), possibly with no years at all."""
    return bids(text=plain_text, min_years=0, max_years=4)


@settings(max_examples=100, deadline=None)
@given(st.lists(table_bids(), max_size=4, unique_by=lambda b: b.reference))
def test_any_bids_written_as_a_table_read_back_unchanged(bids):
    columns, rows = bids_to_rows(bids)
    assert rows_to_bids(columns, rows) == bids


# Reading: the header ----------------------------------------------------------------------------


def test_unknown_missing_and_repeated_columns_are_one_problem_with_the_header():
    header = ["reference", "title", "Title", "savings", "savings", "colour"]
    found = problems_of([["A", "B", "", "", "", ""]], header)
    assert len(found) == 1
    assert found[0].startswith("row 1: the header has unknown columns 'Title', 'colour' (known: reference")
    assert "lacks the required columns lead_organisation, year" in found[0]
    assert "names 'savings' more than once" in found[0]


def test_a_header_separated_by_semicolons_says_how_to_save_the_file():
    found = problems_of([["A;B;C;2014/15"]], ["reference;title;lead_organisation;year"])
    assert found[0].endswith(
        "(the columns seem to be separated by ';': save the file as 'CSV UTF-8 (comma delimited)')"
    )


def test_an_empty_header_says_what_it_needs():
    assert problems_of([], ["", ""]) == [
        "row 1: is empty; it must name the columns, such as reference, title, lead_organisation, year"
    ]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out():
    header = ["year", "savings", "lead_organisation", "title", "reference"]
    bids = rows_to_bids(
        header, [["2014/15", "1,000", "Lead", "Title", "R-1"], ["2015/16", "£2,000.50", "", "", "R-1"]]
    )
    assert [(y.year, y.savings) for y in bids[0].years] == [(2014, 100_000), (2015, 200_050)]
    assert bids[0].partners == () and bids[0].award_sought == 0 and bids[0].status is BidStatus.DRAFT


def test_a_value_in_a_column_without_a_name_is_an_error():
    header = [*HEADER, ""]
    found = problems_of([[*first_row(), "stray"]], header)
    assert found == [f"row 2: column {column_letter(len(HEADER))} has a value but no name in row 1"]
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(27) == "AB"


# Reading: rows and cells ------------------------------------------------------------------------


def test_a_bad_amount_names_its_row_and_column():
    found = problems_of([first_row(), row(reference="AB-01", year="2015/16", savings="lots")])
    assert found == ["row 3, savings: 'lots' is not an amount in pounds"]


def test_blank_amounts_mean_zero_but_a_blank_high_estimate_means_no_range():
    [bid] = rows_to_bids(HEADER, [first_row(award_costs="", award_sought="")])
    assert bid.years == (BidYear(2014),) and bid.years[0].savings_high is None and bid.award_sought == 0


def test_blank_rows_are_skipped_but_still_counted():
    found = problems_of([row(), first_row(), row(), row(reference="AB-01", year="2015/16", match_costs="x")])
    assert found == ["row 5, match_costs: 'x' is not an amount in pounds"]


def test_a_different_value_on_a_later_row_of_a_bid_is_an_error():
    found = problems_of([first_row(), row(reference="AB-01", year="2015/16", title="Another title")])
    assert found == [
        "row 3, title: 'Another title' differs from the bid's first row, row 2 ('Shared back office'); "
        "a bid's details are read from its first row, so leave this cell blank or repeat them"
    ]


def test_later_rows_may_repeat_the_bids_details():
    again = first_row(year="2015/16", award_costs="", savings="5000")
    [bid] = rows_to_bids(HEADER, [first_row(), again])
    assert [y.year for y in bid.years] == [2014, 2015] and bid.title == "Shared back office"


def test_a_bad_partners_cell_names_each_partner_by_its_place():
    cell = "Anytown Council (district); Health; Care Trust (health); Shire Police (polce); (fire)"
    found = problems_of([first_row(partners=cell)])
    assert found[0].startswith("row 2, partners: partner 2 ('Health') needs its type in brackets")
    assert 'put a partner whose name contains one in double quotes, such as "Smith; Jones Ltd' in found[0]
    assert found[1].startswith("row 2, partners: partner 4 (type): 'polce' is not a partner type (district,")
    assert found[2] == "row 2, partners: partner 5 (name): must not be empty"
    assert len(found) == 3


def test_the_type_is_the_last_bracketed_word_of_a_partner():
    [bid] = rows_to_bids(HEADER, [first_row(partners="Police (force not named) (police);")])
    assert bid.partners == (Partner("Police (force not named)", PartnerType.POLICE),)


def test_too_many_partners_is_one_problem():
    found = problems_of([first_row(partners="; ".join(["X (other)"] * 201))])
    assert found == ["row 2, partners: lists 201 partners; the most allowed is 200"]


def test_the_rows_of_a_bid_must_be_together():
    rows = [first_row(), first_row(reference="CD-02"), row(reference="AB-01", year="2015/16")]
    found = problems_of(rows)
    assert found == [
        "row 4, reference: 'AB-01' is already the reference of the bid that starts on row 2; "
        "keep the rows of one bid together, one after another"
    ]


def test_every_row_needs_a_reference():
    found = problems_of([first_row(), row(year="2015/16", savings="10")])
    assert found == ["row 3, reference: must not be empty: every row of a bid repeats its reference"]


def test_only_a_bid_with_no_years_has_a_row_without_a_year():
    found = problems_of([first_row(), row(reference="AB-01", savings="10")])
    assert found == ["row 3, year: must not be empty (only a bid with no years has a row without a year)"]
    found = problems_of([first_row(year="", award_costs="5")])
    assert found == [
        "row 2, award_costs: a row without a year cannot hold amounts: give its year, such as 2014/15"
    ]


def test_a_bad_or_repeated_year_names_its_row():
    rows = [first_row(), row(reference="AB-01", year="2014/15"), row(reference="AB-01", year="2016/18")]
    assert problems_of(rows) == [
        "row 3, year: 2014/15 is listed more than once",
        "row 4, year: '2016/18' is not a financial year: 2016/17 follows 2016",
    ]


def test_bid_level_rules_of_the_bid_format_name_the_first_row():
    found = problems_of([first_row(title="", savings_confidence="9", status="sent", reference="X" * 41)])
    assert found == [
        "row 2, reference: is 41 characters long; the most allowed is 40",
        "row 2, title: must not be empty",
        "row 2, status: must be one of draft, submitted",
        "row 2, savings_confidence: 9 is not a confidence grade (1 best to 6 weakest)",
    ]


def test_a_narrative_column_needs_a_criterion_id_and_a_short_enough_answer():
    header = [*HEADER, "narrative:Value For Money"]
    found = problems_of([[*first_row(narrative_summary="x" * 20_001), "Good"]], header)
    assert found == [
        "row 2, narrative:summary: is 20,001 characters long; the most allowed is 20,000",
        "row 2, narrative:Value For Money: must be a criterion id: lower-case letters, digits, - or _",
    ]


def test_stated_totals_are_a_json_list_checked_like_the_bid_format():
    good = '[{"figure": "savings", "amount": 1234.5, "years": ["2014/15"], "source": "Table 2"}]'
    [bid] = rows_to_bids(HEADER, [first_row(stated_totals=good)])
    assert bid.stated_totals == (StatedTotal("savings", 123_450, (2014,), "Table 2"),)
    assert problems_of([first_row(stated_totals="[{figure: 1}]")])[0].startswith(
        "row 2, stated_totals: must be a JSON list of totals (Expecting property name"
    )
    assert problems_of([first_row(stated_totals='{"figure": "savings"}')]) == [
        "row 2, stated_totals: must be a list"
    ]
    wrong_year = '[{"figure": "costs", "amount": 1, "years": ["2019/20"]}]'
    assert problems_of([first_row(stated_totals=wrong_year)]) == [
        "row 2, stated_totals: [0].years[0]: 2019/20 is not one of the bid's years"
    ]


def test_every_problem_of_every_bid_is_reported_in_row_order():
    rows = [
        first_row(award_sought="lots"),
        row(reference="AB-01", year="2015/16", savings="-", title="Changed"),
        first_row(reference="CD-02", lead_organisation=""),
        row(reference="CD-02", year="2015/16"),
        first_row(reference="EF-03"),
    ]
    found = problems_of(rows)
    assert [p.split(":")[0] for p in found] == [
        "row 2, award_sought", "row 3, title", "row 3, savings", "row 4, lead_organisation",
    ]  # fmt: skip


def test_bids_without_problems_are_read_in_the_order_of_their_rows():
    rows = [first_row(reference="B"), first_row(reference="A"), row(reference="A", year="2015/16")]
    assert [(b.reference, len(b.years)) for b in rows_to_bids(HEADER, rows)] == [("B", 1), ("A", 2)]


# Who pays and who gains: line rows --------------------------------------------------------------

LINE_HEADER = [*HEADER[:-2], *LINE_COLUMNS, *HEADER[-2:]]


def line_row(**cells: str) -> list[str]:
    """A row of the table with line columns; cells not given are blank."""
    return [cells.get(column.replace(":", "_"), "") for column in LINE_HEADER]


def with_lines(*rows: dict[str, str]) -> list[list[str]]:
    """A valid bid of two years (2014/15 and 2015/16), then the given line rows."""
    first = dict(zip(HEADER, first_row(), strict=True))
    return [
        line_row(**{k.replace(":", "_"): v for k, v in first.items()}),
        line_row(reference="AB-01", year="2015/16", savings="5000"),
        *(line_row(reference="AB-01", **cells) for cells in rows),
    ]


def test_line_rows_follow_a_bids_year_rows_and_read_back_as_its_lines(make_bid):
    bid = make_bid(
        [BidYear(2014, award_costs=100_00), BidYear(2015)],
        benefit_lines=(BenefitLine(2015, BenefitKind.ECONOMIC, Party.OTHER, 12_345, 5, "Earnings"),),
        cost_lines=(CostLine(2014, CostKind.RECURRING, Party.FIRE, 10_00),),
        outcome_lines=(
            OutcomeLine(
                "Back in work", BenefitKind.FISCAL_CASHABLE, Party.DWP, 2014, 2015, 200, Decimal(60),
                Decimal("12.5"), Decimal(20), 9_000_00, "Database, line 42", Decimal(25), None,
            ),
        ),
    )  # fmt: skip
    columns, rows = bids_to_rows([bid])
    assert columns == LINE_HEADER[:-2] + columns[-2:]
    cells = [dict(zip(columns, r, strict=True)) for r in rows]
    assert [c["line"] for c in cells] == ["", "", "benefit", "cost", "outcome"]
    assert {k: cells[2][k] for k in ("year", "kind", "agency", "amount", "confidence", "description")} == {
        "year": "2015/16", "kind": "economic", "agency": "other", "amount": "123.45", "confidence": "5",
        "description": "Earnings",
    }  # fmt: skip
    outcome = cells[4]
    assert (outcome["year"], outcome["last_year"], outcome["success_rate"], outcome["unit_cost"]) == (
        "2014/15",
        "2015/16",
        "12.5",
        "9000",
    )
    assert cells[3]["title"] == cells[4]["title"] == ""
    assert rows_to_bids(columns, rows) == [bid]


def test_a_table_of_bids_without_lines_keeps_the_columns_and_text_of_before():
    # Written by bidtool before lines existed (commit 4b6517f), from the 18 demo bids.
    before = list(csv.reader(io.StringIO(BEFORE_CSV.read_text(encoding="utf-8-sig"), newline="")))
    columns, rows = bids_to_rows(demo_bids())
    assert [columns, *rows] == [
        before[0],
        *([c.removeprefix("'") if c.startswith("'=") else c for c in r] for r in before[1:]),
    ]


BENEFIT_ROW = {"line": "benefit", "year": "2015/16", "kind": "social", "agency": "nhs", "amount": "5"}
COST_ROW = {"line": "cost", "year": "2015/16", "kind": "match", "agency": "nhs", "amount": "5"}
OUTCOME_ROW = {
    "line": "outcome", "year": "2014/15", "last_year": "2015/16", "description": "Work", "kind": "social",
    "agency": "dwp", "cohort": "10", "engagement_rate": "50", "success_rate": "50", "deadweight": "0",
    "unit_cost": "100", "unit_cost_source": "Database",
}  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (BENEFIT_ROW | {"year": "2016/17"}, "row 4, year: 2016/17 is not one of the bid's years"),
        (BENEFIT_ROW | {"savings": "1"}, "row 4, savings: a benefit row leaves this column blank"),
        (COST_ROW | {"cohort": "3"}, "row 4, cohort: a cost row leaves this column blank"),
        (
            {"line": "gift", "year": "2015/16"},
            "row 4, line: 'gift' is not one of benefit, cost, outcome (blank: a year row)",
        ),
        (BENEFIT_ROW | {"amount": "lots"}, "row 4, amount: 'lots' is not an amount in pounds"),
        (
            OUTCOME_ROW | {"year": "2015/16", "last_year": "2014/15"},
            "row 4, last_year: must not come before the first year, 2015/16",
        ),
        (
            OUTCOME_ROW | {"engagement_rate": "150"},
            "row 4, engagement_rate: must be a percentage from 0 to 100, with at most two decimal places, "
            "such as 60 or 12.5",
        ),
    ],
)
def test_a_bad_line_row_is_named_by_its_row_and_column(cells, problem):
    assert problems_of(with_lines(cells), LINE_HEADER) == [problem]


def test_a_year_row_with_a_line_column_filled_in_is_an_error_naming_the_column():
    rows = with_lines()
    rows[1][LINE_HEADER.index("agency")] = "nhs"
    assert problems_of(rows, LINE_HEADER) == [
        "row 3, agency: belongs to a line row: give the row's line (benefit, cost or outcome)"
    ]
