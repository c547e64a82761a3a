"""The scores file of DOMAIN 5.2 (CSV): one row per assessor per criterion."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator

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
    scores: list[Score] = []
    first_at: dict[tuple, int] = {}
    for number, row in _records(lines, problems):
        score = _row(read, row, f"row {number}", scheme, references)
        if score is None:
            continue
        repeat = _repeat(score, number, first_at)
        if repeat:
            problems.add(f"row {number}", repeat)
        else:
            scores.append(score)
    problems.raise_if_any()
    return scores


def _records(lines: Iterable[str], problems: Problems) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield each data row with its number as a spreadsheet shows it (header row 1, blank rows count)."""
    reader = csv.reader(lines)
    header: list[str] | None = None
    for number in itertools.count(1):
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(f"row {number}", f"cannot be read as CSV ({error})")
            return
        if header is None:
            header = [c.strip() for c in cells]
            _check_header(problems, header)
            problems.raise_if_any()
        elif len(cells) != len(header) and any(c.strip() for c in cells):
            problems.add(f"row {number}", f"has {len(cells)} columns; the header has {len(header)}")
        elif any(c.strip() for c in cells):
            yield number, dict(zip(header, cells, strict=True))
    if header is None:
        problems.add("row 1", f"the file is empty; it needs the header {','.join(SCORE_COLUMNS)}")


def _repeat(score: Score, number: int, first_at: dict[tuple, int]) -> str | None:
    """Say how a score repeats an earlier row (the same assessor, or a second moderation)."""
    same = (score.bid, score.criterion, score.assessor, score.moderated)
    if same in first_at:
        return f"repeats row {first_at[same]} ({score.assessor} on {score.bid} {score.criterion})"
    moderation = (score.bid, score.criterion, "moderated")
    if score.moderated and moderation in first_at:
        return (
            f"a second moderated score for {score.bid} {score.criterion} "
            f"(the first is row {first_at[moderation]})"
        )
    first_at[same] = number
    if score.moderated:
        first_at[moderation] = number
    return None


def _check_header(problems: Problems, header: list[str]) -> None:
    missing = [c for c in SCORE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in SCORE_COLUMNS]
    twice = sorted({c for c in header if header.count(c) > 1})
    wrong = []
    if missing:
        wrong.append(f"lacks the column(s) {', '.join(missing)}")
    if unknown:
        wrong.append(f"has unknown column(s) {', '.join(unknown)}")
    if twice:
        wrong.append(f"names {', '.join(twice)} more than once")
    if wrong:
        problems.add("row 1", f"the header {'; '.join(wrong)}")


def _row(read: Reader, row: dict[str, str], where: str, scheme: Scheme, references: set[str]) -> Score | None:
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
