"""Requests that meet: two identical uploads at once, a save meeting a long write."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import text

from bidtool import db
from bidtool.services.rounds import NewRound, create_round
from tests.samples import bid_data
from tests.web.test_bid_files import stored, upload

TRIES = 20


@pytest.fixture
def empty_round(session, demo) -> str:
    create_round(session, NewRound("empty", "An empty round", "tca", 100_000_000))
    return "empty"


def at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        start.wait()
        try:
            results[i] = call()
        except Exception as error:  # the test reports it, as a 500 would be
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_identical_uploads_at_once_add_the_bid_once_and_tell_the_other_it_is_already_there(
    sign_in, session, empty_round
):
    first, second = sign_in("admin"), sign_in("admin")
    for n in range(TRIES):
        data = json.dumps(bid_data(reference=f"SAME-{n}")).encode()
        results = at_once(
            lambda c=first, d=data: upload(c, empty_round, ("bid.json", d)),
            lambda c=second, d=data: upload(c, empty_round, ("bid.json", d)),
        )
        assert not [r for r in results if isinstance(r, Exception)], f"try {n}: {results}"
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 302], f"try {n}: {statuses}"
        refused = next(r for r in results if r.status_code == 200)
        assert "already has a bid with" in refused.text
    assert stored(session, empty_round) == sorted(f"SAME-{n}" for n in range(TRIES))


def test_sqlite_lets_readers_read_while_a_write_is_open_and_makes_a_save_wait_for_it(app, session, demo):
    engine = db.engine()
    if engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's locking only")
    held = threading.Event()

    def long_import():
        # A write held for longer than Python's default wait of 5 seconds.
        with engine.begin() as connection:
            connection.execute(text("UPDATE round SET name = 'Being imported' WHERE reference = 'tca-2013'"))
            held.set()
            time.sleep(6)

    writer = threading.Thread(target=long_import)
    writer.start()
    assert held.wait(10)
    with engine.connect() as reader:
        assert reader.execute(text("SELECT count(*) FROM bid")).scalar() == 18
    create_round(session, NewRound("saved", "Saved while an import was running", "tca", 0))
    writer.join()
    names = session.exec(text("SELECT reference, name FROM round ORDER BY reference")).all()
    assert [tuple(n) for n in names] == [
        ("saved", "Saved while an import was running"),
        ("tca-2013", "Being imported"),
    ]
