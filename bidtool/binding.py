"""Binding printed parts into one document with pikepdf: tagged PDF/UA parts (each printed on its
own, perhaps long before) become one tagged document, their structure trees under one Document
element, each part's parent tree entries renumbered after the last part's, the bookmarks kept, and
every page stamped with a line of its own and "Page X of Y" as pagination artifacts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf

# Where print.css puts the page's margin boxes on A4 (points from the bottom left): right-aligned
# at the right margin (16 mm in), with the baselines of the 8pt text in the middle of the 15 mm
# margins, as WeasyPrint sets them; in the grey of the running header.
RIGHT, TOP_BASELINE, BOTTOM_BASELINE, SIZE, GREY = 549.92, 818.27, 18.9, 8, "0.314 0.353 0.373"
FONT = Name("/BidtoolFurniture")


@dataclass(frozen=True)
class Part:
    pdf: bytes
    bookmark: str | None = None  # the title of its first bookmark in the bound document, if not its own


def bind(
    front: Callable[[list[int]], bytes], parts: Sequence[Part], top_line: str, lettering: bytes
) -> bytes:
    """The front (printed by `front` once told how many pages each part has, so that its contents
    can say where each starts) and the parts after it as one tagged document, its catalogue
    (title, language, metadata, viewer preferences) the front's. `top_line` and the page numbers
    are lettered on every page in the font of `lettering`, a PDF whose first page shows every
    character they use."""
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    bound = pikepdf.open(io.BytesIO(front([len(source.pages) for source in sources])))
    tree = bound.Root.StructTreeRoot
    document = _document(tree)
    entries = _parent_tree(tree)
    roles = dict(tree.get(Name.RoleMap, Dictionary()).items())
    bookmarks = _bookmarks(bound, None, 0)
    for part, source in zip(parts, sources, strict=True):
        source_tree = source.Root.StructTreeRoot
        first, offset = len(bound.pages), max(entries, default=-1) + 1
        _renumber(source, offset)
        kids = _kids(_document(source_tree))
        language = source.Root.get(Name.Lang)
        for kid in kids:
            del kid[Name.P]  # else the copy would bring the part's own tree root along
            if language is not None and language != bound.Root.get(Name.Lang):
                kid.Lang = language
        bookmarks += _bookmarks(source, part, first)
        bound.pages.extend(source.pages)  # first, so that the elements' /Pg are these copies
        for kid in kids:
            copied = bound.copy_foreign(kid)
            copied.P = document
            document.K.append(copied)
        for key, value in _parent_tree(source_tree).items():
            # An array of elements by marked-content id is copied whole, its elements the copies above.
            entries[key + offset] = bound.copy_foreign(
                value if value.is_indirect else source.make_indirect(value)
            )
        for role, standard in source_tree.get(Name.RoleMap, Dictionary()).items():
            if roles.setdefault(role, standard) != standard:
                raise ValueError(f"the parts map the structure type {role} to different types")
    tree.ParentTree = bound.make_indirect(
        Dictionary(Nums=Array([item for key in sorted(entries) for item in (key, entries[key])]))
    )
    tree.ParentTreeNextKey = max(entries, default=-1) + 1
    if roles:
        tree.RoleMap = Dictionary(roles)
    with bound.open_outline() as outline:
        outline.root[:] = bookmarks
    _letter(bound, top_line, lettering)
    out = io.BytesIO()
    bound.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _document(tree: Dictionary) -> Dictionary:
    """The one Document element at the root of a part's structure tree."""
    kids = _kids(tree)
    if len(kids) != 1 or kids[0].get(Name.S) != Name.Document:
        raise ValueError("a part's structure tree must have one Document element at its root")
    if not isinstance(kids[0].get(Name.K), Array):
        kids[0].K = Array(_kids(kids[0]))
    return kids[0]


def _kids(element: Dictionary) -> list:
    kids = element.get(Name.K)
    return [] if kids is None else list(kids) if isinstance(kids, Array) else [kids]


def _parent_tree(tree: Dictionary) -> dict[int, pikepdf.Object]:
    """The parent tree's entries by key (a page's /StructParents, an annotation's /StructParent)."""
    parent_tree = tree.get(Name.ParentTree)
    return (
        {}
        if parent_tree is None
        else {int(key): value for key, value in pikepdf.NumberTree(parent_tree).items()}
    )


def _renumber(source: Pdf, offset: int) -> None:
    """Move a part's parent tree keys after those of the parts before it."""
    for page in source.pages:
        if Name.StructParents in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get(Name.Annots, Array()):
            if Name.StructParent in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def _bookmarks(source: Pdf, part: Part | None, first: int) -> list[OutlineItem]:
    """A part's bookmarks, to open the same places once its pages start at page `first` (from 0)."""
    pages = {page.obj.objgen: index for index, page in enumerate(source.pages)}
    with source.open_outline() as outline:
        items = [_moved(item, pages, first) for item in outline.root]
    if part and part.bookmark and items:
        items[0].title = part.bookmark
    return items


def _moved(item: OutlineItem, pages: dict, first: int) -> OutlineItem:
    destination = item.destination
    top = float(destination[3]) if len(destination) > 3 and destination[1] == Name.XYZ else None
    location = None if top is None else "XYZ"
    moved = OutlineItem(item.title, first + pages[destination[0].objgen], location, top=top)
    moved.children[:] = [_moved(child, pages, first) for child in item.children]
    return moved


def _letter(bound: Pdf, top_line: str, lettering: bytes) -> None:
    """Write `top_line` at the top right and "Page X of Y" at the bottom right of every page, as
    pagination artifacts (not content: screen readers pass over them), in an embedded font."""
    font, codes, widths = _font(bound, lettering)
    total = len(bound.pages)
    saved = bound.make_stream(b"q\n")  # the page's own drawing leaves the coordinates as it found them

    def shown(text: str, baseline: float, kind: str) -> str:
        width = sum(widths[code] for code in (codes[c] for c in text)) * SIZE / 1000
        hex_codes = "".join(f"{codes[c]:04x}" for c in text)
        return (
            f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC BT {FONT} {SIZE} Tf {GREY} rg "
            f"{RIGHT - width:.2f} {baseline} Td <{hex_codes}> Tj ET EMC\n"
        )

    for number, page in enumerate(bound.pages, start=1):
        if Name.Font not in page.Resources:
            page.Resources.Font = Dictionary()
        page.Resources.Font[FONT] = font
        page.contents_add(saved, prepend=True)
        lines = shown(top_line, TOP_BASELINE, "Header") + shown(
            f"Page {number} of {total}", BOTTOM_BASELINE, "Footer"
        )
        page.contents_add(bound.make_stream(f"Q\n{lines}".encode("ascii")))


def _font(bound: Pdf, lettering: bytes) -> tuple[pikepdf.Object, dict[str, int], dict[int, float]]:
    """The (subset, embedded) font of the lettering PDF, copied into the bound document, with the
    code of each character it has and the width of each code (in thousandths of the size)."""
    source = pikepdf.open(io.BytesIO(lettering))
    (font,) = source.pages[0].Resources.Font.values()
    unicode_map = font.ToUnicode.read_bytes().decode("latin-1")
    codes = {
        chr(int(char, 16)): int(code, 16)
        for block in re.findall(r"beginbfchar(.*?)endbfchar", unicode_map, re.S)
        for code, char in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]{4})>", block)
    }
    widths: dict[int, float] = {}
    described = list(font.DescendantFonts[0].get(Name.W, Array()))
    while described:
        start = int(described.pop(0))
        if isinstance(described[0], Array):
            widths.update((start + i, float(w)) for i, w in enumerate(described.pop(0)))
        else:
            end, width = int(described.pop(0)), float(described.pop(0))
            widths.update((code, width) for code in range(start, end + 1))
    return bound.copy_foreign(font), codes, widths


def margins_as_artifacts(pdf: bytes) -> bytes:
    """WeasyPrint tags the text of the page margins (running headers, page numbers) as content of
    elements that no element of the structure tree holds, so screen readers may read it or not;
    mark it as what it is, pagination artifacts, and take those elements out of the parent tree."""
    document = pikepdf.open(io.BytesIO(pdf))
    tree = document.Root.StructTreeRoot
    held = _held(tree)
    entries = _parent_tree(tree)
    for page in document.pages:
        slots = entries.get(int(page.obj.get(Name.StructParents, -1)))
        if not isinstance(slots, Array):
            continue
        loose = {
            mcid for mcid, element in enumerate(slots) if element.is_indirect and element.objgen not in held
        }
        if not loose:
            continue

        # WeasyPrint opens each element's marked content as "/Span <</MCID 7>> BDC"; a test reads
        # every page's marked content back (tests/pdfs.structure_problems) should that change.
        def artifact(found: re.Match, loose: set[int] = loose) -> bytes:
            return b"/Artifact <</Type /Pagination>> BDC" if int(found[1]) in loose else found[0]

        page.contents_coalesce()
        page.obj.Contents = document.make_stream(MARKED.sub(artifact, page.obj.Contents.read_bytes()))
        for mcid in loose:
            slots[mcid] = None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


MARKED = re.compile(rb"/\w+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _held(tree: Dictionary) -> set[tuple[int, int]]:
    """Every element reached from the root of a structure tree."""
    held: set[tuple[int, int]] = set()
    pending = _kids(tree)
    while pending:
        element = pending.pop()
        if isinstance(element, Dictionary) and element.is_indirect and element.objgen not in held:
            held.add(element.objgen)
            pending += _kids(element)
    return held
