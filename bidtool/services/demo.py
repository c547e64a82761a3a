"""The demo round: the 18 winning bids of the 2013/14 Transformation Challenge Award."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

from sqlmodel import Session, select

from bidtool.core.access import Role
from bidtool.files import load_bid
from bidtool.models import BidRow, RoundRow, ScoreRow, UserRow
from bidtool.services import bids, schemes
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import import_scores
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
    added += _add_missing_bids(session, round_row, demo_dir / "bids")
    session.commit()
    return added


def load_demo_draft(session: Session, demo_dir: Path) -> list[str]:
    """Add the demo round's council draft (drafts/ beside its bids) if it is missing, so that the
    demo shows a bid not yet submitted; the round must exist."""
    round_row = session.exec(select(RoundRow).where(RoundRow.reference == DEMO_ROUND.reference)).one()
    added = _add_missing_bids(session, round_row, demo_dir / "drafts")
    session.commit()
    return added


def _add_missing_bids(session: Session, round_row: RoundRow, folder: Path) -> list[str]:
    """Add the bid files of a folder that the round does not have yet (the caller commits)."""
    present = set(session.exec(select(BidRow.reference).where(BidRow.round_id == round_row.id)).all())
    added = []
    for path in sorted(folder.glob("*.json")):
        bid = load_bid(path)
        if bid.reference not in present:
            row = BidRow(
                round_id=round_row.id, reference=bid.reference, title=bid.title, lead_organisation=""
            )
            bids.write(row, bid)
            session.add(row)
            added.append(f"bid {bid.reference}")
    return added


# One user per role, and council users for two of the demo bids' lead organisations.
DEMO_USERS = (
    NewUser("admin@demo.bidtool.test", Role.ADMIN),
    NewUser(
        "lead@demo.bidtool.test", Role.LEAD_ASSESSOR, "Ministry of Housing, Communities and Local Government"
    ),
    NewUser(
        "assessor@demo.bidtool.test", Role.ASSESSOR, "Ministry of Housing, Communities and Local Government"
    ),
    NewUser("second.assessor@demo.bidtool.test", Role.ASSESSOR, "Local Government Association"),
    NewUser("panel@demo.bidtool.test", Role.PANEL),
    NewUser("swindon@demo.bidtool.test", Role.COUNCIL, "Swindon Borough Council"),
    NewUser("cheshire@demo.bidtool.test", Role.COUNCIL, "Cheshire West and Chester Council"),
    # Who scored the demo round in fixtures/tca2013/scores.csv: three assessors and the lead.
    *(
        NewUser(
            f"{name}@assessors.example.gov.uk",
            Role.ASSESSOR,
            "Ministry of Housing, Communities and Local Government",
        )
        for name in ("a.khan", "b.jones", "c.obi")
    ),
    NewUser(
        "lead@assessors.example.gov.uk",
        Role.LEAD_ASSESSOR,
        "Ministry of Housing, Communities and Local Government",
    ),
)


def demo_password(secret: str, email: str) -> str:
    """The demo password of an email: derived from this installation's secret key, so never in code."""
    digest = hmac.new(secret.encode(), email.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)[:20].decode()


def add_demo_users(session: Session, secret: str) -> list[tuple[NewUser, str]]:
    """Create the demo users that are missing; return every demo user with their password."""
    present = set(session.exec(select(UserRow.email)).all())
    for user in DEMO_USERS:
        if user.email not in present:
            create_user(session, user, demo_password(secret, user.email))
    return [(user, demo_password(secret, user.email)) for user in DEMO_USERS]


def load_demo_scores(session: Session, demo_dir: Path) -> int:
    """Store the demo round's scores (scores.csv beside its bids) once, so that it has a ranking;
    the demo users must exist. Returns how many scores were stored (0 when it had some already)."""
    round_row = session.exec(select(RoundRow).where(RoundRow.reference == DEMO_ROUND.reference)).one()
    scored = session.exec(select(ScoreRow).join(BidRow).where(BidRow.round_id == round_row.id)).first()
    if scored is not None:
        return 0
    with (demo_dir / "scores.csv").open(newline="") as lines:
        return import_scores(session, None, DEMO_ROUND.reference, lines)
