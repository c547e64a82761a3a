"""Bids in and out as files: upload, download, the XLSX template."""

from __future__ import annotations

from flask import Blueprint, abort

blueprint = Blueprint("files", __name__, url_prefix="/rounds/<round_ref>")


@blueprint.route("/upload", methods=["GET", "POST"])
def upload(round_ref: str):
    abort(501)


@blueprint.get("/export")
def export(round_ref: str):
    abort(501)
