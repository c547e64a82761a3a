"""Charts for printed sheets and packs: matplotlib drawing SVG (vector, text kept as text)."""

from __future__ import annotations

import base64
import io
import math
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

# Figures are made directly, never through pyplot, so no display backend is ever involved
# (matplotlib's advice for servers); savefig draws them with its SVG renderer.
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import Formatter

from bidtool.core.appraisal import Appraisal
from bidtool.core.ranking import Ranking
from bidtool.core.wording import after_optimism_bias, money_axis
from bidtool.core.years import year_label

# The printed pages' font (static/css/print.css), named by its files (Debian's fonts-liberation,
# which the Makefile installs) so that no font cache of matplotlib's can make a chart fall back.
FONT_FILES = tuple(
    Path("/usr/share/fonts/truetype/liberation") / f"LiberationSans-{style}.ttf"
    for style in ("Regular", "Bold", "Italic", "BoldItalic")
)
FONT = "Liberation Sans"
for _file in FONT_FILES:
    font_manager.fontManager.addfont(str(_file))

# GOV.UK colours: blue for costs, green for savings, and the dark grey of text.
COSTS, SAVINGS, ADJUSTED, TEXT, NOT_FUNDED = "#1d70b8", "#00703c", "#85994b", "#0b0c0c", "#b1b4b6"
STYLE = {
    "svg.fonttype": "none",  # text stays text: selectable, and read by screen readers
    "svg.hashsalt": "bidtool",  # the same chart gives the same SVG
    "font.family": [FONT],
    "font.size": 8,
    "axes.edgecolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


class _Money(Formatter):
    """Axis labels in pounds, every tick in one unit and exact: £0, £0.25m, £0.50m."""

    def format_ticks(self, values) -> list[str]:
        return money_axis(values)

    def __call__(self, x, pos=None) -> str:
        return money_axis([x])[0]


@rc_context(STYLE)
def _svg(figure: Figure) -> str:
    """The figure as a data: URI of SVG, which the printer's fetcher accepts."""
    out = io.BytesIO()
    # No background (the page is white) and no metadata (no reader of a printed page sees it).
    figure.patch.set_visible(False)
    for axes in figure.axes:
        axes.patch.set_visible(False)
    figure.savefig(out, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    return "data:image/svg+xml;base64," + base64.b64encode(_ungrouped(out.getvalue())).decode("ascii")


SVG = "http://www.w3.org/2000/svg"


def _ungrouped(svg: bytes) -> bytes:
    """The SVG without the groups that only name what they hold (matplotlib wraps every artist in
    one): the printer paints each element of a chart, so with fewer it prints the same faster."""
    root = ElementTree.fromstring(svg)
    _lift_plain_groups(root)
    return ElementTree.tostring(root)


def _lift_plain_groups(element: ElementTree.Element) -> None:
    """Put in place of each group with no attribute but its id what the group holds."""
    kept = []
    for child in element:
        _lift_plain_groups(child)
        plain = child.tag == f"{{{SVG}}}g" and set(child.keys()) <= {"id"}
        kept.extend(child if plain else [child])
    element[:] = kept


def costs_and_savings(appraisal: Appraisal) -> str | None:
    """Bars of costs and benefits by year (prudent case), benefits after optimism bias as a line."""
    figure = costs_and_savings_figure(appraisal)
    return None if figure is None else _svg(figure)


@rc_context(STYLE)
def costs_and_savings_figure(appraisal: Appraisal) -> Figure | None:
    years = appraisal.prudent.years
    if not years:
        return None
    figure = Figure(figsize=(WIDTH, 2.5))
    axes = figure.add_subplot()
    places = range(len(years))
    # Bars stand on the axis and autoscaling keeps them inside the plot, so none needs clipping.
    costs = axes.bar(
        [p - 0.2 for p in places],
        [float(y.costs) for y in years],
        0.4,
        color=COSTS,
        label="Costs",
        clip_on=False,
    )
    benefits = axes.bar(
        [p + 0.2 for p in places],
        [float(y.benefits) for y in years],
        0.4,
        color=SAVINGS,
        label="Savings and benefits (prudent)",
        clip_on=False,
    )
    (adjusted,) = axes.plot(
        places,
        [float(y.benefits) for y in appraisal.adjusted.years],
        color=ADJUSTED,
        marker="o",
        label=f"Benefits {after_optimism_bias(appraisal)}",
    )
    axes.yaxis.set_major_formatter(_Money())
    axes.axhline(0, color=TEXT, linewidth=0.6)
    # Fixed margins that fit the labels and the legend above (tight_layout draws the figure twice).
    figure.subplots_adjust(left=LEFT, right=RIGHT, top=0.88, bottom=0.1)
    axes.legend(handles=[costs, benefits, adjusted], ncols=3, **ABOVE)
    # Every year labelled where the labels fit side by side; else every second, third... year.
    room = AXES_WIDTH * POINTS_PER_INCH / (_label_width(year_label(years[0].year)) * LABEL_SPACING)
    shown = places[:: math.ceil(len(years) / max(1, math.floor(room)))]
    axes.set_xticks(list(shown), [year_label(years[p].year) for p in shown])
    return figure


@cache
def _label_width(label: str) -> float:
    """The width in points of a tick label (in the charts' font and size), measured once per process."""
    return text_to_path.get_text_width_height_descent(
        label, FontProperties(family=FONT, size=STYLE["font.size"]), False
    )[0]


# A legend in a row above the plot, where it covers nothing drawn.
ABOVE = {
    "frameon": False,
    "loc": "lower left",
    "bbox_to_anchor": (0, 1.01),
    "fontsize": 7,
    "borderaxespad": 0,
}
WIDTH, LEFT, RIGHT = 6.3, 0.1, 0.99  # inches; the axes' sides as shares of the width
AXES_WIDTH, POINTS_PER_INCH = WIDTH * (RIGHT - LEFT), 72
LABEL_SPACING = 1.4  # a label's width and four tenths of it again between labels


def score_against_award(ranking: Ranking) -> str | None:
    """Each scored bid's weighted score against the award it seeks, funded bids marked."""
    figure = score_against_award_figure(ranking)
    return None if figure is None else _svg(figure)


@rc_context(STYLE)
def score_against_award_figure(ranking: Ranking) -> Figure | None:
    points = [r for r in ranking.rows if r.bid.weighted_score is not None]
    if not points:
        return None
    figure = Figure(figsize=(6.3, 3.6))
    axes = figure.add_subplot()
    for funded, colour, label in ((True, SAVINGS, "Funded"), (False, NOT_FUNDED, "Not funded")):
        chosen = [r for r in points if bool(r.funded) is funded]
        if chosen:
            axes.scatter(
                [float(r.bid.weighted_score) for r in chosen],
                [r.bid.award_sought for r in chosen],
                color=colour,
                edgecolors=TEXT,
                linewidths=0.5,
                label=label,
            )
    # Limits fixed before the names are placed (autoscaling later would move the points under them).
    axes.set_xlim(0, 100)
    axes.set_ylim(0, max(r.bid.award_sought for r in points) * 1.1)
    axes.set_xlabel("Weighted score (0 to 100)")
    axes.set_ylabel("Award sought")
    axes.yaxis.set_major_formatter(_Money())
    figure.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.13)
    axes.legend(ncols=2, **ABOVE)
    # Each point named by its bid, in rank order, where the name overlaps no name before it;
    # the others are in the summary's table.
    renderer = FigureCanvasAgg(figure).get_renderer()
    placed: list = []
    for r in points:
        name = axes.annotate(
            r.bid.reference,
            (float(r.bid.weighted_score), r.bid.award_sought),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=6,
        )
        box = name.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            name.remove()
        else:
            placed.append(box)
    return figure
