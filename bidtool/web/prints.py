"""PDF downloads: a bid's assessment sheet, a bid's self-check report, and a round's panel pack,
which takes up to a minute and so is printed by a worker while a page shows how far it has got."""

from __future__ import annotations

import io
from fractions import Fraction

from flask import Blueprint, abort, redirect, render_template, send_file, url_for

from bidtool import db, packs, printing
from bidtool.core.access import Action
from bidtool.core.money import round_places
from bidtool.models import utcnow
from bidtool.services import bids, rounds, sheets
from bidtool.web.auth import requires, scope

blueprint = Blueprint("prints", __name__, url_prefix="/rounds/<round_ref>")


def _whole(seconds: float) -> int:
    """Seconds as a whole number, rounded as every figure shown is."""
    return int(round_places(Fraction(seconds), 0))


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@blueprint.get("/bids/<bid_ref>/sheet.pdf")
@requires(Action.READ_ASSESSMENTS)
def sheet(round_ref: str, bid_ref: str):
    found, place = sheets.placed_sheet(db.session(), scope(), round_ref, bid_ref)
    return _pdf(printing.sheet_pdf(found, place, utcnow()), f"{round_ref}-{bid_ref}-assessment-sheet.pdf")


@blueprint.get("/bids/<bid_ref>/self-check.pdf")
@requires(Action.READ_BIDS)
def self_check(round_ref: str, bid_ref: str):
    check = bids.self_check(bids.get_bid(db.session(), scope(), round_ref, bid_ref))
    return _pdf(printing.self_check_pdf(check, utcnow()), f"{round_ref}-{bid_ref}-self-check.pdf")


# The panel pack: asked for by a POST, printed by a worker of the task queue (bidtool.packs),
# followed on a page that refreshes itself, then downloaded.


@blueprint.post("/pack")
@requires(Action.READ_ASSESSMENTS)
def pack(round_ref: str):
    job = packs.start(db.session(), scope(), round_ref)
    return redirect(url_for("prints.pack_job", round_ref=round_ref, job=job))


def _state(round_ref: str, job: str) -> dict:
    return packs.state(round_ref, job) or abort(404)


@blueprint.get("/pack/<job>")
@requires(Action.READ_ASSESSMENTS)
def pack_job(round_ref: str, job: str):
    state = _state(round_ref, job)
    return render_template(
        "prints/pack.html",
        title="Panel pack",
        round=rounds.get_round(db.session(), round_ref),
        job=job,
        state=state,
        waited=_whole((utcnow() - state["started"]).total_seconds()),
    )


@blueprint.get("/pack/<job>.pdf")
@requires(Action.READ_ASSESSMENTS)
def pack_file(round_ref: str, job: str):
    if _state(round_ref, job)["status"] != packs.DONE:
        abort(404)
    return _pdf(packs.pdf(job).read_bytes(), f"{round_ref}-panel-pack.pdf")
