"""Bids in and out as files: upload, download, the XLSX template."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.bidtable import COLUMN_GUIDANCE, LAYOUT, REQUIRED_COLUMNS, known_columns
from bidtool.core.errors import BidToolError, InvalidInput
from bidtool.forms import UploadForm
from bidtool.services import rounds, transfer
from bidtool.web.auth import requires, scope

# Routes of a round live under ROUND; the template needs no round, so the blueprint has no prefix.
blueprint = Blueprint("files", __name__)
ROUND = "/rounds/<round_ref>"
# A page lists at most this many problems (a file of junk can have thousands), and a flash names
# at most this many bids (it travels in the session cookie).
MAX_PROBLEMS_SHOWN = 500
MAX_NAMED = 20


def _file_name(name: str | None) -> str:
    """The name of an uploaded file without any folder, as people know it."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:100] or "upload"


def _named(names: list[str]) -> str:
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return ", ".join(names[:MAX_NAMED]) + more


def _count(count: int, thing: str) -> str:
    return f"{count} {thing}{'s' if count != 1 else ''}"


def _drafted(drafted: list[transfer.Drafted]) -> str:
    named = _named([f"{d.reference} ({_count(len(d.errors), 'error')})" for d in drafted])
    return (
        f"{_count(len(drafted), 'bid')} given as submitted arrived as drafts, because the self-check finds "
        f"errors that stop a bid being submitted: {named}. Open each bid's self-check to see them."
    )


@blueprint.route(f"{ROUND}/upload", methods=["GET", "POST"])
@requires(Action.UPLOAD_BIDS)
def upload(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        uploads = [(_file_name(f.filename), f.read()) for f in form.files.data if f]
        try:
            added = transfer.import_bids(db.session(), scope(), round_ref, uploads)
        except InvalidInput as error:
            problems = [str(problem) for problem in error.problems]
        except BidToolError as error:
            problems = [str(error)]
        else:
            flash(f"{_count(len(added.references), 'bid')} uploaded: {_named(added.references)}", "success")
            if added.drafted:
                flash(_drafted(added.drafted))
            return redirect(url_for("rounds.show", round_ref=round_ref))
    return render_template(
        "files/upload.html",
        title="Upload bids",
        form=form,
        round=round_row,
        # Each problem is text that the error summary escapes; it may quote what the file says.
        problems=[{"text": problem, "href": "#files"} for problem in problems[:MAX_PROBLEMS_SHOWN]],
        not_shown=max(0, len(problems) - MAX_PROBLEMS_SHOWN),
        total_problems=len(problems),
        layout=LAYOUT,
        guidance=[(column, COLUMN_GUIDANCE[column]) for column in known_columns()],
        required=REQUIRED_COLUMNS,
    )


@blueprint.get(f"{ROUND}/export")
def export(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    return render_template("files/export.html", title="Download bids", round=round_row)


@blueprint.get(f"{ROUND}/export.<any(json, csv, xlsx):fmt>")
def download(round_ref: str, fmt: str):
    name, mimetype, data = transfer.export_bids(db.session(), scope(), round_ref, fmt)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@blueprint.get("/bids-template.xlsx")
def template():
    name, mimetype, data = transfer.bids_template()
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
