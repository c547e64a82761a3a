"""The panel pack, printed in the background: asked for by a request, printed by a worker of the
task queue, and followed through a state file beside the PDF in the print folder (shared by every
process and machine that serves or prints). A print is known by the digest of what it prints, so
asking again for one queued or printing joins it, and one done is served again until its inputs
change."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlmodel import Session

from bidtool import db, printing, tasks
from bidtool.models import utcnow
from bidtool.services import Scope, rounds, sheets

JOB = re.compile(r"[0-9a-f]{16}")
GIVEN_UP_AFTER = timedelta(minutes=15)  # a print not heard from for so long was interrupted
KEPT_FOR = timedelta(days=1)
QUEUED, PRINTING, DONE, FAILED = "queued", "printing", "done", "failed"


def init_app(app: Flask) -> None:
    @tasks.queue(app).task(name="print_pack")
    def print_pack(who: Scope, round_ref: str, job: str) -> None:
        with app.app_context():
            _print(who, round_ref, job)

    app.extensions["bidtool.print_pack"] = print_pack


def folder() -> Path:
    where = Path(current_app.config["PRINTS_DIR"])
    where.mkdir(parents=True, exist_ok=True)
    return where


def start(session: Session, who: Scope, round_ref: str) -> str:
    """Queue the print of a round's pack as `who` sees it, unless the same print is already
    queued, printing or done; the job's id either way."""
    round_row = rounds.get_round(session, round_ref)
    job = sheets.print_key(session, who, round_row.reference)[:16]
    where = folder()
    _tidy(where)
    now = utcnow().isoformat()
    fresh = {"round": round_row.reference, "status": QUEUED, "started": now, "updated": now}
    if not _claim(where, job, fresh):
        if (state(round_row.reference, job) or {}).get("status") in {QUEUED, PRINTING, DONE}:
            return job
        _save(where, job, fresh)  # it failed, was interrupted or was tidied away: print it again
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
    """Print a queued job in this worker, when one of the round's slots is free (else it waits)."""
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
        job_state |= {"status": PRINTING, "began": utcnow().isoformat(), "stage": "sheets", "done": 0}

        def progress(stage: str, done: int) -> None:
            job_state.update(stage=stage, done=done, updated=utcnow().isoformat())
            _save(where, job, job_state)

        try:
            pack = sheets.round_pack(db.session(), who, round_ref)
            job_state["sheets"] = len(pack.sheets)
            progress("sheets", 0)
            data = printing.pack_pdf(pack, utcnow(), progress)
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


def _claim(where: Path, job: str, job_state: dict) -> bool:
    """Create the job's state file unless it exists, at once (two asks at once: one claims)."""
    part = _part(where, f"{job}.json", json.dumps(job_state).encode())
    try:
        os.link(part, where / f"{job}.json")
    except FileExistsError:
        return False
    finally:
        part.unlink()
    return True


def _tidy(where: Path) -> None:
    """Remove the prints of earlier days. Other prints write and rename files meanwhile, so a file
    listed may be gone by the time it is looked at."""
    for path in where.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if time.time() - path.stat().st_mtime > KEPT_FOR.total_seconds():
                path.unlink(missing_ok=True)
