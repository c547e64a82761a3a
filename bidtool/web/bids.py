"""Bid capture as a task list: about, partners, finance, narrative, check answers, submit; the self-check."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bidtool import db
from bidtool.core.access import Action
from bidtool.core.bid import (
    MONEY_FIELDS,
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    Party,
    figure_total,
    repeat_savings,
)
from bidtool.core.errors import BidToolError
from bidtool.core.fields import MAX_NARRATIVE
from bidtool.core.years import financial_year_of
from bidtool.forms import (
    AboutForm,
    FinanceForm,
    PartnersForm,
    drop_removed,
    lines_form,
    narrative_form,
    outcomes_form,
)
from bidtool.services import OtherOrganisation, Refused, assessment, bids, rounds
from bidtool.services.bids import narrative_questions
from bidtool.web.auth import can, requires, scope

blueprint = Blueprint("bids", __name__, url_prefix="/rounds/<round_ref>/bids")


def _bid(round_ref: str, bid_ref: str):
    return bids.get_bid(db.session(), scope(), round_ref, bid_ref)


def _can_edit(row) -> bool:
    """Whether the signed-in user may change this bid now (a council user's open draft)."""
    return can(Action.WRITE_BIDS) and bids.editable(row)


def _locked(row) -> bool:
    """Send people back to the bid, saying why, when it can no longer change."""
    if bids.editable(row):
        return False
    flash(bids.why_locked(row))
    return True


def _refusal_at(form, error: BidToolError) -> list:
    """Where a refusal shows: at the lead organisation or the reference if the form has them."""
    if isinstance(error, OtherOrganisation) and hasattr(form, "lead_organisation"):
        return form.lead_organisation.errors
    if isinstance(error, Refused) and hasattr(form, "reference"):
        return form.reference.errors
    return form.form_errors


def _to_bid(row) -> str:
    return redirect(url_for("bids.show", round_ref=row.round.reference, bid_ref=row.reference))


def _save(round_ref: str, row, bid: Bid, form, next_url: str | None):
    """Save the draft, then go on; a refusal (a taken reference, say) shows at its field or the form."""
    try:
        saved = bids.save_bid(db.session(), scope(), round_ref, row.reference, bid, current_user.id)
    except Refused as error:
        _refusal_at(form, error).append(str(error))
        return None
    flash("Your changes have been saved", "success")
    return redirect(next_url or url_for("bids.show", round_ref=round_ref, bid_ref=saved.reference))


@blueprint.route("/new", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def new(round_ref: str):
    round_row = rounds.get_round(db.session(), round_ref)
    form = AboutForm(data={"lead_organisation": current_user.organisation})
    if form.validate_on_submit():
        bid = _about(form, Bid(reference="", title="", lead_organisation=""))
        try:
            row = bids.create_bid(db.session(), scope(), round_ref, bid)
        except BidToolError as error:
            _refusal_at(form, error).append(str(error))
        else:
            flash(f"Bid {row.reference} started: your draft is saved", "success")
            return _to_bid(row)
    return render_template("bids/about.html", title="Start a new bid", form=form, round=round_row, row=None)


def _about(form: AboutForm, bid: Bid) -> Bid:
    grade = form.savings_confidence.data
    return dataclasses.replace(
        bid,
        reference=form.reference.data.strip(),
        title=form.title.data.strip(),
        lead_organisation=form.lead_organisation.data.strip(),
        contact=(form.contact.data or "").strip() or None,
        award_sought=form.award_sought.data,
        savings_confidence=int(grade) if grade else None,
    )


@blueprint.get("/<bid_ref>")
def show(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    check = bids.self_check(row)
    reads_scores = can(Action.READ_ASSESSMENTS)
    return render_template(
        "bids/show.html",
        title=f"{row.reference}: {row.title}",
        row=row,
        bid=check.bid,
        appraisal=check.appraisal,
        tasks=bids.tasks(check),
        errors=check.errors,
        editable=_can_edit(row),
        why_locked=bids.why_locked(row),
        can_score=can(Action.SCORE_BIDS),
        can_moderate=can(Action.MODERATE),
        own=can(Action.WRITE_BIDS),
        criteria=check.scheme.criteria,
        result=assessment.scored_bid(db.session(), row)
        if reads_scores and row.status != BidStatus.DRAFT.value
        else None,
        events=assessment.history(db.session(), row.round, row) if reads_scores else None,
    )


@blueprint.route("/<bid_ref>/about", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def about(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    form = AboutForm(
        data={
            "reference": bid.reference,
            "title": bid.title,
            "lead_organisation": bid.lead_organisation,
            "contact": bid.contact,
            "award_sought": bid.award_sought,
            "savings_confidence": str(bid.savings_confidence or ""),
        }
    )
    if form.validate_on_submit() and (done := _save(round_ref, row, _about(form, bid), form, None)):
        return done
    return render_template("bids/about.html", title="About the bid", form=form, round=row.round, row=row)


@blueprint.route("/<bid_ref>/partners", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def partners(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    form = PartnersForm(data={"partners": [{"name": p.name, "type": p.type.value} for p in bid.partners]})
    drop_removed(form, form.partners)
    if form.validate_on_submit():
        entries = [(e.form.name.data or "", e.form.type.data) for e in form.partners]
        if form.add.data:
            entries.append(("", PartnerType.OTHER.value))
        changed = dataclasses.replace(
            bid, partners=tuple(Partner(n, PartnerType(t)) for n, t in entries if n)
        )
        stay = form.add.data or form.remove.data
        here = url_for(
            "bids.partners", round_ref=round_ref, bid_ref=row.reference, blank=int(bool(form.add.data))
        )
        if done := _save(round_ref, row, changed, form, here if stay else None):
            return done
    elif request.method == "GET" and request.args.get("blank") == "1":
        form.partners.append_entry({"type": PartnerType.OTHER.value})
    return render_template("bids/partners.html", title="Partners", form=form, round=row.round, row=row)


@blueprint.route("/<bid_ref>/finance", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def finance(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    this_year = financial_year_of(date.today())
    form = FinanceForm(data={"years": [dataclasses.asdict(y) for y in bid.years or [BidYear(this_year)]]})
    drop_removed(form, form.years)
    if form.validate_on_submit():
        years = [BidYear(**e.form.data) for e in form.years]
        if form.add.data:
            years.append(BidYear(year=max(y.year for y in years) + 1 if years else this_year))
        if form.repeat.data:
            years += repeat_savings(years, form.repeat_years.data or 0)
        stay = form.add.data or form.remove.data or form.repeat.data
        here = url_for("bids.finance", round_ref=round_ref, bid_ref=row.reference)
        if done := _save(
            round_ref, row, dataclasses.replace(bid, years=tuple(years)), form, here if stay else None
        ):
            return done
    totals = {name: figure_total(bid.years, name) for name in MONEY_FIELDS}
    return render_template(
        "bids/finance.html", title="Finance by year", form=form, round=row.round, row=row, totals=totals
    )


def _grade(value: str | None) -> int | None:
    return int(value) if value else None


@blueprint.route("/<bid_ref>/lines", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def lines(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    form = lines_form(
        [y.year for y in bid.years],
        {
            "benefit_lines": [
                {**_line_data(b), "confidence": str(b.confidence or "")} for b in bid.benefit_lines
            ],
            "cost_lines": [_line_data(c) for c in bid.cost_lines],
        },
    )
    drop_removed(form, form.benefit_lines, form.remove_benefit)
    drop_removed(form, form.cost_lines, form.remove_cost)
    if form.validate_on_submit():
        benefits = tuple(
            BenefitLine(
                int(e.year.data),
                BenefitKind(e.kind.data),
                Party(e.agency.data),
                e.amount.data,
                _grade(e.confidence.data),
                e.description.data or "",
            )
            for e in (entry.form for entry in form.benefit_lines)
        )
        costs = tuple(
            CostLine(
                int(e.year.data),
                CostKind(e.kind.data),
                Party(e.agency.data),
                e.amount.data,
                e.description.data or "",
            )
            for e in (entry.form for entry in form.cost_lines)
        )
        blank = "benefit" if form.add_benefit.data else "cost" if form.add_cost.data else None
        stay = blank or form.remove_benefit.data or form.remove_cost.data
        here = url_for("bids.lines", round_ref=round_ref, bid_ref=row.reference, blank=blank)
        changed = dataclasses.replace(bid, benefit_lines=benefits, cost_lines=costs)
        if done := _save(round_ref, row, changed, form, here if stay else None):
            return done
    elif request.method == "GET" and request.args.get("blank") in ("benefit", "cost"):
        rows = form.benefit_lines if request.args["blank"] == "benefit" else form.cost_lines
        rows.append_entry()
    return render_template(
        "bids/lines.html",
        title="Who pays and who gains",
        form=form,
        round=row.round,
        row=row,
        bid=bid,
        appraisal=bids.self_check(row).appraisal,
    )


def _line_data(line: BenefitLine | CostLine) -> dict:
    return {
        "year": str(line.year),
        "kind": line.kind.value,
        "agency": line.agency.value,
        "amount": line.amount,
        "description": line.description,
    }


@blueprint.route("/<bid_ref>/outcomes", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def outcomes(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    form = outcomes_form(
        [y.year for y in bid.years],
        {
            "outcome_lines": [
                {
                    **{
                        name: getattr(o, name)
                        for name in (
                            "description",
                            "kind",
                            "agency",
                            "cohort",
                            "engagement_rate",
                            "success_rate",
                            "deadweight",
                            "drop_off",
                            "unit_cost",
                            "unit_cost_source",
                        )
                    },
                    "first_year": str(o.first_year),
                    "last_year": str(o.last_year),
                    "confidence": str(o.confidence or ""),
                }
                for o in bid.outcome_lines
            ]
        },
    )
    drop_removed(form, form.outcome_lines, form.remove_outcome)
    if form.validate_on_submit():
        found = tuple(
            OutcomeLine(
                description=e.description.data,
                kind=BenefitKind(e.kind.data),
                agency=Party(e.agency.data),
                first_year=int(e.first_year.data),
                last_year=int(e.last_year.data),
                cohort=e.cohort.data,
                engagement_rate=e.engagement_rate.data,
                success_rate=e.success_rate.data,
                deadweight=e.deadweight.data,
                drop_off=e.drop_off.data,
                unit_cost=e.unit_cost.data,
                unit_cost_source=e.unit_cost_source.data,
                confidence=_grade(e.confidence.data),
            )
            for e in (entry.form for entry in form.outcome_lines)
        )
        stay = form.add_outcome.data or form.remove_outcome.data
        here = url_for(
            "bids.outcomes",
            round_ref=round_ref,
            bid_ref=row.reference,
            blank=int(bool(form.add_outcome.data)),
        )
        if done := _save(
            round_ref, row, dataclasses.replace(bid, outcome_lines=found), form, here if stay else None
        ):
            return done
    elif request.method == "GET" and request.args.get("blank") == "1":
        form.outcome_lines.append_entry()
    return render_template(
        "bids/outcomes.html",
        title="Outcome-based benefits",
        form=form,
        round=row.round,
        row=row,
        bid=bid,
        appraisal=bids.self_check(row).appraisal,
    )


@blueprint.route("/<bid_ref>/narrative", methods=["GET", "POST"])
@requires(Action.WRITE_BIDS)
def narrative(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    if _locked(row):
        return _to_bid(row)
    bid = bids.to_core(row)
    questions = narrative_questions(rounds.scheme_of(row.round))
    form = narrative_form(questions, bid.narrative)
    if form.validate_on_submit():
        answers = {key: getattr(form, f"answer_{key}").data.strip() for key, _, _ in questions}
        kept = {k: v for k, v in bid.narrative.items() if k not in answers}
        changed = dataclasses.replace(bid, narrative={**kept, **{k: v for k, v in answers.items() if v}})
        if done := _save(round_ref, row, changed, form, None):
            return done
    answers = [(getattr(form, f"answer_{key}"), guidance) for key, _, guidance in questions]
    return render_template(
        "bids/narrative.html",
        title="Narrative",
        form=form,
        answers=answers,
        max_narrative=MAX_NARRATIVE,
        round=row.round,
        row=row,
    )


@blueprint.get("/<bid_ref>/check-answers")
def check_answers(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    check = bids.self_check(row)
    return render_template(
        "bids/check_answers.html",
        title="Check your answers",
        row=row,
        check=check,
        questions=narrative_questions(check.scheme),
        editable=_can_edit(row),
    )


@blueprint.post("/<bid_ref>/submit")
@requires(Action.WRITE_BIDS)
def submit(round_ref: str, bid_ref: str):
    try:
        row = bids.submit_bid(db.session(), scope(), round_ref, bid_ref)
    except Refused as error:
        flash(str(error))
        return redirect(url_for("bids.self_check", round_ref=round_ref, bid_ref=bid_ref))
    flash(f"Bid {row.reference} submitted", "success")
    return _to_bid(row)


@blueprint.get("/<bid_ref>/self-check")
def self_check(round_ref: str, bid_ref: str):
    row = _bid(round_ref, bid_ref)
    check = bids.self_check(row)
    return render_template(
        "bids/self_check.html",
        title=f"Self-check of {row.reference}",
        row=row,
        check=check,
        editable=_can_edit(row),
    )
