"""Properties that hold for any valid bid, scheme or set of scores (Hypothesis)."""

from __future__ import annotations

import copy
import csv
import io
import itertools
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.appraisal import appraise, discount_factor
from bidtool.core.bid import (
    AGENCIES,
    FIGURE_NAMES,
    LINE_COST_KINDS,
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    StatedTotal,
)
from bidtool.core.bidfile import bid_to_dict, parse_bid
from bidtool.core.errors import InvalidInput
from bidtool.core.fields import REFERENCE, SLUG
from bidtool.core.ranking import funding_line, rank_bids
from bidtool.core.scheme import Criterion, Scale, Scheme, TieBreak, parse_scheme, scheme_to_dict
from bidtool.core.scorefile import SCORE_COLUMNS, parse_scores, write_scores
from bidtool.core.scoring import CriterionResult, Score, ScoredBid, Status, criterion_result, weighted_score

FAST = settings(max_examples=100, deadline=None)

pence = st.integers(0, 10**9)  # up to £10m a figure


@st.composite
def bid_years(draw, min_first_costs: int = 0) -> list[BidYear]:
    first = draw(st.integers(1990, 2100))
    years = []
    for t in range(draw(st.integers(1, 6))):
        savings = draw(pence)
        years.append(
            BidYear(
                first + t,
                award_costs=draw(st.integers(min_first_costs, 10**9) if t == 0 else pence),
                match_costs=draw(pence),
                recurring_costs=draw(pence),
                savings=savings,
                savings_high=draw(st.none() | st.integers(savings, savings + 10**9)),
                other_benefits=draw(pence),
            )
        )
    return years


def bid_of(years, reference="P-01", savings_confidence=3) -> Bid:
    return Bid(
        reference=reference,
        title="Property bid",
        lead_organisation="Lead Council",
        award_sought=sum(y.award_costs for y in years),
        savings_confidence=savings_confidence,
        years=tuple(years),
    )


# Discounting ------------------------------------------------------------------------------------


@given(st.integers(0, 400))
def test_each_discount_factor_is_smaller_than_the_one_before(t):
    assert 0 < discount_factor(t + 1) < discount_factor(t) <= 1


@FAST
@given(amount=st.integers(100_000, 10**10), t=st.integers(0, 100))
def test_a_saving_is_worth_less_today_the_later_it_comes(amount, t):
    # With at least £1,000 and t <= 100 a one-year delay costs over £1 of present value, so the fall
    # survives rounding to whole pence.
    def pv(year_of_saving: int) -> int:
        years = [BidYear(2000 + k, savings=amount if k == year_of_saving else 0) for k in range(t + 2)]
        return appraise(bid_of(years)).prudent.pv_benefits

    assert pv(t + 1) < pv(t)


# Scaling ----------------------------------------------------------------------------------------


def scaled(year: BidYear, k: int) -> BidYear:
    return BidYear(
        year.year,
        award_costs=k * year.award_costs,
        match_costs=k * year.match_costs,
        recurring_costs=k * year.recurring_costs,
        savings=k * year.savings,
        savings_high=None if year.savings_high is None else k * year.savings_high,
        other_benefits=k * year.other_benefits,
    )


@FAST
@given(years=bid_years(min_first_costs=100_000), k=st.integers(1, 1000))
def test_multiplying_every_amount_by_k_multiplies_npv_by_k_within_k_plus_one_pence(years, k):
    # PVB and PVC are each rounded once to whole pence. k * round(x) is within k/2 of k * x and
    # round(k * x) within 1/2, so each present value moves at most (k + 1) / 2 from k times the
    # original, and NPV, their difference, at most k + 1.
    one = appraise(bid_of(years)).prudent
    many = appraise(bid_of([scaled(y, k) for y in years])).prudent
    assert abs(many.npv - k * one.npv) <= k + 1


@FAST
@given(years=bid_years(min_first_costs=100_000), k=st.integers(1, 1000))
def test_multiplying_every_amount_by_k_leaves_the_bcr_unchanged_but_for_rounding(years, k):
    # round(k * PVB) / k lies within 1 penny of round(PVB) (see the NPV test), likewise for PVC, so the
    # scaled BCR lies between (b - 1) / (c + 1) and (b + 1) / (c - 1), b and c the unscaled pence
    # figures. PVC is at least £1,000 here, which makes that a relative band of about 2e-5.
    one = appraise(bid_of(years)).prudent
    many = appraise(bid_of([scaled(y, k) for y in years])).prudent
    b, c = one.pv_benefits, one.pv_costs
    slack = Fraction(1, 10**20)
    assert Fraction(max(b - 1, 0), c + 1) - slack <= Fraction(many.bcr) <= Fraction(b + 1, c - 1) + slack
    assert abs(many.bcr - one.bcr) <= Decimal("0.0001") * (1 + one.bcr)


# Ranking and the funding line ---------------------------------------------------------------------

TIE_KEYS = ("criterion:value_for_money", "bcr", "npv", "weighted_score", "award_sought")

ONE_CRITERION = (Criterion("value_for_money", "Value for money", Decimal(1), "", {}),)


@st.composite
def schemes_with_tie_breaks(draw) -> Scheme:
    keys = draw(st.lists(st.sampled_from(TIE_KEYS), unique=True, max_size=len(TIE_KEYS)))
    ties = []
    for key in keys:
        descending = draw(st.booleans())
        if key.startswith("criterion:"):
            ties.append(TieBreak("criterion", key.removeprefix("criterion:"), descending))
        else:
            ties.append(TieBreak(key, None, descending))
    return Scheme("prop", "Property scheme", Scale(0, 4, {}), ONE_CRITERION, tie_breaks=tuple(ties))


@st.composite
def scored_bids(draw) -> list[ScoredBid]:
    # Few distinct values, so that ties (and tie-breaks, and the final reference order) really happen.
    references = draw(st.lists(st.from_regex(r"[A-Z]{1,3}-0[1-9]", fullmatch=True), unique=True, max_size=12))
    bids = []
    for reference in references:
        status = draw(st.sampled_from(Status))
        weighted = (
            None
            if status is Status.INCOMPLETE
            else draw(st.sampled_from([Fraction(n, 2) for n in range(0, 201, 25)]))
        )
        criterion = draw(st.none() | st.sampled_from([Fraction(n, 3) for n in range(13)]))
        bids.append(
            ScoredBid(
                reference=reference,
                title=reference,
                award_sought=draw(st.sampled_from([50_000, 100_000, 250_000, 1_000_000])),
                bcr=draw(st.none() | st.sampled_from([Decimal("0.5"), Decimal(1), Decimal("2.25")])),
                npv=draw(st.sampled_from([-1000, 0, 5000])),
                criteria={"value_for_money": CriterionResult("value_for_money", criterion, False, (), False)},
                weighted_score=weighted,
                status=status,
                reasons=(),
            )
        )
    return bids


@FAST
@given(scheme=schemes_with_tie_breaks(), bids=scored_bids(), data=st.data())
def test_the_ranking_does_not_depend_on_the_order_bids_are_given_in(scheme, bids, data):
    shuffled = data.draw(st.permutations(bids))
    first = [row.bid.reference for row in rank_bids(scheme, bids).rows]
    second = [row.bid.reference for row in rank_bids(scheme, shuffled).rows]
    assert first == second
    assert sorted(first) == sorted(b.reference for b in bids)


@FAST
@given(scheme=schemes_with_tie_breaks(), bids=scored_bids())
def test_passing_bids_come_first_and_weighted_scores_never_rise_down_the_ranking(scheme, bids):
    rows = rank_bids(scheme, bids).rows
    order = {Status.RANKED: 0, Status.FAILS_GATE: 1, Status.INCOMPLETE: 2}
    statuses = [order[row.bid.status] for row in rows]
    assert statuses == sorted(statuses)
    for above, below in itertools.pairwise(rows):
        if above.bid.status is below.bid.status is not Status.INCOMPLETE:
            assert above.bid.weighted_score >= below.bid.weighted_score


@FAST
@given(scheme=schemes_with_tie_breaks(), bids=scored_bids(), pot=st.integers(0, 5_000_000))
def test_the_funding_line_never_spends_more_than_the_pot(scheme, bids, pot):
    ranking = rank_bids(scheme, bids, pot=pot)
    funded = [row for row in ranking.rows if row.funded]
    assert ranking.pot_used <= pot
    assert ranking.pot_left >= 0
    assert ranking.pot_left == pot - ranking.pot_used
    assert sum(row.bid.award_sought for row in funded) == ranking.pot_used
    assert all(row.bid.status is Status.RANKED for row in funded)


@FAST
@given(scheme=schemes_with_tie_breaks(), bids=scored_bids(), pot=st.integers(0, 5_000_000))
def test_a_passing_bid_goes_unfunded_only_when_it_no_longer_fits(scheme, bids, pot):
    ranking = rank_bids(scheme, bids, pot=pot)
    spent = 0
    first_unfunded = None
    for row in ranking.rows:
        if row.bid.status is not Status.RANKED:
            assert row.funded is False
        elif row.funded:
            spent += row.bid.award_sought
        else:
            assert spent + row.bid.award_sought > pot
            first_unfunded = first_unfunded or row.bid.reference
    assert spent == ranking.pot_used
    assert ranking.first_unfunded == first_unfunded


@FAST
@given(scheme=schemes_with_tie_breaks(), bids=scored_bids(), pot=st.none() | st.integers(0, 5_000_000))
def test_the_funding_line_falls_above_the_first_bid_not_funded_and_only_fitting_bids_are_funded_below(
    scheme, bids, pot
):
    ranking = rank_bids(scheme, bids, pot=pot)
    line = funding_line(ranking)
    references = [row.bid.reference for row in ranking.rows]
    at = references.index(line.above) if line.above is not None else len(references)
    assert all(row.funded is not False for row in ranking.rows[:at])
    below = ranking.rows[at:]
    assert line.fits_in_what_is_left == {row.bid.reference for row in below if row.funded}
    assert all(row.bid.status is Status.RANKED for row in below if row.funded)
    if pot is None:
        assert line.above is None and not line.fits_in_what_is_left
    elif line.above is not None:
        # The first passing bid that did not fit or, when every passing bid fits, the first failing one.
        passing = sum(row.bid.status is Status.RANKED for row in ranking.rows)
        assert line.above == (ranking.first_unfunded or references[passing])
    else:
        assert all(row.funded for row in ranking.rows)


# Scores -----------------------------------------------------------------------------------------


@st.composite
def scales(draw) -> Scale:
    low = draw(st.integers(-10, 10))
    return Scale(low, low + draw(st.integers(1, 20)), {})


@st.composite
def schemes_and_scores(draw):
    scale = draw(scales())
    count = draw(st.integers(1, 6))
    weights = draw(
        st.lists(st.decimals(Decimal("0.01"), Decimal(1000), places=2), min_size=count, max_size=count)
    )
    criteria = tuple(Criterion(f"c{i}", f"C{i}", w, "", {}) for i, w in enumerate(weights))
    scheme = Scheme("prop", "Property scheme", scale, criteria)
    points = st.integers(scale.min, scale.max)
    scores = {}
    for c in criteria:
        # A criterion's score is a point, or the mean of several assessors' points.
        given_points = draw(st.lists(points, min_size=1, max_size=5))
        scores[c.id] = Fraction(sum(given_points), len(given_points))
    return scheme, scores


@FAST
@given(schemes_and_scores())
def test_weighted_scores_stay_between_0_and_100_on_any_scale(scheme_and_scores):
    scheme, scores = scheme_and_scores
    assert 0 <= weighted_score(scheme, scores) <= 100


@FAST
@given(scale=scales(), data=st.data())
def test_a_moderated_score_always_wins(scale, data):
    criterion = Criterion("impact", "Impact", Decimal(1), "", {})
    scheme = Scheme("prop", "Property scheme", scale, (criterion,))
    points = st.integers(scale.min, scale.max)
    assessors = data.draw(st.lists(st.sampled_from(["ann", "bob", "cat", "dan", "eve"]), unique=True))
    scores = [Score("B-01", "impact", name, data.draw(points)) for name in assessors]
    moderated = data.draw(points)
    scores.insert(
        data.draw(st.integers(0, len(scores))), Score("B-01", "impact", "lead", moderated, moderated=True)
    )
    conflicted = frozenset(data.draw(st.lists(st.sampled_from(assessors))) if assessors else [])
    found = criterion_result(scheme, criterion, scores, conflicted)
    assert found.score == moderated
    assert found.moderated is True


# Files ------------------------------------------------------------------------------------------

# Text that survives the readers unchanged: no surrounding white space, nothing empty.
plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1, max_size=30
)
any_pence = st.integers(-(10**14), 10**14)


@st.composite
def bids(draw, text=plain_text, min_years: int = 1, max_years: int = 6) -> Bid:
    """Any bid; `text` draws every piece of text (names, narrative, sources)."""
    starts = sorted(draw(st.sets(st.integers(1900, 2199), min_size=min_years, max_size=max_years)))
    years = tuple(
        BidYear(
            start,
            award_costs=draw(any_pence),
            match_costs=draw(any_pence),
            recurring_costs=draw(any_pence),
            savings=draw(any_pence),
            savings_high=draw(st.none() | any_pence),
            other_benefits=draw(any_pence),
        )
        for start in starts
    )
    totals = tuple(
        StatedTotal(
            figure=draw(st.sampled_from(sorted(FIGURE_NAMES))),
            amount=draw(any_pence),
            years=tuple(draw(st.lists(st.sampled_from(starts), max_size=3))) if starts else (),
            source=draw(st.just("") | text),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    in_years = st.sampled_from(starts) if starts else st.nothing()
    percent = st.decimals(0, 100, places=2)
    outcome_years = st.sampled_from(starts).flatmap(
        lambda a: st.tuples(st.just(a), st.sampled_from([b for b in starts if b >= a]))
    )
    lines = starts and draw(st.booleans())
    return Bid(
        reference=draw(st.from_regex(REFERENCE, fullmatch=True)),
        title=draw(text),
        lead_organisation=draw(text),
        partners=tuple(
            Partner(draw(text), draw(st.sampled_from(PartnerType))) for _ in range(draw(st.integers(0, 3)))
        ),
        award_sought=draw(any_pence),
        savings_confidence=draw(st.none() | st.integers(1, 6)),
        years=years,
        narrative=draw(st.dictionaries(st.from_regex(SLUG, fullmatch=True), text, max_size=3)),
        stated_totals=totals,
        contact=draw(st.none() | text),
        status=draw(st.sampled_from(BidStatus)),
        benefit_lines=tuple(
            BenefitLine(
                draw(in_years),
                draw(st.sampled_from(BenefitKind)),
                draw(st.sampled_from(AGENCIES)),
                draw(any_pence),
                draw(st.none() | st.integers(1, 6)),
                draw(st.just("") | text),
            )
            for _ in range(draw(st.integers(0, 3)) if lines else 0)
        ),
        cost_lines=tuple(
            CostLine(
                draw(in_years),
                draw(st.sampled_from(LINE_COST_KINDS)),
                draw(st.sampled_from(AGENCIES)),
                draw(any_pence),
                draw(st.just("") | text),
            )
            for _ in range(draw(st.integers(0, 2)) if lines else 0)
        ),
        outcome_lines=tuple(
            OutcomeLine(
                draw(text),
                draw(st.sampled_from(BenefitKind)),
                draw(st.sampled_from(AGENCIES)),
                *draw(outcome_years),
                cohort=draw(st.integers(0, 10_000_000)),
                engagement_rate=draw(percent),
                success_rate=draw(percent),
                deadweight=draw(percent),
                unit_cost=draw(any_pence),
                unit_cost_source=draw(text),
                drop_off=draw(percent),
                confidence=draw(st.none() | st.integers(1, 6)),
            )
            for _ in range(draw(st.integers(0, 2)) if lines else 0)
        ),
    )


@FAST
@given(bids())
def test_any_bid_written_out_reads_back_unchanged(bid):
    assert parse_bid(bid_to_dict(bid)) == bid


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)

VALID_BID = {
    "format": "bidtool.bid/1",
    "reference": "SWI-01",
    "title": "One Swindon",
    "lead_organisation": "Swindon Borough Council",
    "contact": "bids@swindon.example",
    "status": "draft",
    "partners": [{"name": "Swindon Borough Council", "type": "unitary"}],
    "award_sought": 380000,
    "savings_confidence": 4,
    "years": [
        {
            "year": "2013/14",
            "award_costs": 230000,
            "match_costs": 0,
            "recurring_costs": 0,
            "savings": 0,
            "savings_high": None,
            "other_benefits": 0,
        },
        {"year": "2014/15", "award_costs": 150000, "savings": 7000000, "savings_high": 10000000},
    ],
    "narrative": {"summary": "One public service."},
    "stated_totals": [{"figure": "savings", "amount": 7000000, "years": ["2014/15"], "source": "p. 3"}],
}


def paths(value, prefix=()):
    """Every place in a nested structure that a wrong value could be put."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from paths(inner, (*prefix, key))


def with_value(data, path, value):
    changed = copy.deepcopy(data)
    if not path:
        return value
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


BID_PATHS = list(paths(VALID_BID))


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(BID_PATHS), value=json_values)
def test_any_wrong_value_in_a_bid_file_is_reported_never_a_crash(path, value):
    try:
        parse_bid(with_value(VALID_BID, path, value))
    except InvalidInput as error:
        assert error.problems


VALID_SCHEME = {
    "format": "bidtool.scheme/1",
    "id": "mini",
    "name": "Minimal scheme",
    "description": "For properties.",
    "scale": {"min": 0, "max": 2, "labels": {"0": "None", "1": "Some", "2": "Plenty"}},
    "divergence": 2,
    "vfm_gate": 1.0,
    "max_award": 500000,
    "tie_breaks": ["criterion:impact", "-award_sought"],
    "optimism_bias": {"1": 0, "2": 5, "3": 10, "4": 15, "5": 25, "6": 40},
    "criteria": [
        {
            "id": "impact",
            "name": "Impact",
            "weight": 1,
            "guidance": "Look for impact.",
            "descriptors": {"0": "No", "1": "Some", "2": "Great"},
            "indicator": "bcr",
            "gate": {"min_score": 1},
        },
    ],
}


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(list(paths(VALID_SCHEME))), value=json_values)
def test_any_wrong_value_in_a_scheme_file_is_reported_never_a_crash(path, value):
    try:
        parse_scheme(with_value(VALID_SCHEME, path, value))
    except InvalidInput as error:
        assert error.problems


SCORES_SCHEME = Scheme(
    "prop",
    "Property scheme",
    Scale(0, 4, {}),
    (Criterion("impact", "Impact", Decimal(1), "", {}), Criterion("reach", "Reach", Decimal(2), "", {})),
)

cells = st.sampled_from(
    ["A-01", "B-02", "impact", "reach", "ann", "true", "false", "0", "4", "9", "-1", ""]
) | (st.text(max_size=12))


@FAST
@given(st.lists(st.lists(cells, min_size=5, max_size=7), max_size=6))
def test_any_rows_of_a_scores_file_are_read_or_reported_by_row_never_a_crash(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SCORE_COLUMNS)
    writer.writerows(rows)
    try:
        scores = parse_scores(io.StringIO(out.getvalue(), newline=""), SCORES_SCHEME, {"A-01", "B-02"})
    except InvalidInput as error:
        assert all(p.where.startswith("row ") for p in error.problems)
    else:
        assert all(s.bid in {"A-01", "B-02"} and 0 <= s.score <= 4 for s in scores)


@st.composite
def scheme_files(draw) -> dict:
    low = draw(st.integers(-5, 5))
    points = range(low, low + draw(st.integers(1, 8)) + 1)

    def point_texts():
        return {point: draw(plain_text) for point in points}

    ids = draw(st.lists(st.from_regex(SLUG, fullmatch=True), min_size=1, max_size=4, unique=True))
    criteria = []
    for criterion_id in ids:
        criterion = {
            "id": criterion_id,
            "name": draw(plain_text),
            "weight": draw(st.decimals(Decimal("0.01"), Decimal(1000), places=2)),
            "guidance": draw(plain_text),
            "descriptors": point_texts(),
        }
        if draw(st.booleans()):
            criterion["indicator"] = draw(st.sampled_from(["bcr", "match_share", "partners"]))
        if draw(st.booleans()):
            criterion["gate"] = {"min_score": draw(st.sampled_from(points))}
        criteria.append(criterion)
    keys = [f"criterion:{i}" for i in ids] + ["bcr", "npv", "weighted_score", "award_sought"]
    return {
        "format": "bidtool.scheme/1",
        "id": draw(st.from_regex(SLUG, fullmatch=True)),
        "name": draw(plain_text),
        "description": draw(st.just("") | plain_text),
        "scale": {"min": low, "max": points[-1], "labels": point_texts()},
        "divergence": draw(st.decimals(Decimal("0.5"), Decimal(10), places=1)),
        "vfm_gate": draw(st.none() | st.decimals(Decimal(0), Decimal(5), places=2)),
        "max_award": draw(st.none() | st.integers(1, 10**9)),
        "tie_breaks": [
            draw(st.sampled_from(["", "-"])) + key
            for key in draw(st.lists(st.sampled_from(keys), unique=True))
        ],
        "optimism_bias": {
            grade: draw(st.decimals(Decimal(0), Decimal(100), places=1)) for grade in range(1, 7)
        },
        "criteria": criteria,
    }


@FAST
@given(scheme_files())
def test_any_scheme_written_out_reads_back_unchanged(data):
    scheme = parse_scheme(data)
    assert parse_scheme(scheme_to_dict(scheme)) == scheme


justifications = st.just("") | plain_text | st.builds(lambda a, b: f'{a}, "{b}"\n{a}', plain_text, plain_text)


@st.composite
def score_lists(draw) -> list[Score]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["A-01", "B-02"]), st.sampled_from(["impact", "reach"]), plain_text),
            unique=True,
            max_size=8,
        )
    )
    scores = [Score(b, c, a, draw(st.integers(0, 4)), draw(justifications)) for b, c, a in keys]
    # At most one moderated score per bid and criterion, as the file allows.
    for bid, criterion in sorted({(s.bid, s.criterion) for s in scores}):
        if draw(st.booleans()):
            scores.append(Score(bid, criterion, "lead", draw(st.integers(0, 4)), "Moderated", True))
    return scores


@FAST
@given(score_lists())
def test_any_scores_written_out_read_back_unchanged(scores):
    text = write_scores(scores)
    assert parse_scores(io.StringIO(text, newline=""), SCORES_SCHEME, {"A-01", "B-02"}) == scores
