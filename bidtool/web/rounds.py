"""Rounds: the list, a new round, changing one, and a round's bids."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.appraisal import VfmCategory
from bidtool.core.bid import BidStatus
from bidtool.core.deadlines import deadline_day, end_of_day
from bidtool.core.errors import BidToolError
from bidtool.forms import RoundChangeForm, RoundForm
from bidtool.services import assessment, bids, rounds, schemes
from bidtool.web.auth import can, requires, scope

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
    form.scheme.choices = [("", "Choose a scheme")] + [
        (s.key, s.name) for s in schemes.list_schemes(db.session())
    ]
    if form.validate_on_submit():
        new_round = rounds.NewRound(
            form.reference.data.strip(),
            form.name.data.strip(),
            form.scheme.data,
            form.pot.data,
            _deadline(form),
        )
        try:
            created = rounds.create_round(db.session(), new_round)
        except BidToolError as error:
            form.reference.errors.append(str(error))
        else:
            flash(f"Round {created.reference} created", "success")
            return redirect(url_for("rounds.show", round_ref=created.reference))
    return render_template("rounds/new.html", title="Create a round", form=form)


def _deadline(form: RoundForm | RoundChangeForm) -> datetime | None:
    """The end of the day typed, in UK time."""
    return end_of_day(form.deadline.data) if form.deadline.data else None


@blueprint.route("/rounds/<round_ref>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_ROUNDS)
def edit(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form = RoundChangeForm(
        data={
            "name": round_row.name,
            "pot": round_row.pot_pence,
            "deadline": deadline_day(round_row.deadline) if round_row.deadline else None,
        }
    )
    if form.validate_on_submit():
        change = rounds.RoundChange(form.name.data, form.pot.data, _deadline(form))
        changed = rounds.change_round(db.session(), current_user.id, round_ref, change)
        if changed:
            named = [subject.lower() for subject in changed]
            listed = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
            flash(f"The round's {listed} {'have' if len(named) > 1 else 'has'} been changed", "success")
        else:
            flash("Nothing was changed: the round is as it was")
        return redirect(url_for("rounds.show", round_ref=round_ref))
    return render_template("rounds/edit.html", title=f"Change {round_row.name}", form=form, round=round_row)


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
        can_manage=can(Action.MANAGE_ROUNDS),
        events=assessment.history(db.session(), round_row, only_round=True)
        if can(Action.MANAGE_ROUNDS) or can(Action.READ_ASSESSMENTS)
        else None,
    )
