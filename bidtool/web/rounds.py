"""Rounds: the list, a new round, and a round's bids."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.appraisal import VfmCategory
from bidtool.core.bid import BidStatus
from bidtool.core.errors import BidToolError
from bidtool.forms import RoundForm
from bidtool.services import bids, rounds, schemes
from bidtool.web.auth import can, requires, scope
from bidtool.web.filters import UK

blueprint = Blueprint("rounds", __name__)


@blueprint.get("/")
def index():
    return render_template(
        "rounds/index.html",
        title="Rounds",
        rounds=rounds.list_rounds(db.session()),
        counts=bids.visible_counts(db.session(), scope()),
        can_manage=can(Action.MANAGE_ROUNDS),
    )


@blueprint.route("/rounds/new", methods=["GET", "POST"])
@requires(Action.MANAGE_ROUNDS)
def new():
    form = RoundForm()
    form.scheme.choices = [(s.key, s.name) for s in schemes.list_schemes(db.session())]
    if form.validate_on_submit():
        deadline = None
        if form.deadline.data:
            # The end of the deadline day in UK time, kept in UTC.
            deadline = datetime.combine(form.deadline.data + timedelta(days=1), time(), UK)
        new_round = rounds.NewRound(
            form.reference.data.strip(), form.name.data.strip(), form.scheme.data, form.pot.data, deadline
        )
        try:
            created = rounds.create_round(db.session(), new_round)
        except BidToolError as error:
            form.reference.errors.append(str(error))
        else:
            flash(f"Round {created.reference} created", "success")
            return redirect(url_for("rounds.show", round_ref=created.reference))
    return render_template("rounds/new.html", title="Create a round", form=form)


@blueprint.get("/rounds/<round_ref>")
def show(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    args = request.args
    chosen = bids.BidFilter(
        sort=args.get("sort", "reference"),
        descending=args.get("order") == "descending",
        status=args.get("status") or None,
        vfm=args.get("vfm") or None,
        text=args.get("q", "")[:100],
    )
    listing = bids.bid_list(db.session(), scope(), round_row, chosen)
    return render_template(
        "rounds/show.html",
        title=round_row.name,
        round=round_row,
        is_open=rounds.is_open(round_row),
        listing=listing,
        chosen=chosen,
        sorts=bids.SORTS,
        statuses=[s.value for s in BidStatus],
        vfm_labels=[c.label for c in VfmCategory] + ["n/a"],
        can_write=can(Action.WRITE_BIDS),
        can_upload=can(Action.UPLOAD_BIDS),
    )
