"""Two lead assessors moderating one criterion at once: the database keeps one moderation, and the
lead who is overtaken hears so (Stale), as from any out-of-date page, on SQLite and PostgreSQL."""

import csv
import io
import threading

import openpyxl
import pytest
from sqlalchemy import delete, event
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.access import Role
from bidtool.models import HistoryRow, ScoreRow
from bidtool.reports import scores_xlsx
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import Entry, Stale, import_scores, round_scores, save_moderation
from bidtool.services.rounds import get_round
from tests.conftest import PASSWORD

ROUND = "tca-2013"
BID = "BMS-01"
TRIES = 50


def moderate(engine, lead: int, score: int, barrier: threading.Barrier, outcomes: list) -> None:
    """Save one moderation in a session of its own, waiting at the barrier between the stale check
    and the commit, so that both leads have passed the check before either writes."""
    with Session(engine, expire_on_commit=False) as session:
        event.listen(session, "before_commit", lambda _: barrier.wait(timeout=30))
        entries = {"value_for_money": Entry("value_for_money", score, f"Lead {lead}")}
        try:
            save_moderation(session, lead, ROUND, BID, entries, {})
        except Stale as stale:
            outcomes.append(("stale", [c.criterion for c in stale.changes]))
        except Exception as error:  # anything else (a raw IntegrityError, say) fails the test below
            outcomes.append(("error", repr(error)))
        else:
            outcomes.append(("saved", lead))


@pytest.fixture
def leads(session, demo) -> tuple[int, int]:
    return tuple(
        create_user(session, NewUser(f"lead-{n}@tests.bidtool.test", Role.LEAD_ASSESSOR), PASSWORD).id
        for n in (1, 2)
    )


def test_two_leads_moderating_one_criterion_at_once_store_one_moderation(session, leads):
    for attempt in range(TRIES):
        barrier = threading.Barrier(2)
        outcomes: list = []
        threads = [
            threading.Thread(target=moderate, args=(db.engine(), lead, score, barrier, outcomes))
            for lead, score in zip(leads, (1, 3), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"], outcomes
        assert ("stale", ["Value for money"]) in outcomes
        session.expire_all()
        stored = session.exec(select(ScoreRow).where(ScoreRow.moderated)).all()
        [winner] = [who for kind, who in outcomes if kind == "saved"]
        assert [(s.assessor_id, s.criterion) for s in stored] == [(winner, "value_for_money")]
        assert len(session.exec(select(HistoryRow).where(HistoryRow.kind == "moderation")).all()) == 1
        if attempt < TRIES - 1:
            session.exec(delete(HistoryRow))
            session.exec(delete(ScoreRow))
            session.commit()
    # The round's scores export, with the one moderation the race left, imports again.
    round_row = get_round(session, ROUND)
    sheet = openpyxl.load_workbook(io.BytesIO(scores_xlsx(round_scores(session, round_row), [])))["Scores"]
    lines = io.StringIO()
    csv.writer(lines).writerows(sheet.values)
    lines.seek(0)
    assert import_scores(session, None, ROUND, lines) == 1
