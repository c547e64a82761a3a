"""Benchmark: the panel's decisions on rounds of 145 bids (the 2013/14 round) and of 2,000 bids.

Run: .venv/bin/python bench/decisions.py. Prints the seconds of each decision on synthetic rounds
(three assessors, two of them on each bid, five criteria on the tca scheme, a pot that funds about a
fifth of the awards): agreement with calibration, the Monte Carlo of 10,000 draws, the best
portfolio (HiGHS), and an automatic assignment of two assessors per bid (min-cost flow and spreading
the pairs). Nothing touches a database: these are the core's own times.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from bidtool.core.appraisal import appraise
from bidtool.core.bid import Bid, BidStatus, BidYear
from bidtool.core.decisions.allocation import Request, propose
from bidtool.core.decisions.assessors import agreement
from bidtool.core.decisions.panel import Assessed, scored_bids
from bidtool.core.decisions.portfolio import best_portfolio
from bidtool.core.decisions.robustness import DRAWS, robustness
from bidtool.core.ranking import rank_bids
from bidtool.core.scoring import Score
from bidtool.files import load_scheme

SCHEME = load_scheme(Path(__file__).resolve().parent.parent / "fixtures" / "schemes" / "tca.yaml")
ASSESSORS_PER_40_BIDS = 3  # about 27 assessments each at two a bid


def synthetic(count: int, rng: random.Random):
    """`count` bids, each scored by two of the round's assessors on every criterion."""
    assessors = [f"assessor{i}@example.gov.uk" for i in range(max(3, count * ASSESSORS_PER_40_BIDS // 40))]
    lenient = {a: rng.choice((-1, 0, 0, 1)) for a in assessors}
    assessed, scores = [], []
    for i in range(count):
        years = (BidYear(2014, award_costs=rng.randrange(50_000, 800_000) * 100),)
        years += (BidYear(2015, savings=rng.randrange(0, 3_000_000) * 100),)
        bid = Bid(
            reference=f"SYN-{i:04d}",
            title=f"Synthetic bid {i}",
            lead_organisation=f"Council {rng.randrange(count // 2 + 1)}",
            award_sought=years[0].award_costs,
            savings_confidence=rng.randrange(1, 7),
            years=years,
            status=BidStatus.SUBMITTED,
        )
        assessed.append(Assessed(bid, appraise(bid, SCHEME.optimism_bias)))
        quality = rng.randrange(1, 4)
        for who in rng.sample(assessors, 2):
            for c in SCHEME.criteria:
                value = min(max(quality + lenient[who] + rng.choice((-1, 0, 0, 1)), 0), 4)
                scores.append(Score(bid.reference, c.id, who, value))
    return assessed, scores, assessors


def timed(what: str, work):
    started = time.perf_counter()
    result = work()
    print(f"  {what:<44} {time.perf_counter() - started:7.2f} s")
    return result


def bench(count: int) -> None:
    rng = random.Random(count)
    assessed, scores, assessors = synthetic(count, rng)
    pot = sum(a.bid.award_sought for a in assessed) // 5
    print(f"{count:,} bids, {len(assessors)} assessors, {len(scores):,} scores:")
    found = timed("agreement and calibration", lambda: agreement(SCHEME, scores))
    scored = scored_bids(SCHEME, assessed, scores, None)
    ranking = rank_bids(SCHEME, scored, pot)
    timed(f"Monte Carlo, {DRAWS:,} draws", lambda: robustness(SCHEME, scored, scores, pot, 100))
    timed("best portfolio (HiGHS)", lambda: best_portfolio(ranking))
    request = Request(
        bids=tuple(a.bid.reference for a in assessed),
        assessors=tuple(assessors),
        per_bid=2,
        min_load=0,
        max_load=2 * count // len(assessors) + 2,
        conflicts=frozenset((a.bid.reference, rng.choice(assessors)) for a in assessed[::4]),
        existing=frozenset(),
    )
    proposal = timed("assignment, 2 per bid (flow and pairs)", lambda: propose(request))
    print(
        f"  (overall alpha {found.overall:.3f}; loads {min(proposal.loads.values())} to "
        f"{max(proposal.loads.values())}; most bids one pair shares {max(proposal.together.values())})"
    )


def main() -> None:
    for count in (145, 2_000):
        bench(count)


if __name__ == "__main__":
    main()
