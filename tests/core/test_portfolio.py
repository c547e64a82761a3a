"""The best portfolio under the pot is the best of every subset of passing bids (brute force, up to
15 bids), within the pot to the penny, one bid per lead organisation when asked."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.decisions.portfolio import Objective, best_portfolio
from bidtool.core.ranking import rank_bids
from bidtool.core.scoring import ScoredBid, Status
from tests.core.conftest import build_scheme

SCHEME = build_scheme()


def scored(
    reference: str, score: Fraction, award: int, npv: int, status: Status = Status.RANKED
) -> ScoredBid:
    return ScoredBid(reference, reference, award, None, npv, {}, score, status, ())


bid_lists = st.lists(
    st.tuples(
        st.fractions(0, 100, max_denominator=12),
        st.integers(1, 50_000_000),  # up to £500,000 in pence
        st.integers(-10_000_000, 100_000_000),
        st.sampled_from([Status.RANKED] * 4 + [Status.FAILS_GATE]),
        st.sampled_from("ABCDE"),  # the lead organisation
    ),
    min_size=1,
    max_size=15,
)


def brute_force(bids, pot: int, objective: Objective, one_each: bool) -> Fraction:
    """The largest total of any subset of passing bids that fits (and keeps to one per organisation)."""
    passing = [b for b in bids if b[3] is Status.RANKED]
    masks = np.array(list(itertools.product([0, 1], repeat=len(passing))), dtype=np.int64)
    awards = masks @ np.array([b[1] for b in passing], dtype=np.int64) if passing else np.zeros(1)
    fits = awards <= pot
    if one_each:
        for organisation in set("ABCDE"):
            members = np.array([b[4] == organisation for b in passing], dtype=np.int64)
            fits &= (masks @ members if passing else 0) <= 1
    value = {Objective.SCORE: lambda b: b[0], Objective.NPV: lambda b: Fraction(b[2])}[objective]
    best = Fraction(0)
    for mask in masks[fits]:
        best = max(best, sum((value(b) for b, x in zip(passing, mask, strict=True) if x), Fraction(0)))
    return best


@settings(max_examples=60, deadline=None)
@given(
    bids=bid_lists,
    share=st.fractions(0, 1),
    objective=st.sampled_from(Objective),
    one_each=st.booleans(),
)
def test_the_best_portfolio_is_the_best_subset_that_fits_the_pot(bids, share, objective, one_each):
    ranking = rank_bids(
        SCHEME,
        [scored(f"B{i:02d}", *b[:4]) for i, b in enumerate(bids)],
        int(share * sum(b[1] for b in bids)),
    )
    organisations = {f"B{i:02d}": b[4] for i, b in enumerate(bids)} if one_each else None
    found = best_portfolio(ranking, objective, organisations)
    chosen = [b for i, b in enumerate(bids) if f"B{i:02d}" in found.best.references]
    assert all(b[3] is Status.RANKED for b in chosen)
    assert found.best.pot_used == sum(b[1] for b in chosen) <= ranking.pot
    if one_each:
        assert len({b[4] for b in chosen}) == len(chosen)
    total = found.best.total_score if objective is Objective.SCORE else Fraction(found.best.total_npv)
    assert abs(total - brute_force(bids, ranking.pot, objective, one_each)) <= Fraction(1, 10**6)
    # The funding line is never better than the best portfolio at what the portfolio maximises.
    line = found.line.total_score if objective is Objective.SCORE else Fraction(found.line.total_npv)
    assert one_each or line <= total + Fraction(1, 10**6)


def test_the_best_portfolio_says_what_it_adds_to_the_funding_line_and_what_it_leaves_out():
    bids = [
        scored("BIG", Fraction(80), 600, 0),
        scored("SMALL1", Fraction(70), 300, 0),
        scored("SMALL2", Fraction(60), 300, 0),
        scored("GATED", Fraction(99), 10, 0, Status.FAILS_GATE),
    ]
    found = best_portfolio(rank_bids(SCHEME, bids, 700))
    # The line funds BIG first, then nothing else fits; two small bids together score more.
    assert found.line.references == ("BIG",) and found.line.total_score == 80
    assert found.best.references == ("SMALL1", "SMALL2") and found.best.total_score == 130
    assert (found.only_best, found.only_line) == (("SMALL1", "SMALL2"), ("BIG",))
    assert (found.best.pot_used, found.line.pot_used) == (600, 600)


def test_at_most_one_bid_per_lead_organisation_when_asked():
    bids = [
        scored("A1", Fraction(50), 100, 0),
        scored("A2", Fraction(40), 100, 0),
        scored("B1", Fraction(10), 100, 0),
    ]
    ranking = rank_bids(SCHEME, bids, 300)
    assert best_portfolio(ranking).best.references == ("A1", "A2", "B1")
    one_each = best_portfolio(ranking, organisations={"A1": "a", "A2": "a", "B1": "b"})
    assert one_each.best.references == ("A1", "B1") and one_each.one_per_organisation


def test_by_npv_a_bid_that_loses_money_is_left_out():
    bids = [scored("GAIN", Fraction(10), 100, 5_000), scored("LOSS", Fraction(90), 100, -1)]
    found = best_portfolio(rank_bids(SCHEME, bids, 1_000), Objective.NPV)
    assert found.best.references == ("GAIN",) and found.best.total_npv == 5_000
