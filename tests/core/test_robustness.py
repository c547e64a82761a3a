"""How sure is rank k: the vectorised Monte Carlo against a slow, plain one, and what must hold of it."""

from __future__ import annotations

import itertools
import random
import statistics
from collections import Counter, defaultdict

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bidtool.core.appraisal import appraise
from bidtool.core.bid import BidYear
from bidtool.core.decisions.robustness import robustness
from bidtool.core.ranking import rank_bids
from bidtool.core.scoring import Score, Status, score_bid
from tests.core.conftest import build_bid, build_scheme

SCHEME = build_scheme(
    criteria=(
        {"id": "value_for_money", "weight": 30},
        {"id": "innovation", "weight": 40},
        {"id": "deliverability", "weight": 30, "gate": {"min_score": 2}},
    ),
    vfm_gate=1.0,
    tie_breaks=["criterion:value_for_money", "-award_sought"],
)


def bid(reference: str, award: int, savings: int):
    years = [BidYear(2014, award_costs=award), BidYear(2015, savings=savings)]
    return build_bid(years, reference=reference)


# Six bids: spread scores, a moderated criterion, a gate the bootstrap crosses, a bid below the
# value-for-money gate and a bid not fully scored; the pot cuts through the rest.
BIDS = [
    bid("AAA", 300, 2_000),
    bid("BBB", 200, 2_000),
    bid("CCC", 250, 2_000),
    bid("DDD", 100, 50),  # BCR below 1: fails the value-for-money gate whatever its scores
    bid("EEE", 100, 2_000),  # innovation unscored: incomplete
    bid("FFF", 200, 2_000),
]
RAW = {
    "AAA": {"x": (3, 3, 2), "y": (2, 4, 3)},
    "BBB": {"x": (4, 2, 1), "y": (2, 3, 3), "z": (3, 4, 2)},
    "CCC": {"y": (1, 1, 4), "z": (3, 3, 4)},
    "DDD": {"x": (4, 4, 4), "z": (4, 4, 4)},
    "EEE": {"x": (4, None, 4)},
    "FFF": {"x": (3, 2, 1), "y": (2, 3, 3)},
}
CRITERIA = [c.id for c in SCHEME.criteria]
SCORES = [
    Score(reference, criterion, who, value)
    for reference, people in RAW.items()
    for who, values in people.items()
    for criterion, value in zip(CRITERIA, values, strict=True)
    if value is not None
]
SCORES.append(Score("CCC", "innovation", "lead", 3, moderated=True))
POT = 650
CONCENTRATION = 20


def scored_bids():
    return [score_bid(SCHEME, b, appraise(b, SCHEME.optimism_bias), SCORES) for b in BIDS]


def drawn_scores(reference: str, own: dict, moderated: dict, rng: random.Random) -> dict:
    """One bid's criterion scores in one draw: its assessors drawn again, moderated scores kept."""
    people = sorted(own)
    drawn = [rng.choice(people) for _ in people]
    values = {}
    for c in CRITERIA:
        if (reference, c) in moderated:
            values[c] = moderated[(reference, c)]
            continue
        got = [own[a][c] for a in drawn if c in own[a]]
        every = [own[a][c] for a in people if c in own[a]]
        values[c] = statistics.fmean(got or every) if every else None
    return values


def slow_reference(draws: int, seed: int) -> tuple[dict[str, float], dict[str, tuple[int, int]]]:
    """The same Monte Carlo one draw and one bid at a time, with Python's own random numbers."""
    rng = random.Random(seed)
    weights = [float(c.weight) for c in SCHEME.criteria]
    moderated = {(s.bid, s.criterion): s.score for s in SCORES if s.moderated}
    own = defaultdict(dict)
    for s in SCORES:
        if not s.moderated:
            own[s.bid].setdefault(s.assessor, {})[s.criterion] = s.score
    facts = {b.reference: (b, appraise(b, SCHEME.optimism_bias).prudent.bcr) for b in BIDS}
    funded, ranks = Counter(), defaultdict(list)
    for _ in range(draws):
        gammas = [rng.gammavariate(CONCENTRATION * w / sum(weights), 1) for w in weights]
        w = [g / sum(gammas) for g in gammas]
        rows = []
        for reference, (b, bcr) in facts.items():
            values = drawn_scores(reference, own[reference], moderated, rng)
            if None in values.values():
                status, weighted = 2, None
            else:
                weighted = round(100 * sum(wi * values[c] / 4 for wi, c in zip(w, CRITERIA, strict=True)), 9)
                fails = bcr < 1 or values["deliverability"] < 2
                status = 1 if fails else 0
            vfm = values["value_for_money"]
            rows.append(
                (
                    status,
                    weighted is None,
                    -(weighted or 0),
                    vfm is None,
                    -(vfm or 0),
                    b.award_sought,
                    reference,
                )
            )
        rows.sort()
        used = 0
        for place, row in enumerate(rows, start=1):
            ranks[row[-1]].append(place)
            award = facts[row[-1]][0].award_sought
            if row[0] == 0 and used + award <= POT:
                used += award
                funded[row[-1]] += 1
    spans = {}
    for reference, places in ranks.items():
        places.sort()
        spans[reference] = (
            places[int(0.05 * draws + 0.999999) - 1],
            places[int(0.95 * draws + 0.999999) - 1],
        )
    return {r: funded[r] / draws for r in facts}, spans


def test_funded_probabilities_are_within_two_points_of_a_slow_plain_reference_at_50000_draws():
    fast = robustness(SCHEME, scored_bids(), SCORES, POT, CONCENTRATION, draws=50_000, seed=1)
    probabilities, spans = slow_reference(50_000, seed=2)
    for reference, probability in probabilities.items():
        assert fast.funded[reference] == pytest.approx(probability, abs=0.02), reference
        low, high = spans[reference]
        assert (
            abs(fast.rank_range[reference][0] - low) <= 1 and abs(fast.rank_range[reference][1] - high) <= 1
        )
    # The round is built so that the draws matter: some bids are funded in some draws and not others.
    assert sum(0.05 < p < 0.95 for p in probabilities.values()) >= 2
    assert fast.funded["DDD"] == fast.funded["EEE"] == 0
    assert fast.rank_range["EEE"] == (6, 6)  # incomplete: last in every draw


def test_the_same_seed_gives_the_same_figures():
    first = robustness(SCHEME, scored_bids(), SCORES, POT, CONCENTRATION, draws=3_000, seed=7)
    again = robustness(SCHEME, scored_bids(), SCORES, POT, CONCENTRATION, draws=3_000, seed=7)
    assert first == again


def test_without_a_pot_there_is_no_funding_to_count_but_ranks_still_vary():
    found = robustness(SCHEME, scored_bids(), SCORES, None, CONCENTRATION, draws=2_000)
    assert set(found.funded.values()) == {None}
    assert any(low < high for low, high in found.rank_range.values())


# Bids each scored by one assessor (nothing to bootstrap) on two criteria, awards and a pot.
steady_rounds = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 100)), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None)
@given(steady_rounds, st.integers(0, 400))
def test_when_nothing_can_vary_the_draws_give_the_rankings_own_funding_and_ranks(rows, pot):
    scheme = build_scheme(criteria=("value_for_money", "innovation"))
    bids = [build_bid([BidYear(2014, award_costs=r[2])], reference=f"B{i}") for i, r in enumerate(rows)]
    scores = [
        Score(b.reference, c, "only@x", value)
        for b, r in zip(bids, rows, strict=True)
        for c, value in zip(("value_for_money", "innovation"), r[:2], strict=True)
    ]
    scored = [score_bid(scheme, b, appraise(b), scores) for b in bids]
    # Weights drawn close to the scheme's reorder bids whose scores tie (or nearly): leave those out.
    totals = sorted(b.weighted_score for b in scored)
    assume(all(b - a >= 1 for a, b in itertools.pairwise(totals)))
    ranking = rank_bids(scheme, scored, pot)
    found = robustness(scheme, scored, scores, pot, 10**9, draws=200)
    for row in ranking.rows:
        assert found.funded[row.bid.reference] == (1.0 if row.funded else 0.0)
        assert found.rank_range[row.bid.reference] == (row.rank, row.rank)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 1_500), st.integers(1, 500))
def test_the_awards_funded_in_every_draw_fit_the_pot_so_their_expectation_does(pot, concentration):
    found = robustness(SCHEME, scored_bids(), SCORES, pot, concentration, draws=500)
    expected = sum(found.funded[b.reference] * b.award_sought for b in BIDS)
    assert expected <= pot + 1e-9
    for b in scored_bids():
        if b.status is not Status.RANKED and b.reference in ("DDD", "EEE"):
            assert found.funded[b.reference] == 0


def test_the_figures_do_not_depend_on_the_order_the_bids_come_in():
    forward = robustness(SCHEME, scored_bids(), SCORES, POT, CONCENTRATION, draws=2_000)
    backward = robustness(SCHEME, scored_bids()[::-1], SCORES[::-1], POT, CONCENTRATION, draws=2_000)
    assert forward == backward
