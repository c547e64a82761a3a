import json

from tests.samples import SCHEMES, bid_data


def test_a_consistent_bid_passes_the_self_check(run, write):
    result = run("check", write("b.json", bid_data()), "--scheme", SCHEMES / "tca.yaml")
    assert result.exit_code == 0, result.output
    assert "Checks: no problems found." in result.stdout
    assert (
        "Suggested score for Value for money: 1 (Weak) - BCR 1.04 after 10% optimism bias: Low"
        in result.stdout
    )
    assert "Suggested score for Collaboration: 2 (Adequate) - 3 kinds of partner" in result.stdout


def test_errors_fail_the_check_with_exit_1_and_name_the_year_and_figures(run, write):
    data = bid_data(award_sought=110000)
    data["years"][1]["savings"] = -5
    result = run("check", write("b.json", data), "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False
    messages = {c["code"]: c["message"] for c in out["checks"]}
    assert messages["award-costs-mismatch"] == (
        "The award costs by year add up to £100,000 (2014/15 £100,000) "
        "but the award sought is £110,000: £10,000 unaccounted for in the years."
    )
    assert messages["negative-amount"].startswith("2015/16: savings is -£5;")


def test_warnings_alone_do_not_fail_the_check(run, write):
    result = run("check", write("b.json", bid_data(savings_confidence=None)))
    assert result.exit_code == 0
    assert "WARNING no-savings-confidence" in result.stdout


def test_missing_narrative_for_the_schemes_criteria_is_an_error(run, write):
    data = bid_data()
    del data["narrative"]["innovation"]
    result = run(
        "check", write("b.json", data), "--scheme", SCHEMES / "fire-transformation-2015.yaml", "--json"
    )
    assert result.exit_code == 1
    missing = [c["message"] for c in json.loads(result.stdout)["checks"] if c["code"] == "missing-narrative"]
    assert missing == [
        "There is no narrative answer for Transformation fund policy alignment ('policy_alignment')."
    ]


def test_an_unreadable_bid_exits_2_with_one_line_per_problem(run, write):
    data = bid_data(colour="blue")
    data["years"][0]["savings"] = "lots"
    data["years"][2]["year"] = "2016-17"
    result = run("check", write("b.json", data))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert any("b.json: colour: is not a known field" in line for line in lines)
    assert any("b.json: years[0].savings: 'lots' is not an amount in pounds" in line for line in lines)
    assert any("b.json: years[2].year: '2016-17' is not a financial year" in line for line in lines)
    assert "Traceback" not in result.output


def test_an_exponent_beyond_any_decimal_is_a_too_large_amount_not_a_traceback(run, write):
    text = json.dumps(bid_data()).replace('"award_sought": 100000', '"award_sought": 1e999999999')
    result = run("check", write("b.json", text))
    assert result.exit_code == 2
    assert "b.json: award_sought: is too large" in result.stderr
    assert "Traceback" not in result.output


def test_broken_json_names_the_line_and_column(run, write):
    result = run("check", write("b.json", '{"format": "bidtool.bid/1",\n  "reference": }'))
    assert result.exit_code == 2
    assert "b.json: line 2, column 16: Expecting value" in result.stderr


def test_a_missing_file_is_bad_input_not_a_crash(run, tmp_path):
    result = run("check", tmp_path / "nowhere.json")
    assert result.exit_code == 2
    assert "nowhere.json: no such file" in result.stderr


def test_a_file_that_is_not_utf8_is_refused(run, tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(b'{"title": "caf\xe9"}')
    result = run("check", path)
    assert result.exit_code == 2
    assert "is not UTF-8 text" in result.stderr


def test_repeated_keys_in_json_are_refused(run, write):
    result = run("check", write("b.json", '{"format": "bidtool.bid/1", "format": "x"}'))
    assert result.exit_code == 2
    assert "'format' appears twice" in result.stderr


def test_a_total_the_bid_states_is_re_added_from_its_years(run, write):
    stated = [
        {"figure": "savings_high", "years": ["2015/16", "2016/17"], "amount": 210000, "source": "Table 3"},
        {"figure": "costs", "amount": 150000},
        {"figure": "savings", "amount": 170000},
    ]
    result = run("check", write("b.json", bid_data(stated_totals=stated)), "--json")
    assert result.exit_code == 1
    found = [
        c["message"] for c in json.loads(result.stdout)["checks"] if c["code"] == "stated-total-mismatch"
    ]
    assert found == [
        "The bid states high savings of £210,000 for 2015/16, 2016/17 (Table 3), but its years add up to "
        "£200,000: a difference of £10,000.",
        "The bid states total costs of £150,000 for all its years, but its years add up to £140,000: "
        "a difference of £10,000.",
    ]


def test_a_stated_total_for_a_year_the_bid_does_not_have_is_refused(run, write):
    stated = [{"figure": "savings", "years": ["2030/31"], "amount": 1}, {"figure": "income", "amount": 1}]
    result = run("check", write("b.json", bid_data(stated_totals=stated)))
    assert result.exit_code == 2
    assert "stated_totals[0].years[0]: 2030/31 is not one of the bid's years" in result.stderr
    assert "stated_totals[1].figure: 'income' is not one of award_costs" in result.stderr
