"""Who may do what (DOMAIN 6): the roles and the one table of their permissions."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COUNCIL = "council"
    ASSESSOR = "assessor"
    LEAD_ASSESSOR = "lead_assessor"
    PANEL = "panel"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COUNCIL: "Council user",
    Role.ASSESSOR: "Assessor",
    Role.LEAD_ASSESSOR: "Lead assessor",
    Role.PANEL: "Panel member",
    Role.ADMIN: "Admin",
}


class Action(StrEnum):
    READ_BIDS = "read_bids"  # which bids is a matter of scope: all, own organisation's or assigned
    WRITE_BIDS = "write_bids"  # start, edit and submit drafts of the own organisation
    UPLOAD_BIDS = "upload_bids"
    MANAGE_ROUNDS = "manage_rounds"
    MANAGE_USERS = "manage_users"
    SCORE_BIDS = "score_bids"  # score the bids assigned to them, without a conflict of interest
    DECLARE_INTERESTS = "declare_interests"
    ASSIGN_ASSESSORS = "assign_assessors"  # and see every conflict of interest
    MODERATE = "moderate"  # moderated scores, and marking a bid's assessment complete
    READ_ASSESSMENTS = "read_assessments"  # every assessor's scores, the history, rankings, sheets, packs
    EDIT_ALIASES = "edit_aliases"  # a round's organisation aliases, which conflicts of interest go by


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COUNCIL: frozenset({Action.READ_BIDS, Action.WRITE_BIDS, Action.UPLOAD_BIDS}),
    Role.ASSESSOR: frozenset({Action.READ_BIDS, Action.SCORE_BIDS, Action.DECLARE_INTERESTS}),
    Role.LEAD_ASSESSOR: frozenset(
        {
            Action.READ_BIDS,
            Action.DECLARE_INTERESTS,
            Action.ASSIGN_ASSESSORS,
            Action.MODERATE,
            Action.READ_ASSESSMENTS,
            Action.EDIT_ALIASES,
        }
    ),
    Role.PANEL: frozenset({Action.READ_BIDS, Action.READ_ASSESSMENTS}),
    Role.ADMIN: frozenset(
        {Action.READ_BIDS, Action.UPLOAD_BIDS, Action.MANAGE_ROUNDS, Action.MANAGE_USERS, Action.EDIT_ALIASES}
    ),
}


def allowed(role: Role, action: Action) -> bool:
    return action in PERMISSIONS[role]
