"""The panel pack on the task queue: a real worker process, one print of a round at a time,
asking again joins or serves again, progress counted in sheets and pages, a folder safe to share."""

import re
import threading
import time

import pytest
from sqlmodel import select

from bidtool import create_app, packs, printing
from bidtool.models import BidRow, ConflictRow, RoundRow, UserRow
from bidtool.services import EVERYONE, Scope
from bidtool.services.sheets import pack_key, round_pack, summary_key
from tests.conftest import RequestClient, task_worker
from tests.pdfs import is_tagged_pdf_ua

ROUND = "tca-2013"


def test_the_tidy_up_of_the_print_folder_survives_other_prints_writing_beside_it(tmp_path):
    """Two prints at once: one tidies the folder while the other renames its state files in it."""
    app = create_app({"PRINTS_DIR": str(tmp_path), "SECRET_KEY": "tests", "HUEY_IMMEDIATE": True})
    stop = threading.Event()

    def printing(job: str) -> None:
        with app.app_context():
            while not stop.is_set():
                packs._save(packs.folder(), job, {"status": packs.PRINTING})

    writers = [threading.Thread(target=printing, args=(f"{n:016x}",)) for n in range(2)]
    for writer in writers:
        writer.start()
    try:
        with app.app_context():
            for _ in range(2000):
                packs._tidy(packs.folder(), packs.KEPT_FOR)
    finally:
        stop.set()
        for writer in writers:
            writer.join()


def test_the_pack_key_changes_with_what_a_pack_prints_and_only_then(scored, session, people):
    def key(scope: Scope = EVERYONE) -> str:
        return pack_key(round_pack(session, scope, ROUND))

    before = key()
    assert key() == before
    session.add(UserRow(email="new@tests.bidtool.test", password_hash="x", role="panel"))
    session.commit()
    assert key() == before  # a new user prints nowhere
    round_row = session.exec(select(RoundRow).where(RoundRow.reference == ROUND)).one()
    round_row.pot_pence += 100
    session.commit()
    after_pot = key()
    assert after_pot != before  # the funding line moves
    bid = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    session.add(ConflictRow(bid_id=bid.id, assessor_id=people["lead"], reason="Used to work there"))
    session.commit()
    assert key() != after_pot
    assert key(Scope(organisation="Swindon Borough Council")) != key()  # fewer sheets


@pytest.fixture
def queued(app_config, tmp_path):
    """An application of its own on a real queue with a worker (the `app` fixture's runs tasks at once)."""
    with task_worker(app_config, tmp_path) as config:
        app = create_app(config)
        app.test_client_class = RequestClient
        yield app
        app.extensions["bidtool.engine"].dispose()


def summary_keys(app, session) -> set[str]:
    with app.app_context():
        pack = round_pack(session, EVERYONE, ROUND)
        return {summary_key(pack, part) for part in printing.SUMMARY_PARTS}


PROGRESS = re.compile(r'data-testid="progress">([^<]*)<')


def _follow(client, page: str, seen: list[str]) -> str:
    """Read the job's page until the pack is ready, keeping each progress line shown."""
    for _ in range(1200):
        html = client.get(page).get_data(as_text=True)
        seen.append(" ".join(PROGRESS.search(html).group(1).split()))
        if "The panel pack is ready" in html:
            return html
        assert "Printing the panel pack" in html, html
        time.sleep(0.2)
    raise AssertionError(f"still printing: {seen[-1]}")


def test_a_worker_binds_one_pack_of_a_round_at_a_time_and_asking_again_joins_or_serves_again(
    queued, scored, session, people, tmp_path
):
    app = queued
    lead = app.test_client()
    assert (
        lead.post(
            "/sign-in", data={"email": "lead@tests.bidtool.test", "password": "correct horse battery staple"}
        ).status_code
        == 302
    )
    first = lead.post(f"/rounds/{ROUND}/pack").headers["Location"]
    assert lead.post(f"/rounds/{ROUND}/pack").headers["Location"] == first  # queued or binding: joined
    summary_before = summary_keys(app, session)
    bid = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    session.add(ConflictRow(bid_id=bid.id, assessor_id=people["lead"], reason="Used to work there"))
    session.commit()
    summary_changed = len(summary_keys(app, session) - summary_before)
    second = lead.post(f"/rounds/{ROUND}/pack").headers["Location"]
    assert second != first  # its inputs changed: another pack
    seen_first, seen_second = [], []
    _follow(lead, first, seen_first)
    _follow(lead, second, seen_second)

    with app.app_context():
        states = [packs.state(ROUND, page.rsplit("/", 1)[1]) for page in (first, second)]
        kept = {path.name for path in packs.parts_folder().glob("*.pdf")}
    # One pack of the round at a time (PRINTS_PER_ROUND=1), though the worker runs two tasks at once.
    spans = sorted((s["began"], s["finished"]) for s in states)
    assert spans[0][1] <= spans[1][0]
    log = (tmp_path / "worker.log").read_text()
    assert "raised RetryTask" in log  # the second one waited its turn
    assert "weasyprint" not in log  # the printer's steps are not the operator's business
    # Progress is counted in sheets ready, up to all 18, then the binding.
    shown = " | ".join(seen_first)
    ready = [int(n) for n in re.findall(r"Sheets ready: (\d+) of 18", shown)]
    assert ready == sorted(ready) and "All 18 sheets ready. Binding the pack." in shown + " | ".join(
        seen_second
    )
    # Each part was printed once: 18 sheets and the summary's two parts, then SWI-17's again and
    # whichever part of the summary the conflict changed; unless the first pack began after the
    # conflict was saved, and so printed what the second does.
    first_job, second_job = (page.rsplit("/", 1)[1] for page in (first, second))
    assert states[1]["printed"] == second_job
    again_printed = 1 + summary_changed if states[0]["printed"] == first_job else 0
    assert len(kept) == 18 + 2 + again_printed

    # Asked again with nothing changed: the pack done is served again, at once.
    again = lead.post(f"/rounds/{ROUND}/pack").headers["Location"]
    assert again == second
    assert "The panel pack is ready" in lead.get(again).get_data(as_text=True)
    assert is_tagged_pdf_ua(lead.get(f"{again}.pdf").get_data())
