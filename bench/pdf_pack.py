"""Benchmark: the panel pack of a round of 145 synthetic bids (the size of the 2013/14 round).

Run: .venv/bin/python bench/pdf_pack.py [--repeat N]. Prints, with the load average before each
figure (other work on the machine slows it), the time of: one sheet; the pack cold (no sheet kept:
every sheet printed on every core, then bound); warm (every sheet kept); and after one bid's score
changed (its sheet and the summary's two parts printed on every core, as `bidtool pack` does, no
task having printed them ahead). Each beside a
plain WeasyPrint document of the same number of pages (a line of text a page) printed in one
process in the same run, and the ratio of the two; the cold pack also beside the same pages
printed as one untagged document in one process (the pack as WeasyPrint alone would print it).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
from sqlmodel import select
from weasyprint import HTML

from bidtool import create_app, db, packs, printing
from bidtool.config import PROJECT_ROOT
from bidtool.core.access import Role
from bidtool.core.bid import Bid, BidStatus, BidYear, Partner, PartnerType
from bidtool.models import ScoreRow
from bidtool.services import EVERYONE, schemes
from bidtool.services.accounts import NewUser, create_user
from bidtool.services.assessment import import_scores
from bidtool.services.bids import add_bid
from bidtool.services.rounds import NewRound, create_round
from bidtool.services.sheets import placed_sheet, round_pack

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


def load() -> str:
    return open("/proc/loadavg").read().split()[0]


def pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def plain(count: int) -> float:
    """Seconds to print a plain document of `count` pages, a line of text a page, in this process."""
    html = "<html lang='en'><title>Plain</title>" + "".join(
        f"<p style='break-before: page'>Page {n}.</p>" for n in range(count)
    )
    return timed(lambda: HTML(string=html).write_pdf())[1]


def report(name: str, seconds: list[float], count: int, loads: list[str]) -> None:
    """The median of the runs, beside the plain document of as many pages, and the ratio."""
    median, reference = statistics.median(seconds), plain(count)
    print(
        f"{name:<52} {count:>4} pages {median:>7.2f} s   plain {reference:>5.2f} s"
        f"   ratio {median / reference:>5.2f}   (runs {', '.join(f'{s:.2f}' for s in seconds)};"
        f" load {', '.join(loads)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (the median is shown)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        db.upgrade(url)
        config = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PRINTS_DIR": folder, "PRINT_AHEAD": False}
        app = create_app(config)
        with app.app_context():
            session = db.session()
            round_ref = synthetic_round(session, random.Random(2013))
            print(f"{BIDS} synthetic bids in {round_ref!r} with every score; {cores} cores")

            def pack(jobs: int = cores) -> bytes:  # as `bidtool pack` prints it, on every core
                gathered = round_pack(session, EVERYONE, round_ref)
                parts = packs.parts_of(gathered)
                packs.print_in_processes(parts, jobs, lambda done: None)
                return packs.pack_pdf(gathered, datetime.now(UTC), parts=parts)

            def forget() -> None:
                for part in packs.parts_folder().iterdir():
                    part.unlink()

            one, place = placed_sheet(session, EVERYONE, round_ref, "SYN-000")
            printing.sheet_pdf(one, place, datetime.now(UTC))  # the first in a process loads fonts
            runs, loads = [], []
            for _ in range(args.repeat):
                loads.append(load())
                sheet, seconds = timed(lambda: printing.sheet_pdf(one, place, datetime.now(UTC)))
                runs.append(seconds)
            report("one assessment sheet, tagged (the bid page's download)", runs, pages(sheet), loads)

            runs, loads = [], []
            for _ in range(args.repeat):
                forget()
                loads.append(load())
                data, seconds = timed(lambda: pack(cores))
                runs.append(seconds)
            report(f"pack cold: every sheet printed on {cores} cores, bound", runs, pages(data), loads)

            runs, loads = [], []
            for _ in range(args.repeat):
                loads.append(load())
                data, seconds = timed(pack)
                runs.append(seconds)
            report("pack warm: every sheet kept, bound", runs, pages(data), loads)

            rows = session.exec(select(ScoreRow).order_by(ScoreRow.id)).all()
            moderated = {(s.bid_id, s.criterion) for s in rows if s.moderated}
            # Assessors' scores that no moderation overrides: changing one moves its bid's weighted
            # score, so its sheet and both parts of the summary are printed again.
            counted = [s for s in rows if not s.moderated and (s.bid_id, s.criterion) not in moderated]
            runs, loads = [], []
            for run in range(args.repeat):
                score = counted[run * 10]
                score.score = 1 + score.score % 4
                score.justification += " Revised."
                session.commit()
                loads.append(load())
                data, seconds = timed(pack)
                runs.append(seconds)
            report("pack after one bid's score changed (its sheet, summary)", runs, pages(data), loads)

            gathered = round_pack(session, EVERYONE, round_ref)
            loads = [load()]
            with app.test_request_context():
                whole, seconds = timed(lambda: untagged_whole(gathered))
            print(
                f"{'reference: the same pages as one untagged document':<52} {pages(whole):>4} pages "
                f"{seconds:>7.2f} s   (one process; load {loads[0]})"
            )
            db.engine().dispose()


def untagged_whole(pack) -> bytes:
    """The summary and every sheet as one untagged WeasyPrint document, in this process."""
    bodies = [printing._pack_html(pack, frozenset(printing.SUMMARY_PARTS))]
    bodies += [printing._sheet_html(sheet) for sheet in pack.sheets]
    html = bodies[0].replace(
        "</body>", "".join(b.split("<body>", 1)[1].split("</body>")[0] for b in bodies[1:])
    )
    document = HTML(string=html, base_url=printing.STATIC.as_uri() + "/", url_fetcher=printing.StaticOnly())
    return document.write_pdf(stylesheets=[printing._stylesheet()])


if __name__ == "__main__":
    main()
