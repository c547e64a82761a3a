"""Domain errors with messages a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class BidToolError(Exception):
    """Base of every error bidtool reports to a user."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is (a field path or a row)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidInput(BidToolError):
    """An input (file, form, scheme) has one or more problems; nothing was accepted."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def prefixed(self, source: str) -> InvalidInput:
        """Return the same problems with the source (a file name) put in front."""
        return InvalidInput(
            [Problem(f"{source}: {p.where}" if p.where else source, p.message) for p in self.problems]
        )


class Problems:
    """Collect problems while reading an input, then raise them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        """Record a problem, unless the field or one that holds it already has one."""
        if not any(_within(where, p.where) for p in self.items):
            self.items.append(Problem(where, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


def _within(path: str, outer: str) -> bool:
    """Whether a field path lies in (or is) another: "years[0].savings" lies in "years[0]"."""
    return outer == "" or path == outer or path.startswith((f"{outer}.", f"{outer}["))
