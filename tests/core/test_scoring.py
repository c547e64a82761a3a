"""Scoring: criterion scores, divergence, the weighted score, gates, status and suggested scores."""

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest

from bidtool.core.appraisal import appraise
from bidtool.core.bid import BidYear, Partner, PartnerType
from bidtool.core.scheme import Indicator
from bidtool.core.scoring import (
    Score,
    Status,
    criterion_result,
    gate_reasons,
    score_bid,
    suggest_scores,
    weighted_score,
)


@pytest.fixture
def scheme(make_scheme):
    return make_scheme(
        criteria=[
            {"id": "value_for_money", "weight": 30, "gate": {"min_score": 2}},
            {"id": "innovation", "weight": 20},
            {"id": "deliverability", "weight": 50},
        ],
        vfm_gate=1.0,
    )


def result(scheme, scores, conflicted=frozenset(), criterion="value_for_money"):
    return criterion_result(scheme, scheme.criterion(criterion), scores, frozenset(conflicted))


def vfm(assessor, score, moderated=False, criterion="value_for_money"):
    return Score("B-01", criterion, assessor, score, moderated=moderated)


def test_the_moderated_score_wins_over_the_mean(scheme):
    found = result(scheme, [vfm("ann", 1), vfm("bob", 2), vfm("lead", 4, moderated=True)])
    assert found.score == 4
    assert found.moderated is True
    assert found.assessor_scores == (1, 2)


def test_without_moderation_the_score_is_the_exact_mean(scheme):
    found = result(scheme, [vfm("ann", 1), vfm("bob", 2), vfm("cat", 4)])
    assert found.score == Fraction(7, 3)
    assert found.moderated is False


def test_conflicted_assessors_are_left_out_of_the_mean(scheme):
    found = result(scheme, [vfm("ann", 1), vfm("bob", 2), vfm("cat", 4)], conflicted={"cat"})
    assert found.score == Fraction(3, 2)
    assert found.assessor_scores == (1, 2)


def test_a_moderated_score_from_a_conflicted_assessor_is_left_out(scheme):
    found = result(
        scheme, [vfm("ann", 1), vfm("bob", 3), vfm("lead", 4, moderated=True)], conflicted={"lead"}
    )
    assert found.score == 2
    assert found.moderated is False


def test_scores_of_other_criteria_do_not_count(scheme):
    found = result(scheme, [vfm("ann", 1), vfm("ann", 4, criterion="innovation")])
    assert found.score == 1


def test_a_criterion_nobody_scored_has_no_score(scheme):
    found = result(scheme, [vfm("ann", 4, criterion="innovation")])
    assert found.score is None
    assert found.divergent is False


def test_scores_exactly_the_divergence_apart_are_flagged(scheme):
    assert scheme.divergence == 2
    assert result(scheme, [vfm("ann", 1), vfm("bob", 3)]).divergent is True
    assert result(scheme, [vfm("ann", 0), vfm("bob", 2), vfm("cat", 1)]).divergent is True


def test_scores_less_than_the_divergence_apart_are_not_flagged(scheme):
    assert result(scheme, [vfm("ann", 1), vfm("bob", 2), vfm("cat", 2)]).divergent is False
    assert result(scheme, [vfm("ann", 4)]).divergent is False


def test_a_fractional_divergence_is_compared_exactly(make_scheme):
    scheme = make_scheme(divergence=1.5)
    assert result(scheme, [vfm("ann", 1), vfm("bob", 2)]).divergent is False
    assert result(scheme, [vfm("ann", 1), vfm("bob", 3)]).divergent is True


def test_the_moderated_score_does_not_count_towards_divergence(scheme):
    found = result(scheme, [vfm("ann", 2), vfm("bob", 2), vfm("lead", 4, moderated=True)])
    assert found.divergent is False


def test_a_conflicted_assessor_does_not_count_towards_divergence(scheme):
    assert result(scheme, [vfm("ann", 1), vfm("bob", 4)], conflicted={"bob"}).divergent is False


def test_weighted_score_with_hand_worked_numbers(scheme):
    # 100 * (30 * 4/4 + 20 * 2/4 + 50 * 1/4) / 100 = 30 + 10 + 12.5
    scores = {"value_for_money": Fraction(4), "innovation": Fraction(2), "deliverability": Fraction(1)}
    assert weighted_score(scheme, scores) == Fraction(105, 2)


def test_weighted_score_is_100_at_the_top_of_the_scale_and_0_at_the_bottom(scheme):
    ids = [c.id for c in scheme.criteria]
    assert weighted_score(scheme, dict.fromkeys(ids, Fraction(4))) == 100
    assert weighted_score(scheme, dict.fromkeys(ids, Fraction(0))) == 0


def test_weighted_score_on_a_relative_scale_counts_from_its_bottom(make_scheme):
    scheme = make_scheme(scale=(-3, 3), criteria=[{"id": "efficiency", "weight": 2}, {"id": "resilience"}])
    # 100 * (2 * 6/6 + 1 * 0/6) / 3
    assert weighted_score(scheme, {"efficiency": Fraction(3), "resilience": Fraction(-3)}) == Fraction(200, 3)
    # 100 * (2 * 3/6 + 1 * 4/6) / 3 = 100 * (5/3) / 3
    assert weighted_score(scheme, {"efficiency": Fraction(0), "resilience": Fraction(1)}) == Fraction(500, 9)
    assert weighted_score(scheme, {"efficiency": Fraction(-3), "resilience": Fraction(-3)}) == 0


def test_weighted_score_uses_mean_scores_exactly(make_scheme):
    scheme = make_scheme(criteria=["impact"])
    # 100 * (7/3) / 4
    assert weighted_score(scheme, {"impact": Fraction(7, 3)}) == Fraction(175, 3)


def test_decimal_weights_are_normalised(make_scheme):
    scheme = make_scheme(criteria=[{"id": "a", "weight": 0.5}, {"id": "b", "weight": 1.5}])
    # 100 * (0.5 * 1 + 1.5 * 0) / 2
    assert weighted_score(scheme, {"a": Fraction(4), "b": Fraction(0)}) == 25


def test_weighted_score_is_undefined_while_any_criterion_is_unscored(scheme):
    assert weighted_score(scheme, {"value_for_money": Fraction(4), "innovation": Fraction(2)}) is None
    assert (
        weighted_score(
            scheme, {"value_for_money": Fraction(4), "innovation": None, "deliverability": Fraction(1)}
        )
        is None
    )


def test_a_gated_criterion_below_its_minimum_fails_naming_score_and_minimum(scheme):
    reasons = gate_reasons(scheme, {"value_for_money": Fraction(1)}, Decimal(3))
    assert reasons == ["Value for money scored 1, below the gate minimum of 2"]


def test_a_mean_below_the_gate_minimum_is_shown_to_two_places(scheme):
    reasons = gate_reasons(scheme, {"value_for_money": Fraction(5, 3)}, Decimal(3))
    assert reasons == ["Value for money scored 1.67, below the gate minimum of 2"]


def test_a_score_exactly_at_the_gate_minimum_passes(scheme):
    assert gate_reasons(scheme, {"value_for_money": Fraction(2)}, Decimal(3)) == []


def test_a_bcr_below_the_vfm_gate_fails_naming_both(scheme):
    reasons = gate_reasons(scheme, {"value_for_money": Fraction(3)}, Decimal("0.95"))
    assert reasons == ["BCR 0.95 (prudent case) is below the value-for-money gate of 1.00"]


def test_a_bcr_at_a_half_is_rounded_half_away_from_zero_in_the_gate_reason_as_on_the_page(make_scheme):
    # 2.345 shows as 2.35 on every page; the reason once said "BCR 2.34" (half-even).
    reasons = gate_reasons(make_scheme(vfm_gate=2.4), {}, Decimal("2.345"))
    assert reasons == ["BCR 2.35 (prudent case) is below the value-for-money gate of 2.40"]


def test_a_bcr_just_below_the_vfm_gate_is_given_to_the_places_that_show_it_below(make_scheme):
    reasons = gate_reasons(make_scheme(vfm_gate=2.35), {}, Decimal("2.345"))
    assert reasons == ["BCR 2.345 (prudent case) is below the value-for-money gate of 2.35"]


def test_a_bcr_exactly_at_the_vfm_gate_passes(scheme):
    assert gate_reasons(scheme, {"value_for_money": Fraction(3)}, Decimal("1.0")) == []


def test_an_undefined_bcr_fails_the_vfm_gate(scheme):
    reasons = gate_reasons(scheme, {"value_for_money": Fraction(3)}, None)
    assert len(reasons) == 1
    assert "cannot be worked out" in reasons[0]


def test_without_a_vfm_gate_an_undefined_or_low_bcr_passes(make_scheme):
    scheme = make_scheme()
    assert scheme.vfm_gate is None
    assert gate_reasons(scheme, {}, None) == []
    assert gate_reasons(scheme, {}, Decimal("0.1")) == []


def test_every_failed_gate_is_given_as_a_reason(scheme):
    reasons = gate_reasons(scheme, {"value_for_money": Fraction(0)}, Decimal("0.5"))
    assert len(reasons) == 2


def scores_for(reference, **by_criterion):
    """One assessor's scores: criterion=score, or criterion=(score, score, ...) for several assessors."""
    scores = []
    for criterion, given in by_criterion.items():
        for i, value in enumerate(given if isinstance(given, tuple) else (given,)):
            scores.append(Score(reference, criterion, f"assessor-{i}", value))
    return scores


@pytest.fixture
def good_bid(make_bid):
    """BCR 3 (prudent case)."""
    return make_bid([BidYear(2014, award_costs=100000, savings=300000)], reference="GOOD")


def test_a_fully_scored_bid_passing_its_gates_is_ranked_with_its_weighted_score(scheme, good_bid):
    scores = scores_for("GOOD", value_for_money=4, innovation=2, deliverability=(1, 2))
    scored = score_bid(scheme, good_bid, appraise(good_bid), scores)
    assert scored.status is Status.RANKED
    assert scored.reasons == ()
    # 30 * 4/4 + 20 * 2/4 + 50 * 1.5/4 = 30 + 10 + 18.75
    assert scored.weighted_score == Fraction(235, 4)
    assert scored.criteria["deliverability"].score == Fraction(3, 2)
    assert scored.reference == "GOOD"
    assert scored.award_sought == 100000
    assert scored.bcr == 3
    assert scored.npv == 200000


def test_scores_of_other_bids_are_ignored(scheme, good_bid):
    scores = [
        *scores_for("GOOD", value_for_money=4, innovation=2, deliverability=2),
        *scores_for("OTHER", value_for_money=0, innovation=0, deliverability=0),
    ]
    scored = score_bid(scheme, good_bid, appraise(good_bid), scores)
    assert scored.criteria["value_for_money"].score == 4
    assert scored.criteria["value_for_money"].assessor_scores == (4,)


def test_a_bid_scoring_below_a_gate_fails_it_and_says_why(scheme, good_bid):
    scores = scores_for("GOOD", value_for_money=1, innovation=4, deliverability=4)
    scored = score_bid(scheme, good_bid, appraise(good_bid), scores)
    assert scored.status is Status.FAILS_GATE
    assert scored.reasons == ("Value for money scored 1, below the gate minimum of 2",)
    assert scored.weighted_score == Fraction(155, 2)  # 30 * 1/4 + 20 + 50


def test_a_bid_with_a_bcr_below_the_gate_fails_it(scheme, make_bid):
    bid = make_bid([BidYear(2014, award_costs=100000, savings=90000)], reference="POOR")
    scored = score_bid(
        scheme, bid, appraise(bid), scores_for("POOR", value_for_money=4, innovation=4, deliverability=4)
    )
    assert scored.status is Status.FAILS_GATE
    assert scored.reasons == ("BCR 0.90 (prudent case) is below the value-for-money gate of 1.00",)


def test_the_vfm_gate_uses_the_prudent_case_not_the_optimism_adjusted_one(scheme, make_bid):
    # Prudent BCR 1.2; after 40% optimism bias 0.72, which would fail.
    bid = make_bid([BidYear(2014, award_costs=100000, savings=120000)], savings_confidence=None)
    appraisal = appraise(bid)
    assert appraisal.adjusted.bcr < 1
    scored = score_bid(
        scheme, bid, appraisal, scores_for(bid.reference, value_for_money=3, innovation=3, deliverability=3)
    )
    assert scored.status is Status.RANKED
    assert scored.bcr == Decimal("1.2")


def test_a_bid_with_an_unscored_criterion_is_incomplete_and_says_which(scheme, good_bid):
    scored = score_bid(scheme, good_bid, appraise(good_bid), scores_for("GOOD", value_for_money=4))
    assert scored.status is Status.INCOMPLETE
    assert scored.weighted_score is None
    assert scored.reasons == ("Not yet scored: Innovation, Deliverability",)


def test_an_incomplete_bid_is_incomplete_even_when_it_also_fails_a_gate(scheme, good_bid):
    scored = score_bid(scheme, good_bid, appraise(good_bid), scores_for("GOOD", value_for_money=0))
    assert scored.status is Status.INCOMPLETE
    assert scored.reasons[0] == "Not yet scored: Innovation, Deliverability"
    assert "below the gate minimum" in scored.reasons[1]


@pytest.fixture
def indicator_scheme(make_scheme):
    return make_scheme(
        criteria=[
            {"id": "value_for_money", "indicator": "bcr"},
            {"id": "innovation"},
            {"id": "match_funding", "indicator": "match_share"},
            {"id": "collaboration", "indicator": "partners"},
        ]
    )


def suggestions(scheme, bid):
    return {s.criterion: s for s in suggest_scores(scheme, bid, appraise(bid))}


def test_suggestions_are_made_only_for_criteria_with_an_indicator(indicator_scheme, make_bid):
    bid = make_bid([BidYear(2014, award_costs=100000, savings=300000)])
    found = suggest_scores(indicator_scheme, bid, appraise(bid))
    assert [(s.criterion, s.indicator) for s in found] == [
        ("value_for_money", Indicator.BCR),
        ("match_funding", Indicator.MATCH_SHARE),
        ("collaboration", Indicator.PARTNERS),
    ]


def test_the_bcr_suggestion_uses_the_optimism_adjusted_case(indicator_scheme, make_bid):
    # Prudent BCR 4000/2000 = 2.0 (High); after 40% optimism bias 2400/2000 = 1.2 (Low).
    bid = make_bid(
        [BidYear(2014, award_costs=150000, match_costs=50000, savings=400000)], savings_confidence=None
    )
    suggestion = suggestions(indicator_scheme, bid)["value_for_money"]
    assert suggestion.score == 1
    assert suggestion.basis == "BCR 1.20 after 40% optimism bias: Low value for money"


@pytest.mark.parametrize(
    ("savings", "score"),
    [(90000, 0), (120000, 1), (150000, 2), (300000, 3), (400000, 4)],
)
def test_the_bcr_suggestion_climbs_one_point_per_value_for_money_band(
    indicator_scheme, make_bid, savings, score
):
    bid = make_bid([BidYear(2014, award_costs=100000, savings=savings)], savings_confidence=1)
    assert suggestions(indicator_scheme, bid)["value_for_money"].score == score


def test_there_is_no_bcr_suggestion_for_a_bid_without_costs(indicator_scheme, make_bid):
    bid = make_bid([BidYear(2014, savings=5000)], award_sought=0)
    found = suggestions(indicator_scheme, bid)
    assert found["value_for_money"].score is None
    assert found["match_funding"].score is None


@pytest.mark.parametrize(
    ("award", "match", "score"),
    [(100000, 0, 0), (150000, 50000, 2), (100000, 100000, 4), (50000, 150000, 4)],
)
def test_the_match_share_suggestion_reaches_the_top_at_half_the_one_off_costs(
    indicator_scheme, make_bid, award, match, score
):
    bid = make_bid([BidYear(2014, award_costs=award, match_costs=match, savings=500000)])
    assert suggestions(indicator_scheme, bid)["match_funding"].score == score


def test_the_match_share_suggestion_states_the_share(indicator_scheme, make_bid):
    bid = make_bid([BidYear(2014, award_costs=150000, match_costs=50000, savings=500000)])
    assert suggestions(indicator_scheme, bid)["match_funding"].basis == "Partners meet 25% of one-off costs"


KINDS = [
    PartnerType.COUNTY,
    PartnerType.DISTRICT,
    PartnerType.FIRE,
    PartnerType.POLICE,
    PartnerType.HEALTH,
    PartnerType.VOLUNTARY,
]


@pytest.mark.parametrize(("kinds", "score"), [(0, 0), (1, 0), (2, 1), (3, 2), (5, 4), (6, 4)])
def test_the_partners_suggestion_counts_kinds_of_partner(indicator_scheme, make_bid, kinds, score):
    partners = tuple(Partner(f"Partner {i}", kind) for i, kind in enumerate(KINDS[:kinds]))
    bid = make_bid([BidYear(2014, award_costs=100000, savings=500000)], partners=partners)
    assert suggestions(indicator_scheme, bid)["collaboration"].score == score


def test_two_partners_of_the_same_kind_count_once(indicator_scheme, make_bid):
    partners = (
        Partner("Northshire County Council", PartnerType.COUNTY),
        Partner("Southshire County Council", PartnerType.COUNTY),
        Partner("Northshire Police", PartnerType.POLICE),
    )
    bid = make_bid([BidYear(2014, award_costs=100000, savings=500000)], partners=partners)
    suggestion = suggestions(indicator_scheme, bid)["collaboration"]
    assert suggestion.score == 1
    assert suggestion.basis == "2 kinds of partner: county, police"


@pytest.mark.parametrize(
    ("savings", "score"),
    [
        (90000, -3),  # Poor: the bottom
        (150000, 0),  # Medium: the middle
        (300000, 2),  # High: 3/4 of the way up, -3 + 4.5 = 1.5, half up to 2
        (400000, 3),  # Very high: the top
        (120000, -1),  # Low: 1/4 of the way up, 1.5 steps from the bottom, half up to 2 steps: -1
    ],
)
def test_the_bcr_suggestion_on_a_relative_scale_lands_where_it_would_on_a_shifted_0_to_6_scale(
    make_scheme, make_bid, savings, score
):
    relative = make_scheme(scale=(-3, 3), criteria=[{"id": "efficiency", "indicator": "bcr"}])
    bid = make_bid([BidYear(2014, award_costs=100000, savings=savings)], savings_confidence=1)
    assert suggestions(relative, bid)["efficiency"].score == score


def test_the_gate_reads_the_same_however_the_scheme_wrote_it(make_scheme):
    for gate in (Decimal("1"), Decimal("1.0"), Decimal("1.000")):
        scheme = dataclasses.replace(make_scheme(), vfm_gate=gate)
        assert gate_reasons(scheme, {}, Decimal("0.5")) == [
            "BCR 0.50 (prudent case) is below the value-for-money gate of 1.00"
        ]
