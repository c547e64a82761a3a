"""Ranking: order by weighted score, status and tie-breaks; the funding line against the pot."""

from decimal import Decimal
from fractions import Fraction

import pytest

from bidtool.core.ranking import rank_bids
from bidtool.core.scoring import CriterionResult, ScoredBid, Status


def scored(
    reference,
    weighted,
    *,
    status=Status.RANKED,
    award=100000,
    bcr=Decimal("1.5"),
    npv=0,
    vfm=None,
):
    """A scored bid as rank_bids sees it; vfm is its value_for_money criterion score."""
    criteria = {"value_for_money": CriterionResult("value_for_money", vfm, False, (), False)}
    return ScoredBid(
        reference=reference,
        title=f"Bid {reference}",
        award_sought=award,
        bcr=bcr,
        npv=npv,
        criteria=criteria,
        weighted_score=None if weighted is None else Fraction(weighted),
        status=status,
        reasons=(),
    )


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


def order(ranking):
    return [row.bid.reference for row in ranking.rows]


def test_bids_are_ordered_by_weighted_score_highest_first(scheme):
    ranking = rank_bids(scheme, [scored("A", 50), scored("B", 70), scored("C", Fraction(121, 2))])
    assert order(ranking) == ["B", "C", "A"]
    assert [row.rank for row in ranking.rows] == [1, 2, 3]


def test_bids_failing_a_gate_come_after_every_passing_bid(scheme):
    ranking = rank_bids(scheme, [scored("F", 90, status=Status.FAILS_GATE), scored("P", 40)])
    assert order(ranking) == ["P", "F"]


def test_incomplete_bids_come_after_all_scored_bids(scheme):
    bids = [
        scored("I", None, status=Status.INCOMPLETE),
        scored("F", 10, status=Status.FAILS_GATE),
        scored("P", 5),
    ]
    assert order(rank_bids(scheme, bids)) == ["P", "F", "I"]


def test_failing_bids_are_ordered_among_themselves_by_weighted_score(scheme):
    bids = [scored("F1", 20, status=Status.FAILS_GATE), scored("F2", 80, status=Status.FAILS_GATE)]
    assert order(rank_bids(scheme, bids)) == ["F2", "F1"]


def test_without_tie_breaks_equal_scores_are_ordered_by_reference(scheme):
    bids = [scored("C-3", 60), scored("A-1", 60), scored("B-2", 60)]
    assert order(rank_bids(scheme, bids)) == ["A-1", "B-2", "C-3"]


def test_ties_are_broken_by_a_higher_criterion_score(make_scheme):
    scheme = make_scheme(tie_breaks=["criterion:value_for_money"])
    bids = [
        scored("A", 60, vfm=Fraction(2)),
        scored("B", 60, vfm=Fraction(7, 2)),
        scored("C", 60, vfm=Fraction(3)),
    ]
    assert order(rank_bids(scheme, bids)) == ["B", "C", "A"]


def test_ties_are_broken_by_a_higher_bcr(make_scheme):
    scheme = make_scheme(tie_breaks=["bcr"])
    bids = [
        scored("A", 60, bcr=Decimal("1.2")),
        scored("B", 60, bcr=Decimal("3.1")),
        scored("C", 60, bcr=None),
    ]
    assert order(rank_bids(scheme, bids)) == ["B", "A", "C"]


def test_ties_are_broken_by_lower_award(make_scheme):
    scheme = make_scheme(tie_breaks=["-award_sought"])
    bids = [scored("A", 60, award=300000), scored("B", 60, award=100000), scored("C", 60, award=200000)]
    assert order(rank_bids(scheme, bids)) == ["B", "C", "A"]


def test_an_award_tie_break_without_a_minus_puts_the_larger_award_first(make_scheme):
    scheme = make_scheme(tie_breaks=["award_sought"])
    bids = [scored("A", 60, award=100000), scored("B", 60, award=300000)]
    assert order(rank_bids(scheme, bids)) == ["B", "A"]


def test_ties_are_broken_by_a_higher_npv(make_scheme):
    scheme = make_scheme(tie_breaks=["npv"])
    bids = [scored("A", 60, npv=-5), scored("B", 60, npv=1000), scored("C", 60, npv=0)]
    assert order(rank_bids(scheme, bids)) == ["B", "C", "A"]


def test_a_lower_bcr_first_tie_break_still_puts_an_undefined_bcr_last(make_scheme):
    scheme = make_scheme(tie_breaks=["-bcr"])
    bids = [scored("A", 60, bcr=None), scored("B", 60, bcr=Decimal("3")), scored("C", 60, bcr=Decimal("1"))]
    assert order(rank_bids(scheme, bids)) == ["C", "B", "A"]


def test_tie_breaks_apply_in_the_order_the_scheme_lists_them(make_scheme):
    scheme = make_scheme(tie_breaks=["criterion:value_for_money", "bcr", "-award_sought"])
    bids = [
        scored("A", 60, vfm=Fraction(3), bcr=Decimal(2), award=200000),
        scored("B", 60, vfm=Fraction(3), bcr=Decimal(2), award=100000),
        scored("C", 60, vfm=Fraction(3), bcr=Decimal(5), award=900000),
        scored("D", 60, vfm=Fraction(4), bcr=Decimal(1), award=900000),
        scored("E", 60, vfm=Fraction(3), bcr=Decimal(2), award=100000),
        scored("F", 61, vfm=Fraction(0), bcr=Decimal(0), award=999999),
    ]
    assert order(rank_bids(scheme, bids)) == ["F", "D", "C", "B", "E", "A"]


def test_tie_breaks_never_lift_a_bid_over_a_higher_weighted_score(make_scheme):
    scheme = make_scheme(tie_breaks=["bcr"])
    bids = [scored("A", 60, bcr=Decimal(9)), scored("B", Fraction(601, 10), bcr=Decimal(1))]
    assert order(rank_bids(scheme, bids)) == ["B", "A"]


def test_the_order_does_not_depend_on_the_input_order(make_scheme):
    scheme = make_scheme(tie_breaks=["-award_sought"])
    bids = [scored("A", 60), scored("B", 60), scored("C", 70), scored("D", None, status=Status.INCOMPLETE)]
    assert (
        order(rank_bids(scheme, bids))
        == order(rank_bids(scheme, list(reversed(bids))))
        == ["C", "A", "B", "D"]
    )


def test_the_funding_line_funds_each_bid_that_still_fits(scheme):
    bids = [scored("A", 90, award=600000), scored("B", 80, award=500000), scored("C", 70, award=300000)]
    ranking = rank_bids(scheme, bids, pot=1_000_000)
    assert [(row.bid.reference, row.funded) for row in ranking.rows] == [
        ("A", True),
        ("B", False),
        ("C", True),
    ]
    assert [row.cumulative_award for row in ranking.rows] == [600000, 600000, 900000]
    assert ranking.pot == 1_000_000
    assert ranking.pot_used == 900000
    assert ranking.pot_left == 100000
    assert ranking.first_unfunded == "B"


def test_a_bid_that_exactly_uses_up_the_pot_is_funded(scheme):
    ranking = rank_bids(scheme, [scored("A", 90, award=600000), scored("B", 80, award=400000)], pot=1_000_000)
    assert [row.funded for row in ranking.rows] == [True, True]
    assert ranking.pot_left == 0
    assert ranking.first_unfunded is None


def test_first_unfunded_is_the_first_bid_that_did_not_fit(scheme):
    bids = [scored("A", 90, award=900000), scored("B", 80, award=200000), scored("C", 70, award=300000)]
    ranking = rank_bids(scheme, bids, pot=1_000_000)
    assert [row.funded for row in ranking.rows] == [True, False, False]
    assert ranking.first_unfunded == "B"


def test_bids_failing_a_gate_or_incomplete_are_never_funded(scheme):
    bids = [
        scored("F", 95, status=Status.FAILS_GATE, award=1000),
        scored("I", None, status=Status.INCOMPLETE, award=1000),
        scored("P", 40, award=1000),
    ]
    ranking = rank_bids(scheme, bids, pot=1_000_000)
    funded = {row.bid.reference: row.funded for row in ranking.rows}
    assert funded == {"P": True, "F": False, "I": False}
    assert ranking.pot_used == 1000
    assert ranking.first_unfunded is None
    assert [row.cumulative_award for row in ranking.rows] == [1000, None, None]


def test_without_a_pot_nothing_is_marked_funded_or_unfunded(scheme):
    bids = [
        scored("A", 90, award=600000),
        scored("B", 80, award=500000),
        scored("F", 1, status=Status.FAILS_GATE),
    ]
    ranking = rank_bids(scheme, bids)
    assert [row.funded for row in ranking.rows] == [None, None, None]
    assert [row.cumulative_award for row in ranking.rows] == [600000, 1100000, None]
    assert (ranking.pot, ranking.pot_used, ranking.pot_left, ranking.first_unfunded) == (
        None,
        None,
        None,
        None,
    )


def test_a_pot_of_zero_funds_nothing(scheme):
    ranking = rank_bids(scheme, [scored("A", 90, award=1)], pot=0)
    assert ranking.rows[0].funded is False
    assert (ranking.pot_used, ranking.pot_left, ranking.first_unfunded) == (0, 0, "A")


def test_an_empty_round_ranks_nothing(scheme):
    ranking = rank_bids(scheme, [], pot=500)
    assert ranking.rows == ()
    assert (ranking.pot_used, ranking.pot_left) == (0, 500)
