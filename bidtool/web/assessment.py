"""Assessment pages: assigning assessors, interests, scoring, moderation, and the scores' export."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.decisions.allocation import NoAssignment
from bidtool.core.errors import InvalidInput
from bidtool.core.scorefile import MAX_JUSTIFICATION
from bidtool.forms import AssignForm, InterestForm, ProposeForm, ReopenForm, scoring_form, seen_versions
from bidtool.reports import scores_xlsx
from bidtool.services import Refused, assessment, bids, decisions, rounds
from bidtool.web.auth import requires

blueprint = Blueprint("assessment", __name__)


@blueprint.get("/assessments")
@requires(Action.SCORE_BIDS)
def mine():
    return render_template(
        "assessment/mine.html",
        title="Your assessments",
        assignments=assessment.my_assessments(db.session(), current_user.id),
    )


@blueprint.route("/rounds/<round_ref>/assessors", methods=["GET", "POST"])
@requires(Action.ASSIGN_ASSESSORS)
def assignments(round_ref: str):
    session = db.session()
    round_row, listed, assessors = assessment.round_assignments(session, round_ref)
    form = AssignForm()
    form.bids.choices = [(b.bid.reference, b.bid.reference) for b in listed]
    form.assessors.choices = [(u.id, u.email) for u in assessors]
    if form.validate_on_submit():
        assigned, refused = assessment.assign(
            session, current_user.id, round_ref, form.bids.data, form.assessors.data
        )
        flash(f"{assigned} assignment{'s' if assigned != 1 else ''} made", "success")
        for message in refused:
            flash(message)
        return redirect(url_for("assessment.assignments", round_ref=round_ref))
    return render_template(
        "assessment/assignments.html",
        title=f"Assessors of {round_row.name}",
        round=round_row,
        listed=listed,
        assessors=assessors,
        form=form,
    )


@blueprint.route("/rounds/<round_ref>/assessors/propose", methods=["GET", "POST"])
@requires(Action.ASSIGN_ASSESSORS)
def propose(round_ref: str):
    """Ask for an automatic assignment (GET, nothing assigned), review it, then make it (POST)."""
    session = db.session()
    if request.method == "POST":
        pairs = [
            (bid, int(user))
            for bid, _, user in (p.rpartition(":") for p in request.form.getlist("pair"))
            if user.isdigit()
        ]
        if not pairs:
            flash("There was no proposal to make")
            return redirect(url_for("assessment.propose", round_ref=round_ref))
        assigned, refused = assessment.assign_pairs(session, current_user.id, round_ref, pairs)
        flash(f"{assigned} assignment{'s' if assigned != 1 else ''} made", "success")
        for message in refused:
            flash(message)
        return redirect(url_for("assessment.assignments", round_ref=round_ref))
    round_row = rounds.get_round(session, round_ref)
    form = ProposeForm(request.args if request.args else None, per_bid=2, min_load=0, max_load=10)
    proposed, impossible = None, []
    if request.args and form.validate():
        try:
            proposed = decisions.propose_assignments(
                session, round_ref, form.per_bid.data, form.min_load.data, form.max_load.data
            )
        except NoAssignment as error:
            impossible = error.reasons
    return render_template(
        "assessment/propose.html",
        title=f"Propose assessors for {round_row.name}",
        round=round_row,
        form=form,
        proposed=proposed,
        impossible=impossible,
    )


@blueprint.post("/rounds/<round_ref>/assessors/remove")
@requires(Action.ASSIGN_ASSESSORS)
def unassign(round_ref: str):
    bid_ref = request.form.get("bid", "")
    assessor = request.form.get("assessor", "")
    try:
        assessment.unassign(
            db.session(), current_user.id, round_ref, bid_ref, int(assessor) if assessor.isdigit() else 0
        )
    except Refused as error:
        flash(str(error))
    else:
        flash(f"Assessor removed from {bid_ref}", "success")
    return redirect(url_for("assessment.assignments", round_ref=round_ref))


@blueprint.route("/rounds/<round_ref>/interests", methods=["GET", "POST"])
@requires(Action.DECLARE_INTERESTS)
def interests(round_ref: str):
    session = db.session()
    round_row = rounds.get_round(session, round_ref)
    declared = assessment.declared_interests(session, current_user.id, round_row)
    taken = {interest.bid.reference for interest in declared}
    form = InterestForm()
    # The GOV.UK select writes its values in lower case, so bids are chosen by their number.
    choosable = {
        str(b.id): b for b in assessment.assessable_bids(session, round_row) if b.reference not in taken
    }
    form.bid.choices = [("", "Choose a bid")] + [
        (key, f"{b.reference}: {b.title} ({b.lead_organisation})") for key, b in choosable.items()
    ]
    if form.validate_on_submit():
        if form.bid.data not in choosable:
            form.bid.errors.append("Choose the bid you have an interest in")
        else:
            reference = choosable[form.bid.data].reference
            try:
                assessment.declare_interest(session, current_user.id, round_ref, reference, form.reason.data)
            except (Refused, InvalidInput) as error:
                form.form_errors.append(str(error))
            else:
                flash(f"Your interest in {reference} is recorded: you will not assess it", "success")
                return redirect(url_for("assessment.interests", round_ref=round_ref))
    return render_template(
        "assessment/interests.html",
        title="Declare an interest",
        round=round_row,
        declared=declared,
        form=form,
    )


@blueprint.post("/rounds/<round_ref>/interests/withdraw")
@requires(Action.DECLARE_INTERESTS)
def withdraw_interest(round_ref: str):
    bid_ref = request.form.get("bid", "")
    try:
        assessment.withdraw_interest(db.session(), current_user.id, round_ref, bid_ref)
    except Refused as error:
        flash(str(error))
    else:
        flash(
            f"Your interest in {bid_ref} is withdrawn. The lead assessor can assign it to you again",
            "success",
        )
    return redirect(url_for("assessment.interests", round_ref=round_ref))


def _entries(scheme, form) -> dict[str, assessment.Entry]:
    return {
        c.id: assessment.Entry(c.id, form[f"{c.id}-score"].data, form[f"{c.id}-justification"].data or "")
        for c in scheme.criteria
    }


def _place(form, error: InvalidInput) -> None:
    """Show each problem at its field (problems are named after the form's fields)."""
    for problem in error.problems:
        field = form._fields.get(problem.where)
        (field.errors if field is not None else form.form_errors).append(problem.message)


def _post(form, closed: str | None, scheme, save, saved: str, again: str):
    """Take a scoring or moderation form: after a save go back to the page; otherwise the changes
    someone else made since the page was built (a stale page), for the page to show."""
    if closed or not form.validate_on_submit():
        return None, []
    try:
        save(_entries(scheme, form), seen_versions(form))
    except assessment.Stale as stale:
        form.versions.data = json.dumps(stale.versions)
        form.form_errors.append(str(stale))
        return None, stale.changes
    except InvalidInput as error:
        _place(form, error)
    except Refused as error:
        form.form_errors.append(str(error))
    else:
        flash(saved, "success")
        return redirect(again), []
    return None, []


def _current(rows) -> dict[str, tuple[int | None, str]]:
    return {c: (r.score, r.justification) for c, r in rows.items()}


@blueprint.route("/rounds/<round_ref>/bids/<bid_ref>/score", methods=["GET", "POST"])
@requires(Action.SCORE_BIDS)
def score(round_ref: str, bid_ref: str):
    session = db.session()
    row = assessment.scoring_bid(session, current_user.id, round_ref, bid_ref)
    check = bids.self_check(row)
    rows = assessment.my_scores(session, row, current_user.id)
    submitted = assessment.progress(check.scheme, rows) is assessment.Progress.SUBMITTED
    form = scoring_form(check.scheme, _current(rows), assessment.versions(rows), moderation=False)
    closed = assessment.why_closed(row) or (
        "You have submitted your assessment: it can no longer change." if submitted else None
    )
    done, changes = _post(
        form,
        closed,
        check.scheme,
        lambda entries, seen: assessment.save_scores(
            session, current_user.id, round_ref, bid_ref, entries, seen, submit=form.submit.data
        ),
        "Your assessment has been submitted" if form.submit.data else "Your scores are saved",
        url_for("assessment.score", round_ref=round_ref, bid_ref=bid_ref),
    )
    if done:
        return done
    return render_template(
        "assessment/score.html",
        title=f"Assess {row.reference}",
        row=row,
        check=check,
        form=form,
        closed=closed,
        changes=changes,
        max_justification=MAX_JUSTIFICATION,
        suggestions={s.criterion: s for s in check.suggestions},
    )


@blueprint.route("/rounds/<round_ref>/bids/<bid_ref>/moderate", methods=["GET", "POST"])
@requires(Action.MODERATE)
def moderate(round_ref: str, bid_ref: str):
    session = db.session()
    seen = assessment.moderation(session, current_user.id, round_ref, bid_ref)
    scheme = rounds.scheme_of(seen.bid.round)
    form = scoring_form(
        scheme, _current(seen.moderations), assessment.versions(seen.moderations), moderation=True
    )
    closed = assessment.why_closed(seen.bid)
    done, changes = _post(
        form,
        closed,
        scheme,
        lambda entries, seen: assessment.save_moderation(
            session, current_user.id, round_ref, bid_ref, entries, seen
        ),
        "The moderation is saved",
        url_for("assessment.moderate", round_ref=round_ref, bid_ref=bid_ref),
    )
    if done:
        return done
    return render_template(
        "assessment/moderate.html",
        title=f"Moderate {seen.bid.reference}",
        seen=seen,
        scheme=scheme,
        form=form,
        closed=closed,
        changes=changes,
        max_justification=MAX_JUSTIFICATION,
    )


@blueprint.get("/rounds/<round_ref>/bids/<bid_ref>/complete")
@requires(Action.MODERATE)
def confirm_complete(round_ref: str, bid_ref: str):
    found = assessment.completion(db.session(), current_user.id, round_ref, bid_ref)
    return render_template(
        "assessment/complete.html", title=f"Mark the assessment of {bid_ref} complete", found=found
    )


@blueprint.post("/rounds/<round_ref>/bids/<bid_ref>/complete")
@requires(Action.MODERATE)
def complete(round_ref: str, bid_ref: str):
    try:
        assessment.complete_assessment(db.session(), current_user.id, round_ref, bid_ref)
    except Refused as error:
        flash(str(error))
    else:
        flash(f"The assessment of {bid_ref} is complete", "success")
    return redirect(url_for("assessment.moderate", round_ref=round_ref, bid_ref=bid_ref))


@blueprint.route("/rounds/<round_ref>/bids/<bid_ref>/reopen", methods=["GET", "POST"])
@requires(Action.MODERATE)
def reopen(round_ref: str, bid_ref: str):
    session = db.session()
    bid = assessment.reopenable(session, current_user.id, round_ref, bid_ref)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            assessment.reopen_assessment(session, current_user.id, round_ref, bid_ref, form.reason.data)
        except InvalidInput as error:
            _place(form, error)
        else:
            flash(f"The assessment of {bid_ref} is reopened: its assessors can score it again", "success")
            return redirect(url_for("assessment.moderate", round_ref=round_ref, bid_ref=bid_ref))
    return render_template(
        "assessment/reopen.html", title=f"Reopen the assessment of {bid_ref}", bid=bid, form=form
    )


@blueprint.get("/rounds/<round_ref>/scores.xlsx")
@requires(Action.READ_ASSESSMENTS)
def scores_download(round_ref: str):
    session = db.session()
    round_row = rounds.get_round(session, round_ref)
    content = scores_xlsx(assessment.round_scores(session, round_row), assessment.history(session, round_row))
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{round_row.reference}-scores.xlsx"'},
    )
