"""Readers and writers of bidtool's files: what is written reads back unchanged."""

import json
from pathlib import Path

import pytest

from bidtool.core.bidfile import bid_to_dict
from bidtool.core.scheme import scheme_to_dict
from bidtool.core.scorefile import write_scores
from bidtool.files import dump_json, dump_yaml, load_bid, load_scheme, load_scores
from tests.samples import SCHEMES, TCA_BIDS

SCORES = TCA_BIDS[0].parent.parent / "scores.csv"


@pytest.mark.parametrize("path", TCA_BIDS, ids=lambda p: p.stem[:20])
def test_a_written_bid_reads_back_unchanged(path: Path, tmp_path):
    bid = load_bid(path)
    copy = tmp_path / "copy.json"
    copy.write_text(dump_json(bid_to_dict(bid)), encoding="utf-8")
    assert load_bid(copy) == bid
    assert json.loads(copy.read_text())["format"] == "bidtool.bid/1"


@pytest.mark.parametrize("path", sorted(SCHEMES.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_written_scheme_reads_back_unchanged(path: Path, suffix: str, tmp_path):
    scheme = load_scheme(path)
    copy = tmp_path / f"copy{suffix}"
    dump = dump_yaml if suffix == ".yaml" else dump_json
    copy.write_text(dump(scheme_to_dict(scheme)), encoding="utf-8")
    assert load_scheme(copy) == scheme


def test_written_scores_read_back_unchanged(tmp_path):
    scheme = load_scheme(SCHEMES / "tca.yaml")
    references = {load_bid(p).reference for p in TCA_BIDS}
    scores = load_scores(SCORES, scheme, references)
    copy = tmp_path / "scores.csv"
    copy.write_text(write_scores(scores), encoding="utf-8")
    assert load_scores(copy, scheme, references) == scores
    assert len(scores) == 185
