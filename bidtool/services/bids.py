"""Bids: reading and saving drafts, the self-check, submission and the round's list."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import object_session, selectinload
from sqlmodel import Session, select

from bidtool.core.appraisal import Appraisal, VfmCategory
from bidtool.core.bid import (
    SUMMARY,
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
    StatedTotal,
)
from bidtool.core.checks import Finding, Severity, check_bid
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import Suggestion, suggest_scores
from bidtool.models import (
    AssignmentRow,
    BenefitLineRow,
    BidRow,
    BidYearRow,
    ConflictRow,
    CostLineRow,
    NarrativeRow,
    OutcomeLineRow,
    PartnerRow,
    RoundRow,
    StatedTotalRow,
    utcnow,
)
from bidtool.services import NotFound, OtherOrganisation, Refused, Scope
from bidtool.services.conflicts import end_conflicted_assignments, round_conflicts
from bidtool.services.rounds import get_round, is_open, scheme_of


def to_core(row: BidRow) -> Bid:
    """Turn a bid's rows into the core's Bid."""
    return Bid(
        reference=row.reference,
        title=row.title,
        lead_organisation=row.lead_organisation,
        contact=row.contact,
        status=BidStatus(row.status),
        partners=tuple(Partner(p.name, PartnerType(p.type)) for p in row.partners),
        award_sought=row.award_sought_pence,
        savings_confidence=row.savings_confidence,
        years=tuple(
            BidYear(
                year=y.year,
                award_costs=y.award_costs_pence,
                match_costs=y.match_costs_pence,
                recurring_costs=y.recurring_costs_pence,
                savings=y.savings_pence,
                savings_high=y.savings_high_pence,
                other_benefits=y.other_benefits_pence,
            )
            for y in row.years
        ),
        narrative={a.key: a.text for a in row.answers},
        stated_totals=tuple(
            StatedTotal(t.figure, t.amount_pence, tuple(t.years), t.source) for t in row.stated_totals
        ),
        benefit_lines=tuple(
            BenefitLine(
                b.year, BenefitKind(b.kind), Party(b.agency), b.amount_pence, b.confidence, b.description
            )
            for b in row.benefit_lines
        ),
        cost_lines=tuple(
            CostLine(c.year, CostKind(c.kind), Party(c.agency), c.amount_pence, c.description)
            for c in row.cost_lines
        ),
        outcome_lines=tuple(
            OutcomeLine(
                description=o.description,
                kind=BenefitKind(o.kind),
                agency=Party(o.agency),
                first_year=o.first_year,
                last_year=o.last_year,
                cohort=o.cohort,
                engagement_rate=_percent(o.engagement_rate_bp),
                success_rate=_percent(o.success_rate_bp),
                deadweight=_percent(o.deadweight_bp),
                drop_off=_percent(o.drop_off_bp),
                unit_cost=o.unit_cost_pence,
                unit_cost_source=o.unit_cost_source,
                confidence=o.confidence,
            )
            for o in row.outcome_lines
        ),
    )


def _percent(basis_points: int) -> Decimal:
    return Decimal(basis_points) / 100


def _basis_points(percent: Decimal) -> int:
    """A percentage with at most two decimal places (as the core reads them), in hundredths."""
    return int(percent * 100)


def write(row: BidRow, bid: Bid) -> None:
    """Make a bid's rows say what the core's Bid says (children replaced whole)."""
    session = object_session(row)
    if session is not None and row.id is not None:
        # Delete the old children first: the unit of work would otherwise insert the new years
        # before deleting the old ones, and break the one-row-per-year constraint.
        for children in (
            row.years,
            row.partners,
            row.answers,
            row.stated_totals,
            row.benefit_lines,
            row.cost_lines,
            row.outcome_lines,
        ):
            children.clear()
        session.flush()
    row.reference = bid.reference
    row.title = bid.title
    row.lead_organisation = bid.lead_organisation
    row.contact = bid.contact
    row.status = bid.status.value
    row.award_sought_pence = bid.award_sought
    row.savings_confidence = bid.savings_confidence
    row.updated_at = utcnow()
    row.years = [
        BidYearRow(
            year=y.year,
            award_costs_pence=y.award_costs,
            match_costs_pence=y.match_costs,
            recurring_costs_pence=y.recurring_costs,
            savings_pence=y.savings,
            savings_high_pence=y.savings_high,
            other_benefits_pence=y.other_benefits,
        )
        for y in bid.years
    ]
    row.partners = [
        PartnerRow(position=i, name=p.name, type=p.type.value) for i, p in enumerate(bid.partners)
    ]
    row.answers = [NarrativeRow(key=key, text=text) for key, text in sorted(bid.narrative.items())]
    row.stated_totals = [
        StatedTotalRow(
            position=i, figure=t.figure, amount_pence=t.amount, years=list(t.years), source=t.source
        )
        for i, t in enumerate(bid.stated_totals)
    ]
    row.benefit_lines = [
        BenefitLineRow(
            position=i,
            year=b.year,
            kind=b.kind.value,
            agency=b.agency.value,
            amount_pence=b.amount,
            confidence=b.confidence,
            description=b.description,
        )
        for i, b in enumerate(bid.benefit_lines)
    ]
    row.cost_lines = [
        CostLineRow(
            position=i,
            year=c.year,
            kind=c.kind.value,
            agency=c.agency.value,
            amount_pence=c.amount,
            description=c.description,
        )
        for i, c in enumerate(bid.cost_lines)
    ]
    row.outcome_lines = [
        OutcomeLineRow(
            position=i,
            description=o.description,
            kind=o.kind.value,
            agency=o.agency.value,
            first_year=o.first_year,
            last_year=o.last_year,
            cohort=o.cohort,
            engagement_rate_bp=_basis_points(o.engagement_rate),
            success_rate_bp=_basis_points(o.success_rate),
            deadweight_bp=_basis_points(o.deadweight),
            drop_off_bp=_basis_points(o.drop_off),
            unit_cost_pence=o.unit_cost,
            unit_cost_source=o.unit_cost_source,
            confidence=o.confidence,
        )
        for i, o in enumerate(bid.outcome_lines)
    ]


def visible(session: Session, scope: Scope):
    """Bids the scope may see: an organisation's own, all, or those assigned to an assessor that
    they have no conflict of interest with (whatever has changed since they were assigned)."""
    query = select(BidRow)
    if scope.organisation is not None:
        query = query.where(BidRow.lead_organisation == scope.organisation)
    if scope.assessor_id is not None:
        assigned = session.exec(
            select(BidRow).join(AssignmentRow).where(AssignmentRow.assessor_id == scope.assessor_id)
        ).all()
        conflicted = _conflicted(session, scope, assigned)
        query = query.where(BidRow.id.in_([b.id for b in assigned if b.id not in conflicted]))
    return query


def _conflicted(session: Session, scope: Scope, bids: Sequence[BidRow]) -> set[int]:
    """Which of these bids the scope's assessor has a conflict of interest in (one look per round)."""
    by_round = {b.round_id: b.round for b in bids}
    return {
        bid_id
        for round_row in by_round.values()
        for bid_id, found in round_conflicts(
            session, round_row, [b for b in bids if b.round_id == round_row.id], scope.assessor_id
        ).items()
        if scope.assessor_id in found
    }


def get_bid(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> BidRow:
    """Find a bid of a round that the scope may see (NotFound otherwise; Refused for an assessor
    with a conflict of interest in it, who knows of the bid already)."""
    where = (RoundRow.reference == round_ref, BidRow.reference == bid_ref)
    row = session.exec(visible(session, scope).join(RoundRow).where(*where)).first()
    if row is None:
        hidden = session.exec(select(BidRow).join(RoundRow).where(*where)).first()
        if scope.assessor_id is not None and hidden is not None and _conflicted(session, scope, [hidden]):
            if _declared_interest(session, scope.assessor_id, hidden.id):
                raise Refused(
                    f"You have declared an interest in {bid_ref}, so you cannot open or assess it. "
                    "You can withdraw the interest on the round's Declare an interest page."
                )
            raise Refused(f"You have a conflict of interest in {bid_ref}, so you cannot open or assess it.")
        raise NotFound(f"There is no bid {bid_ref!r} in round {round_ref!r}.")
    return row


def _declared_interest(session: Session, assessor_id: int, bid_id: int) -> bool:
    """Whether an assessor declared an interest in a bid (rather than their organisation taking part)."""
    query = select(ConflictRow.id).where(ConflictRow.assessor_id == assessor_id, ConflictRow.bid_id == bid_id)
    return session.exec(query).first() is not None


def visible_counts(session: Session, scope: Scope) -> dict[int, int]:
    """How many bids of each round (by id) the scope may see."""
    counts: dict[int, int] = {}
    for row in session.exec(visible(session, scope)):
        counts[row.round_id] = counts.get(row.round_id, 0) + 1
    return counts


def round_bids(session: Session, scope: Scope, round_row: RoundRow) -> list[BidRow]:
    """A round's bids that the scope may see, each with its years, partners, answers, stated
    totals and lines loaded with it (a query a part for the round, not a query a part a bid)."""
    query = visible(session, scope).where(BidRow.round_id == round_row.id).order_by(BidRow.reference)
    return list(session.exec(query.options(*(selectinload(r) for r in BID_PARTS))).all())


BID_PARTS = (
    BidRow.years,
    BidRow.partners,
    BidRow.answers,
    BidRow.stated_totals,
    BidRow.benefit_lines,
    BidRow.cost_lines,
    BidRow.outcome_lines,
)


def editable(row: BidRow) -> bool:
    """A bid can change while it is a draft and its round is open."""
    return row.status == BidStatus.DRAFT.value and is_open(row.round)


def why_locked(row: BidRow) -> str:
    if row.status != BidStatus.DRAFT.value:
        return "This bid has been submitted, so it can no longer be changed."
    return "The round's deadline has passed, so this bid can no longer be changed."


def _check_reference(session: Session, round_row: RoundRow, reference: str, current: BidRow | None) -> None:
    clash = session.exec(
        select(BidRow).where(BidRow.round_id == round_row.id, BidRow.reference == reference)
    ).first()
    if clash is not None and clash is not current:
        raise Refused(f"The round already has a bid with the reference {reference!r}.")


# Drafts an organisation may hold in one round: far more than any council writes at once, few
# enough that a script cannot fill a round (and its pages) with junk.
MAX_DRAFTS = 50


def drafts_over_limit(session: Session, round_row: RoundRow, arriving: Iterable[Bid]) -> list[str]:
    """Say which organisations would hold more than MAX_DRAFTS drafts in the round with these bids."""
    adding = Counter(bid.lead_organisation for bid in arriving if bid.status is BidStatus.DRAFT)
    held = dict(
        session.exec(
            select(BidRow.lead_organisation, func.count())
            .where(
                BidRow.round_id == round_row.id,
                BidRow.status == BidStatus.DRAFT.value,
                BidRow.lead_organisation.in_(list(adding)),
            )
            .group_by(BidRow.lead_organisation)
        ).all()
    )
    return [
        f"{organisation} would have {held.get(organisation, 0) + count:,} draft bids in this round; an "
        f"organisation may have at most {MAX_DRAFTS} draft bids in a round: submit some first"
        for organisation, count in adding.items()
        if held.get(organisation, 0) + count > MAX_DRAFTS
    ]


def add_bid(session: Session, round_row: RoundRow, bid: Bid) -> BidRow:
    """Add a bid to a round as it stands, its reference new to the round (the caller commits)."""
    _check_reference(session, round_row, bid.reference, None)
    row = BidRow(round_id=round_row.id, reference=bid.reference, title=bid.title, lead_organisation="")
    write(row, bid)
    session.add(row)
    session.flush()
    return row


def create_bid(session: Session, scope: Scope, round_ref: str, bid: Bid) -> BidRow:
    """Start a draft bid in an open round."""
    round_row = get_round(session, round_ref)
    if not is_open(round_row):
        raise Refused("The round's deadline has passed, so no new bids can be started.")
    if scope.organisation is not None and bid.lead_organisation != scope.organisation:
        raise OtherOrganisation("You can only start bids led by your own organisation.")
    draft = dataclasses.replace(bid, status=BidStatus.DRAFT)
    if over := drafts_over_limit(session, round_row, [draft]):
        raise Refused(f"{over[0]}.")
    row = add_bid(session, round_row, draft)
    session.commit()
    return row


def save_bid(
    session: Session, scope: Scope, round_ref: str, bid_ref: str, bid: Bid, actor_id: int | None = None
) -> BidRow:
    """Save a draft as it now stands (the status stays draft); assignments it now conflicts with end."""
    row = get_bid(session, scope, round_ref, bid_ref)
    if not editable(row):
        raise Refused(why_locked(row))
    if scope.organisation is not None and bid.lead_organisation != scope.organisation:
        raise OtherOrganisation("The lead organisation must stay your own organisation.")
    _check_reference(session, row.round, bid.reference, row)
    if strays := bid.stray_lines():
        raise Refused(
            f"The bid has no such year for {'; '.join(strays)}: add the year, or change or remove the "
            "line on Who pays and who gains or Outcome-based benefits first."
        )
    write(row, dataclasses.replace(bid, status=BidStatus.DRAFT))
    end_conflicted_assignments(session, actor_id, bid_ids=[row.id])
    session.commit()
    return row


@dataclass(frozen=True)
class SelfCheck:
    """What a council sees before submitting: the appraisal, the checks and what is missing."""

    bid: Bid
    scheme: Scheme | None  # None: a bid file checked without a scheme (`bidtool check`)
    appraisal: Appraisal
    findings: list[Finding]
    suggestions: list[Suggestion]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def self_check(row: BidRow) -> SelfCheck:
    """Appraise and check a bid against its round's scheme."""
    bid = to_core(row)
    scheme = scheme_of(row.round)
    appraisal = scheme.appraise(bid)
    return SelfCheck(bid, scheme, appraisal, check_bid(bid, scheme), suggest_scores(scheme, bid, appraisal))


def submission_errors(bid: Bid, scheme: Scheme) -> list[Finding]:
    """The findings of the self-check that stop a bid being submitted."""
    return [f for f in check_bid(bid, scheme) if f.severity is Severity.ERROR]


def submit_bid(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> BidRow:
    """Submit a draft that passes every check; otherwise refuse and say what is wrong."""
    row = get_bid(session, scope, round_ref, bid_ref)
    if not editable(row):
        raise Refused(why_locked(row))
    errors = submission_errors(to_core(row), scheme_of(row.round))
    if errors:
        raise Refused(
            f"The bid cannot be submitted until {len(errors)} problem{'s are' if len(errors) > 1 else ' is'} "
            "put right: see the self-check."
        )
    row.status = BidStatus.SUBMITTED.value
    row.submitted_at = utcnow()
    session.commit()
    return row


@dataclass(frozen=True)
class ListedBid:
    """One line of a round's bid list: what the bid says, and what the core makes of it."""

    reference: str
    title: str
    lead_organisation: str
    partners: int
    award_sought: int
    bcr: Decimal | None
    vfm: VfmCategory | None
    status: str
    errors: int


@dataclass(frozen=True)
class BidList:
    bids: list[ListedBid]
    total_bids: int
    total_award: int
    shown_award: int


# What each column of the bid list sorts by; None (no BCR, say) is listed last either way.
SORT_VALUES: dict[str, Callable[[ListedBid], object]] = {
    "reference": lambda b: b.reference,
    "title": lambda b: b.title.casefold(),
    "lead": lambda b: b.lead_organisation.casefold(),
    "partners": lambda b: b.partners,
    "award": lambda b: b.award_sought,
    "bcr": lambda b: b.bcr,
    "vfm": lambda b: b.vfm.order if b.vfm else None,
    "status": lambda b: b.status,
    "errors": lambda b: b.errors,
}


def _sorted(listed: list[ListedBid], key: str, descending: bool) -> list[ListedBid]:
    value = SORT_VALUES.get(key, SORT_VALUES["reference"])
    by_reference = sorted(listed, key=lambda b: b.reference)
    present = sorted((b for b in by_reference if value(b) is not None), key=value, reverse=descending)
    return present + [b for b in by_reference if value(b) is None]


SORTS = tuple(SORT_VALUES)


@dataclass(frozen=True)
class BidFilter:
    sort: str = "reference"
    descending: bool = False
    status: str | None = None
    vfm: str | None = None
    text: str = ""


def bid_list(session: Session, scope: Scope, round_row: RoundRow, chosen: BidFilter) -> BidList:
    """The round's bids with their appraisal and check counts, filtered and sorted as asked."""
    scheme = scheme_of(round_row)
    listed = []
    for row in round_bids(session, scope, round_row):
        bid = to_core(row)
        prudent = scheme.appraise(bid).prudent
        errors = len(submission_errors(bid, scheme))
        listed.append(
            ListedBid(
                reference=bid.reference,
                title=bid.title,
                lead_organisation=bid.lead_organisation,
                partners=len(bid.partners),
                award_sought=bid.award_sought,
                bcr=prudent.bcr,
                vfm=prudent.vfm_category,
                status=row.status,
                errors=errors,
            )
        )
    text = chosen.text.casefold().strip()
    shown = [
        b
        for b in listed
        if (chosen.status is None or b.status == chosen.status)
        and (chosen.vfm is None or (b.vfm.label if b.vfm else "n/a") == chosen.vfm)
        and (not text or text in f"{b.reference} {b.title} {b.lead_organisation}".casefold())
    ]
    shown = _sorted(shown, chosen.sort, chosen.descending)
    return BidList(
        bids=shown,
        total_bids=len(listed),
        total_award=sum(b.award_sought for b in listed),
        shown_award=sum(b.award_sought for b in shown),
    )


FINANCE_CODES = {
    "no-years", "years-not-contiguous", "negative-amount", "award-costs-mismatch",
    "savings-high-below-prudent", "stated-total-mismatch",
}  # fmt: skip


@dataclass(frozen=True)
class Task:
    """A section of the bid's task list and how far it has got."""

    key: str
    name: str
    status: (
        str  # "Completed", "Incomplete", "Not yet started" or, for a section a bid may leave out, "Optional"
    )
    hint: str


def tasks(check: SelfCheck) -> list[Task]:
    """The task list of a bid, from what it holds and what its checks say."""
    bid = check.bid
    codes = {f.code for f in check.errors}
    questions = narrative_questions(check.scheme)
    answered = sum(bool(bid.narrative.get(key)) for key, _, _ in questions)
    others = [p for p in bid.partners if p.name.casefold() != bid.lead_organisation.casefold()]

    def status(started: bool, done: bool) -> str:
        return "Completed" if done else ("Incomplete" if started else "Not yet started")

    return [
        Task(
            "about", "About the bid", status(True, bool(bid.award_sought)), "Reference, title, lead and award"
        ),
        Task(
            "partners",
            "Partners",
            status(bool(bid.partners), bool(others)),
            f"{len(bid.partners)} organisation{'s' if len(bid.partners) != 1 else ''}",
        ),
        Task(
            "finance",
            "Finance by year",
            status(bool(bid.years), bool(bid.years) and not codes & FINANCE_CODES),
            f"{len(bid.years)} financial year{'s' if len(bid.years) != 1 else ''}",
        ),
        Task(
            "lines",
            "Who pays and who gains",
            "Completed" if bid.benefit_lines or bid.cost_lines else "Optional",
            f"{_count(len(bid.benefit_lines), 'benefit')}, {_count(len(bid.cost_lines), 'cost')}",
        ),
        Task(
            "outcomes",
            "Outcome-based benefits",
            "Completed" if bid.outcome_lines else "Optional",
            _count(len(bid.outcome_lines), "outcome"),
        ),
        Task(
            "narrative",
            "Narrative",
            status(answered > 0, answered == len(questions)),
            f"{answered} of {len(questions)} answered",
        ),
    ]


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' if number != 1 else ''}"


def narrative_questions(scheme: Scheme) -> list[tuple[str, str, str]]:
    """The answers a bid gives: a summary, then one per criterion of the scheme, with its guidance."""
    summary = (
        SUMMARY,
        "Summary",
        "What the bid will change, who for, and what it will save, in a few sentences.",
    )
    return [summary] + [(c.id, c.name, c.guidance) for c in scheme.criteria]
