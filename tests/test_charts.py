"""The charts read true: money axes labelled exactly at every tick, the legend over no bar, and no
label over another, however many years or bids (checked on the figure as matplotlib lays it out)."""

import itertools
import random
from fractions import Fraction

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from bidtool import charts
from bidtool.core.appraisal import appraise
from bidtool.core.bid import Bid, BidYear
from bidtool.core.ranking import RankedBid, Ranking
from bidtool.core.scoring import ScoredBid, Status

UNITS = {"m": 100_000_000, "k": 100_000}


def _drawn(figure):
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    return renderer


def _costs_figure(years: int, step_pence: int):
    bid = Bid(
        reference="A-1",
        title="A",
        lead_organisation="A",
        years=tuple(
            BidYear(2014 + t, award_costs=step_pence * (t % 3), savings=step_pence * t) for t in range(years)
        ),
    )
    return charts.costs_and_savings_figure(appraise(bid))


def _shown_ticks(axis, renderer) -> list[tuple[float, str, object]]:
    """Each tick drawn inside the axes: its value, its label and where the label is."""
    low, high = sorted(axis.get_view_interval())
    return [
        (tick.get_loc(), tick.label1.get_text(), tick.label1.get_window_extent(renderer))
        for tick in axis.get_major_ticks()
        if low <= tick.get_loc() <= high and tick.label1.get_text()
    ]


@pytest.mark.parametrize(
    ("years", "step_pence"),
    [(4, 50_000_000), (5, 40_000_000), (6, 25_000_000), (8, 2_500_000), (3, 70_000_000)],
)
def test_every_money_tick_is_labelled_with_its_exact_value(years, step_pence):
    figure = _costs_figure(years, step_pence)
    ticks = _shown_ticks(figure.axes[0].yaxis, _drawn(figure))
    assert len(ticks) >= 3
    for value, label, _ in ticks:
        number = label.lstrip("-£").rstrip("mk")
        assert Fraction(number) * UNITS.get(label[-1], 100) == pytest.approx(abs(value)), label


def test_an_axis_in_steps_of_a_quarter_million_reads_1_25m_and_1_75m():
    """The steps once labelled £1.2m and £1.8m."""
    figure = _costs_figure(5, 40_000_000)
    labels = [label for _, label, _ in _shown_ticks(figure.axes[0].yaxis, _drawn(figure))]
    assert labels == ["£0", "£0.25m", "£0.50m", "£0.75m", "£1.00m", "£1.25m", "£1.50m"]


@pytest.mark.parametrize("years", [1, 6, 12, 25, 40])
def test_the_legend_covers_no_bar_and_no_label_covers_another(years):
    figure = _costs_figure(years, 25_000_000)
    renderer = _drawn(figure)
    axes = figure.axes[0]
    legend = axes.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in axes.patches]
    assert bars and not [bar for bar in bars if bar.overlaps(legend)]
    for axis in (axes.xaxis, axes.yaxis):
        boxes = [box for _, _, box in _shown_ticks(axis, renderer)]
        assert not [pair for pair in itertools.combinations(boxes, 2) if pair[0].overlaps(pair[1])]
    assert len(_shown_ticks(axes.xaxis, renderer)) >= min(years, 6)  # as many years named as fit well


def test_the_bids_named_on_the_score_chart_overlap_neither_each_other_nor_the_legend():
    rng = random.Random(145)
    rows = tuple(
        RankedBid(
            rank=n + 1,
            bid=ScoredBid(
                reference=f"SYN-{n:03d}",
                title="Synthetic",
                award_sought=rng.randrange(50_000, 2_000_000) * 100,
                bcr=None,
                npv=0,
                criteria={},
                weighted_score=Fraction(rng.randrange(2000, 9000), 100),
                status=Status.RANKED,
                reasons=(),
            ),
            cumulative_award=None,
            funded=n < 18,
        )
        for n in range(145)
    )
    figure = charts.score_against_award_figure(Ranking(rows, None, None, None, None))
    renderer = _drawn(figure)
    axes = figure.axes[0]
    names = [text.get_window_extent(renderer) for text in axes.texts]
    assert len(names) >= 18  # at least as many named as are funded, the first in rank order
    assert axes.texts[0].get_text() == "SYN-000"
    assert not [pair for pair in itertools.combinations(names, 2) if pair[0].overlaps(pair[1])]
    legend = axes.get_legend().get_window_extent(renderer)
    assert not [name for name in names if name.overlaps(legend)]
