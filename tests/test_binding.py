"""Binding tagged parts into one tagged document: the structure trees made one, the parent tree
renumbered (a link's annotation too), the bookmarks moved, every page numbered as an artifact."""

import io

import pikepdf

from bidtool import binding, printing
from tests.pdfs import bookmarks, page_texts, reader, structure_problems


def _printed(title: str, body: str) -> bytes:
    """A part as a pack's parts are printed: numbered when it is bound, not before."""
    head = f"<title>{title}</title><style>@page {{ @bottom-right {{ content: none; }} }}</style>"
    return printing.render(f"<html lang='en-GB'><head>{head}</head><body>{body}</body></html>")


def _part(title: str, *sections: str) -> bytes:
    return _printed(
        title,
        "".join(
            f"<section style='break-before: page'><h1>{s}</h1><p>About {s}.</p></section>" for s in sections
        ),
    )


LINKED = _printed("Linked", "<h1>Linked</h1><p>See <a href='https://www.gov.uk/'>GOV.UK</a>.</p>")


def test_parts_are_bound_into_one_tagged_document_numbered_through():
    told = []

    def front(lengths: list[int]) -> bytes:
        told.append(lengths)
        return _part("The bound document", "Cover")

    parts = [
        binding.Part(LINKED),
        binding.Part(_part("First", "Alpha", "Beta")),
        binding.Part(_part("Second", "Gamma"), bookmark="3. Gamma, renamed"),
    ]
    data = binding.bind(
        front, parts, "Generated today", printing._lettering("Generated today Page 0123456789 of")
    )
    assert told == [[1, 2, 1]]  # the front was told each part's length
    assert structure_problems(data) == []
    pdf = reader(data)
    assert pdf.metadata.title == "The bound document" and pdf.trailer["/Root"]["/Lang"] == "en-GB"
    assert bookmarks(data) == [
        ("Cover", 1),
        ("Linked", 2),
        ("Alpha", 3),
        ("Beta", 4),
        ("3. Gamma, renamed", 5),
    ]
    pages = page_texts(data)
    assert [p.split(" Generated")[0] for p in pages] == [
        "Cover About Cover.",
        "Linked See GOV.UK.",
        "Alpha About Alpha.",
        "Beta About Beta.",
        "Gamma About Gamma.",
    ]
    assert all(p.endswith(f"Generated today Page {n} of 5") for n, p in enumerate(pages, start=1))
    with pikepdf.open(io.BytesIO(data)) as bound:
        keys = [int(page.obj.StructParents) for page in bound.pages]
        (link,) = bound.pages[1].obj.Annots
        assert len(set(keys)) == 5 and int(link.StructParent) not in keys
        lettering = bound.pages[4].Resources.Font[binding.FONT]
        assert "/FontFile2" in lettering.DescendantFonts[0].FontDescriptor  # embedded, as PDF/UA asks


def test_the_structure_check_finds_parts_put_together_without_their_trees():
    """What a plain merge gives: pages whose marked content no element of the tree holds."""
    merged = pikepdf.open(io.BytesIO(_part("Merged", "Alpha")))
    merged.pages.extend(pikepdf.open(io.BytesIO(_part("Other", "Beta"))).pages)
    out = io.BytesIO()
    merged.save(out)
    problems = structure_problems(out.getvalue())
    assert "page 2 has no parent tree entry of its own" in problems
