"""Organisations by name: one name however it is typed, and a round's aliases ("Swindon BC = Swindon
Borough Council"), so that a conflict of interest is found whichever name a bid or a user gives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bidtool.core.errors import Problems
from bidtool.core.fields import has_control_characters

MAX_NAME = 300  # as long as an organisation stored with a bid or a user
MAX_ALIASES = 50_000  # characters of alias lines: some hundred organisations with a few names each
SEPARATOR = " = "

Groups = tuple[tuple[str, ...], ...]


def normalise(name: str) -> str:
    """The name compared: case folded, runs of white space as one space, none at either end."""
    return " ".join(name.split()).casefold()


def parse_aliases(text: str) -> Groups:
    """Read alias lines, one group of names of one organisation a line, the names separated by "=";
    raise InvalidInput naming the line of every problem."""
    problems = Problems()
    groups: list[tuple[str, ...]] = []
    first_line: dict[str, int] = {}  # a normalised name -> the line that has it
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"Line {number}"
        names = [" ".join(name.split()) for name in line.split("=")]
        if len(names) < 2:
            problems.add(where, "names only one organisation: give two or more names separated by ' = '")
            continue
        for name in names:
            key = normalise(name)
            if not name:
                problems.add(where, "has an empty name: put a name on each side of every '='")
            elif len(name) > MAX_NAME:
                problems.add(where, f"has a name longer than {MAX_NAME} characters")
            elif has_control_characters(name):
                problems.add(where, "has a name with a control character: remove it")
            elif key in first_line:
                again = "twice" if first_line[key] == number else f"and line {first_line[key]} too"
                problems.add(where, f"names {name!r} {again}: a name can be in one group only")
            else:
                first_line[key] = number
        groups.append(tuple(names))
    problems.raise_if_any()
    return tuple(groups)


def format_aliases(groups: Iterable[Sequence[str]]) -> str:
    """Alias groups as the lines parse_aliases reads."""
    return "\n".join(SEPARATOR.join(group) for group in groups)


@dataclass(frozen=True)
class Aliases:
    """Which names are one organisation: each name's key is its group's first name, normalised."""

    groups: Groups = ()
    _keys: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {normalise(name): normalise(group[0]) for group in self.groups for name in group}
        object.__setattr__(self, "_keys", keys)

    def key(self, name: str) -> str:
        """What a name is compared by: the same for every name of one organisation."""
        normal = normalise(name)
        return self._keys.get(normal, normal)

    def same(self, one: str, other: str) -> bool:
        return self.key(one) == self.key(other)
