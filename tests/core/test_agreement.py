"""Agreement (Krippendorff's alpha, ordinal) against the krippendorff package, each assessor's
leniency and spread worked out by hand, and calibration as a least-squares fit."""

from __future__ import annotations

import itertools
import statistics
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.decisions.assessors import agreement, fit_offsets, ordinal_alpha
from bidtool.core.money import round_places
from bidtool.core.scoring import Score, criterion_result
from tests.core.conftest import build_scheme

FAST = settings(max_examples=80, deadline=None)
CRITERIA = ("value_for_money", "innovation", "deliverability")
SCHEME = build_scheme(criteria=CRITERIA)
POINTS = list(SCHEME.scale.points)


def package_alpha(matrix: list[list[int | None]]) -> float | None:
    """The package's ordinal alpha of coders x units (None for a missing value), None where it has none."""
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    try:
        with np.errstate(all="ignore"):
            value = krippendorff.alpha(data, value_domain=POINTS, level_of_measurement="ordinal")
    except ValueError:  # no unit with two values
        return None
    return None if not np.isfinite(value) else float(value)


# A round: for each bid, each assessor's score of each criterion, or None where they gave none.
rounds = st.integers(2, 4).flatmap(
    lambda assessors: st.lists(
        st.lists(
            st.lists(st.none() | st.integers(0, 4), min_size=len(CRITERIA), max_size=len(CRITERIA)),
            min_size=assessors,
            max_size=assessors,
        ),
        min_size=1,
        max_size=8,
    )
)


def scores_of(table) -> list[Score]:
    return [
        Score(f"B{b}", criterion, f"a{a}@x", value)
        for b, by_assessor in enumerate(table)
        for a, values in enumerate(by_assessor)
        for criterion, value in zip(CRITERIA, values, strict=True)
        if value is not None
    ]


@FAST
@given(rounds)
def test_alpha_per_criterion_and_overall_equals_the_krippendorff_package(table):
    found = agreement(SCHEME, scores_of(table))
    coders = range(len(table[0]))
    for c, criterion in enumerate(CRITERIA):
        matrix = [[by_assessor[a][c] for by_assessor in table] for a in coders]
        assert found.criteria[criterion] == pytest.approx(package_alpha(matrix), abs=1e-9)
    # Overall: every criterion of every bid is a unit, coded by the assessors.
    matrix = [[by_assessor[a][c] for by_assessor in table for c in range(len(CRITERIA))] for a in coders]
    assert found.overall == pytest.approx(package_alpha(matrix), abs=1e-9)


def test_alpha_is_one_when_assessors_agree_and_none_when_nothing_varies():
    assert ordinal_alpha([[1, 1], [3, 3], [4, 4]], POINTS) == pytest.approx(1)
    assert ordinal_alpha([[2, 2], [2, 2]], POINTS) is None
    assert ordinal_alpha([[2], [3]], POINTS) is None  # no unit scored twice


def test_alpha_of_krippendorffs_own_ordinal_example_is_0_815():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4 coders x 12 units example.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[row[u] for row in data if row[u] is not None] for u in range(12)]
    assert round(ordinal_alpha(units, [1, 2, 3, 4, 5]), 3) == 0.815


@FAST
@given(rounds)
def test_leniency_is_the_mean_difference_from_the_others_on_the_same_criterion_of_the_same_bid(table):
    found = {a.assessor: a for a in agreement(SCHEME, scores_of(table)).assessors}
    for a in range(len(table[0])):
        differences, own = [], []
        for by_assessor in table:
            for c in range(len(CRITERIA)):
                mine = by_assessor[a][c]
                others = [row[c] for i, row in enumerate(by_assessor) if i != a and row[c] is not None]
                if mine is not None:
                    own.append(mine)
                    if others:
                        differences.append(mine - statistics.fmean(others))
        if not own:
            assert f"a{a}@x" not in found
            continue
        standing = found[f"a{a}@x"]
        assert standing.spread == pytest.approx(statistics.pstdev(own))
        assert standing.bids_scored == sum(any(v is not None for v in row[a]) for row in table)
        if differences:
            assert standing.leniency == pytest.approx(statistics.fmean(differences))
        else:
            assert standing.leniency is None and standing.offset == 0


def test_an_assessor_a_point_above_another_on_every_criterion_is_half_a_point_lenient_after_calibration():
    scores = [
        Score(bid, c, who, value + (who == "high@x"))
        for bid, value in (("B1", 1), ("B2", 2))
        for c in CRITERIA
        for who in ("high@x", "low@x")
    ]
    found = agreement(SCHEME, scores)
    assert [(a.assessor, a.leniency, a.offset) for a in found.assessors] == [
        ("high@x", 1.0, Fraction(1, 2)),
        ("low@x", -1.0, Fraction(-1, 2)),
    ]
    result = criterion_result(SCHEME, SCHEME.criteria[0], scores[:2], frozenset(), found.offsets)
    assert result.calibrated and result.score == Fraction(3, 2) and result.assessor_scores == (2, 1)


@FAST
@given(
    truth=st.lists(st.integers(1, 3), min_size=2, max_size=8),
    offsets=st.lists(st.integers(-1, 1), min_size=2, max_size=4),
)
def test_offsets_are_recovered_from_scores_that_are_truth_plus_offset(truth, offsets):
    shift = Fraction(sum(offsets), len(offsets))  # offsets are found up to a level: they average zero
    units = [{f"a{a}": t + o for a, o in enumerate(offsets)} for t in truth]
    assert fit_offsets(units) == {
        f"a{a}": Fraction(round_places(o - shift, 4)) for a, o in enumerate(offsets)
    }


# A unit: which of 5 assessors scored it (at least two) and their scores.
shared_units = st.lists(
    st.dictionaries(st.sampled_from([f"a{i}" for i in range(5)]), st.integers(0, 4), min_size=2, max_size=4),
    min_size=1,
    max_size=10,
)


@FAST
@given(shared_units)
def test_offsets_fit_as_well_as_a_least_squares_solution_of_the_whole_model(units):
    offsets = {a: float(o) for a, o in fit_offsets(units).items()}

    def residuals(o):
        total = 0.0
        for unit in units:
            truth = statistics.fmean(s - o[a] for a, s in unit.items())
            total += sum((s - truth - o[a]) ** 2 for a, s in unit.items())
        return total

    # The whole model, a true score per unit and an offset per assessor, solved by numpy directly.
    names = sorted(offsets)
    rows, values = [], []
    for u, unit in enumerate(units):
        for a, s in unit.items():
            row = np.zeros(len(units) + len(names))
            row[u] = 1
            row[len(units) + names.index(a)] = 1
            rows.append(row)
            values.append(s)
    solution, *_ = np.linalg.lstsq(np.array(rows), np.array(values), rcond=None)
    best = float(((np.array(rows) @ solution - values) ** 2).sum())
    assert residuals(offsets) == pytest.approx(best, abs=1e-3)  # offsets are kept to 4 places
    # Within each group of assessors linked by shared units, the offsets average zero.
    linked = {a: {a} for a in names}
    for unit in units:
        for a, b in itertools.combinations(unit, 2):
            group = linked[a] | linked[b]
            for member in group:
                linked[member] = group
    for group in {frozenset(g) for g in linked.values()}:
        assert abs(sum(offsets[a] for a in group)) <= 0.0001 * len(group)


def test_an_assessor_who_shares_no_bid_keeps_their_scores():
    scores = [Score("B1", "innovation", "alone@x", 4), Score("B2", "innovation", "a@x", 1)]
    scores += [Score("B2", "innovation", "b@x", 3)]
    found = {a.assessor: a for a in agreement(SCHEME, scores).assessors}
    assert found["alone@x"].offset == 0 and found["alone@x"].leniency is None
    assert (found["a@x"].offset, found["b@x"].offset) == (-1, 1)
