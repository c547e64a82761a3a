"""The 18 winning bids of 2013/14 as shipped in fixtures/, through the command line."""

import json

import pytest

from tests.samples import SCHEMES, TCA_BIDS

TCA = SCHEMES / "tca.yaml"


def check(run, path) -> tuple[int, dict[str, list[str]]]:
    result = run("check", path, "--scheme", TCA, "--json")
    found: dict[str, list[str]] = {}
    for finding in json.loads(result.stdout)["checks"]:
        found.setdefault(finding["code"], []).append(finding["message"])
    return result.exit_code, found


def by_reference(reference: str):
    return next(p for p in TCA_BIDS if json.loads(p.read_text())["reference"] == reference)


def test_the_demo_round_has_18_bids_with_unique_references():
    references = {json.loads(p.read_text())["reference"] for p in TCA_BIDS}
    assert len(TCA_BIDS) == 18 and len(references) == 18


@pytest.mark.parametrize(
    ("reference", "difference"),
    [("BMS-01", "£10,000 unaccounted for"), ("CWH-05", "£1,580 unaccounted for"),
     ("KRA-12", "£1,500 too much"), ("SWI-17", "£50,000 unaccounted for")],
)  # fmt: skip
def test_check_reports_awards_that_differ_from_their_itemised_costs(run, reference, difference):
    status, found = check(run, by_reference(reference))
    assert status == 1
    assert difference in found["award-costs-mismatch"][0]


@pytest.mark.parametrize("reference", ["BDP-03", "ERY-07", "SES-16"])
def test_check_reports_bids_that_state_no_award(run, reference):
    status, found = check(run, by_reference(reference))
    assert status == 1 and "no-award-sought" in found


@pytest.mark.parametrize(
    ("reference", "text"),
    [("NFP-11", "total costs of £5,300,000"), ("SFP-15", "savings of £1,880,000"),
     ("SWI-17", "high savings of £10,000,000 for 2014/15")],
)  # fmt: skip
def test_check_reports_printed_totals_that_do_not_add_up(run, reference, text):
    _, found = check(run, by_reference(reference))
    assert text in found["stated-total-mismatch"][0]


def test_every_demo_bid_appraises_and_the_consistent_ones_pass(run):
    passing = set()
    for path in TCA_BIDS:
        out = run("appraise", path, "--json")
        assert out.exit_code == 0, (path.name, out.stderr)
        status, _ = check(run, path)
        if status == 0:
            passing.add(json.loads(out.stdout)["reference"])
    assert passing == {"BNS-02", "COR-06", "HPS-08", "LIN-09", "MSL-10", "CNC-14", "WOR-18"}


def test_the_demo_scores_rank_the_round_and_draw_the_funding_line(run):
    scores = TCA_BIDS[0].parent.parent / "scores.csv"
    result = run("rank", "--scheme", TCA, "--scores", scores, *TCA_BIDS, "--pot", "2500000", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    rows = out["bids"]
    assert len(rows) == 18
    statuses = [r["status"] for r in rows]
    assert statuses == sorted(statuses, key=["ranked", "fails_gate", "incomplete"].index)
    ranked = [r for r in rows if r["status"] == "ranked"]
    assert [r["weighted_score"] for r in ranked] == sorted(
        (r["weighted_score"] for r in ranked), reverse=True
    )
    funded = [r["reference"] for r in rows if r["funded"]]
    assert sum(r["award_sought"] for r in rows if r["funded"]) == out["pot_used"] <= 2500000
    assert out["first_unfunded"] not in funded and out["first_unfunded"] is not None
    assert all(r["reasons"] for r in rows if r["status"] == "fails_gate")
