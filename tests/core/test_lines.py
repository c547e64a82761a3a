"""Benefits by kind and by who gains, costs by who pays, outcome-based benefits, cost optimism bias,
the financial and public value cases, who pays and who gains, and switching values.

Hand-worked figures use amounts that are multiples of 1.035**t (£1,035 in year 1 is worth £1,000
today); the properties check every figure against a calculation of its own in exact fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.appraisal import (
    ILLUSTRATIVE_OPTIMISM_BIAS,
    WEAKEST_GRADE,
    CostUplift,
    appraise,
    discount_factor,
)
from bidtool.core.bid import (
    AGENCIES,
    LINE_COST_KINDS,
    BenefitKind,
    BenefitLine,
    Bid,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Party,
)
from bidtool.core.money import round_places

FAST = settings(max_examples=150, deadline=None)


def bid_of(years, *, grade: int | None = 3, **lines) -> Bid:
    return Bid(
        reference="L-01",
        title="Lines",
        lead_organisation="Anytown Council",
        award_sought=sum(y.award_costs for y in years),
        savings_confidence=grade,
        years=tuple(years),
        **lines,
    )


def outcome(**changes) -> OutcomeLine:
    fields = {
        "description": "Adults back in work",
        "kind": BenefitKind.FISCAL_CASHABLE,
        "agency": Party.DWP,
        "first_year": 2015,
        "last_year": 2017,
        "cohort": 200,
        "engagement_rate": Decimal(60),
        "success_rate": Decimal(40),
        "deadweight": Decimal(20),
        "unit_cost": 9_000_00,
        "unit_cost_source": "Illustrative",
        "drop_off": Decimal(25),
        "confidence": 4,
    }
    return OutcomeLine(**(fields | changes))


# Outcome-based benefits ------------------------------------------------------------------------


def test_an_outcome_is_cohort_times_engagement_success_and_no_deadweight_times_the_unit_cost():
    # 200 people x 60% x 40% x (1 - 20%) x £9,000 = 38.4 x £9,000 = £345,600; then 25% less a year.
    assert outcome().values() == ((2015, 345_600_00), (2016, 259_200_00), (2017, 194_400_00))


def test_an_outcome_without_drop_off_keeps_its_value_every_year():
    assert outcome(drop_off=Decimal(0), last_year=2016).values() == ((2015, 345_600_00), (2016, 345_600_00))


def test_an_outcome_value_is_rounded_to_the_penny_half_away_from_zero():
    # 1 x 50% x 50% x 100% x £0.02 = half a penny, which rounds up; 0.5% deadweight takes it under.
    assert outcome(
        cohort=1,
        engagement_rate=Decimal(50),
        success_rate=Decimal(50),
        deadweight=Decimal(0),
        unit_cost=2,
        last_year=2015,
    ).values() == ((2015, 1),)
    assert outcome(
        cohort=1,
        engagement_rate=Decimal(50),
        success_rate=Decimal(50),
        deadweight=Decimal("0.5"),
        unit_cost=2,
        last_year=2015,
    ).values() == ((2015, 0),)


percentages = st.decimals(0, 100, places=2)


@st.composite
def outcomes(draw, first: int = 2015, last: int = 2020) -> OutcomeLine:
    start = draw(st.integers(first, last))
    return OutcomeLine(
        description="Outcome",
        kind=draw(st.sampled_from(BenefitKind)),
        agency=draw(st.sampled_from(AGENCIES)),
        first_year=start,
        last_year=draw(st.integers(start, last)),
        cohort=draw(st.integers(0, 10_000_000)),
        engagement_rate=draw(percentages),
        success_rate=draw(percentages),
        deadweight=draw(percentages),
        unit_cost=draw(st.integers(0, 10**9)),
        unit_cost_source="Drawn",
        drop_off=draw(percentages),
        confidence=draw(st.none() | st.integers(1, 6)),
    )


def half_up(value: Fraction) -> int:
    """Round a non-negative exact value to a whole number, a half going up, written out afresh."""
    whole = value.numerator // value.denominator
    return whole + (value - whole >= Fraction(1, 2))


@FAST
@given(line=outcomes())
def test_every_outcome_value_is_the_guidance_product_rounded_once(line):
    e, s, d, k = (
        Fraction(str(r)) / 100
        for r in (line.engagement_rate, line.success_rate, line.deadweight, line.drop_off)
    )
    expected = tuple(
        (year, half_up(line.cohort * e * s * (1 - d) * line.unit_cost * (1 - k) ** (year - line.first_year)))
        for year in range(line.first_year, line.last_year + 1)
    )
    assert line.values() == expected


# The financial case and the public value case -------------------------------------------------


def test_the_financial_case_counts_fiscal_benefits_and_the_public_value_case_every_benefit():
    bid = bid_of(
        [BidYear(2014, award_costs=300_000), BidYear(2015)],
        benefit_lines=(
            BenefitLine(2015, BenefitKind.FISCAL_CASHABLE, Party.COUNCIL, 103_500),  # £1,000 today
            BenefitLine(2015, BenefitKind.FISCAL_NON_CASHABLE, Party.NHS, 103_500),
            BenefitLine(2015, BenefitKind.ECONOMIC, Party.OTHER, 207_000),  # £2,000 today
            BenefitLine(2015, BenefitKind.SOCIAL, Party.OTHER, 310_500),  # £3,000 today
        ),
    )
    prudent = appraise(bid).prudent
    assert (prudent.pv_costs, prudent.pv_benefits, prudent.npv) == (300_000, 700_000, 400_000)
    assert prudent.bcr == Decimal(7) / 3
    financial = prudent.financial
    assert (financial.pv_costs, financial.pv_benefits, financial.npv) == (300_000, 200_000, -100_000)
    assert financial.bcr == Decimal(2) / 3
    assert financial.payback.value == "not_within_years"
    assert prudent.payback_year == 2015
    assert prudent.total_savings == 103_500  # cashable savings are the fiscal cashable benefits


def test_a_lines_own_grade_sets_its_optimism_bias_and_a_line_without_one_takes_the_bids():
    bid = bid_of(
        [BidYear(2014, award_costs=100_000, savings=100_000)],
        grade=3,  # 10%
        benefit_lines=(
            BenefitLine(2014, BenefitKind.SOCIAL, Party.OTHER, 100_000, confidence=5),  # 25%
            BenefitLine(2014, BenefitKind.ECONOMIC, Party.OTHER, 100_000),  # the bid's 10%
        ),
    )
    appraisal = appraise(bid)
    assert appraisal.adjusted.pv_benefits == 90_000 + 75_000 + 90_000
    assert appraisal.adjusted.financial.pv_benefits == 90_000
    assert appraisal.benefit_percents == {Decimal(10), Decimal(25)}
    assert not appraisal.uniform_optimism_bias
    assert appraisal.benefit_haircut == 1 - Decimal(255_000) / 300_000


def test_without_any_grade_a_line_is_cut_by_the_weakest_grades_optimism_bias():
    bid = bid_of(
        [BidYear(2014, award_costs=100_000)],
        grade=None,
        benefit_lines=(BenefitLine(2014, BenefitKind.SOCIAL, Party.OTHER, 100_000),),
    )
    assert appraise(bid).adjusted.pv_benefits == 60_000


def test_cost_optimism_bias_raises_one_off_and_recurring_costs_by_their_own_percentages():
    bid = bid_of(
        [BidYear(2014, award_costs=100_000, match_costs=50_000), BidYear(2015, recurring_costs=103_500)],
        cost_lines=(
            CostLine(2014, CostKind.MATCH, Party.NHS, 50_000),
            CostLine(2015, CostKind.RECURRING, Party.COUNCIL, 207_000),
        ),
    )
    appraisal = appraise(bid, cost_uplift=CostUplift(Decimal(10), Decimal("20.5")))
    # One-off: £2,000 x 1.1 = £2,200; recurring: £3,000 today x 1.205 = £3,615.
    assert appraisal.prudent.pv_costs == 500_000
    assert appraisal.adjusted.pv_costs == 220_000 + 361_500
    # Undiscounted: £2,200 + £3,105 x 1.205 = £2,200 + £3,741.525, rounded to the penny.
    assert appraisal.adjusted.total_costs == 594_153
    assert appraisal.prudent.match_share == Decimal(100_000) / 200_000


# Who pays and who gains -------------------------------------------------------------------------


def test_who_pays_and_who_gains_after_optimism_bias():
    bid = bid_of(
        [BidYear(2014, award_costs=100_000, match_costs=10_000), BidYear(2015, savings=103_500)],
        grade=1,  # no optimism bias, so present values are those entered
        cost_lines=(CostLine(2015, CostKind.RECURRING, Party.COUNCIL, 20_700),),
        benefit_lines=(
            BenefitLine(2015, BenefitKind.FISCAL_CASHABLE, Party.POLICE, 51_750),
            BenefitLine(2015, BenefitKind.SOCIAL, Party.POLICE, 10_350),
        ),
    )
    who = {p.party: p for p in appraise(bid).who}
    assert list(who) == [Party.FUND, Party.COUNCIL, Party.POLICE, Party.NOT_ATTRIBUTED]
    assert who[Party.FUND].costs == 100_000
    assert who[Party.FUND].net_public_value == -100_000
    assert who[Party.COUNCIL].costs == 20_000
    police = who[Party.POLICE]
    assert (police.costs, police.fiscal, police.public_value) == (0, 50_000, 60_000)
    assert police.benefits[BenefitKind.SOCIAL] == 10_000
    assert (police.net_fiscal, police.net_public_value) == (50_000, 60_000)
    nobody = who[Party.NOT_ATTRIBUTED]
    assert (nobody.costs, nobody.benefits[BenefitKind.FISCAL_CASHABLE]) == (10_000, 100_000)


def test_a_bid_without_lines_pays_from_the_fund_and_gains_unattributed():
    bid = bid_of([BidYear(2014, award_costs=100_000), BidYear(2015, savings=207_000)])
    appraisal = appraise(bid)
    assert [p.party for p in appraisal.who] == [Party.FUND, Party.NOT_ATTRIBUTED]
    assert appraisal.who_total.costs == appraisal.adjusted.pv_costs
    assert appraisal.who_total.public_value == appraisal.adjusted.pv_benefits == 180_000


def test_a_bid_without_any_amount_has_nobody_who_pays_or_gains():
    assert appraise(bid_of([BidYear(2014)])).who == ()


# Switching values -------------------------------------------------------------------------------


def test_switching_values_to_a_zero_npv_and_to_the_gate():
    # PVC £1,000; PVB £2,500 of which cashable savings £1,500.
    bid = bid_of(
        [
            BidYear(2014, award_costs=100_000),
            BidYear(2015, savings=155_250, other_benefits=103_500),
        ]
    )
    switching = appraise(bid, vfm_gate=Decimal(2)).switching
    assert (switching.npv.savings, switching.npv.costs, switching.npv.optimism_bias) == (
        Decimal(-1),
        Decimal("1.5"),
        Decimal("0.6"),
    )
    gate = switching.gate
    assert gate.target == 2
    assert abs(Fraction(gate.savings) - Fraction(-1, 3)) < Fraction(1, 10**26)
    assert (gate.costs, gate.optimism_bias) == (Decimal("0.25"), Decimal("0.2"))


def test_without_costs_only_the_npv_can_switch_and_the_gate_has_no_bcr_to_reach():
    switching = appraise(bid_of([BidYear(2014, savings=1_000)]), vfm_gate=Decimal(1)).switching
    assert switching.npv.costs is None
    assert switching.npv.savings == -1
    assert switching.npv.optimism_bias == 1
    assert switching.gate is None


def test_without_savings_or_benefits_those_switching_values_do_not_exist():
    switching = appraise(bid_of([BidYear(2014, award_costs=1_000)])).switching.npv
    assert (switching.savings, switching.optimism_bias) == (None, None)
    assert switching.costs == -1  # costs would have to vanish


# Properties: every figure against an independent calculation -----------------------------------

amounts = st.integers(0, 10**10)


@st.composite
def bids_with_lines(draw) -> Bid:
    first = 2015
    count = draw(st.integers(1, 5))
    years = [
        BidYear(
            first + t,
            award_costs=draw(amounts),
            match_costs=draw(amounts),
            recurring_costs=draw(amounts),
            savings=draw(amounts),
            other_benefits=draw(amounts),
        )
        for t in range(count)
    ]
    last = first + count - 1
    in_years = st.integers(first, last)
    return bid_of(
        years,
        grade=draw(st.none() | st.integers(1, 6)),
        benefit_lines=tuple(
            BenefitLine(
                draw(in_years),
                draw(st.sampled_from(BenefitKind)),
                draw(st.sampled_from(AGENCIES)),
                draw(amounts),
                draw(st.none() | st.integers(1, 6)),
            )
            for _ in range(draw(st.integers(0, 6)))
        ),
        cost_lines=tuple(
            CostLine(
                draw(in_years),
                draw(st.sampled_from(LINE_COST_KINDS)),
                draw(st.sampled_from(AGENCIES)),
                draw(amounts),
            )
            for _ in range(draw(st.integers(0, 4)))
        ),
        outcome_lines=tuple(draw(outcomes(first, last)) for _ in range(draw(st.integers(0, 3)))),
    )


tables = st.lists(percentages, min_size=6, max_size=6).map(lambda p: dict(zip(range(1, 7), p, strict=True)))
uplifts = st.builds(CostUplift, st.decimals(0, 200, places=2), st.decimals(0, 200, places=2))


def entries(bid: Bid, table, uplift: CostUplift) -> list[tuple[int, Party, object, int, Fraction]]:
    """Every amount of a bid, written out afresh: (year, who, kind, as claimed, after optimism bias)."""

    def keep(grade: int | None) -> Fraction:
        if grade is None:
            grade = WEAKEST_GRADE if bid.savings_confidence is None else bid.savings_confidence
        return 1 - Fraction(str(table[grade])) / 100

    def more(kind: CostKind) -> Fraction:
        return 1 + Fraction(str(uplift.recurring if kind is CostKind.RECURRING else uplift.one_off)) / 100

    found = []
    for y in bid.years:
        found += [
            (y.year, Party.FUND, CostKind.AWARD, y.award_costs, y.award_costs * more(CostKind.AWARD)),
            (
                y.year,
                Party.NOT_ATTRIBUTED,
                CostKind.MATCH,
                y.match_costs,
                y.match_costs * more(CostKind.MATCH),
            ),
            (
                y.year,
                Party.NOT_ATTRIBUTED,
                CostKind.RECURRING,
                y.recurring_costs,
                y.recurring_costs * more(CostKind.RECURRING),
            ),
            (y.year, Party.NOT_ATTRIBUTED, BenefitKind.FISCAL_CASHABLE, y.savings, y.savings * keep(None)),
            (
                y.year,
                Party.NOT_ATTRIBUTED,
                BenefitKind.FISCAL_NON_CASHABLE,
                y.other_benefits,
                y.other_benefits * keep(None),
            ),
        ]
    found += [(c.year, c.agency, c.kind, c.amount, c.amount * more(c.kind)) for c in bid.cost_lines]
    found += [(b.year, b.agency, b.kind, b.amount, b.amount * keep(b.confidence)) for b in bid.benefit_lines]
    for o in bid.outcome_lines:
        found += [(year, o.agency, o.kind, value, value * keep(o.confidence)) for year, value in o.values()]
    return found


def pv(bid: Bid, found, adjusted: bool) -> int:
    first = bid.years[0].year
    exact = sum(
        (Fraction(e[4] if adjusted else e[3]) * Fraction(discount_factor(e[0] - first)) for e in found),
        Fraction(0),
    )
    return int(round_places(exact, 0))


def is_cost(kind) -> bool:
    return isinstance(kind, CostKind)


@FAST
@given(bid=bids_with_lines(), table=tables, uplift=uplifts)
def test_every_case_of_a_bid_with_lines_adds_up_as_written_out_afresh(bid, table, uplift):
    appraisal = appraise(bid, table, uplift)
    found = entries(bid, table, uplift)
    costs = [e for e in found if is_cost(e[2])]
    benefits = [e for e in found if not is_cost(e[2])]
    fiscal = [e for e in benefits if e[2].fiscal]
    for case, adjusted in ((appraisal.prudent, False), (appraisal.adjusted, True)):
        assert case.pv_costs == pv(bid, costs, adjusted)
        assert case.pv_benefits == pv(bid, benefits, adjusted)
        assert case.npv == case.pv_benefits - case.pv_costs
        assert case.financial.pv_costs == case.pv_costs
        assert case.financial.pv_benefits == pv(bid, fiscal, adjusted)
        cashable = sum(e[4] if adjusted else e[3] for e in benefits if e[2] is BenefitKind.FISCAL_CASHABLE)
        assert case.total_savings == int(round_places(Fraction(cashable), 0))


@FAST
@given(bid=bids_with_lines(), table=tables, uplift=uplifts)
def test_who_pays_and_who_gains_is_each_partys_present_value_after_optimism_bias(bid, table, uplift):
    appraisal = appraise(bid, table, uplift)
    found = entries(bid, table, uplift)
    shown = {row.party: row for row in appraisal.who}
    assert list(shown) == [p for p in Party if any(e[3] for e in found if e[1] is p)]
    for party, row in shown.items():
        mine = [e for e in found if e[1] is party]
        assert row.costs == pv(bid, [e for e in mine if is_cost(e[2])], adjusted=True)
        for kind in BenefitKind:
            assert row.benefits[kind] == pv(bid, [e for e in mine if e[2] is kind], adjusted=True)
        assert row.net_public_value == sum(row.benefits.values()) - row.costs
    total = appraisal.who_total
    assert total.costs == sum(row.costs for row in appraisal.who)
    # Rounded figure by figure, the total is within half a penny a figure of the appraisal's own.
    assert abs(total.costs - appraisal.adjusted.pv_costs) <= (len(appraisal.who) + 1) / 2
    assert abs(total.public_value - appraisal.adjusted.pv_benefits) <= (4 * len(appraisal.who) + 1) / 2


@FAST
@given(bid=bids_with_lines(), gate=st.none() | st.decimals(0, 5, places=2))
def test_switching_values_bring_the_prudent_bcr_to_its_target(bid, gate):
    appraisal = appraise(bid, ILLUSTRATIVE_OPTIMISM_BIAS, vfm_gate=gate)
    prudent = appraisal.prudent
    found = entries(bid, ILLUSTRATIVE_OPTIMISM_BIAS, CostUplift())
    savings = pv(bid, [e for e in found if e[2] is BenefitKind.FISCAL_CASHABLE], adjusted=False)
    benefits, costs = Fraction(prudent.pv_benefits), Fraction(prudent.pv_costs)
    targets = [(appraisal.switching.npv, Fraction(1))]
    if gate is not None and costs:
        targets.append((appraisal.switching.gate, Fraction(gate)))
    else:
        assert appraisal.switching.gate is None
    for switch, target in targets:
        # With each figure moved by its switching value, the others unchanged, the BCR is the target
        # (to the 28 significant digits of a Decimal ratio).
        slack = (1 + benefits + target * costs) / 10**20
        if savings:
            assert abs(savings * (1 + Fraction(switch.savings)) + benefits - savings - target * costs) < slack
        else:
            assert switch.savings is None
        if costs and target:
            assert abs(target * costs * (1 + Fraction(switch.costs)) - benefits) < slack
        else:
            assert switch.costs is None
        if benefits:
            assert abs(benefits * (1 - Fraction(switch.optimism_bias)) - target * costs) < slack
        else:
            assert switch.optimism_bias is None
