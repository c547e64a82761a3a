"""The demo round: loaded once with the shipped schemes and 18 bids, and running it again changes nothing."""

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bidtool import cli, create_app, db
from bidtool.config import PROJECT_ROOT
from bidtool.models import BidRow, RoundRow, SchemeRow, ScoreRow
from bidtool.services.bids import to_core
from bidtool.services.demo import load_demo

SCHEMES_DIR = PROJECT_ROOT / "fixtures" / "schemes"
DEMO_DIR = PROJECT_ROOT / "fixtures" / "tca2013"
DEMO_REFERENCES = [
    "BDP-03", "BMS-01", "BNS-02", "CNC-14", "COR-06", "CSS-04", "CWH-05", "ERY-07", "HPS-08",
    "KRA-12", "LIN-09", "MSL-10", "NFP-11", "SES-16", "SFP-15", "SHB-13", "SWI-17", "WOR-18",
]  # fmt: skip


def snapshot() -> dict:
    """Everything the database holds of schemes, rounds and bids, read in a session of its own."""
    with Session(db.engine()) as fresh:
        return {
            "schemes": sorted((s.key, s.name) for s in fresh.exec(select(SchemeRow)).all()),
            "rounds": sorted(
                (r.reference, r.name, r.pot_pence, r.created_at) for r in fresh.exec(select(RoundRow))
            ),
            "bids": {
                b.reference: (to_core(b), b.status, b.created_at, b.updated_at, b.submitted_at)
                for b in fresh.exec(select(BidRow)).all()
            },
            "scores": sorted(
                (s.bid_id, s.criterion, s.assessor_id, s.score, s.version)
                for s in fresh.exec(select(ScoreRow))
            ),
        }


def test_the_demo_adds_the_schemes_the_round_and_its_18_submitted_bids(session):
    added = load_demo(session, SCHEMES_DIR, DEMO_DIR)

    assert added[:4] == [
        "scheme fire-transformation-2015",
        "scheme relative-baseline",
        "scheme tca",
        "round tca-2013",
    ]
    assert sorted(added[4:]) == sorted(f"bid {reference}" for reference in DEMO_REFERENCES)
    held = snapshot()
    assert [r[:3] for r in held["rounds"]] == [
        ("tca-2013", "Transformation Challenge Award 2013/14", 690_000_000)
    ]
    assert sorted(held["bids"]) == DEMO_REFERENCES
    assert {status for _, status, *_ in held["bids"].values()} == {"submitted"}


def test_loading_the_demo_twice_adds_nothing_the_second_time_and_changes_nothing(session):
    load_demo(session, SCHEMES_DIR, DEMO_DIR)
    first = snapshot()

    assert load_demo(session, SCHEMES_DIR, DEMO_DIR) == []

    assert snapshot() == first
    assert len(first["bids"]) == 18


def test_loading_the_demo_again_puts_back_only_a_bid_that_went_missing(session):
    load_demo(session, SCHEMES_DIR, DEMO_DIR)
    before = snapshot()
    session.delete(session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one())
    session.commit()

    assert load_demo(session, SCHEMES_DIR, DEMO_DIR) == ["bid SWI-17"]

    after = snapshot()
    assert after["bids"]["SWI-17"][0] == before["bids"]["SWI-17"][0]
    assert {k: v for k, v in after["bids"].items() if k != "SWI-17"} == {
        k: v for k, v in before["bids"].items() if k != "SWI-17"
    }


@pytest.fixture
def command_apps(monkeypatch):
    """Keep hold of the applications the commands build, to close their database connections after."""
    built = []

    def create_and_keep(config=None):
        built.append(create_app(config))
        return built[-1]

    monkeypatch.setattr(cli, "create_app", create_and_keep)
    yield built
    for app in built:
        with app.app_context():
            db.engine().dispose()


def test_the_demo_command_loads_the_round_and_running_it_again_changes_nothing(
    app, database_url, monkeypatch, command_apps
):
    # The command builds its own application, so it finds the test database through the environment;
    # the `app` fixture empties the tables afterwards.
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    runner = CliRunner()

    first = runner.invoke(cli.main, ["demo"], catch_exceptions=False)
    with app.app_context():
        loaded = snapshot()
    second = runner.invoke(cli.main, ["demo"], catch_exceptions=False)

    assert len(command_apps) == 2
    assert all(built.config["DATABASE_URL"] == database_url for built in command_apps)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Demo loaded: added scheme fire-transformation-2015, ")
    assert "round tca-2013, " in first.output
    assert all(f"bid {reference}" in first.output for reference in DEMO_REFERENCES)
    assert "Demo scores loaded: 185 scores" in first.output and len(loaded["scores"]) == 185
    assert second.exit_code == 0
    assert second.output.startswith("The demo round is already loaded.\n")
    assert "Demo scores loaded" not in second.output
    assert "Demo sign-ins, FOR LOCAL USE ONLY" in second.output
    with app.app_context():
        assert snapshot() == loaded
    # The command adds a council's draft beside the 18 winning bids, so that the demo shows one.
    assert "bid SWI-50." in first.output
    assert sorted(loaded["bids"]) == sorted([*DEMO_REFERENCES, "SWI-50"])
    assert loaded["bids"]["SWI-50"][1] == "draft"
    assert {loaded["bids"][r][1] for r in DEMO_REFERENCES} == {"submitted"}
