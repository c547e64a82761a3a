"""PDF downloads: a bid's assessment sheet, a round's panel pack, a bid's self-check report."""

from __future__ import annotations

import io

from flask import Blueprint, send_file

from bidtool import db, printing
from bidtool.core.access import Action
from bidtool.models import utcnow
from bidtool.services import bids, sheets
from bidtool.web.auth import requires, scope

blueprint = Blueprint("prints", __name__, url_prefix="/rounds/<round_ref>")


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@blueprint.get("/pack.pdf")
@requires(Action.READ_ASSESSMENTS)
def pack(round_ref: str):
    # One process, so that the pack is tagged (PDF/UA); the command line prints it in parallel.
    found = sheets.round_pack(db.session(), scope(), round_ref)
    return _pdf(printing.pack_pdf(found, utcnow()), f"{round_ref}-panel-pack.pdf")


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
