"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), titled, and fetching nothing but bidtool's own files."""

from __future__ import annotations

import io
import logging
import mimetypes
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bidtool import charts
from bidtool.config import PROJECT_ROOT
from bidtool.core.ranking import funding_line
from bidtool.services.bids import SelfCheck, narrative_questions
from bidtool.services.sheets import Pack, Sheet, finance_totals

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


def render(html: str, tagged: bool = True) -> bytes:
    """Print an HTML document (its <title> and lang become the PDF's), as tagged PDF/UA-1 unless
    told otherwise (the parts of a pack printed in parallel lose their tags when merged)."""
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticOnly())
    return document.write_pdf(stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT if tagged else None)


def sheet_pdf(sheet: Sheet, generated: datetime) -> bytes:
    """The assessment sheet of one bid (needs an application context, for the templates)."""
    return render(_sheet_html(sheet, generated))


def _sheet_html(sheet: Sheet, generated: datetime, title: str | None = None) -> str:
    return render_template(
        "print/sheet.html",
        title=title or f"Assessment sheet: {sheet.bid.reference}, {sheet.round_name}",
        generated=generated,
        numbered_later=title is not None,
        sheet=sheet,
        chart=charts.costs_and_savings(sheet.appraisal),
        totals=finance_totals(sheet.bid),
    )


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


def _pack_title(pack: Pack) -> str:
    return f"Panel pack: {pack.round_name}"


# The parts of a pack: the cover and contents, the ranked summary, and the bids' sheets.
FRONT, SUMMARY, SHEETS = "front", "summary", "sheets"
WHOLE = frozenset({FRONT, SUMMARY, SHEETS})


def _pack_html(
    pack: Pack,
    generated: datetime,
    parts: frozenset[str],
    pages: dict[str, int] | None = None,
    drawn: Callable[[int], None] = lambda done: None,
) -> str:
    return render_template(
        "print/pack.html",
        title=_pack_title(pack),
        generated=generated,
        numbered_later=parts != WHOLE,
        pack=pack,
        line=funding_line(pack.ranking),
        parts=parts,
        chart=charts.score_against_award(pack.ranking) if SUMMARY in parts else None,
        sheets=_drawn(pack.sheets, drawn) if SHEETS in parts else [],
        pages=pages,
    )


def _drawn(sheets: tuple[Sheet, ...], drawn: Callable[[int], None]) -> list:
    """Each sheet with its chart and totals, drawn in turn; `drawn` is told how many are done."""
    done = []
    for s in sheets:
        done.append((s, charts.costs_and_savings(s.appraisal), finance_totals(s.bid)))
        drawn(len(done))
    return done


# How far a print has got: told ("sheets", n) as each sheet's chart and HTML is drawn, then
# ("pages", n) as WeasyPrint lays out page n, then ("writing", 0) as it writes the PDF.
Progress = Callable[[str, int], None]


def pack_pdf(pack: Pack, generated: datetime, progress: Progress = lambda stage, done: None) -> bytes:
    """The panel pack as one tagged PDF/UA document, rendered in this process."""
    _layout.progress = progress
    try:
        return render(_pack_html(pack, generated, WHOLE, drawn=lambda done: progress("sheets", done)))
    finally:
        _layout.progress = None


class _LayoutProgress(logging.Handler):
    """Passes WeasyPrint's progress log (a page laid out, the PDF begun) to the print of this thread."""

    def emit(self, record: logging.LogRecord) -> None:
        progress = getattr(_layout, "progress", None)
        if progress is None:
            return
        if record.msg.startswith("Step 5 - Creating layout - Page"):
            progress("pages", record.args[0])
        elif record.msg.startswith("Step 6"):
            progress("writing", 0)


_layout = threading.local()
_progress_log = logging.getLogger("weasyprint.progress")
_progress_log.setLevel(logging.INFO)
_progress_log.propagate = False  # told to the print that asked, not to the server's log
_progress_log.addHandler(_LayoutProgress())


def pack_pdf_parallel(
    pack: Pack, generated: datetime, jobs: int, progress: Callable[[Sheet], None] = lambda sheet: None
) -> bytes:
    """The panel pack printed in parts on `jobs` processes and merged: much faster, but untagged.

    Merging keeps the text, the bookmarks, the title and the language; the structure tree of
    each part is lost, so the result is not PDF/UA. Pages are numbered through after merging.
    """
    global _app
    _app = current_app._get_current_object()
    title = _pack_title(pack)
    # The contents give page numbers, known only once every part is printed; how many pages the
    # contents take is found meanwhile, from a print with placeholders of the same width.
    placeholders = {key: 999 for key in ["summary", *(s.bid.reference for s in pack.sheets)]}
    # fork: the workers start with the templates, fonts and libraries already loaded. It is used
    # from the command line only, never inside a threaded web server.
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        front_length = pool.submit(_print_pack_part, pack, generated, frozenset({FRONT}), placeholders)
        summary = pool.submit(_print_pack_part, pack, generated, frozenset({SUMMARY}), None)
        pending = {pool.submit(_print_part, s, generated, title): s for s in pack.sheets}
        for done in as_completed(pending):
            progress(pending[done])
        readers = [PdfReader(io.BytesIO(future.result())) for future in [summary, *pending]]
        front_pages = len(PdfReader(io.BytesIO(front_length.result())).pages)
    pages = {"summary": front_pages + 1}
    start = front_pages + 1 + len(readers[0].pages)
    for sheet, reader in zip(pack.sheets, readers[1:], strict=True):
        pages[sheet.bid.reference] = start
        start += len(reader.pages)
    front = render(_pack_html(pack, generated, frozenset({FRONT}), pages), tagged=False)
    writer = PdfWriter()
    for reader in [PdfReader(io.BytesIO(front)), *readers]:
        writer.append(reader, import_outline=True)
    writer.add_metadata({"/Title": title, "/Author": "bidtool"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    writer.create_viewer_preferences().display_doctitle = True
    _number_pages(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_app = None  # the application whose templates the worker processes use (they are forked from it)


def _print_part(sheet: Sheet, generated: datetime, title: str) -> bytes:
    with _app.app_context():
        return render(_sheet_html(sheet, generated, title), tagged=False)


def _print_pack_part(
    pack: Pack, generated: datetime, parts: frozenset[str], pages: dict[str, int] | None
) -> bytes:
    with _app.app_context():
        return render(_pack_html(pack, generated, parts, pages), tagged=False)


# The footer of stamped pages: where print.css puts "Page X of Y" (8pt, right-aligned, centred in
# the 15mm bottom margin of an A4 page), in Helvetica, whose widths (per 1000 of the size) are
# Arial's and Liberation Sans's.
FOOTER_RIGHT, FOOTER_BASELINE, FOOTER_SIZE, FOOTER_GREY = 549.9, 18.9, 8, "0.314 0.353 0.373"
HELVETICA_WIDTHS = {"P": 667, " ": 278, "f": 278, **dict.fromkeys("aego0123456789", 556)}


def _number_pages(writer: PdfWriter) -> None:
    """Write "Page X of Y" on every page of the merged pack, marked as an artifact (not content)."""
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        text = f"Page {number} of {total}"
        width = sum(HELVETICA_WIDTHS[c] for c in text) * FOOTER_SIZE / 1000
        resources = page[NameObject("/Resources")].get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/BidtoolPageNumber")] = font
        # The page's own drawing is wrapped in q ... Q so that it leaves the coordinates as it found them.
        before = _stream(writer, b"q\n")
        after = _stream(
            writer,
            f"\nQ /Artifact BMC q BT /BidtoolPageNumber {FOOTER_SIZE} Tf {FOOTER_GREY} rg "
            f"{FOOTER_RIGHT - width:.2f} {FOOTER_BASELINE} Td ({text}) Tj ET Q EMC\n".encode("ascii"),
        )
        contents = page[NameObject("/Contents")]
        own = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([before, *own, after])


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)
