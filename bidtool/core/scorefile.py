"""The scores file of DOMAIN 5.2 (CSV): one row per assessor per criterion."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bidtool.core.errors import Problems
from bidtool.core.fields import Reader
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import Score

SCORE_COLUMNS = ("bid", "criterion", "assessor", "score", "justification", "moderated")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}
MAX_JUSTIFICATION = 10_000


def parse_scores(lines: Iterable[str], scheme: Scheme, references: set[str]) -> list[Score]:
    """Read scores CSV text for the given scheme and bids, or raise InvalidInput naming each row."""
    problems = Problems()
    read = Reader(problems)
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    missing = [c for c in SCORE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in SCORE_COLUMNS]
    if missing or unknown:
        if missing:
            problems.add("row 1", f"the header lacks the column(s) {', '.join(missing)}")
        if unknown:
            problems.add("row 1", f"unknown column(s) {', '.join(map(str, unknown))}")
        problems.raise_if_any()
    scores: list[Score] = []
    seen: dict[tuple[str, str, str, bool], int] = {}
    moderated_at: dict[tuple[str, str], int] = {}
    for number, row in enumerate(reader, start=2):
        score = _row(read, row, f"row {number}", scheme, references)
        if score is None:
            continue
        key = (score.bid, score.criterion, score.assessor, score.moderated)
        if key in seen:
            problems.add(
                f"row {number}",
                f"repeats row {seen[key]} ({score.assessor} on {score.bid} {score.criterion})",
            )
            continue
        seen[key] = number
        if score.moderated:
            pair = (score.bid, score.criterion)
            if pair in moderated_at:
                problems.add(
                    f"row {number}",
                    f"a second moderated score for {score.bid} {score.criterion} "
                    f"(the first is row {moderated_at[pair]})",
                )
                continue
            moderated_at[pair] = number
        scores.append(score)
    problems.raise_if_any()
    return scores


def _row(read: Reader, row: dict, where: str, scheme: Scheme, references: set[str]) -> Score | None:
    if None in row or any(row.get(c) is None for c in SCORE_COLUMNS):
        read.problems.add(where, f"must have exactly {len(SCORE_COLUMNS)} columns")
        return None
    bid = row["bid"].strip()
    criterion = row["criterion"].strip()
    count = len(read.problems.items)
    if bid not in references:
        read.problems.add(f"{where}, bid", f"{bid[:40]!r} is not one of the bids given")
    if scheme.criterion(criterion) is None:
        known = ", ".join(c.id for c in scheme.criteria)
        read.problems.add(
            f"{where}, criterion", f"{criterion[:40]!r} is not a criterion of {scheme.id} ({known})"
        )
    assessor = read.text(row["assessor"], f"{where}, assessor", limit=254)
    score = read.integer(row["score"], f"{where}, score")
    if score is not None and score not in scheme.scale.points:
        read.problems.add(
            f"{where}, score", f"{score} is off the scale {scheme.scale.min} to {scheme.scale.max}"
        )
    flag = row["moderated"].strip().lower()
    if flag not in _TRUE | _FALSE:
        read.problems.add(f"{where}, moderated", f"{flag[:20]!r} must be true or false")
    justification = read.text(
        row["justification"], f"{where}, justification", required=False, limit=MAX_JUSTIFICATION
    )
    if len(read.problems.items) > count or score is None:
        return None
    return Score(bid, criterion, assessor, score, justification, flag in _TRUE)


def write_scores(scores: Iterable[Score]) -> str:
    """Write scores as the scores CSV (header first) that parse_scores reads back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCORE_COLUMNS)
    for s in scores:
        writer.writerow(
            [s.bid, s.criterion, s.assessor, s.score, s.justification, "true" if s.moderated else "false"]
        )
    return out.getvalue()
