import json

import pytest
import yaml

from tests.samples import SCHEMES


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("tca.yaml", "scheme 'tca' is valid: 5 criteria, scale 0 to 4, 3 gates"),
        (
            "fire-transformation-2015.yaml",
            "scheme 'fire-transformation-2015' is valid: 3 criteria, scale 0 to 4",
        ),
        ("relative-baseline.yaml", "scheme 'relative-baseline' is valid: 5 criteria, scale -3 to 3, 1 gate"),
    ],
)
def test_the_shipped_schemes_are_valid(run, name, summary):
    result = run("validate-scheme", SCHEMES / name)
    assert result.exit_code == 0, result.output
    assert summary in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1


def test_every_descriptor_of_the_shipped_schemes_is_written(run):
    for path in SCHEMES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        points = range(data["scale"]["min"], data["scale"]["max"] + 1)
        for criterion in data["criteria"]:
            assert len(criterion["guidance"]) > 100, (path.name, criterion["id"])
            assert all(len(criterion["descriptors"][p]) > 40 for p in points), (path.name, criterion["id"])


def test_a_json_scheme_is_read_like_yaml(run, write):
    data = yaml.safe_load((SCHEMES / "tca.yaml").read_text())
    result = run("validate-scheme", write("tca.json", json.dumps(data)))
    assert result.exit_code == 0, result.output


def test_an_invalid_scheme_reports_every_problem_and_exits_2(run, write):
    data = yaml.safe_load((SCHEMES / "tca.yaml").read_text())
    del data["criteria"][0]["descriptors"][2]
    data["criteria"][1]["weight"] = 0
    data["tie_breaks"].append("criterion:charm")
    data["colour"] = "blue"
    result = run("validate-scheme", write("bad.yaml", yaml.safe_dump(data)))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4
    assert "bad.yaml: colour: is not a known field" in result.stderr
    assert "bad.yaml: criteria[0].descriptors: has no descriptor for 2" in result.stderr
    assert "bad.yaml: criteria[1].weight: must be more than 0" in result.stderr
    assert "bad.yaml: tie_breaks[3]: 'charm' is not a criterion of this scheme" in result.stderr


def test_broken_yaml_names_the_line(run, write):
    result = run("validate-scheme", write("bad.yaml", "format: bidtool.scheme/1\nid: [unclosed\n"))
    assert result.exit_code == 2
    assert "bad.yaml: line 3" in result.stderr


def test_a_scheme_with_another_extension_is_refused(run, write):
    result = run("validate-scheme", write("scheme.txt", "format: bidtool.scheme/1"))
    assert result.exit_code == 2
    assert "must end in .yaml, .yml or .json" in result.stderr
