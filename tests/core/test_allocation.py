"""Automatic assignment: never across a conflict, loads within bounds, as even as any assignment can
make them (brute force on small rounds), pairs spread, and a reason whenever none is possible."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.decisions.allocation import NoAssignment, Request, propose


def every_assignment(request: Request):
    """Every assignment that meets the rules, by brute force."""
    have = Counter(bid for bid, _ in request.existing)
    options = []
    for bid in request.bids:
        free = [a for a in request.assessors if (bid, a) not in request.conflicts | request.existing]
        need = max(request.per_bid - have[bid], 0)
        options.append([{(bid, a) for a in chosen} for chosen in itertools.combinations(free, need)])
    for choice in itertools.product(*options):
        pairs = set().union(*choice)
        if loads_kept(request, pairs):
            yield pairs


def loads_kept(request: Request, pairs: set) -> bool:
    """Each assessor takes at least the minimum in all, and no new bid beyond the maximum."""
    before = Counter(a for _, a in request.existing)
    new = Counter(a for _, a in pairs)
    return all(
        before[a] + new[a] >= request.min_load and new[a] <= max(request.max_load - before[a], 0)
        for a in request.assessors
    )


@st.composite
def requests(draw) -> Request:
    bids = tuple(f"B{i}" for i in range(draw(st.integers(1, 4))))
    assessors = tuple(f"a{i}" for i in range(draw(st.integers(1, 4))))
    every = [(b, a) for b in bids for a in assessors]
    conflicts = draw(st.sets(st.sampled_from(every), max_size=len(every) // 2))
    existing = draw(st.sets(st.sampled_from([p for p in every if p not in conflicts] or every), max_size=2))
    low = draw(st.integers(0, 2))
    return Request(
        bids=bids,
        assessors=assessors,
        per_bid=draw(st.integers(1, 2)),
        min_load=low,
        max_load=draw(st.integers(low, 4)),
        conflicts=frozenset(conflicts),
        existing=frozenset(existing - conflicts),
    )


@settings(max_examples=150, deadline=None)
@given(requests())
def test_the_flow_never_crosses_a_conflict_keeps_the_loads_and_evens_them_as_well_as_brute_force(request):
    possible = list(every_assignment(request))
    if not possible:
        with pytest.raises(NoAssignment) as refused:
            propose(request)
        assert refused.value.reasons
        return
    found = propose(request)
    pairs = set(found.pairs)
    assert not pairs & request.conflicts and not pairs & request.existing
    assert loads_kept(request, pairs)
    loads = Counter(a for _, a in pairs | request.existing)
    assert found.loads == {a: loads[a] for a in request.assessors}
    before = Counter(bid for bid, _ in request.existing)
    after = Counter(bid for bid, _ in pairs | request.existing)
    assert all(after[bid] == max(request.per_bid, before[bid]) for bid in request.bids)
    best = min(sum(n * n for n in Counter(a for _, a in p | request.existing).values()) for p in possible)
    assert found.load_cost == best


def test_pairs_are_spread_so_that_no_two_assessors_always_score_together():
    # Four assessors, six bids, two each: every pair of assessors can share exactly one bid.
    request = Request(
        bids=tuple(f"B{i}" for i in range(6)),
        assessors=("a", "b", "c", "d"),
        per_bid=2,
        min_load=0,
        max_load=3,
        conflicts=frozenset(),
        existing=frozenset(),
    )
    found = propose(request)
    assert found.loads == {"a": 3, "b": 3, "c": 3, "d": 3}
    assert sorted(found.together.values()) == [1] * 6


def test_a_bid_with_too_few_assessors_free_of_conflict_is_named():
    request = Request(("B1", "B2"), ("a", "b"), 2, 0, 5, frozenset({("B2", "b")}), frozenset())
    with pytest.raises(NoAssignment) as refused:
        propose(request)
    assert refused.value.reasons == [
        "B2 needs 2 more assessors but only 1 can take it (the others have a conflict of interest or are "
        "already on it)."
    ]


def test_loads_that_cannot_hold_the_bids_say_so():
    request = Request(("B1", "B2", "B3"), ("a", "b"), 2, 0, 2, frozenset(), frozenset())
    with pytest.raises(NoAssignment) as refused:
        propose(request)
    assert refused.value.reasons == [
        "The bids need 6 more assessments but 2 assessors with at most 2 each can take only 4 more."
    ]


def test_a_minimum_load_beyond_the_bids_says_so():
    request = Request(("B1",), ("a", "b", "c"), 1, 1, 3, frozenset(), frozenset())
    with pytest.raises(NoAssignment) as refused:
        propose(request)
    assert (
        refused.value.reasons[0] == "A minimum load of 1 needs 3 more assessments, but the bids need only 1."
    )


def test_an_assessor_whose_conflicts_keep_them_under_the_minimum_load_is_named():
    request = Request(("B1", "B2"), ("a", "b"), 1, 1, 2, frozenset({("B1", "a"), ("B2", "a")}), frozenset())
    with pytest.raises(NoAssignment) as refused:
        propose(request)
    assert refused.value.reasons == [
        "a can take only 0 more of these bids (conflicts of interest, or already on them), fewer than the "
        "minimum load of 1 asks."
    ]


def test_existing_assignments_count_towards_the_bids_and_the_loads():
    request = Request(
        ("B1", "B2"), ("a", "b", "c"), 2, 0, 2, frozenset(), frozenset({("B1", "a"), ("B1", "b")})
    )
    found = propose(request)
    assert [p for p in found.pairs if p[0] == "B1"] == []
    assert len(found.pairs) == 2 and ("B2", "c") in found.pairs
