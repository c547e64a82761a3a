"""Charts for printed sheets and packs: matplotlib drawing SVG (vector, text kept as text)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

# Figures are made directly, never through pyplot, so no display backend is ever involved
# (matplotlib's advice for servers); savefig draws them with its SVG renderer.
from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bidtool.core.appraisal import Appraisal
from bidtool.core.ranking import Ranking
from bidtool.core.wording import after_optimism_bias, money_abbreviated
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


def _pounds(pence: float, _position=None) -> str:
    """Axis labels in pounds: £1.2m, £350k, £0."""
    return money_abbreviated(pence)


def _svg(figure: Figure) -> str:
    """The figure as a data: URI of SVG, which the printer's fetcher accepts."""
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "bidtool"})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def costs_and_savings(appraisal: Appraisal) -> str | None:
    """Bars of costs and benefits by year (prudent case), benefits after optimism bias as a line."""
    years = appraisal.prudent.years
    if not years:
        return None
    with rc_context(STYLE):
        figure = Figure(figsize=(6.3, 2.3))
        axes = figure.add_subplot()
        places = range(len(years))
        axes.bar([p - 0.2 for p in places], [float(y.costs) for y in years], 0.4, color=COSTS, label="Costs")
        axes.bar(
            [p + 0.2 for p in places],
            [float(y.benefits) for y in years],
            0.4,
            color=SAVINGS,
            label="Savings and benefits (prudent)",
        )
        axes.plot(
            places,
            [float(y.benefits) for y in appraisal.adjusted.years],
            color=ADJUSTED,
            marker="o",
            label=f"Benefits {after_optimism_bias(appraisal)}",
        )
        axes.set_xticks(list(places), [year_label(y.year) for y in years])
        axes.yaxis.set_major_formatter(FuncFormatter(_pounds))
        axes.axhline(0, color=TEXT, linewidth=0.6)
        axes.legend(frameon=False, loc="upper left", fontsize=7)
        # Fixed margins that fit the labels: tight_layout would draw the figure twice.
        figure.subplots_adjust(left=0.1, right=0.99, top=0.97, bottom=0.11)
        return _svg(figure)


def score_against_award(ranking: Ranking) -> str | None:
    """Each scored bid's weighted score against the award it seeks, funded bids marked."""
    points = [r for r in ranking.rows if r.bid.weighted_score is not None]
    if not points:
        return None
    with rc_context(STYLE):
        figure = Figure(figsize=(6.3, 3.4))
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
        for r in points:
            axes.annotate(
                r.bid.reference,
                (float(r.bid.weighted_score), r.bid.award_sought),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=6,
            )
        axes.set_xlabel("Weighted score (0 to 100)")
        axes.set_ylabel("Award sought")
        axes.yaxis.set_major_formatter(FuncFormatter(_pounds))
        axes.legend(frameon=False, fontsize=7)
        figure.tight_layout()
        return _svg(figure)
