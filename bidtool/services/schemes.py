"""Schemes kept in the database as their bidtool.scheme/1 documents."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session, select

from bidtool.core.scheme import Scheme, parse_scheme, scheme_to_dict
from bidtool.files import load_scheme, plain_tree
from bidtool.models import SchemeRow
from bidtool.services import NotFound


def to_core(row: SchemeRow) -> Scheme:
    """The core's scheme of a stored one, parsed once per process for each document (a round's
    pages and prints ask for it once a bid)."""
    return _parsed(json.dumps(row.document))


@lru_cache(maxsize=64)
def _parsed(document: str) -> Scheme:
    return parse_scheme(json.loads(document))


def add_scheme_files(session: Session, folder: Path) -> list[str]:
    """Store every scheme file in a folder whose id is not stored yet; return the ids added."""
    added = []
    known = set(session.exec(select(SchemeRow.key)).all())
    for path in sorted(folder.glob("*.yaml")):
        scheme = load_scheme(path)
        if scheme.id not in known:
            session.add(
                SchemeRow(key=scheme.id, name=scheme.name, document=plain_tree(scheme_to_dict(scheme)))
            )
            added.append(scheme.id)
    return added


def list_schemes(session: Session) -> list[SchemeRow]:
    return list(session.exec(select(SchemeRow).order_by(SchemeRow.name)).all())


def get_scheme(session: Session, key: str) -> SchemeRow:
    row = session.exec(select(SchemeRow).where(SchemeRow.key == key)).first()
    if row is None:
        raise NotFound(f"There is no scheme {key!r}.")
    return row
