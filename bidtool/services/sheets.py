"""What assessment sheets and panel packs print: a bid's record, every score and the round's ranking."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import datetime
from fractions import Fraction
from functools import cache
from importlib import metadata

from sqlmodel import Session, select

from bidtool.config import PROJECT_ROOT
from bidtool.core.appraisal import Appraisal
from bidtool.core.bid import MONEY_FIELDS, Bid, figure_total
from bidtool.core.checks import Finding
from bidtool.core.decisions.panel import Decisions
from bidtool.core.ranking import Ranking, funding_line, standing
from bidtool.core.scheme import Criterion, Scheme
from bidtool.core.scoring import CriterionResult, ScoredBid, criterion_points
from bidtool.models import (
    BidRow,
    RoundRow,
    ScoreRow,
    UserRow,
)
from bidtool.services import Refused, Scope
from bidtool.services.assessment import assessable, assessable_bids, drafts_in, rank_round, scored_bid
from bidtool.services.bids import get_bid, self_check
from bidtool.services.conflicts import round_conflicts
from bidtool.services.decisions import round_decisions
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
    """The assessment sheet of one bid: its figures and every score. Nothing on it depends on the
    round's other bids, so one bid's change re-prints one sheet (its rank is the pack's to say)."""

    round_reference: str
    round_name: str
    scheme: Scheme
    bid: Bid
    appraisal: Appraisal
    findings: tuple[Finding, ...]
    criteria: tuple[CriterionSheet, ...]
    conflicts: tuple[Conflict, ...]
    result: ScoredBid  # its weighted score, gates and status
    assessed_at: datetime | None  # when the lead assessor marked the assessment complete


@dataclass(frozen=True)
class Place:
    """Where a bid stands in its round: printed on the sheet downloaded on its own."""

    rank: int
    bids_in_round: int
    standing: str  # where it stands against the funding line


@dataclass(frozen=True)
class Pack:
    """The panel pack of a round: the ranking, then every bid's sheet in rank order."""

    round_reference: str
    round_name: str
    scheme: Scheme
    ranking: Ranking
    sheets: tuple[Sheet, ...]
    drafts: int  # bids of the round not yet submitted, so neither ranked nor printed
    decisions: Decisions  # agreement, calibration, robustness and the best portfolio, for the summary


def placed_sheet(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> tuple[Sheet, Place]:
    """The assessment sheet of one bid of a round, and where the bid stands in the round."""
    row = _assessable(session, scope, round_ref, bid_ref)
    ranking = rank_round(session, round_ref)
    ranked = next(r for r in ranking.rows if r.bid.reference == row.reference)
    place = Place(ranked.rank, len(ranking.rows), standing(ranked, funding_line(ranking)))
    return _sheets(session, row.round, [row], {row.reference: ranked.bid})[0], place


def bid_sheet(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> Sheet:
    """The assessment sheet of one bid of a round."""
    row = _assessable(session, scope, round_ref, bid_ref)
    return _sheets(session, row.round, [row], {row.reference: scored_bid(session, row)})[0]


def _assessable(session: Session, scope: Scope, round_ref: str, bid_ref: str) -> BidRow:
    row = get_bid(session, scope, round_ref, bid_ref)
    if not assessable(row):
        raise Refused(f"{row.reference} is still a draft: it has no assessment sheet until it is submitted.")
    return row


def _results(ranking: Ranking) -> dict[str, ScoredBid]:
    return {r.bid.reference: r.bid for r in ranking.rows}


def round_pack(session: Session, scope: Scope, round_ref: str) -> Pack:
    """The panel pack of a round, its sheets in rank order."""
    round_row = get_round(session, round_ref)
    _, decisions = round_decisions(session, round_ref)
    ranking = decisions.ranking
    rank = {r.bid.reference: r.rank for r in ranking.rows}
    sheets = _sheets(session, round_row, assessable_bids(session, round_row, scope), _results(ranking))
    return Pack(
        round_reference=round_row.reference,
        round_name=round_row.name,
        scheme=scheme_of(round_row),
        ranking=ranking,
        sheets=tuple(sorted(sheets, key=lambda s: rank[s.bid.reference])),
        drafts=drafts_in(session, round_row),
        decisions=decisions,
    )


def _sheets(
    session: Session, round_row: RoundRow, rows: list[BidRow], results: dict[str, ScoredBid]
) -> list[Sheet]:
    scheme = scheme_of(round_row)
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
        result = results[row.reference]

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
                result=result.criteria[c.id],
                points=criterion_points(scheme, c, result.criteria[c.id].score),
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
                result=result,
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


# What prints a sheet or pack besides its data: the code, its templates and stylesheet, and the
# libraries that draw and lay out (a new version may print the same data differently).
PRINTED_BY = ("bidtool/**/*.py", "templates/**/*.html", "static/css/print.css")
DRAWN_BY = ("weasyprint", "pydyf", "fonttools", "matplotlib", "pikepdf")


def sheet_key(sheet: Sheet) -> str:
    """A digest of everything a sheet prints: all of its data (so whatever a sheet comes to print
    is covered without being named here) and the code version. Equal keys print equal sheets."""
    return _digest(sheet)


def summary_key(pack: Pack, part: str) -> str:
    """A digest of everything a part of the pack's summary prints: the pack but its sheets (the
    ranking, the decisions, the round and its scheme) and the code version. A sheet's change that
    moves nothing in the ranking leaves it as it is."""
    return _digest([part, replace(pack, sheets=())])


def pack_key(pack: Pack, sheet_keys: Sequence[str] | None = None) -> str:
    """A digest of everything a pack prints as its reader sees it: the pack but its sheets, each of
    its sheets' keys in order (`sheet_keys`, when they are worked out already) and the code version."""
    keys = [sheet_key(s) for s in pack.sheets] if sheet_keys is None else list(sheet_keys)
    return _digest([replace(pack, sheets=()), *keys])


def _digest(data) -> str:
    inputs = {"data": data, "code": code_version()}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=_plain).encode()).hexdigest()


def _plain(value) -> object:
    """What JSON cannot write, written so that equal values give equal text: a dataclass as its
    fields (by name, so that a field added is covered), a set in order, anything else as its repr."""
    if is_dataclass(value):
        return {"": type(value).__name__} | {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return repr(value)


@cache
def code_version() -> str:
    """A digest of the code, templates and libraries that print (read once per process)."""
    digest = hashlib.sha256()
    for pattern in PRINTED_BY:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes())
    for library in DRAWN_BY:
        digest.update(f"{library} {metadata.version(library)}\0".encode())
    return digest.hexdigest()
