"""A round's ranking: the table with its funding line, the panel's decisions (agreement, calibration,
how sure each rank is, the best portfolio), a what-if pot and weights, the round's settings for its
decisions, and the ranking as files."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from bidtool import db, reports
from bidtool.core import wording
from bidtool.core.access import Action
from bidtool.core.decisions.panel import decisions_summary
from bidtool.core.decisions.portfolio import Objective
from bidtool.core.errors import InvalidInput
from bidtool.core.money import to_pounds
from bidtool.core.ranking import RankedBid, funding_line
from bidtool.core.scoring import CriterionResult, Status
from bidtool.files import plain_number
from bidtool.forms import SettingsForm, ranking_form
from bidtool.services import assessment, decisions, rounds
from bidtool.web.auth import requires

blueprint = Blueprint("rankings", __name__)
ROUND = "/rounds/<round_ref>"
MIMETYPES = {"csv": "text/csv", "xlsx": reports.XLSX_TYPE}


def _asked(round_ref: str):
    """The ranking form as the address sends it, and what it asks for: a what-if pot (None: the
    round's own), what-if weights (empty: the scheme's), and the best portfolio's options."""
    scheme = rounds.scheme_of(rounds.get_round(db.session(), round_ref))
    form = ranking_form(scheme, request.args)
    form.validate()
    pot = None if form.pot.errors else form.pot.data
    weights = {
        c.id: field.data
        for c in scheme.criteria
        if not (field := form[f"weight-{c.id}"]).errors and field.data is not None and field.data != c.weight
    }
    objective = Objective.NPV if form.best.data == Objective.NPV.value else Objective.SCORE
    return form, pot, weights, objective, bool(form.one_per_lead.data)


def _decisions(round_ref: str):
    form, pot, weights, objective, one_per_lead = _asked(round_ref)
    scheme, found = decisions.round_decisions(db.session(), round_ref, pot, weights, objective, one_per_lead)
    return form, pot, weights, scheme, found


def _carried(form, pot, weights) -> tuple[dict, dict]:
    """What the page's links and forms carry on: the what-ifs in force, and the portfolio's options."""
    what_if = {"pot": form.pot.raw} if pot is not None else {}
    what_if |= {f"weight-{key}": form[f"weight-{key}"].raw for key in weights}
    portfolio = {"best": form.best.data} if form.best.data == Objective.NPV.value else {}
    portfolio |= {"one_per_lead": "y"} if form.one_per_lead.data else {}
    return what_if, portfolio


@blueprint.get(f"{ROUND}/rankings")
@requires(Action.READ_ASSESSMENTS)
def show(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form, pot, weights, scheme, found = _decisions(round_ref)
    summary = decisions_summary(found)
    what_if_args, portfolio_args = _carried(form, pot, weights)
    return render_template(
        "rankings/show.html",
        title=f"Ranking: {round_row.name}",
        round=round_row,
        form=form,
        what_if=pot,
        what_if_weights=weights,
        weights_open=bool(weights) or any(form[f"weight-{c.id}"].errors for c in scheme.criteria),
        scheme=scheme,
        criteria=scheme.criteria,
        summary=summary,
        decisions=found,
        rows=_rows(found, summary),
        drafts=assessment.drafts_in(db.session(), round_row),
        what_if_args=what_if_args,
        portfolio_args=portfolio_args,
        asked=what_if_args | portfolio_args,
    )


def _rows(found, summary: dict) -> list[dict]:
    """The summary's rows with each criterion's score as shown, their funding, the funding line,
    and the decisions worded."""
    ranking = found.ranking
    line = funding_line(ranking)
    other = found.raw if found.settings.calibrated else found.calibrated
    return [
        {
            **row,
            "scores": [_score(result) for result in ranked.bid.criteria.values()],
            "funding": _funding_tag(ranked),
            "line_above": row["reference"] == line.above,
            "fits_in_what_is_left": row["reference"] in line.fits_in_what_is_left,
            "other_score": wording.ratio(other[row["reference"]]),
            "chance": wording.probability(found.robustness.funded[row["reference"]]),
            "ranks": wording.rank_range(found.robustness.rank_range[row["reference"]]),
        }
        for ranked, row in zip(ranking.rows, summary["bids"], strict=True)
    ]


def _funding_tag(ranked: RankedBid) -> tuple[str, str]:
    """The tag of the Funding column: its text and colour."""
    if ranked.funded:
        return "Funded", "govuk-tag--green"
    if ranked.bid.status is Status.RANKED:
        return "Does not fit", "govuk-tag--yellow"
    return "Not funded", "govuk-tag--grey"


def _score(result: CriterionResult) -> dict:
    return {
        "text": None if result.score is None else wording.score(result.score),
        "moderated": result.moderated,
        "divergent": result.divergent,
    }


@blueprint.get(f"{ROUND}/rankings.<any(csv, xlsx):fmt>")
@requires(Action.READ_ASSESSMENTS)
def download(round_ref: str, fmt: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form, pot, weights, scheme, found = _decisions(round_ref)
    if form.errors:
        # The page says what is wrong, at the field.
        return redirect(url_for("rankings.show", round_ref=round_ref, **request.args))
    summary = decisions_summary(found)
    if fmt == "csv":
        data = reports.ranking_csv(scheme, summary).encode()
    else:
        data = reports.ranking_xlsx(scheme, summary)
    name = f"{round_row.reference}-ranking"
    if pot is not None:
        name += f"-what-if-pot-{plain_number(to_pounds(pot))}"
    if weights:
        name += "-what-if-weights"
    return send_file(
        io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"{name}.{fmt}"
    )


@blueprint.route(f"{ROUND}/rankings/settings", methods=["GET", "POST"])
@requires(Action.MODERATE)
def settings(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form = SettingsForm(
        data={
            "calibrated": "calibrated" if round_row.calibrated else "raw",
            "concentration": round_row.weight_concentration,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            changed = decisions.change_settings(
                db.session(),
                current_user.id,
                round_ref,
                form.calibrated.data == "calibrated",
                form.concentration.data,
                form.reason.data,
            )
        except InvalidInput as error:
            for problem in error.problems:
                getattr(form, problem.where, form.reason).errors.append(problem.message)
        else:
            flash(f"Changed: {', '.join(changed)}" if changed else "Nothing changed", "success")
            return redirect(url_for("rankings.show", round_ref=round_ref))
    return render_template(
        "rankings/settings.html",
        title=f"Ranking settings: {round_row.name}",
        round=round_row,
        form=form,
        history=[
            event
            for event in assessment.history(db.session(), round_row, only_round=True)
            if event.subject in decisions.SETTINGS
        ],
    )
