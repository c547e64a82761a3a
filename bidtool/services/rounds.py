"""Funding rounds: a scheme, a pot and a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bidtool.core.scheme import Scheme
from bidtool.models import RoundRow, utcnow
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


def list_rounds(session: Session) -> list[RoundRow]:
    return list(session.exec(select(RoundRow).order_by(RoundRow.created_at.desc(), RoundRow.id.desc())).all())


def get_round(session: Session, reference: str) -> RoundRow:
    row = session.exec(select(RoundRow).where(RoundRow.reference == reference)).first()
    if row is None:
        raise NotFound(f"There is no round {reference!r}.")
    return row


def scheme_of(round_row: RoundRow) -> Scheme:
    return schemes.to_core(round_row.scheme)


def is_open(round_row: RoundRow) -> bool:
    """Whether bids in the round can still be changed: until its deadline, if it has one."""
    return round_row.deadline is None or utcnow() < round_row.deadline
