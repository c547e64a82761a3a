"""Scores stored for a round rank its bids exactly as the same files ranked by `bidtool rank`."""

import json

import pytest
from sqlmodel import select

from bidtool.core.access import Role
from bidtool.models import HistoryRow, ScoreRow
from bidtool.services.accounts import NewUser, create_user
from tests.conftest import PASSWORD
from tests.samples import SCHEMES, TCA_BIDS

SCORES = TCA_BIDS[0].parent.parent / "scores.csv"
ASSESSORS = ["a.khan", "b.jones", "c.obi", "lead"]


@pytest.fixture
def database(demo, session, database_url, monkeypatch):
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    for name in ASSESSORS:
        role = Role.LEAD_ASSESSOR if name == "lead" else Role.ASSESSOR
        create_user(session, NewUser(f"{name}@assessors.example.gov.uk", role, "MHCLG"), PASSWORD)


def test_imported_scores_rank_the_demo_round_as_the_files_do(run, database, session):
    imported = run("import-scores", "--round", "tca-2013", SCORES)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout == "185 scores stored for round tca-2013.\n"
    from_files = run(
        "rank", "--scheme", SCHEMES / "tca.yaml", "--scores", SCORES, *TCA_BIDS, "--pot", "2500000", "--json"
    )
    from_round = run("rank", "--round", "tca-2013", "--pot", "2500000", "--json")
    assert from_round.exit_code == 0, from_round.stderr
    assert json.loads(from_round.stdout) == json.loads(from_files.stdout)
    assert len(session.exec(select(ScoreRow)).all()) == 185
    assert len(session.exec(select(HistoryRow)).all()) == 185


def test_importing_again_changes_the_scores_in_place_and_keeps_the_history(run, database, session, tmp_path):
    run("import-scores", "--round", "tca-2013", SCORES)
    run("import-scores", "--round", "tca-2013", SCORES)  # the same scores: nothing changes
    assert {row.version for row in session.exec(select(ScoreRow))} == {1}
    assert len(session.exec(select(HistoryRow)).all()) == 185
    lines = SCORES.read_text().splitlines()
    bid, criterion, assessor, score, *_ = lines[1].split(",")
    lines[1] = f"{bid},{criterion},{assessor},{(int(score) + 1) % 5},Rescored on a second reading,false"
    variant = tmp_path / "scores.csv"
    variant.write_text("\n".join(lines) + "\n")
    run("import-scores", "--round", "tca-2013", variant)
    session.expire_all()
    assert len(session.exec(select(ScoreRow)).all()) == 185
    assert sorted(row.version for row in session.exec(select(ScoreRow))).count(2) == 1
    last = session.exec(select(HistoryRow).order_by(HistoryRow.id.desc())).first()
    assert (last.subject, last.old, last.new, last.justification) == (
        f"{criterion} by {assessor}",
        score,
        str((int(score) + 1) % 5),
        "Rescored on a second reading",
    )


def test_scores_by_someone_who_is_not_a_user_are_refused_and_nothing_is_stored(
    run, demo, database_url, monkeypatch, session
):
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    result = run("import-scores", "--round", "tca-2013", SCORES)
    assert result.exit_code == 2
    assert (
        f"error: {SCORES}: assessor: a.khan@assessors.example.gov.uk is not a bidtool user" in result.stderr
    )
    assert session.exec(select(ScoreRow)).all() == []


def test_an_assessor_whose_organisation_is_a_partner_does_not_count(run, database, session, tmp_path):
    email = "council.assessor@example.gov.uk"
    create_user(session, NewUser(email, Role.ASSESSOR, "Swindon Borough Council"), PASSWORD)
    variant = tmp_path / "scores.csv"
    variant.write_text(SCORES.read_text() + f"SWI-17,innovation,{email},0,Scored by a partner,false\n")
    assert run("import-scores", "--round", "tca-2013", variant).exit_code == 0
    ranked = json.loads(run("rank", "--round", "tca-2013", "--json").stdout)
    plain = json.loads(
        run("rank", "--scheme", SCHEMES / "tca.yaml", "--scores", SCORES, *TCA_BIDS, "--json").stdout
    )
    swindon = next(b for b in ranked["bids"] if b["reference"] == "SWI-17")
    expected = next(b for b in plain["bids"] if b["reference"] == "SWI-17")
    assert swindon["criteria"] == expected["criteria"]  # the partner's 0 is not in the mean


def test_ranking_a_round_lists_no_draft(run, database, session, demo_draft):
    run("import-scores", "--round", "tca-2013", SCORES)
    table = run("rank", "--round", "tca-2013")
    listed = run("rank", "--round", "tca-2013", "--json")
    assert table.exit_code == 0, table.stderr
    assert "SWI-50" not in table.stdout and "Shared customer contact" not in table.stdout
    assert len(json.loads(listed.stdout)["bids"]) == 18
