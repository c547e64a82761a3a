"""What assessment sheets and panel packs print: a bid's record, every score and the round's ranking."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import cache

from sqlmodel import Session, select

from bidtool.config import PROJECT_ROOT
from bidtool.core.appraisal import Appraisal
from bidtool.core.bid import MONEY_FIELDS, Bid, figure_total
from bidtool.core.checks import Finding
from bidtool.core.ranking import RankedBid, Ranking, funding_line, standing
from bidtool.core.scheme import Criterion, Scheme
from bidtool.core.scoring import CriterionResult, criterion_points
from bidtool.models import (
    BenefitLineRow,
    BidRow,
    BidYearRow,
    ConflictRow,
    CostLineRow,
    NarrativeRow,
    OutcomeLineRow,
    PartnerRow,
    RoundRow,
    ScoreRow,
    StatedTotalRow,
    UserRow,
)
from bidtool.services import EVERYONE, Refused, Scope
from bidtool.services.assessment import assessable, assessable_bids, drafts_in, rank_round
from bidtool.services.bids import get_bid, round_bids, self_check
from bidtool.services.conflicts import round_conflicts
from bidtool.services.rounds import get_round, scheme_of


@dataclass(frozen=True)
class AssessorScore:
    """One submitted score as the sheet shows it; a conflicted assessor's score does not count."""

    assessor: str
    score: int
    justification: str
    conflict: str | None  # why the score does not count, if it does not


@dataclass(frozen=True)
class CriterionSheet:
    criterion: Criterion
    weight_share: Fraction  # of all the scheme's weights, 0 to 1
    scores: tuple[AssessorScore, ...]
    moderated: AssessorScore | None
    result: CriterionResult
    points: Fraction | None  # what the criterion adds to the weighted score (0 to 100 in all)


@dataclass(frozen=True)
class Conflict:
    assessor: str
    reason: str


@dataclass(frozen=True)
class Sheet:
    """The assessment sheet of one bid: its figures, every score, its place in the ranking."""

    round_reference: str
    round_name: str
    scheme: Scheme
    bid: Bid
    appraisal: Appraisal
    findings: tuple[Finding, ...]
    criteria: tuple[CriterionSheet, ...]
    conflicts: tuple[Conflict, ...]
    ranked: RankedBid
    standing: str  # where it stands against the funding line
    bids_in_round: int
    assessed_at: datetime | None  # when the lead assessor marked the assessment complete


@dataclass(frozen=True)
class Pack:
    """The panel pack of a round: the ranking, then every bid's sheet in rank order."""

    round_reference: str
    round_name: str
    scheme: Scheme
    ranking: Ranking
    sheets: tuple[Sheet, ...]
    drafts: int  # bids of the round not yet submitted, so neither ranked nor printed


def bid_sheet(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> Sheet:
    """The assessment sheet of one bid of a round."""
    row = get_bid(session, scope, round_ref, bid_ref)
    if not assessable(row):
        raise Refused(f"{row.reference} is still a draft: it has no assessment sheet until it is submitted.")
    return _sheets(session, row.round, rank_round(session, round_ref), [row])[0]


def round_pack(session: Session, scope: Scope, round_ref: str) -> Pack:
    """The panel pack of a round, its sheets in rank order."""
    round_row = get_round(session, round_ref)
    ranking = rank_round(session, round_ref)
    sheets = _sheets(session, round_row, ranking, assessable_bids(session, round_row, scope))
    return Pack(
        round_reference=round_row.reference,
        round_name=round_row.name,
        scheme=scheme_of(round_row),
        ranking=ranking,
        sheets=tuple(sorted(sheets, key=lambda s: s.ranked.rank)),
        drafts=drafts_in(session, round_row),
    )


def _sheets(session: Session, round_row: RoundRow, ranking: Ranking, rows: list[BidRow]) -> list[Sheet]:
    scheme = scheme_of(round_row)
    ranked = {r.bid.reference: r for r in ranking.rows}
    line = funding_line(ranking)
    emails = {u.id: u.email for u in session.exec(select(UserRow))}
    scores = defaultdict(list)
    for score in session.exec(
        select(ScoreRow)
        .where(ScoreRow.bid_id.in_([row.id for row in rows]), ScoreRow.submitted)
        .order_by(ScoreRow.criterion, ScoreRow.id)
    ):
        scores[score.bid_id].append(score)
    found = round_conflicts(session, round_row, rows)
    sheets = []
    for row in rows:
        check = self_check(row)
        interests = found.get(row.id, {})
        result = ranked[row.reference]

        def shown(score: ScoreRow, interests=interests) -> AssessorScore:
            return AssessorScore(
                emails[score.assessor_id], score.score, score.justification, interests.get(score.assessor_id)
            )

        criteria = tuple(
            CriterionSheet(
                criterion=c,
                weight_share=Fraction(c.weight) / sum(Fraction(k.weight) for k in scheme.criteria),
                scores=tuple(shown(s) for s in scores[row.id] if s.criterion == c.id and not s.moderated),
                moderated=next(
                    (shown(s) for s in scores[row.id] if s.criterion == c.id and s.moderated), None
                ),
                result=result.bid.criteria[c.id],
                points=criterion_points(scheme, c, result.bid.criteria[c.id].score),
            )
            for c in scheme.criteria
        )
        sheets.append(
            Sheet(
                round_reference=round_row.reference,
                round_name=round_row.name,
                scheme=scheme,
                bid=check.bid,
                appraisal=check.appraisal,
                findings=tuple(check.findings),
                criteria=criteria,
                conflicts=tuple(
                    Conflict(emails[a], reason) for a, reason in sorted(interests.items(), key=lambda i: i[0])
                ),
                ranked=result,
                standing=standing(result, line),
                bids_in_round=len(ranking.rows),
                assessed_at=row.assessed_at,
            )
        )
    return sheets


def finance_totals(bid: Bid) -> dict[str, int | None]:
    """Each money figure added up over the bid's years (high savings only where the bid gives ranges)."""
    totals: dict[str, int | None] = {field: figure_total(bid.years, field) for field in MONEY_FIELDS}
    if not bid.has_ranges:
        totals["savings_high"] = None
    return totals


# What a print of a round is made from besides the database: the code, its templates and styles.
PRINTED_BY = ("bidtool/**/*.py", "templates/**/*.html", "static/css/print.css")


def print_key(session: Session, scope: Scope, round_ref: str) -> str:
    """A digest of everything a print of the round shows `scope`: the round and its scheme, every
    bid of the round (the ranking is of all of them) with its years, partners, answers and stated
    totals, the submitted scores and moderations, the declared conflicts, the users who score or
    conflict (their emails are printed, their organisations make conflicts), which bids `scope`
    sees, and the code version. Equal keys print equal documents, so a print can be served again."""
    round_row = get_round(session, round_ref)
    rows = round_bids(session, EVERYONE, round_row)
    ids = [row.id for row in rows]

    def dump(model, *where) -> list[dict]:
        return [
            r.model_dump(mode="json") for r in session.exec(select(model).where(*where).order_by(model.id))
        ]

    inputs = {
        "round": round_row.model_dump(mode="json"),
        "scheme": round_row.scheme.document,
        "bids": [row.model_dump(mode="json") for row in rows],
        "seen": [row.reference for row in round_bids(session, scope, round_row)],
        **{
            name: dump(model, model.bid_id.in_(ids))
            for name, model in (
                ("years", BidYearRow),
                ("partners", PartnerRow),
                ("answers", NarrativeRow),
                ("totals", StatedTotalRow),
                ("benefit_lines", BenefitLineRow),
                ("cost_lines", CostLineRow),
                ("outcome_lines", OutcomeLineRow),
                ("conflicts", ConflictRow),
            )
        },
        "scores": dump(ScoreRow, ScoreRow.bid_id.in_(ids), ScoreRow.submitted),
        "users": [
            list(user)
            for user in session.exec(
                select(
                    UserRow.id, UserRow.email, UserRow.role, UserRow.organisation, UserRow.active
                ).order_by(UserRow.id)
            )
        ],
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


@cache
def code_version() -> str:
    """A digest of the code and templates that print (read once per process)."""
    digest = hashlib.sha256()
    for pattern in PRINTED_BY:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
