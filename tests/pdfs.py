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
    [
        *("Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index"),
        *("NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody"),
        *("Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference"),
        *("BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure"),
        *("Formula", "Form"),
    ]
)


def structure_problems(data: bytes) -> list[str]:
    """What is wrong with a tagged PDF's structure tree, as a PDF/UA checker would see it (veraPDF
    cannot be installed here): one Document element at the root; every element reached once, its
    /P its parent, its page one of the document's, its type standard or role-mapped; every
    marked-content id on every page reached from the root, and led back to its element by the
    page's parent tree entry, and every annotation to the element that holds it; no entry that
    nothing uses or two pages or annotations share; and the catalogue
    marked, titled (the title shown as the window's) and in a language."""
    pdf = pikepdf.open(io.BytesIO(data))
    tree = pdf.Root.StructTreeRoot
    walk = _Walk(pdf, tree)
    return walk.problems + _parent_tree_problems(pdf, tree, walk) + _catalogue_problems(pdf)


class _Walk:
    """The structure tree walked from its root: what is wrong, and which element holds each
    (page number, marked-content id)."""

    def __init__(self, pdf: pikepdf.Pdf, tree: pikepdf.Dictionary) -> None:
        self.pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        self.roles = {str(k): str(v) for k, v in tree.get("/RoleMap", pikepdf.Dictionary()).items()}
        self.problems: list[str] = []
        self.holders: dict[tuple[int | None, int], tuple[int, int]] = {}
        self.annotations: dict[tuple[int, int], tuple[int, int]] = {}  # annotation -> its element
        self.seen: set[tuple[int, int]] = set()
        kids = _as_list(tree.get("/K"))
        if len(kids) != 1 or kids[0].get("/S") != "/Document":
            self.problems.append("the root holds something other than one Document element")
        for kid in kids:
            self.element(kid, tree, None)
        if any(page is None for page, _ in self.holders):
            self.problems.append("marked content is held by an element on no page")

    def element(self, element: pikepdf.Dictionary, parent: pikepdf.Dictionary, page: int | None) -> None:
        if element.objgen in self.seen:
            self.problems.append(f"element {element.objgen} is reached twice")
            return
        self.seen.add(element.objgen)
        if element.get("/P") is None or element.P.objgen != parent.objgen:
            self.problems.append(f"element {element.objgen} does not name its parent")
        kind = str(element.get("/S")).lstrip("/")
        if kind not in STANDARD_TYPES and self.roles.get(f"/{kind}", "").lstrip("/") not in STANDARD_TYPES:
            self.problems.append(f"structure type {kind} is neither standard nor role-mapped")
        if "/Pg" in element:
            page = self.pages.get(element.Pg.objgen)
            if page is None:
                self.problems.append(f"element {element.objgen} is on a page not in the document")
        for kid in _as_list(element.get("/K")):
            if isinstance(kid, int):
                self.holders[(page, kid)] = element.objgen
            elif kid.get("/Type") == "/MCR":
                on = self.pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                self.holders[(on, int(kid.MCID))] = element.objgen
            elif kid.get("/Type") == "/OBJR":
                self.annotations[kid.Obj.objgen] = element.objgen
            else:
                self.element(kid, element, page)


def _parent_tree_problems(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, walk: _Walk) -> list[str]:
    entries = {int(k): v for k, v in pikepdf.NumberTree(tree.ParentTree).items()}
    problems, used = [], set()
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            key = int(annotation.get("/StructParent", -1))
            if key in used or key not in entries:
                problems.append(f"page {number}: an annotation has no parent tree entry of its own")
            elif entries[key].objgen != walk.annotations.get(annotation.objgen):
                problems.append(f"page {number}: the parent tree does not lead an annotation to its element")
            used.add(key)
        marked = _marked_content_ids(page)
        key = int(page.obj.get("/StructParents", -1))
        if marked and (key in used or key not in entries):
            problems.append(f"page {number} has no parent tree entry of its own")
            continue
        used.add(key)
        for mcid in marked:
            holder = walk.holders.get((number, mcid))
            listed = entries[key][mcid] if mcid < len(entries[key]) else None
            if holder is None:
                problems.append(f"page {number}: marked content {mcid} is not reached from the root")
            elif listed is None or listed.objgen != holder:
                problems.append(f"page {number}: the parent tree does not lead marked content {mcid} back")
    problems += [f"parent tree entry {key} is used by nothing" for key in sorted(set(entries) - used)]
    if int(tree.get("/ParentTreeNextKey", max(entries, default=-1) + 1)) <= max(entries, default=-1):
        problems.append("the parent tree's next key is taken")
    return problems


def _catalogue_problems(pdf: pikepdf.Pdf) -> list[str]:
    root, problems = pdf.Root, []
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
    return [
        int(operands[1].MCID)
        for operands, operator in pikepdf.parse_content_stream(page, "BDC")
        if isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
    ]
