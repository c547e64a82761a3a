"""A round's organisation aliases: the names that are one organisation, for conflicts of interest."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.errors import InvalidInput
from bidtool.core.organisations import format_aliases
from bidtool.forms import AliasesForm
from bidtool.services import conflicts, rounds
from bidtool.web.auth import requires

blueprint = Blueprint("aliases", __name__)


@blueprint.route("/rounds/<round_ref>/aliases", methods=["GET", "POST"])
@requires(Action.EDIT_ALIASES)
def edit(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form = AliasesForm(data={"aliases": format_aliases(round_row.aliases)})
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            ended = conflicts.save_aliases(db.session(), current_user.id, round_ref, form.aliases.data)
        except InvalidInput as error:
            # The field (and the summary) shows one message; the page lists every line's problem.
            problems = [str(problem) for problem in error.problems]
            form.aliases.errors.append(
                problems[0] if len(problems) == 1 else f"{len(problems)} lines need putting right"
            )
        else:
            flash("The organisation aliases are saved", "success")
            if ended:
                flash(
                    f"{ended} assignment{'s' if ended != 1 else ''} ended: the assessor now has a conflict "
                    "of interest (see the history of the bid)"
                )
            return redirect(url_for("aliases.edit", round_ref=round_ref))
    return render_template(
        "rounds/aliases.html",
        title=f"Organisation aliases of {round_row.name}",
        round=round_row,
        form=form,
        problems=problems,
    )
