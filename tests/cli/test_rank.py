import csv
import io
import json

import krippendorff
import numpy as np
import openpyxl
import pytest

from tests.samples import SCHEMES, bid_data

DEMO = SCHEMES.parent / "tca2013"

TCA = SCHEMES / "tca.yaml"
CRITERIA = ("value_for_money", "innovation", "collaboration", "deliverability", "transferability")
HEADER = "bid,criterion,assessor,score,justification,moderated\n"


def scores_csv(scores: dict[str, dict[str, int]], assessor: str = "a@example.gov.uk") -> str:
    rows = [
        f"{bid},{criterion},{assessor},{score},Scored against the descriptors,false\n"
        for bid, by_criterion in scores.items()
        for criterion, score in by_criterion.items()
    ]
    return HEADER + "".join(rows)


@pytest.fixture
def round_files(write):
    """Three bids: A and B score the same (B asks for less), C fails the value-for-money gate."""
    low_savings = bid_data(reference="C-03", title="Gate failer")
    for year in low_savings["years"]:
        year.update(savings=1000, savings_high=None)
    # Same costs and benefits as B (so the same BCR), but more of the one-off cost asked of the fund.
    bigger = bid_data(reference="A-01", title="Bigger ask", award_sought=110000)
    bigger["years"][0].update(award_costs=110000, match_costs=10000)
    bids = [write("a.json", bigger), write("b.json", bid_data(reference="B-02", title="Smaller ask"))]
    bids.append(write("c.json", low_savings))
    same = dict.fromkeys(CRITERIA, 3)
    scores = write("scores.csv", scores_csv({"A-01": same, "B-02": same, "C-03": dict.fromkeys(CRITERIA, 4)}))
    return bids, scores


def test_rank_orders_bids_breaks_ties_and_draws_the_funding_line(run, round_files):
    bids, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--pot", "200000", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    rows = out["bids"]
    assert [r["reference"] for r in rows] == ["B-02", "A-01", "C-03"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    first = rows[0]
    assert set(first) == {
        "rank", "reference", "title", "weighted_score", "criteria", "status",
        "reasons", "award_sought", "cumulative_award", "funded",
        "raw_score", "calibrated_score", "funded_probability", "rank_range", "in_best_portfolio",
    }  # fmt: skip
    assert first["weighted_score"] == 75
    assert first["criteria"] == dict.fromkeys(CRITERIA, 3)
    assert (first["status"], first["funded"], first["cumulative_award"]) == ("ranked", True, 100000)
    assert (rows[1]["status"], rows[1]["funded"], rows[1]["cumulative_award"]) == ("ranked", False, 100000)
    assert rows[2]["status"] == "fails_gate" and rows[2]["funded"] is False
    assert rows[2]["weighted_score"] == 100
    assert rows[2]["reasons"][0].startswith(
        "BCR 0.02 (prudent case) is below the value-for-money gate of 1.00"
    )
    assert (out["pot"], out["pot_used"], out["pot_left"], out["first_unfunded"]) == (
        200000,
        100000,
        100000,
        "A-01",
    )


def test_rank_does_not_depend_on_the_order_of_the_files(run, round_files):
    bids, scores = round_files
    forward = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--json").stdout
    backward = run("rank", "--scheme", TCA, "--scores", scores, *reversed(bids), "--json").stdout
    assert forward == backward
    assert json.loads(forward)["pot"] is None
    assert {r["funded"] for r in json.loads(forward)["bids"]} == {None}


def test_a_bid_with_an_unscored_criterion_is_incomplete_and_listed_last(run, write, round_files):
    bids, _ = round_files
    partial = write(
        "partial.csv", scores_csv({"A-01": {"value_for_money": 4}, "B-02": dict.fromkeys(CRITERIA, 1)})
    )
    out = json.loads(run("rank", "--scheme", TCA, "--scores", partial, *bids, "--json").stdout)
    statuses = [(r["reference"], r["status"]) for r in out["bids"]]
    assert statuses == [("B-02", "ranked"), ("A-01", "incomplete"), ("C-03", "incomplete")]
    assert out["bids"][1]["weighted_score"] is None
    assert out["bids"][1]["reasons"][0] == (
        "Not yet scored: Innovation, Collaboration, Deliverability, Transferability"
    )


def test_rank_writes_csv_with_a_column_per_criterion(run, round_files):
    bids, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--pot", "£200,000", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["reference"] for r in rows] == ["B-02", "A-01", "C-03"]
    assert rows[0]["criterion:innovation"] == "3"
    assert rows[0]["funded"] == "true" and rows[1]["funded"] == "false"


def test_rank_prints_a_table_with_the_pot(run, round_files):
    bids, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--pot", "200000")
    assert "  1. B-02" in result.stdout and "funded" in result.stdout
    assert "Pot £200,000: used £100,000, left £100,000; first bid that did not fit: A-01" in result.stdout


def test_bad_scores_are_reported_by_row_and_exit_2(run, write, round_files):
    bids, _ = round_files
    bad = write(
        "bad.csv",
        HEADER
        + "A-01,value_for_money,a@x,5,,false\n"
        + "Z-99,innovation,a@x,2,,false\n"
        + "B-02,charm,a@x,2,,false\n"
        + "B-02,innovation,a@x,two,,maybe\n",
    )
    result = run("rank", "--scheme", TCA, "--scores", bad, *bids)
    assert result.exit_code == 2
    err = result.stderr
    assert "bad.csv: row 2, score: 5 is off the scale 0 to 4" in err
    assert "bad.csv: row 3, bid: 'Z-99' is not one of the bids given" in err
    assert "bad.csv: row 4, criterion: 'charm' is not a criterion of tca" in err
    assert "bad.csv: row 5, score: 'two' is not a whole number" in err
    assert "bad.csv: row 5, moderated: 'maybe' must be true or false" in err
    assert "Traceback" not in result.output


@pytest.mark.parametrize("pot", ["lots", "-5", "1.234"])
def test_a_bad_pot_is_refused(run, round_files, pot):
    bids, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--pot", pot)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --pot:")


def test_two_bid_files_with_one_reference_are_refused(run, write, round_files):
    bids, scores = round_files
    twin = write("twin.json", bid_data(reference="A-01"))
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, twin)
    assert result.exit_code == 2
    assert "twin.json: reference 'A-01' is also used by" in result.stderr


def test_json_and_csv_together_are_refused(run, round_files):
    bids, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--json", "--csv")
    assert result.exit_code == 2


def test_rank_without_bids_says_what_is_missing(run, round_files):
    _, scores = round_files
    result = run("rank", "--scheme", TCA, "--scores", scores)
    assert result.exit_code == 2
    assert result.stderr == "error: rank: name a --round, or give the files to rank: bid files missing\n"


def test_rank_writes_xlsx_to_a_file_only(run, round_files, tmp_path):
    bids, scores = round_files
    refused = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--format", "xlsx")
    assert (refused.exit_code, refused.stdout) == (2, "")
    out = tmp_path / "ranking.xlsx"
    result = run("rank", "--scheme", TCA, "--scores", scores, *bids, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["Ranking"]
    assert [cell.value for cell in sheet["B"]][:4] == ["reference", "B-02", "A-01", "C-03"]


def test_one_assessor_gives_no_agreement_and_the_json_says_so_rather_than_inventing_it(run, round_files):
    bids, scores = round_files
    out = json.loads(
        run("rank", "--scheme", TCA, "--scores", scores, *bids, "--pot", "200000", "--json").stdout
    )
    assert out["agreement"] == {"criteria": dict.fromkeys(CRITERIA), "overall": None, "shared": 0}
    # Ten scores of 3 and five of 4: a standard deviation of the square root of 2/9.
    assert out["assessors"] == [
        {"assessor": "a@example.gov.uk", "leniency": None, "spread": 0.4714, "bids_scored": 3, "offset": 0}
    ]
    assert set(out["not_available"]) == {"agreement"}
    # Nothing varies but the weights, and B-02 and A-01 tie on every score: B-02 (the smaller ask) wins.
    assert [(r["funded_probability"], r["rank_range"]) for r in out["bids"]] == [
        (1, [1, 1]),
        (0, [2, 2]),
        (0, [3, 3]),
    ]
    assert out["portfolio"]["references"] == ["B-02"] and out["portfolio"]["funding_line"]["references"] == [
        "B-02"
    ]


def test_without_a_pot_there_is_no_funded_probability_nor_portfolio(run, round_files):
    bids, scores = round_files
    out = json.loads(run("rank", "--scheme", TCA, "--scores", scores, *bids, "--json").stdout)
    assert {r["funded_probability"] for r in out["bids"]} == {None} and out["portfolio"] is None
    assert set(out["not_available"]) == {"agreement", "funded_probability", "portfolio"}


def test_the_demo_round_ranks_with_agreement_as_the_krippendorff_package_finds_it(run):
    bids = sorted((DEMO / "bids").glob("*.json"))
    args = ("rank", "--scheme", TCA, "--scores", DEMO / "scores.csv", *bids, "--pot", "2000000")
    out = json.loads(run(*args, "--json").stdout)
    rows = list(csv.DictReader(io.StringIO((DEMO / "scores.csv").read_text(encoding="utf-8"))))
    assessors = sorted({r["assessor"] for r in rows if r["moderated"] == "false"})
    for criterion in CRITERIA:
        units = sorted({r["bid"] for r in rows if r["criterion"] == criterion})
        matrix = np.full((len(assessors), len(units)), np.nan)
        for r in rows:
            if r["criterion"] == criterion and r["moderated"] == "false":
                matrix[assessors.index(r["assessor"]), units.index(r["bid"])] = int(r["score"])
        expected = krippendorff.alpha(matrix, value_domain=range(5), level_of_measurement="ordinal")
        assert out["agreement"]["criteria"][criterion] == pytest.approx(expected, abs=0.00005)
    assert [a["bids_scored"] for a in out["assessors"]] == [12, 12, 12]
    best = out["portfolio"]
    assert best["pot_used"] <= 2_000_000 and best["total_score"] >= best["funding_line"]["total_score"]
    assert [r["reference"] for r in out["bids"] if r["in_best_portfolio"]] == best["references"]
    for row in out["bids"]:
        low, high = row["rank_range"]
        assert low <= row["rank"] <= high or row["status"] != "ranked"
    # The CSV carries the same per-bid figures, and says the ranking is on raw scores.
    table = list(csv.DictReader(io.StringIO(run(*args, "--csv").stdout)))
    assert [(float(r["funded_probability"]), int(r["rank_range_low"]), r["scored_on"]) for r in table] == [
        (r["funded_probability"], r["rank_range"][0], "raw") for r in out["bids"]
    ]
    text = run(*args).stdout
    assert "Agreement (Krippendorff's alpha, ordinal): overall 0.65 (low)" in text
    assert "Best portfolio by score: CWH-05, SWI-17, WOR-18" in text
