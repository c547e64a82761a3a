"""Reading printed PDFs back in tests: the text of each page, as one line, and the bookmarks."""

import io

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """The text of each page with every run of white space made one space (lines wrap anywhere)."""
    return [" ".join(page.extract_text().split()) for page in reader(data).pages]


def text(data: bytes) -> str:
    return " ".join(page_texts(data))


def squeezed(words: str) -> str:
    """Text without any white space, to compare across the places where a line wrapped."""
    return "".join(words.split())


def bookmarks(data: bytes) -> list[tuple[str, int]]:
    """Each top-level bookmark's title and the page (from 1) it opens."""
    pdf = reader(data)
    return [(item.title, pdf.get_destination_page_number(item) + 1) for item in pdf.outline]


def is_tagged_pdf_ua(data: bytes) -> bool:
    """Whether the PDF has a structure tree, says it is marked, and claims PDF/UA-1 in its metadata."""
    pdf = reader(data)
    root = pdf.trailer["/Root"]
    metadata = root["/Metadata"].get_object().get_data() if "/Metadata" in root else b""
    return (
        "/StructTreeRoot" in root
        and root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
        and b'pdfuaid:part="1"' in metadata
    )
