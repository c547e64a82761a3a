"""Read and write bidtool's files (bids, schemes, scores), naming the file in every problem."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import yaml

from bidtool.core.bid import Bid
from bidtool.core.bidfile import parse_bid
from bidtool.core.errors import InvalidInput, Problem
from bidtool.core.fields import strict_json
from bidtool.core.scheme import Scheme, parse_scheme
from bidtool.core.scorefile import parse_scores
from bidtool.core.scoring import Score

MAX_FILE_BYTES = 20 * 1024 * 1024


def _fail(path: Path, message: str) -> InvalidInput:
    return InvalidInput([Problem(str(path), message)])


def read_bytes(path: Path) -> bytes:
    """Return a file's bytes, or say in one line why it cannot be read."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _fail(path, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, "is a folder, not a file") from None
    except OSError as error:
        raise _fail(path, f"cannot be read ({error.strerror})") from None


def read_text(path: Path) -> str:
    """Return a file's text (UTF-8, with or without a byte-order mark)."""
    try:
        return read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(path, f"is not UTF-8 text (byte {error.start})") from None


def parse_json(text: str, path: Path) -> object:
    """Parse JSON with exact decimals, refusing NaN, Infinity and repeated keys."""
    try:
        return strict_json(text)
    except json.JSONDecodeError as error:
        raise _fail(path, f"line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise _fail(path, "is nested too deeply to be a bidtool file") from None
    except ValueError as error:
        raise _fail(path, f"is not valid bidtool JSON: {error}") from None


def load_bid(path: Path) -> Bid:
    """Read one bidtool.bid/1 or /2 file."""
    data = parse_json(read_text(path), path)
    try:
        return parse_bid(data)
    except InvalidInput as error:
        raise error.prefixed(str(path)) from None


def load_scheme(path: Path) -> Scheme:
    """Read a bidtool.scheme/1 file, YAML (.yaml, .yml) or JSON (.json)."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        data = parse_json(text, path)
    elif path.suffix.lower() in {".yaml", ".yml"}:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise _fail(path, f"{where}{getattr(error, 'problem', None) or 'is not valid YAML'}") from None
    else:
        raise _fail(path, "a scheme file must end in .yaml, .yml or .json")
    try:
        return parse_scheme(data)
    except InvalidInput as error:
        raise error.prefixed(str(path)) from None


def load_scores(path: Path, scheme: Scheme, references: set[str]) -> list[Score]:
    """Read a scores CSV for the given scheme and bids."""
    try:
        return parse_scores(io.StringIO(read_text(path), newline=""), scheme, references)
    except InvalidInput as error:
        raise error.prefixed(str(path)) from None


def plain_number(value: object) -> object:
    """Write a Decimal as the plain number people expect: 3 rather than 3.00, 2.33 as 2.33."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as a number")


def dump_json(data: object) -> str:
    """Write plain data (with Decimals) as indented JSON."""
    return json.dumps(data, default=plain_number, indent=2, ensure_ascii=False)


def plain_tree(data: object) -> object:
    """Turn the Decimals in nested plain data into plain numbers."""
    if isinstance(data, dict):
        return {key: plain_tree(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain_tree(value) for value in data]
    return plain_number(data) if isinstance(data, Decimal) else data


def dump_yaml(data: object) -> str:
    """Write plain data (with Decimals) as YAML, keeping the order of its keys."""
    return yaml.safe_dump(plain_tree(data), sort_keys=False, allow_unicode=True, width=100)
