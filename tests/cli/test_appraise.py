import json
from pathlib import Path

from tests.samples import ROOT, SCHEMES, bid_data

APPRAISAL_KEYS = {
    "reference", "total_costs", "award_sought", "pv_costs", "pv_benefits", "npv",
    "bcr", "roi", "payback_year", "vfm_category", "savings_per_pound", "match_share",
}  # fmt: skip


def test_a_bid_worked_through_year_by_year_agrees_with_the_hand_calculation(run, write):
    # By hand, with the Green Book rate of 3.5%:
    #   DF(0) = 1, DF(1) = 1/1.035 = 0.966183575, DF(2) = 1/1.035^2 = 0.933510700
    #   2014/15: costs 100,000 + 20,000 = 120,000; benefits 0
    #   2015/16: costs 10,000;  benefits 80,000
    #   2016/17: costs 10,000;  benefits 90,000 (high case 120,000)
    #   PVC = 120,000 + 10,000 x 0.966183575 + 10,000 x 0.933510700 = 138,996.94
    #   PVB = 80,000 x 0.966183575 + 90,000 x 0.933510700       = 161,310.65
    #   NPV = 22,313.71; BCR = 161,310.65 / 138,996.94 = 1.1605 (Low, 1.0 to below 1.5)
    #   cumulative: 2014/15 -120,000; 2015/16 -52,367.15; 2016/17 +22,313.71 -> payback 2016/17
    #   savings per pound = (80,000 + 90,000) / 100,000 = 1.7; match share = 20,000 / 120,000
    #   grade 3 -> 10% optimism bias: PVB 145,179.58, NPV 6,182.64, BCR 1.0445
    #   high case: PVB = 80,000 x 0.966183575 + 120,000 x 0.933510700 = 189,315.97
    result = run("appraise", write("bid.json", bid_data()), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= APPRAISAL_KEYS
    assert out["reference"] == "HAND-01"
    assert out["total_costs"] == 140000
    assert out["award_sought"] == 100000
    assert out["pv_costs"] == 138996.94
    assert out["pv_benefits"] == 161310.65
    assert out["npv"] == 22313.71
    assert out["bcr"] == 1.1605
    assert out["roi"] == 0.1605
    assert out["payback_year"] == "2016/17"
    assert out["vfm_category"] == "Low"
    assert out["savings_per_pound"] == 1.7
    assert out["match_share"] == 0.1667
    assert out["adjusted"]["pv_benefits"] == 145179.58
    assert out["adjusted"]["npv"] == 6182.64
    assert out["adjusted"]["bcr"] == 1.0445
    assert out["adjusted"]["savings_per_pound"] == 1.53
    assert out["high"]["pv_benefits"] == 189315.97
    assert out["high"]["npv"] == 50319.03
    assert out["high"]["bcr"] == 1.362
    assert APPRAISAL_KEYS - {"reference"} <= set(out["adjusted"]) and set(out["adjusted"]) == set(out["high"])
    assert out["checks"] == []


def test_appraise_without_ranges_has_no_high_case_and_null_ratios_without_costs(run, write):
    years = [{"year": "2014/15", "savings": 5000}]
    result = run("appraise", write("b.json", bid_data(years=years, award_sought=0)), "--json")
    out = json.loads(result.stdout)
    assert out["high"] is None
    assert out["bcr"] is None and out["roi"] is None and out["vfm_category"] is None
    assert out["payback_year"] is None and out["payback"] == "not_applicable"
    assert out["savings_per_pound"] is None and out["match_share"] is None
    assert {c["code"] for c in out["checks"]} >= {"no-award-sought", "savings-before-costs"}


def test_appraise_uses_the_schemes_optimism_bias_table(run, write, tmp_path):
    scheme = (SCHEMES / "tca.yaml").read_text().replace("3: 10,", "3: 50,")
    assert "3: 50," in scheme
    custom = write("scheme.yaml", scheme)
    out = json.loads(run("appraise", write("b.json", bid_data()), "--json", "--scheme", custom).stdout)
    assert out["optimism_bias"] == {"grade": 3, "grade_assumed": False, "percent": 50}
    assert out["adjusted"]["pv_benefits"] == 80655.32  # half of 161,310.649 by hand


def test_appraise_prints_a_readable_table(run, write):
    result = run("appraise", write("b.json", bid_data()))
    assert result.exit_code == 0
    assert "HAND-01  Shared back office" in result.stdout
    assert "Net present value" in result.stdout and "£22,313.71" in result.stdout
    assert "After 10% optimism bias" in result.stdout and "High case" in result.stdout
    assert "Payback year" in result.stdout and "2016/17" in result.stdout
    assert "Checks: no problems found." in result.stdout


BEFORE = json.loads((Path(__file__).parent / "data" / "appraise-json-before-lines.json").read_text())
NEW_KEYS = {"financial", "cost_optimism_bias", "who_pays_who_gains", "switching_values"}


def _without_new_keys(summary: dict) -> dict:
    old = {key: value for key, value in summary.items() if key not in NEW_KEYS}
    for case in ("adjusted", "high"):
        if old.get(case):
            old[case] = {key: value for key, value in old[case].items() if key != "financial"}
    return old


def test_every_demo_bid_prints_its_json_of_before_with_the_new_keys_added_alone(run):
    # Printed by bidtool appraise --scheme tca.yaml --json at commit 4b6517f, before lines existed.
    demo = ROOT / "fixtures" / "tca2013"
    for path in [*sorted((demo / "bids").glob("*.json")), *sorted((demo / "drafts").glob("*.json"))]:
        out = json.loads(run("appraise", path, "--scheme", SCHEMES / "tca.yaml", "--json").stdout)
        assert _without_new_keys(out) == BEFORE[path.name], path.name
        assert NEW_KEYS - {"financial"} <= set(out)


def test_the_worked_example_prints_both_cases_who_pays_and_gains_and_its_switching_values(run):
    examples = ROOT / "fixtures" / "examples"
    result = run(
        "appraise", examples / "early-help.json", "--scheme", examples / "local-partnership.yaml", "--json"
    )
    out = json.loads(result.stdout)
    assert out["financial"]["npv"] == 249260.66
    assert out["adjusted"]["financial"] == {
        "pv_costs": 635280.19,
        "pv_benefits": 693497.16,
        "npv": 58216.97,
        "bcr": 1.0916,
        "roi": 0.0916,
        "payback_year": "2017/18",
        "payback": "paid_back",
    }
    assert out["cost_optimism_bias"] == {"one_off": 10, "recurring": 20}
    rows = {row["party"]: row for row in out["who_pays_who_gains"]}
    assert list(rows) == ["fund", "council", "nhs", "police", "dwp", "other", "total"]
    assert rows["nhs"] == {
        "party": "nhs",
        "pv_costs": 55000,
        "pv_fiscal_cashable": 0,
        "pv_fiscal_non_cashable": 144000,
        "pv_economic": 0,
        "pv_social": 0,
        "net_fiscal": 89000,
        "net_public_value": 89000,
    }
    assert rows["total"]["net_public_value"] == 770879.86
    switching = out["switching_values"]
    assert switching["npv_zero"]["costs"] == 1.9715
    assert switching["gate"]["bcr"] == 1.5
    assert switching["gate"]["optimism_bias"] == round(1 - 1.5 * 566618.36 / 1683717.71, 4)
    assert switching["optimism_bias_applied"] == round(1 - 1406160.05 / 1683717.71, 4)


def test_the_appraisal_table_shows_the_financial_case_who_gains_and_switching_values(run):
    examples = ROOT / "fixtures" / "examples"
    out = run(
        "appraise", examples / "early-help.json", "--scheme", examples / "local-partnership.yaml"
    ).stdout
    assert "Financial case: net present value" in out and "£249,260.66" in out
    assert "Who pays and who gains, present values after optimism bias" in out
    assert "To a BCR at the gate of 1.50: cashable savings no fall reaches it" in out
