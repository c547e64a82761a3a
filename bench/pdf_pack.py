"""Benchmark: the panel pack of a round of 145 synthetic bids (the size of the 2013/14 round).

Run: .venv/bin/python bench/pdf_pack.py [--tagged]. Prints pages, seconds and pages per second of
the pack printed in parallel on every core (as `bidtool pack` does), the time of one sheet, and a
plain one-page WeasyPrint document as a reference from the same run. With --tagged it also times
the tagged one-process pack that the web download serves.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from weasyprint import HTML

from bidtool import create_app, db, printing
from bidtool.config import PROJECT_ROOT
from bidtool.core.access import Role
from bidtool.core.bid import Bid, BidStatus, BidYear, Partner, PartnerType
from bidtool.services import EVERYONE, schemes
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import import_scores
from bidtool.services.bids import add_bid
from bidtool.services.rounds import NewRound, create_round
from bidtool.services.sheets import bid_sheet, round_pack

BIDS = 145
ROUND = "bench-145"
ASSESSORS = ["a.khan", "b.jones", "c.obi"]
WORDS = [
    *("savings", "partners", "evidence", "business", "case", "shared", "service", "council", "police"),
    *("fire", "health", "costs", "risk", "plan", "delivery", "model", "year", "benefit", "baseline"),
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_round(session, rng: random.Random) -> str:
    """Add BIDS bids to the demo round's scheme in a round of their own, with every score."""
    schemes.add_scheme_files(session, PROJECT_ROOT / "fixtures" / "schemes")
    round_row = create_round(session, NewRound(ROUND, "Synthetic round of 145 bids", "tca", 690_000_000))
    for index in range(BIDS):
        years = tuple(
            BidYear(
                2014 + t,
                award_costs=rng.randrange(50_000, 400_000) * 100 if t < 2 else 0,
                match_costs=rng.randrange(0, 200_000) * 100,
                savings=rng.randrange(0, 2_000_000) * 100 if t else 0,
            )
            for t in range(rng.randrange(3, 7))
        )
        partners = tuple(
            Partner(f"Partner {index}-{p} Council", rng.choice(list(PartnerType)))
            for p in range(rng.randrange(2, 7))
        )
        add_bid(
            session,
            round_row,
            Bid(
                reference=f"SYN-{index:03d}",
                title=f"Synthetic bid {index}: {_sentence(rng, 6)}",
                lead_organisation=partners[0].name,
                partners=partners,
                award_sought=sum(y.award_costs for y in years),
                savings_confidence=rng.randrange(1, 7),
                years=years,
                narrative={"summary": _sentence(rng, 60)},
                status=BidStatus.SUBMITTED,
            ),
        )
    session.commit()
    for name in [*ASSESSORS, "lead"]:
        role = Role.LEAD_ASSESSOR if name == "lead" else Role.ASSESSOR
        create_user(session, NewUser(f"{name}@bench.example", role, "MHCLG"), "bench password 1234")
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["bid", "criterion", "assessor", "score", "justification", "moderated"])
    for index in range(BIDS):
        for criterion in (
            "value_for_money",
            "innovation",
            "collaboration",
            "deliverability",
            "transferability",
        ):
            for assessor in rng.sample(ASSESSORS, 2):
                rows.writerow(
                    [
                        f"SYN-{index:03d}",
                        criterion,
                        f"{assessor}@bench.example",
                        rng.randrange(1, 5),
                        _sentence(rng, 30),
                        "false",
                    ]
                )
            if rng.random() < 0.3:
                rows.writerow(
                    [
                        f"SYN-{index:03d}",
                        criterion,
                        "lead@bench.example",
                        rng.randrange(1, 5),
                        _sentence(rng, 20),
                        "true",
                    ]
                )
    import_scores(session, None, ROUND, io.StringIO(out.getvalue(), newline=""))
    return ROUND


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def report(name: str, data: bytes, seconds: float) -> None:
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"{name:<46} {pages:>5} pages {seconds:>7.2f} s {pages / seconds:>7.1f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tagged", action="store_true", help="also time the tagged one-process pack")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        db.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        with app.app_context():
            session = db.session()
            round_ref = synthetic_round(session, random.Random(2013))
            now = datetime.now(UTC)
            print(f"{BIDS} synthetic bids in {round_ref!r} with every score; {cores} cores")
            plain, seconds = timed(
                lambda: HTML(string="<html lang='en'><title>Plain</title><p>One page.</p></html>").write_pdf()
            )
            report("reference: plain one-page WeasyPrint document", plain, seconds)
            one = bid_sheet(session, EVERYONE, round_ref, "SYN-000")
            sheet, seconds = timed(lambda: printing.sheet_pdf(one, now))
            report("one assessment sheet, first in the process", sheet, seconds)
            sheet, seconds = timed(lambda: printing.sheet_pdf(one, now))
            report("one assessment sheet (tagged PDF/UA)", sheet, seconds)
            pack, gathered = timed(lambda: round_pack(session, EVERYONE, round_ref))
            print(f"{'gathering the pack data':<46} {'':>11} {gathered:>7.2f} s")
            data, seconds = timed(lambda: printing.pack_pdf_parallel(pack, now, cores))
            report(f"panel pack, {cores} processes, merged (untagged)", data, seconds + gathered)
            if args.tagged:
                data, seconds = timed(lambda: printing.pack_pdf(pack, now))
                report("panel pack, one process, tagged PDF/UA", data, seconds + gathered)
            db.engine().dispose()


if __name__ == "__main__":
    main()
