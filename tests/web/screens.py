"""What a page shows (its error summary, inputs and template context) and what the database holds."""

import re
from contextlib import contextmanager
from html.parser import HTMLParser

from flask import Flask, template_rendered
from jinja2 import BytecodeCache
from sqlmodel import Session

from bidtool import db
from bidtool.core.bid import Bid
from bidtool.services import EVERYONE, NotFound
from bidtool.services.bids import get_bid, to_core
from bidtool.web import GOVUK_TEMPLATE_PACKAGES


class Screen(HTMLParser):
    """A page read the way a person (or a screen reader) meets it: ids, values, links and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict[str, str | None]] = {}
        self.values: dict[str, str] = {}  # id -> what an input, select or textarea holds
        self.summary: list[tuple[str, str]] = []  # (href, text) of each error summary link
        self.inline_errors: list[str] = []
        self._in_summary = 0
        self._link: list | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._error: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        ident = attributes.get("id")
        if ident:
            self.elements[ident] = attributes
        if tag == "ul" and "govuk-error-summary__list" in classes:
            self._in_summary = 1
        elif tag == "ul" and self._in_summary:
            self._in_summary += 1
        if tag == "a" and self._in_summary:
            self._link = [attributes.get("href") or "", ""]
        if tag == "p" and "govuk-error-message" in classes:
            self._error = []
        if tag == "input" and ident:
            self.values[ident] = attributes.get("value") or ""
        if tag == "textarea" and ident:
            self._textarea = ident
            self.values[ident] = ""
        if tag == "select":
            self._select = ident
        if tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "ul" and self._in_summary:
            self._in_summary -= 1
        if tag == "a" and self._link is not None:
            self.summary.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag == "p" and self._error is not None:
            self.inline_errors.append(" ".join("".join(self._error).split()).removeprefix("Error: "))
            self._error = None
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._error is not None:
            self._error.append(data)
        if self._textarea is not None:
            # A textarea's first newline is not part of its value.
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )

    def dead_summary_links(self) -> list[str]:
        """Error summary links that lead to no element of the page."""
        return [href for href, _ in self.summary if href.removeprefix("#") not in self.elements]


def screen(response) -> Screen:
    return Screen(response.get_data(as_text=True))


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on a page, as a browser would send it back."""
    field = re.search(r'<input[^>]*\bname="csrf_token"[^>]*>', client.get(path).get_data(as_text=True))
    found = field and re.search(r'\bvalue="([^"]+)"', field.group(0))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def signed_in_with_token(app: Flask, email: str, password: str):
    """A test client signed in through the sign-in form and its CSRF token (when CSRF is checked)."""
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@contextmanager
def rendered(app: Flask):
    """Collect (template name, context) of every page the application renders.

    The GOV.UK widgets render a template of their own for each field; those are left out.
    """
    seen: list[tuple[str, dict]] = []

    def record(sender, template, context, **extra):
        if not template.name.startswith(GOVUK_TEMPLATE_PACKAGES):
            seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def stored(app: Flask, round_ref: str, bid_ref: str) -> Bid | None:
    """The bid as the database holds it, read in a session of its own; None if there is none."""
    with app.app_context(), Session(db.engine()) as fresh:
        try:
            return to_core(get_bid(fresh, EVERYONE, round_ref, bid_ref))
        except NotFound:
            return None


def stored_status(app: Flask, round_ref: str, bid_ref: str) -> tuple[str, object]:
    with app.app_context(), Session(db.engine()) as fresh:
        row = get_bid(fresh, EVERYONE, round_ref, bid_ref)
        return row.status, row.submitted_at


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for every application the tests build, rather than once per test."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()
