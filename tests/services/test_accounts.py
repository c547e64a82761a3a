"""Accounts: the rules a new password must meet, wherever it is set, and ending a user's sessions."""

import pytest
from sqlmodel import Session

from bidtool import db
from bidtool.core.access import Role
from bidtool.models import UserRow
from bidtool.services import Refused
from bidtool.services.accounts import (
    NewUser,
    change_password,
    check_password_rules,
    create_user,
    end_sessions,
    generate_password,
    hasher,
    reset_password,
)

EMAIL = "jo.bloggs@anytown.gov.uk"
GOOD = "lantern orchard velvet"
COMMON = "This is one of the most common passwords, so it is easy to guess: choose another."
REPEATED = "The password must not be one character repeated."
OWN_NAME = "The password must not contain the part of the email address before the @ (jo.bloggs)."


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "The password must be at least 12 characters long."),
        ("password1234", COMMON),
        ("PASSWORD1234", COMMON),
        ("qwertyuiopasdfgh", COMMON),
        (" " * 12, REPEATED),
        ("a" * 30, REPEATED),
        ("Jo.Bloggs is my name", OWN_NAME),
        ("myJO.BLOGGS2026", OWN_NAME),
        ("x" * 201, "The password must be 200 characters or fewer."),
    ],
    ids=[
        "short",
        "common",
        "common-in-capitals",
        "keyboard-row",
        "spaces",
        "one-letter",
        "name",
        "name-shouted",
        "long",
    ],
)
def test_a_password_is_refused_naming_the_rule_it_breaks(password, message):
    with pytest.raises(Refused) as refused:
        check_password_rules(password, EMAIL)

    assert str(refused.value) == message


def test_a_long_uncommon_password_without_the_email_is_accepted():
    check_password_rules(GOOD, EMAIL)
    check_password_rules("bloggs and jo, apart", EMAIL)  # the name's parts apart are not the name


def test_generated_passwords_meet_the_rules():
    for _ in range(50):
        check_password_rules(generate_password(EMAIL), EMAIL)


def test_creating_a_user_applies_the_rules_and_adds_no_one(session):
    with pytest.raises(Refused, match="most common"):
        create_user(session, NewUser(EMAIL, Role.PANEL), "password1234")

    assert session.get(UserRow, 1) is None


@pytest.fixture
def jo(session) -> UserRow:
    return create_user(session, NewUser(EMAIL, Role.PANEL), GOOD)


def stored(user_id: int) -> UserRow:
    with Session(db.engine()) as fresh:
        row = fresh.get(UserRow, user_id)
        fresh.expunge(row)
        return row


def test_changing_a_password_applies_the_rules_and_keeps_the_old_one(session, jo):
    with pytest.raises(Refused) as refused:
        change_password(session, jo.id, GOOD, "jo.bloggs password")

    assert str(refused.value) == OWN_NAME
    assert hasher.verify(stored(jo.id).password_hash, GOOD)
    assert stored(jo.id).session_version == 0


def test_changing_a_password_ends_the_users_sessions(session, jo):
    change_password(session, jo.id, GOOD, "another fine passphrase")

    after = stored(jo.id)
    assert hasher.verify(after.password_hash, "another fine passphrase")
    assert after.session_version == 1


def test_resetting_a_password_applies_the_rules_and_ends_the_users_sessions(session, jo):
    with pytest.raises(Refused) as refused:
        reset_password(session, jo.id, " " * 12)
    assert str(refused.value) == REPEATED
    assert stored(jo.id).session_version == 0

    reset_password(session, jo.id, "a reset passphrase here")

    after = stored(jo.id)
    assert hasher.verify(after.password_hash, "a reset passphrase here")
    assert after.session_version == 1


def test_ending_a_users_sessions_counts_one_more_version_each_time(session, jo):
    end_sessions(session, jo.id)
    end_sessions(session, jo.id)

    assert stored(jo.id).session_version == 2
