"""Accounts: creating users, signing in (with limits on guessing), passwords, roles."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
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
LIMIT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# Verifying against a dummy hash when the account does not exist keeps the timing the same.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(BidToolError):
    """Wrong details, or too many failed attempts; the message says which without naming accounts."""


@dataclass(frozen=True)
class NewUser:
    email: str
    role: Role
    organisation: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(f"The password must be at least {MIN_PASSWORD} characters long.")
    if len(password) > MAX_PASSWORD:
        raise Refused(f"The password must be {MAX_PASSWORD} characters or fewer.")


def generate_password() -> str:
    """A random password of 20 characters that a person can type."""
    return secrets.token_urlsafe(15)


def create_user(session: Session, new: NewUser, password: str) -> UserRow:
    """Add a user with a hashed password; a council user needs an organisation."""
    email = normalise_email(new.email)
    if not EMAIL.fullmatch(email):
        raise Refused(f"{new.email[:60]!r} is not an email address.")
    if new.role is Role.COUNCIL and not (new.organisation or "").strip():
        raise Refused("A council user needs an organisation: the one whose bids they write.")
    check_password_rules(password)
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


def _failures(session: Session, column, value: str) -> int:
    since = utcnow() - LIMIT_WINDOW
    query = (
        select(func.count()).select_from(SignInAttemptRow).where(column == value, SignInAttemptRow.at > since)
    )
    return session.exec(query).one()


def sign_in(session: Session, email: str, password: str, address: str) -> UserRow:
    """Check an email and password; refuse while too many recent attempts have failed."""
    email = normalise_email(email)[:254]
    address = address[:64]
    wait = f"Wait {int(LIMIT_WINDOW.total_seconds() // 60)} minutes and try again."
    if _failures(session, SignInAttemptRow.email, email) >= MAX_FAILURES_PER_ACCOUNT:
        raise SignInRefused(f"Too many failed attempts to sign in to this account. {wait}")
    if _failures(session, SignInAttemptRow.address, address) >= MAX_FAILURES_PER_ADDRESS:
        raise SignInRefused(f"Too many failed attempts to sign in from your network address. {wait}")
    user = session.exec(select(UserRow).where(UserRow.email == email)).first()
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD])
        verified = user is not None and user.active
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified:
        session.add(SignInAttemptRow(email=email, address=address))
        session.commit()
        raise SignInRefused("The email address or password is not right, or the account is disabled.")
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    session.exec(delete(SignInAttemptRow).where(SignInAttemptRow.email == email))
    session.commit()
    return user


def change_password(session: Session, user_id: int, current: str, new: str) -> None:
    user = get_user(session, user_id)
    try:
        hasher.verify(user.password_hash, current[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        raise Refused("The current password is not right.") from None
    check_password_rules(new)
    user.password_hash = hasher.hash(new)
    session.commit()


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
    """Change a user's role, organisation or whether they can sign in (never an admin's own access);
    assignments the change brings into a conflict of interest end."""
    user = get_user(session, user_id)
    if user_id == by and (role is not Role.ADMIN or not active):
        raise Refused("You cannot take away your own admin access: ask another admin.")
    if role is Role.COUNCIL and not (organisation or "").strip():
        raise Refused("A council user needs an organisation.")
    user.role = role.value
    user.organisation = (organisation or "").strip() or None
    user.active = active
    end_conflicted_assignments(session, by, assessor_id=user.id)
    session.commit()
    return user
