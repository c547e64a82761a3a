"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), titled, and fetching nothing but bidtool's own files."""

from __future__ import annotations

import gc
import io
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache, partial
from itertools import accumulate
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
from flask import render_template, render_template_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bidtool import binding, charts
from bidtool.config import PROJECT_ROOT
from bidtool.core.ranking import funding_line
from bidtool.services.bids import SelfCheck, narrative_questions
from bidtool.services.sheets import Pack, Place, Sheet, finance_totals

STATIC = PROJECT_ROOT / "static"
PRINT_CSS = STATIC / "css" / "print.css"
# The charts bidtool draws itself arrive as data: URIs of SVG; nothing else that is not a file.
CHART_PREFIX = "data:image/svg+xml;base64,"
PDF_VARIANT = "pdf/ua-1"


class Refused(ValueError):
    """The renderer asked for something other than bidtool's own static files."""


class StaticOnly(URLFetcher):
    """A fetcher that serves files under bidtool's static folder and its own charts, and refuses
    everything else: no network, no other file, whatever a document names."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(CHART_PREFIX):
            return super().fetch(url)
        path = _static_file(url)
        if path is None:
            raise Refused(f"bidtool prints only its own files, not {url[:80]!r}")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mimetype})


def _static_file(url: str) -> Path | None:
    """The file a file: URL names, if it is inside the static folder (links out of it do not count)."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
        return None
    path = Path(unquote(parts.path)).resolve()
    static = STATIC.resolve()
    return path if path.is_relative_to(static) and path.is_file() else None


@cache
def _stylesheet() -> CSS:
    """The print stylesheet, parsed once per process (every sheet of a pack uses it)."""
    return CSS(filename=str(PRINT_CSS), url_fetcher=StaticOnly())


# Each thread's fonts, found once: a new configuration loads fontconfig's list of fonts again and
# starts Pango's measures afresh for every document (Pango's font map is not shared across threads).
_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's font configuration, made on its first print."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def render(html: str) -> bytes:
    """Print an HTML document as tagged PDF/UA-1 (its <title> and lang become the PDF's)."""
    with _no_collection():
        document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticOnly())
        return binding.margins_as_artifacts(
            document.write_pdf(
                stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT, font_config=_font_config()
            )
        )


@contextmanager
def _no_collection() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while printing. A print makes some hundred
    thousand objects that live until it ends, so collections in the middle of it find nothing to
    free yet move them to the oldest generation, whose collections then walk the whole process
    (the app, matplotlib, the round) every two or three sheets; one collection of the young
    generation after the print frees its cycles instead (a fifth less time a sheet on average).
    Threads printing at once may turn it on again early, which costs only that saving."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def sheet_pdf(sheet: Sheet, place: Place, generated: datetime) -> bytes:
    """The assessment sheet of one bid on its own, with its place in the round (needs an
    application context, for the templates)."""
    return render(_sheet_html(sheet, place, generated))


def sheet_part(sheet: Sheet) -> bytes:
    """The assessment sheet as a part of a pack, printed ahead and kept under its key: what the
    sheet shows and nothing that depends on other bids or the time (the rank, the page numbers and
    the time are the pack's)."""
    return render(_sheet_html(sheet))


def _sheet_html(sheet: Sheet, place: Place | None = None, generated: datetime | None = None) -> str:
    # Without the templates' line breaks and indents between tags (some 300 a sheet): the printer
    # parses each, makes a box of it and drops it, nearly 2% of a sheet's print. No space between
    # tags prints on a sheet: it never puts two inline elements side by side with only space between.
    return BETWEEN_TAGS.sub(
        "><",
        render_template(
            "print/sheet.html",
            title=f"Assessment sheet: {sheet.bid.reference}, {sheet.round_name}",
            generated=generated,
            part=place is None,  # on its own the sheet says where the bid stands; in a pack the pack does
            sheet=sheet,
            place=place,
            chart=charts.costs_and_savings(sheet.appraisal),
            totals=finance_totals(sheet.bid),
        ),
    )


BETWEEN_TAGS = re.compile(r">\s+<")


def self_check_pdf(check: SelfCheck, generated: datetime) -> bytes:
    """A council's printable self-check of its draft: the appraisal and the checks, no scores."""
    return render(
        render_template(
            "print/self_check.html",
            title=f"Self-check: {check.bid.reference}, {check.bid.title}",
            generated=generated,
            check=check,
            chart=charts.costs_and_savings(check.appraisal),
            totals=finance_totals(check.bid),
            questions=[(key, name) for key, name, _ in narrative_questions(check.scheme)]
            if check.scheme
            else [(key, key.replace("_", " ").capitalize()) for key in sorted(check.bid.narrative)],
        )
    )


# The line at the top right of every page of a pack, as the running header of a sheet words it.
GENERATED = "Generated {{ generated | uk_time }} (UK time)"

# The parts of a pack: the cover and contents, printed when it is bound, and the summary's parts,
# kept with the sheets: the ranked summary and the panel's decisions beside it (two parts, so that
# two cores print them at once).
FRONT, SUMMARY, DECISIONS = "front", "summary", "decisions"
SUMMARY_PARTS = (SUMMARY, DECISIONS)


def summary_part(pack: Pack, part: str) -> bytes:
    """A part of the pack's summary (the ranked summary with its chart, or the decisions), kept
    under its key."""
    return render(_pack_html(pack, frozenset({part})))


def _pack_html(
    pack: Pack, parts: frozenset[str], generated: datetime | None = None, pages: dict[str, int] | None = None
) -> str:
    ranks = {r.bid.reference: r.rank for r in pack.ranking.rows}
    return render_template(
        "print/pack.html",
        title=f"Panel pack: {pack.round_name}",
        generated=generated,
        part=True,
        pack=pack,
        line=funding_line(pack.ranking),
        parts=parts,
        chart=charts.score_against_award(pack.ranking) if SUMMARY in parts else None,
        contents=[(ranks[s.bid.reference], s) for s in pack.sheets],
        pages=pages,
    )


def bound_pack(pack: Pack, generated: datetime, summary: list[bytes], sheets: list[bytes]) -> bytes:
    """The panel pack bound from its printed parts: the cover and contents printed now, with the
    page each part starts on, then the summary's parts and the sheets in rank order, one tagged
    document."""
    ranks = {r.bid.reference: r.rank for r in pack.ranking.rows}
    top_line = render_template_string(GENERATED, generated=generated)
    return binding.bind(
        partial(_front, pack, generated),
        [
            *(binding.Part(part) for part in summary),
            *(
                binding.Part(data, f"{ranks[s.bid.reference]}. {s.bid.reference}: {s.bid.title}")
                for s, data in zip(pack.sheets, sheets, strict=True)
            ),
        ],
        top_line,
        _lettering(top_line + " Page 0123456789 of"),
    )


def _front(pack: Pack, generated: datetime, lengths: list[int]) -> bytes:
    """The cover and contents, the contents giving the page where each part (of `lengths` pages)
    starts: printed again if it takes other than the pages it was printed for (as many as last
    time for as many bids; the numbers' widths never change how the contents lay out)."""
    remembered = (pack.round_reference, len(pack.sheets))
    front_pages = _front_pages.get(remembered, 2)
    for _ in range(3):
        starts = accumulate(lengths[:-1], initial=front_pages + 1)
        pages = dict(zip([*SUMMARY_PARTS, *(s.bid.reference for s in pack.sheets)], starts, strict=True))
        front = render(_pack_html(pack, frozenset({FRONT}), generated, pages))
        if _pages(front) == front_pages:
            _front_pages[remembered] = front_pages
            return front
        front_pages = _pages(front)
    raise RuntimeError("the contents of the pack did not settle on a number of pages")


# How many pages the front of a round's pack took last time, for as many bids, in this process.
_front_pages: dict[tuple[str, int], int] = {}


def _pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def _lettering(text: str) -> bytes:
    """A page showing each character of `text` once, apart (so no two make a ligature), in the
    font and size of the running header: the font the binding letters every page with."""
    letters = " ".join(sorted(set(text) - {" "}))
    return HTML(string=f"<p style='font: 8pt \"Liberation Sans\"'>{letters} </p>").write_pdf()
