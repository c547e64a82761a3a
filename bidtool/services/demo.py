"""The demo round: the 18 winning bids of the 2013/14 Transformation Challenge Award."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from bidtool.files import load_bid
from bidtool.models import BidRow, RoundRow
from bidtool.services import bids, schemes
from bidtool.services.rounds import NewRound, create_round

DEMO_ROUND = NewRound(
    reference="tca-2013",
    name="Transformation Challenge Award 2013/14",
    scheme_key="tca",
    pot=690_000_000,  # £6.9m, as advertised
)


def load_demo(session: Session, schemes_dir: Path, demo_dir: Path) -> list[str]:
    """Load the shipped schemes, the demo round and its bids, adding only what is missing."""
    added = [f"scheme {key}" for key in schemes.add_scheme_files(session, schemes_dir)]
    session.commit()
    round_row = session.exec(select(RoundRow).where(RoundRow.reference == DEMO_ROUND.reference)).first()
    if round_row is None:
        round_row = create_round(session, DEMO_ROUND)
        added.append(f"round {DEMO_ROUND.reference}")
    present = set(session.exec(select(BidRow.reference).where(BidRow.round_id == round_row.id)).all())
    for path in sorted((demo_dir / "bids").glob("*.json")):
        bid = load_bid(path)
        if bid.reference not in present:
            row = BidRow(
                round_id=round_row.id, reference=bid.reference, title=bid.title, lead_organisation=""
            )
            bids.write(row, bid)
            session.add(row)
            added.append(f"bid {bid.reference}")
    session.commit()
    return added
