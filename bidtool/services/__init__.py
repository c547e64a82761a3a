"""Use cases: database rows to core objects, the core's rules, and the one commit of each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bidtool.core.errors import BidToolError


class NotFound(BidToolError):
    """The thing asked for does not exist, or is not visible to whoever asked."""


class Refused(BidToolError):
    """The change cannot be made in the state things are in; the message says why."""


class OtherOrganisation(Refused):
    """A council user tried to act for an organisation other than their own."""


@dataclass(frozen=True)
class Scope:
    """Whose bids a request may see and change: everyone's, one organisation's, or one assessor's."""

    organisation: str | None = None
    assessor_id: int | None = None


EVERYONE = Scope()


class Kind(StrEnum):
    """What a history entry records."""

    SCORE = "score"
    MODERATION = "moderation"
    STATUS = "status"
    ASSIGNMENT = "assignment"
    CONFLICT = "conflict"
    ROUND = "round"
