"""Automatic assignment: k assessors per bid, each assessor's load within bounds, never across a
conflict of interest, the loads as even as they can be, and few pairs of assessors always together.

A min-cost flow (networkx) gives each bid its assessors: bids supply the assessors they still need,
each assessor takes them through unit arcs whose costs rise with the load (the j-th assessment
costs 2j - 1, so the total is the sum of the squared loads, least when loads are even), and the
first `min_load` units of each assessor must be taken. The flow is exact. Pairs are then spread by
swapping assessors between bids, which keeps every load and never crosses a conflict, while the
sum over pairs of the squared number of bids they share falls.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from bidtool.core.errors import BidToolError

Pair = tuple[str, str]  # (bid, assessor)


class NoAssignment(BidToolError):
    """No assignment meets the rules; the reasons say which rule cannot be met and why."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Request:
    """What the lead asks for, and what is already so: each assessor takes at least `min_load` bids
    in all, and is given none that would take them past `max_load` (one already there gets none)."""

    bids: tuple[str, ...]
    assessors: tuple[str, ...]
    per_bid: int
    min_load: int
    max_load: int
    conflicts: frozenset[Pair]
    existing: frozenset[Pair]  # assignments already made: they count towards both k and the loads


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Pair, ...]  # the new assignments, by bid then assessor
    loads: dict[str, int]  # each assessor's load with the proposal (existing assignments included)
    together: dict[tuple[str, str], int]  # bids each pair of assessors shares, with the proposal

    @property
    def load_cost(self) -> int:
        return sum(load * load for load in self.loads.values())

    @property
    def pair_cost(self) -> int:
        return sum(n * n for n in self.together.values())


def propose(request: Request) -> Proposal:
    """The assignment that evens the loads out most, with pairs spread; NoAssignment says why not."""
    reasons = _why_impossible(request)
    if reasons:
        raise NoAssignment(reasons)
    try:
        flow = nx.min_cost_flow(_network(request))
    except nx.NetworkXUnfeasible:
        raise NoAssignment(
            [
                "No assignment meets every rule at once: the conflicts of interest leave some assessors "
                "too few bids, or some bids too few assessors, for these loads. Allow a higher maximum "
                "load, a lower minimum load or fewer assessors per bid."
            ]
        ) from None
    pairs = {
        (bid, assessor)
        for (kind, bid), out in flow.items()
        if kind == "bid"
        for (_, assessor), n in out.items()
        if n
    }
    return _proposal(request, _spread(request, pairs))


def _needs(request: Request) -> dict[str, int]:
    have = Counter(bid for bid, _ in request.existing)
    return {bid: max(request.per_bid - have[bid], 0) for bid in request.bids}


def _open(request: Request, bid: str) -> list[str]:
    """The assessors who could be given a bid: no conflict, not already on it."""
    return [
        a for a in request.assessors if (bid, a) not in request.conflicts and (bid, a) not in request.existing
    ]


def _why_impossible(request: Request) -> list[str]:
    """The rules that cannot be met, each on its own, in words the lead can act on."""
    needs = _needs(request)
    loads = Counter(a for _, a in request.existing)
    reasons = []
    if not request.assessors:
        return ["There are no assessors to assign."]
    if request.min_load > request.max_load:
        return [f"The minimum load ({request.min_load}) is more than the maximum ({request.max_load})."]
    for bid in request.bids:
        available = len(_open(request, bid))
        if needs[bid] > available:
            reasons.append(
                f"{bid} needs {needs[bid]} more assessor{'s' if needs[bid] != 1 else ''} but only "
                f"{available} can take it (the others have a conflict of interest or are already on it)."
            )
    wanted = sum(needs.values())
    room = sum(max(request.max_load - loads[a], 0) for a in request.assessors)
    if wanted > room:
        reasons.append(
            f"The bids need {wanted} more assessments but {len(request.assessors)} assessors with at most "
            f"{request.max_load} each can take only {room} more."
        )
    short = {a: max(request.min_load - loads[a], 0) for a in request.assessors}
    if sum(short.values()) > wanted:
        reasons.append(
            f"A minimum load of {request.min_load} needs {sum(short.values())} more assessments, but the "
            f"bids need only {wanted}."
        )
    for a in request.assessors:
        possible = sum(1 for bid in request.bids if needs[bid] and a in _open(request, bid))
        if short[a] > possible:
            reasons.append(
                f"{a} can take only {possible} more of these bids (conflicts of interest, or already on "
                f"them), fewer than the minimum load of {request.min_load} asks."
            )
    return reasons


def _network(request: Request) -> nx.DiGraph:
    """Bids supply what they need; each assessor's unit j (its j-th assessment in all) costs 2j - 1,
    and its units up to the minimum load must be taken (they absorb one each)."""
    graph = nx.DiGraph()
    needs = _needs(request)
    loads = Counter(a for _, a in request.existing)
    forced = 0
    for bid, need in needs.items():
        graph.add_node(("bid", bid), demand=-need)
        for a in _open(request, bid) if need else ():
            graph.add_edge(("bid", bid), ("assessor", a), capacity=1, weight=0)
    for a in request.assessors:
        for j in range(loads[a] + 1, request.max_load + 1):
            unit = ("unit", f"{a}\0{j}")
            graph.add_edge(("assessor", a), unit, capacity=1, weight=2 * j - 1)
            if j <= request.min_load:
                graph.nodes[unit]["demand"] = 1
                forced += 1
            else:
                graph.add_edge(unit, ("sink", ""), capacity=1, weight=0)
    graph.add_node(("sink", ""), demand=sum(needs.values()) - forced)
    return graph


def _together(pairs: Iterable[Pair]) -> Counter:
    on: dict[str, list[str]] = defaultdict(list)
    for bid, a in pairs:
        on[bid].append(a)
    return Counter(tuple(sorted(p)) for group in on.values() for p in itertools.combinations(group, 2))


def _spread(request: Request, pairs: set[Pair]) -> set[Pair]:
    """Swap assessors between bids while that lowers the sum of squared pair counts; loads stay."""
    on: dict[str, set[str]] = defaultdict(set)
    for bid, a in [*request.existing, *pairs]:
        on[bid].add(a)
    together = _together((bid, a) for bid, group in on.items() for a in group)
    new = sorted(pairs)

    def repeated(bid: str, assessor: str) -> bool:
        return any(together[_key(assessor, other)] > 1 for other in on[bid] - {assessor})

    improved = True
    while improved:
        improved = False
        # Only an assessor on a bid with a partner they share other bids with can be improved on:
        # with every pair at most once, no swap lowers the sum of squares.
        for i in range(len(new)):
            if not repeated(*new[i]):
                continue
            for j in range(len(new)):
                change = _swap(request, on, new[i], new[j])
                if (
                    change is not None
                    and sum((together[p] + d) ** 2 - together[p] ** 2 for p, d in change.items()) < 0
                ):
                    (b1, a1), (b2, a2) = new[i], new[j]
                    together.update(change)
                    on[b1] ^= {a1, a2}
                    on[b2] ^= {a1, a2}
                    new[i], new[j] = (b1, a2), (b2, a1)
                    improved = True
                    break
    return set(new)


def _key(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def _swap(request: Request, on: dict[str, set[str]], first: Pair, second: Pair) -> Counter | None:
    """How exchanging the assessors of two assignments would change the pairs' counts, or None when
    it cannot be done (the same bid or assessor, one already on the other bid, or a conflict)."""
    (b1, a1), (b2, a2) = first, second
    if b1 == b2 or a1 == a2 or a2 in on[b1] or a1 in on[b2]:
        return None
    if (b1, a2) in request.conflicts or (b2, a1) in request.conflicts:
        return None
    change = Counter()
    for other in on[b1] - {a1}:
        change[_key(a1, other)] -= 1
        change[_key(a2, other)] += 1
    for other in on[b2] - {a2}:
        change[_key(a2, other)] -= 1
        change[_key(a1, other)] += 1
    return change


def _proposal(request: Request, pairs: set[Pair]) -> Proposal:
    loads = Counter({a: 0 for a in request.assessors})
    loads.update(a for _, a in [*request.existing, *pairs])
    return Proposal(
        pairs=tuple(sorted(pairs, key=lambda p: (request.bids.index(p[0]), p[1]))),
        loads=dict(loads),
        together={p: n for p, n in sorted(_together([*request.existing, *pairs]).items()) if n},
    )
