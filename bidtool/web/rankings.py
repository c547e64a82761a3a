"""A round's ranking: the table with its funding line, a what-if pot, and the ranking as files."""

from __future__ import annotations

import io

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from bidtool import db, reports
from bidtool.core import wording
from bidtool.core.access import Action
from bidtool.core.money import Pence, to_pounds
from bidtool.core.ranking import RankedBid, Ranking, funding_line
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import CriterionResult, Status
from bidtool.core.summary import ranking_summary
from bidtool.files import plain_number
from bidtool.forms import WhatIfForm
from bidtool.services import assessment, rounds
from bidtool.web.auth import requires

blueprint = Blueprint("rankings", __name__)
ROUND = "/rounds/<round_ref>"
MIMETYPES = {"csv": "text/csv", "xlsx": reports.XLSX_TYPE}


def _what_if() -> tuple[WhatIfForm, Pence | None]:
    """The what-if form as the address sends it, and its pot (None: the round's own pot)."""
    form = WhatIfForm(request.args)
    return form, form.pot.data if form.validate() else None


@blueprint.get(f"{ROUND}/rankings")
@requires(Action.READ_ASSESSMENTS)
def show(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form, pot = _what_if()
    ranking = assessment.rank_round(db.session(), round_ref, pot)
    summary = ranking_summary(ranking)
    scheme = rounds.scheme_of(round_row)
    return render_template(
        "rankings/show.html",
        title=f"Ranking: {round_row.name}",
        round=round_row,
        form=form,
        what_if=pot,
        criteria=scheme.criteria,
        summary=summary,
        rows=_rows(scheme, ranking, summary),
        drafts=assessment.drafts_in(db.session(), round_row),
    )


def _rows(scheme: Scheme, ranking: Ranking, summary: dict) -> list[dict]:
    """The summary's rows with each criterion's score as shown, their funding, and the funding line."""
    line = funding_line(ranking)
    return [
        {
            **row,
            "scores": [_score(ranked.bid.criteria[c.id]) for c in scheme.criteria],
            "funding": _funding_tag(ranked),
            "line_above": row["reference"] == line.above,
            "fits_in_what_is_left": row["reference"] in line.fits_in_what_is_left,
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
    form, pot = _what_if()
    if form.errors:
        # The page says what is wrong with the pot, at the field.
        return redirect(url_for("rankings.show", round_ref=round_ref, pot=form.pot.raw))
    scheme = rounds.scheme_of(round_row)
    summary = ranking_summary(assessment.rank_round(db.session(), round_ref, pot))
    if fmt == "csv":
        data = reports.ranking_csv(scheme, summary).encode()
    else:
        data = reports.ranking_xlsx(scheme, summary)
    name = f"{round_row.reference}-ranking"
    if pot is not None:
        name += f"-what-if-pot-{plain_number(to_pounds(pot))}"
    return send_file(
        io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"{name}.{fmt}"
    )
