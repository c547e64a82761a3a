"""The panel pack, printed ahead and bound in seconds.

Every bid's sheet (and each round's ranked summary) is printed once and kept in the print folder
under a key computed from everything it prints (bidtool.services.sheets.sheet_key). Whenever a
commit changes what a round prints, a task of the queue prints that round's missing sheets again
(one task per round at a time). A pack is bound from the kept parts; any part missing, because its
key has changed since, is printed first, so a stale sheet is never bound: the key proves it.

A pack asked for on the web is bound by a worker of the task queue and followed through a state
file beside the PDF (shared by every process and machine that serves or prints). A pack is known
by the key of what it prints, so asking again for one queued or binding joins it, and one done is
served again until its inputs change.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from bidtool import db, printing, tasks
from bidtool.models import BidRow, RoundRow, utcnow
from bidtool.services import EVERYONE, Scope, rounds, sheets

JOB = re.compile(r"[0-9a-f]{16}")
GIVEN_UP_AFTER = timedelta(minutes=15)  # a print not heard from for so long was interrupted
KEPT_FOR = timedelta(days=1)  # a pack
PART_KEPT_FOR = timedelta(days=30)  # a sheet or summary not bound into any pack for so long
CLAIM_HELD_FOR = timedelta(minutes=2)  # a sheet prints in a second: a claim this old was abandoned
QUEUED, PRINTING, DONE, FAILED = "queued", "printing", "done", "failed"


def init_app(app: Flask) -> None:
    huey = tasks.queue(app)

    @huey.task(name="print_pack")
    def print_pack(who: Scope, round_ref: str, job: str) -> None:
        with app.app_context():
            _print(who, round_ref, job)

    @huey.task(name="print_sheets")
    def print_sheets(round_id: int | None) -> None:
        with app.app_context():
            huey.delete(_asked(round_id))  # a commit from now on asks again
            print_ahead(db.session(), round_id)

    app.extensions["bidtool.print_pack"] = print_pack
    app.extensions["bidtool.print_sheets"] = print_sheets


def folder() -> Path:
    where = Path(current_app.config["PRINTS_DIR"])
    where.mkdir(parents=True, exist_ok=True)
    return where


def parts_folder() -> Path:
    where = folder() / "parts"
    where.mkdir(exist_ok=True)
    return where


# Printing ahead: a commit that changes what a round prints asks for its sheets to be printed.

EVERY_ROUND = None
# Tables and columns that no sheet or summary prints: a change to them asks for nothing. A change
# to any other table whose round cannot be told asks for every round's sheets to be checked.
UNPRINTED = {"sign_in_attempt": None, "user_account": {"password_hash", "session_version", "created_at"}}


@event.listens_for(OrmSession, "after_flush")
def _note_changes(session: OrmSession, _context) -> None:
    changed = session.info.setdefault("bidtool.rounds_changed", set())
    bids = set()
    for row in (*session.new, *session.dirty, *session.deleted):
        table = getattr(row, "__tablename__", None)
        if table in UNPRINTED and (UNPRINTED[table] is None or _only_changed(row, UNPRINTED[table])):
            continue
        if isinstance(row, RoundRow):
            changed.add(row.id)
        elif hasattr(row, "round_id"):
            changed.add(row.round_id)
        elif hasattr(row, "bid_id"):
            bids.add(row.bid_id)
        else:
            changed.add(EVERY_ROUND)
    if bids:
        changed.update(session.connection().scalars(select(BidRow.round_id).where(BidRow.id.in_(bids))))


def _only_changed(row, columns: set[str]) -> bool:
    state = inspect(row)
    return not state.deleted and all(
        name in columns for name, attribute in state.attrs.items() if attribute.history.has_changes()
    )


@event.listens_for(OrmSession, "after_commit")
def _ask_for_sheets(session: OrmSession) -> None:
    changed = session.info.pop("bidtool.rounds_changed", set())
    if not (changed and has_app_context() and current_app.config["PRINT_AHEAD"]):
        return
    try:
        for round_id in [EVERY_ROUND] if EVERY_ROUND in changed else sorted(changed):
            ask_for_sheets(round_id)
    except Exception:  # what was committed stands; a pack prints whatever sheet was not printed ahead
        current_app.logger.exception("The sheets of rounds %s could not be queued for printing", changed)


@event.listens_for(OrmSession, "after_rollback")
def _forget_changes(session: OrmSession) -> None:
    session.info.pop("bidtool.rounds_changed", None)


def ask_for_sheets(round_id: int | None) -> None:
    """Queue the printing of a round's (or every round's) missing sheets, unless it is queued."""
    if tasks.once(tasks.queue(), _asked(round_id), GIVEN_UP_AFTER.total_seconds()):
        current_app.extensions["bidtool.print_sheets"](round_id)


def _asked(round_id: int | None) -> str:
    return f"print-sheets:{'all' if round_id is None else round_id}"


def print_ahead(session: Session, round_id: int | None) -> None:
    """Print whatever sheets and summaries of a round (or of every round) are not kept."""
    query = (
        select(RoundRow.reference) if round_id is None else select(RoundRow.reference).filter_by(id=round_id)
    )
    for round_ref in session.scalars(query):
        pack = sheets.round_pack(session, EVERYONE, round_ref)
        _print_parts(parts_of(pack), lambda kept: None)


# Printed parts, kept by key.


def parts_of(pack: sheets.Pack) -> dict[str, Callable[[], bytes]]:
    """The parts a pack is bound from besides its front, by key, each with how to print it: the
    summary's parts, then the sheets in rank order."""
    return {
        **{
            sheets.summary_key(pack, part): partial(printing.summary_part, pack, part)
            for part in printing.SUMMARY_PARTS
        },
        **{sheets.sheet_key(s): partial(printing.sheet_part, s) for s in pack.sheets},
    }


def _sheet_keys(parts: dict[str, Callable[[], bytes]]) -> list[str]:
    return list(parts)[len(printing.SUMMARY_PARTS) :]


def _kept(key: str) -> Path:
    return parts_folder() / f"{key}.pdf"


def _print_parts(parts: dict[str, Callable[[], bytes]], progress: Callable[[set[str]], None]) -> None:
    """Make sure every part is kept: print those no one is printing, then wait for the others
    (a claim held too long is taken over). `progress` is told the keys of the parts kept."""
    kept = {key for key in parts if _kept(key).is_file()}
    progress(kept)
    while len(kept) < len(parts):
        for key, make in parts.items():
            if key not in kept and (_kept(key).is_file() or _print_part(key, make)):
                kept.add(key)
                progress(kept)
        if len(kept) < len(parts):
            time.sleep(0.1)


def _print_part(key: str, make: Callable[[], bytes]) -> bool:
    """Print a part unless another process is printing it; whether it is kept now."""
    where = parts_folder()
    claim = where / f"{key}.claim"
    if not _claim(where, claim.name, b"") and not _took_over(claim):
        return False
    try:
        if not _kept(key).is_file():
            _write(where, f"{key}.pdf", make())
    finally:
        claim.unlink(missing_ok=True)
    return True


def _took_over(claim: Path) -> bool:
    """Take over a claim held too long (its printer died), if it is still there."""
    with contextlib.suppress(FileNotFoundError):
        if time.time() - claim.stat().st_mtime > CLAIM_HELD_FOR.total_seconds():
            claim.unlink(missing_ok=True)
            return _claim(claim.parent, claim.name, b"")
    return False


def _read(key: str) -> bytes:
    path = _kept(key)
    os.utime(path)  # bound today: kept for as long again
    return path.read_bytes()


# How far a pack has got: told ("sheets", n) as the sheets are kept, n of them so far, then
# ("binding", n) once every part is kept.
Progress = Callable[[str, int], None]


def pack_pdf(
    pack: sheets.Pack,
    generated: datetime,
    progress: Progress = lambda stage, ready: None,
    parts: dict[str, Callable[[], bytes]] | None = None,
) -> bytes:
    """The panel pack bound from the kept parts, printing first whatever part is not kept (or is
    being printed elsewhere: then it waits for it)."""
    parts = parts or parts_of(pack)
    sheet_keys = _sheet_keys(parts)
    _print_parts(parts, lambda kept: progress("sheets", len(kept & set(sheet_keys))))
    progress("binding", len(pack.sheets))
    read = [_read(key) for key in parts]
    summary = len(read) - len(sheet_keys)
    return printing.bound_pack(pack, generated, read[:summary], read[summary:])


def print_in_processes(
    parts: dict[str, Callable[[], bytes]], jobs: int, progress: Callable[[int], None]
) -> int:
    """Print a pack's missing parts (of `parts_of`) on `jobs` processes and keep them (`progress`
    is told of each); how many were printed.

    The processes are forked: they start with the templates, fonts and libraries already loaded.
    Used from the command line only, never inside a threaded web server or a queue's worker.
    """
    global _app
    _app = current_app._get_current_object()
    missing = {key: make for key, make in parts.items() if not _kept(key).is_file()}
    where = parts_folder()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for key, data in zip(missing, pool.map(_in_app, missing.values()), strict=True):
            _write(where, f"{key}.pdf", data)
            progress(1)
    return len(missing)


_app = None  # the application whose templates the forked processes use


def _in_app(make: Callable[[], bytes]) -> bytes:
    with _app.app_context():
        return make()


# Packs asked for on the web.


def start(session: Session, who: Scope, round_ref: str) -> str:
    """Queue the binding of a round's pack as `who` sees it, unless the same pack is already
    queued, binding or done; the job's id either way."""
    round_row = rounds.get_round(session, round_ref)
    job = sheets.pack_key(sheets.round_pack(session, who, round_row.reference))[:16]
    where = folder()
    _tidy(where, KEPT_FOR)
    _tidy(parts_folder(), PART_KEPT_FOR)
    now = utcnow().isoformat()
    fresh = {"round": round_row.reference, "status": QUEUED, "started": now, "updated": now}
    if not _claim(where, f"{job}.json", json.dumps(fresh).encode()):
        found = state(round_row.reference, job) or {}
        if found.get("status") in {QUEUED, PRINTING} or found.get("printed", job) == job:
            return job
        _save(where, job, fresh)  # failed, interrupted, tidied away or printed from newer data: again
    current_app.extensions["bidtool.print_pack"](who, round_row.reference, job)
    return job


def state(round_ref: str, job: str) -> dict | None:
    """A print job of this round as its page shows it; None if there is none. One not heard from
    for too long is reported as failed, and one done whose PDF is gone as not there."""
    path = folder() / f"{job}.json"
    if not JOB.fullmatch(job) or not path.is_file():
        return None
    found = json.loads(path.read_text())
    if found["round"] != round_ref or (found["status"] == DONE and not pdf(job).is_file()):
        return None
    if found["status"] in {QUEUED, PRINTING} and utcnow() - _time(found["updated"]) > GIVEN_UP_AFTER:
        found["status"] = FAILED
    return found | {"started": _time(found["started"])}


def pdf(job: str) -> Path:
    return folder() / f"{job}.pdf"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _print(who: Scope, round_ref: str, job: str) -> None:
    """Bind a queued pack in this worker, when one of the round's slots is free (else it waits)."""
    app = current_app._get_current_object()
    where = folder()
    path = where / f"{job}.json"
    job_state = json.loads(path.read_text()) if path.is_file() else {}
    if job_state.get("status") != QUEUED:
        return  # printed by an earlier ask, or tidied away
    _save(where, job, job_state | {"updated": utcnow().isoformat()})  # still waiting, not lost
    per_round = app.config["PRINTS_PER_ROUND"]
    with tasks.slot(tasks.queue(), f"pack:{round_ref}", per_round, GIVEN_UP_AFTER.total_seconds()):
        began = time.monotonic()
        job_state |= {"status": PRINTING, "began": utcnow().isoformat(), "stage": "sheets", "ready": 0}

        def progress(stage: str, ready: int) -> None:
            if (stage, ready) != (job_state["stage"], job_state["ready"]):
                job_state.update(stage=stage, ready=ready, updated=utcnow().isoformat())
                _save(where, job, job_state)

        try:
            pack = sheets.round_pack(db.session(), who, round_ref)
            parts = parts_of(pack)
            printed = sheets.pack_key(pack, _sheet_keys(parts))[:16]
            job_state |= {"sheets": len(pack.sheets), "printed": printed}
            if sum(not _kept(key).is_file() for key in parts) > 1:  # another worker prints beside this one
                ask_for_sheets(rounds.get_round(db.session(), round_ref).id)
            data = pack_pdf(pack, utcnow(), progress, parts)
        except Exception:  # whatever went wrong, the job's page says the print failed
            app.logger.exception("The panel pack of %s could not be printed", round_ref)
            job_state["status"] = FAILED
        else:
            _write(where, f"{job}.pdf", data)
            job_state |= {"status": DONE, "seconds": round(time.monotonic() - began)}
        job_state |= {"updated": utcnow().isoformat(), "finished": utcnow().isoformat()}
        _save(where, job, job_state)


def _part(where: Path, name: str, data: bytes) -> Path:
    part = where / f"{name}.{secrets.token_hex(4)}.part"  # a name of its own: others may write too
    part.write_bytes(data)
    return part


def _write(where: Path, name: str, data: bytes) -> None:
    """Write a file whole or not at all: any reader sees the old file or the new one."""
    _part(where, name, data).replace(where / name)


def _save(where: Path, job: str, job_state: dict) -> None:
    _write(where, f"{job}.json", json.dumps(job_state).encode())


def _claim(where: Path, name: str, data: bytes) -> bool:
    """Create a file unless it exists, at once (two asks at once: one claims)."""
    part = _part(where, name, data)
    try:
        os.link(part, where / name)
    except FileExistsError:
        return False
    finally:
        part.unlink()
    return True


def _tidy(where: Path, kept_for: timedelta) -> None:
    """Remove the files of a folder unused for `kept_for`. Other prints write and rename files
    meanwhile, so a file listed may be gone by the time it is looked at."""
    for path in where.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and time.time() - path.stat().st_mtime > kept_for.total_seconds():
                path.unlink(missing_ok=True)
