"""Reading printed PDFs back in tests: the text of each page, as one line, and the bookmarks."""

import io

import pikepdf
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


# The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4): any other must be role-mapped.
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 "
    "L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot "
    "Ruby RB RT RP Warichu WT WP Figure Formula Form".split()
)


def structure_problems(data: bytes) -> list[str]:
    """What is wrong with a tagged PDF's structure tree, as a PDF/UA checker would see it (veraPDF
    cannot be installed here): one Document element at the root; every element reached once, its
    /P its parent, its page one of the document's; every marked-content id on every page reached
    from the root, and reached back through the parent tree by the page's key; no parent tree entry
    that no page or annotation uses, none shared; every structure type standard or role-mapped;
    and the catalogue marked, titled (shown as the window's title) and in a language."""
    pdf = pikepdf.open(io.BytesIO(data))
    tree = pdf.Root.StructTreeRoot
    problems: list[str] = []
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    roles = {str(k): str(v) for k, v in tree.get("/RoleMap", pikepdf.Dictionary()).items()}
    reached: dict[tuple[int, int], tuple] = {}  # (page, mcid) -> the element that holds it
    seen: set[tuple[int, int]] = set()
    root_kids = _as_list(tree.get("/K"))
    if len(root_kids) != 1 or root_kids[0].get("/S") != "/Document":
        problems.append("the root holds something other than one Document element")

    def walk(element, parent, page) -> None:
        if element.objgen in seen:
            problems.append(f"element {element.objgen} is reached twice")
            return
        seen.add(element.objgen)
        if element.get("/P") is None or element.P.objgen != parent.objgen:
            problems.append(f"element {element.objgen} does not name its parent")
        kind = str(element.get("/S"))
        if kind.lstrip("/") not in STANDARD_TYPES and roles.get(kind, "").lstrip("/") not in STANDARD_TYPES:
            problems.append(f"structure type {kind} is neither standard nor role-mapped")
        if "/Pg" in element:
            page = pages.get(element.Pg.objgen)
            if page is None:
                problems.append(f"element {element.objgen} is on a page not in the document")
        for kid in _as_list(element.get("/K")):
            if isinstance(kid, int):
                reached[(page, kid)] = element.objgen
            elif kid.get("/Type") == "/MCR":
                on = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                reached[(on, int(kid.MCID))] = element.objgen
            elif kid.get("/Type") != "/OBJR":
                walk(kid, element, page)

    for kid in root_kids:
        walk(kid, tree, None)
    entries = {int(k): v for k, v in pikepdf.NumberTree(tree.ParentTree).items()}
    used: set[int] = set()
    for page in pdf.pages:
        number = pages[page.obj.objgen]
        marked = _marked_content_ids(page)
        if not marked:
            continue
        key = int(page.obj.get("/StructParents", -1))
        if key in used or key not in entries:
            problems.append(f"page {number} has no parent tree entry of its own")
            continue
        used.add(key)
        for mcid in marked:
            holder = reached.get((number, mcid))
            listed = entries[key][mcid] if mcid < len(entries[key]) else None
            if holder is None:
                problems.append(f"page {number}: marked content {mcid} is not reached from the root")
            elif listed is None or listed.objgen != holder:
                problems.append(f"page {number}: the parent tree does not lead marked content {mcid} back")
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                used.add(int(annotation.StructParent))
    problems += [f"parent tree entry {key} is used by nothing" for key in sorted(set(entries) - used)]
    if int(tree.get("/ParentTreeNextKey", max(entries, default=-1) + 1)) <= max(entries, default=-1):
        problems.append("the parent tree's next key is taken")
    if [mcid for (page, mcid) in reached if page is None]:
        problems.append("marked content is held by an element on no page")
    root = pdf.Root
    if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
        problems.append("the document is not marked")
    if not str(root.get("/Lang", "")) or not str(pdf.docinfo.get("/Title", "")):
        problems.append("the document has no language or no title")
    if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
        problems.append("viewers are not told to show the title")
    return problems


def _as_list(kids) -> list:
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _marked_content_ids(page: pikepdf.Page) -> list[int]:
    """The marked-content ids a page's own content uses (WeasyPrint marks none inside forms)."""
    ids = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary):
            if "/MCID" in operands[1]:
                ids.append(int(operands[1].MCID))
    return ids
