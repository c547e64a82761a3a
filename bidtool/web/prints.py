"""PDF downloads: a bid's assessment sheet, a bid's self-check report, and a round's panel pack,
which takes up to a minute and so is printed in the background while a page shows how it goes."""

from __future__ import annotations

import io
import json
import re
import secrets
import threading
import time
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, send_file, url_for

from bidtool import db, printing
from bidtool.core.access import Action
from bidtool.core.money import round_places
from bidtool.models import utcnow
from bidtool.services import Scope, bids, rounds, sheets
from bidtool.web.auth import requires, scope

blueprint = Blueprint("prints", __name__, url_prefix="/rounds/<round_ref>")
JOB = re.compile(r"[0-9a-f]{16}")
GIVEN_UP_AFTER = timedelta(minutes=15)  # a print still unfinished by then was interrupted
KEPT_FOR = timedelta(days=1)
SECONDS_A_BID = 0.4  # the tagged pack, measured by bench/pdf_pack.py


def _whole(seconds: float) -> int:
    """Seconds as a whole number, rounded as every figure shown is."""
    return int(round_places(Fraction(seconds), 0))


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@blueprint.get("/bids/<bid_ref>/sheet.pdf")
@requires(Action.READ_ASSESSMENTS)
def sheet(round_ref: str, bid_ref: str):
    found = sheets.bid_sheet(db.session(), scope(), round_ref, bid_ref)
    return _pdf(printing.sheet_pdf(found, utcnow()), f"{round_ref}-{bid_ref}-assessment-sheet.pdf")


@blueprint.get("/bids/<bid_ref>/self-check.pdf")
@requires(Action.READ_BIDS)
def self_check(round_ref: str, bid_ref: str):
    check = bids.self_check(bids.get_bid(db.session(), scope(), round_ref, bid_ref))
    return _pdf(printing.self_check_pdf(check, utcnow()), f"{round_ref}-{bid_ref}-self-check.pdf")


# The panel pack: started by a POST, printed by a thread (in one process, so that it is tagged
# PDF/UA), followed on a page that refreshes itself, then downloaded. Its state is a file beside
# the PDF, so that any process of the server can answer for it.


def _folder() -> Path:
    folder = Path(current_app.config["PRINTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_state(folder: Path, job: str, state: dict) -> None:
    part = folder / f"{job}.json.part"
    part.write_text(json.dumps(state))
    part.replace(folder / f"{job}.json")


def _state(round_ref: str, job: str) -> dict:
    """A print job of this round, or 404; one unfinished for too long is reported as interrupted."""
    path = _folder() / f"{job}.json"
    if not JOB.fullmatch(job) or not path.is_file():
        abort(404)
    state = json.loads(path.read_text())
    if state["round"] != round_ref:
        abort(404)
    started = datetime.fromisoformat(state["started"])
    if state["status"] == "printing" and utcnow() - started > GIVEN_UP_AFTER:
        state["status"] = "failed"
    return state | {"started": started}


def _tidy(folder: Path) -> None:
    """Remove the prints of earlier days."""
    for path in folder.iterdir():
        if time.time() - path.stat().st_mtime > KEPT_FOR.total_seconds():
            path.unlink(missing_ok=True)


@blueprint.post("/pack")
@requires(Action.READ_ASSESSMENTS)
def pack(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    folder = _folder()
    _tidy(folder)
    job = secrets.token_hex(8)
    state = {"round": round_row.reference, "started": utcnow().isoformat(), "status": "printing"}
    _save_state(folder, job, state)
    app = current_app._get_current_object()
    threading.Thread(target=_print_pack, args=(app, scope(), folder, job, state), daemon=True).start()
    return redirect(url_for("prints.pack_job", round_ref=round_ref, job=job))


def _print_pack(app: Flask, who: Scope, folder: Path, job: str, state: dict) -> None:
    round_ref = state["round"]
    with app.app_context():
        started = time.monotonic()
        try:
            data = printing.pack_pdf(sheets.round_pack(db.session(), who, round_ref), utcnow())
        except Exception:  # whatever went wrong, the job's page says the print failed
            app.logger.exception("The panel pack of %s could not be printed", round_ref)
            state["status"] = "failed"
        else:
            part = folder / f"{job}.pdf.part"
            part.write_bytes(data)
            part.replace(folder / f"{job}.pdf")
            state |= {"status": "done", "seconds": _whole(time.monotonic() - started)}
        _save_state(folder, job, state)


@blueprint.get("/pack/<job>")
@requires(Action.READ_ASSESSMENTS)
def pack_job(round_ref: str, job: str):
    round_row = rounds.get_round(db.session(), round_ref)
    state = _state(round_ref, job)
    return render_template(
        "prints/pack.html",
        title="Panel pack",
        round=round_row,
        job=job,
        state=state,
        elapsed=_whole((utcnow() - state["started"]).total_seconds()),
        expected=_whole(len(round_row.bids) * SECONDS_A_BID),
    )


@blueprint.get("/pack/<job>.pdf")
@requires(Action.READ_ASSESSMENTS)
def pack_file(round_ref: str, job: str):
    if _state(round_ref, job)["status"] != "done":
        abort(404)
    return _pdf((_folder() / f"{job}.pdf").read_bytes(), f"{round_ref}-panel-pack.pdf")
