"""Funding rounds: a scheme, a pot and a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bidtool.core.deadlines import has_passed, show_deadline
from bidtool.core.money import format_pence
from bidtool.core.scheme import Scheme
from bidtool.models import HistoryRow, RoundRow, utcnow
from bidtool.services import NotFound, Refused, schemes


@dataclass(frozen=True)
class NewRound:
    reference: str
    name: str
    scheme_key: str
    pot: int
    deadline: datetime | None = None


def create_round(session: Session, new: NewRound) -> RoundRow:
    """Open a round; its reference must be new."""
    if session.exec(select(RoundRow).where(RoundRow.reference == new.reference)).first():
        raise Refused(f"There is already a round with the reference {new.reference!r}.")
    scheme = schemes.get_scheme(session, new.scheme_key)
    row = RoundRow(
        reference=new.reference, name=new.name, scheme_id=scheme.id, pot_pence=new.pot, deadline=new.deadline
    )
    session.add(row)
    session.commit()
    return row


@dataclass(frozen=True)
class RoundChange:
    """What an admin may change in a round; its reference and scheme stay as they are."""

    name: str
    pot: int
    deadline: datetime | None


def record_change(
    session: Session, row: RoundRow, actor_id: int | None, subject: str, old: str, new: str, why: str = ""
) -> None:
    """Keep a change to the round itself in its history (the caller commits)."""
    # Imported here: the assessment service itself builds on this one.
    from bidtool.services.assessment import Kind

    session.add(
        HistoryRow(
            round_id=row.id,
            actor_id=actor_id,
            kind=Kind.ROUND.value,
            subject=subject,
            old=old,
            new=new,
            justification=why,
        )
    )


def change_round(session: Session, actor_id: int, round_ref: str, change: RoundChange) -> list[str]:
    """Change a round's name, pot and deadline, each change in the round's history; say what changed."""
    row = get_round(session, round_ref)
    changed = []
    for subject, old, new, shown in (
        ("Name", row.name, change.name, str),
        ("Pot", row.pot_pence, change.pot, format_pence),
        ("Deadline", row.deadline, change.deadline, show_deadline),
    ):
        if old != new:
            changed.append(subject)
            record_change(session, row, actor_id, subject, shown(old), shown(new))
    row.name, row.pot_pence, row.deadline = change.name, change.pot, change.deadline
    session.add(row)
    session.commit()
    return changed


def list_rounds(session: Session) -> list[RoundRow]:
    return list(session.exec(select(RoundRow).order_by(RoundRow.created_at.desc(), RoundRow.id.desc())).all())


def get_round(session: Session, reference: str) -> RoundRow:
    row = session.exec(select(RoundRow).where(RoundRow.reference == reference)).first()
    if row is None:
        raise NotFound(f"There is no round {reference!r}.")
    return row


def scheme_of(round_row: RoundRow) -> Scheme:
    return schemes.to_core(round_row.scheme)


def is_open(round_row: RoundRow, now: datetime | None = None) -> bool:
    """Whether bids in the round can still be changed: until its deadline is over, if it has one."""
    return round_row.deadline is None or not has_passed(round_row.deadline, now or utcnow())
