"""Signing in and out, passwords, the session cookie, security headers, CSRF, the admin pages for users,
and the commands that create users."""

import html
import logging
import re
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

from bidtool import db
from bidtool.cli import main
from bidtool.core.access import Role
from bidtool.models import SignInAttemptRow, UserRow
from bidtool.services import accounts
from bidtool.services.accounts import NewUser, create_user, hasher
from bidtool.services.demo import DEMO_USERS, demo_password
from tests.conftest import ORGANISATION, PASSWORD, PEOPLE, email_of
from tests.web.screens import COMPILED, csrf_token, rendered, screen, signed_in_with_token

COUNCIL = email_of("council")
NOT_RIGHT = "The email address or password is not right, or the account is disabled."
NEW_PASSWORD = "a brand new passphrase of mine"


@pytest.fixture(autouse=True)
def compiled_once(app):
    """Share compiled templates between the tests' applications: compiling them is most of a page's time."""
    app.jinja_env.bytecode_cache = COMPILED


def post_sign_in(
    client, email: str, password: str, address: str = "127.0.0.1", next_page: str | None = None, **options
):
    path = "/sign-in" + (f"?next={quote(next_page, safe='')}" if next_page is not None else "")
    return client.post(
        path, data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, **options
    )


def refusal(response) -> list[str]:
    """The reasons the sign-in page gives for refusing, as shown beside the form."""
    return re.findall(
        r'<p class="govuk-error-message" data-testid="sign-in-refused">(.*?)</p>', response.text
    )


def signed_in(client) -> bool:
    """Whether the client's session is signed in: the list of rounds shows, rather than sending it away."""
    return client.get("/").status_code == 200


def can_sign_in(app, email: str, password: str) -> bool:
    return post_sign_in(app.test_client(), email, password, address="198.51.100.1").status_code == 302


def user(app, email: str) -> UserRow | None:
    """The user as the database holds them, read in a session of its own."""
    with app.app_context(), Session(db.engine()) as fresh:
        found = fresh.exec(select(UserRow).where(UserRow.email == email)).first()
        if found is not None:
            fresh.expunge(found)
        return found


def every_row(app) -> dict[str, list[tuple]]:
    """Every row of every table, by table name: what the database holds, all of it."""
    with app.app_context(), Session(db.engine()) as fresh:
        return {
            table.name: sorted(map(tuple, fresh.connection().execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def created_password(response) -> str:
    found = re.search(r'<code data-testid="new-password">([^<]+)</code>', response.text)
    assert found, "no new password on the page"
    return found.group(1)


# Signing in


def test_signing_in_with_the_right_password_goes_to_the_list_of_rounds(anonymous, people):
    response = post_sign_in(anonymous, COUNCIL, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = anonymous.get("/").text
    assert f"{COUNCIL} (Council user)" in page
    assert "Sign out" in page


def test_the_email_address_is_matched_whatever_its_case_and_the_spaces_around_it(anonymous, people):
    assert post_sign_in(anonymous, f"  {COUNCIL.upper()} ", PASSWORD).status_code == 302
    assert signed_in(anonymous)


def test_a_signed_in_user_asking_for_the_sign_in_page_goes_to_the_list_of_rounds(client):
    response = client.get("/sign-in")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def without_nonce(page: str) -> str:
    return re.sub(r"nonce=\"[^\"]+\"", 'nonce=""', page)


def test_a_wrong_password_and_an_unknown_account_get_the_same_page_saying_nothing_of_the_account(
    anonymous, people
):
    wrong = post_sign_in(anonymous, COUNCIL, "not the password at all")
    unknown = post_sign_in(anonymous, "nobody@tests.bidtool.test", "not the password at all")

    assert (wrong.status_code, unknown.status_code) == (200, 200)
    assert refusal(wrong) == refusal(unknown) == [NOT_RIGHT]
    # The pages differ only by the address typed, which each gives back.
    assert without_nonce(wrong.text).replace(COUNCIL, "EMAIL") == without_nonce(unknown.text).replace(
        "nobody@tests.bidtool.test", "EMAIL"
    )
    assert screen(wrong).values["email"] == COUNCIL
    assert screen(wrong).values["password"] == ""  # a password is never sent back
    assert not signed_in(anonymous)


def test_an_empty_sign_in_form_asks_for_both_and_counts_no_attempt(app, anonymous, people):
    response = anonymous.post("/sign-in", data={"email": "", "password": ""})

    assert response.status_code == 200
    assert screen(response).summary == [
        ("#email", "Enter your email address"),
        ("#password", "Enter your password"),
    ]
    assert every_row(app)["sign_in_attempt"] == []


def asked_to_wait(response) -> tuple[str, int] | None:
    """(whose failures, seconds) when the sign-in page asks to wait; None when it does not."""
    found = re.fullmatch(
        r"Too many failed attempts to sign in( from your network address)?\. Wait (\d+) seconds? and try "
        r"again\.",
        " ".join(refusal(response)),
    )
    if found is None:
        return None
    return ("address" if found.group(1) else "client", int(found.group(2)))


def earlier_by(session, seconds: float) -> None:
    """Move every recorded failure back in time, as if the client had waited."""
    session.connection().execute(
        update(SignInAttemptRow).values(at=SignInAttemptRow.at - timedelta(seconds=seconds))
    )
    session.commit()


def test_five_failures_from_one_client_slow_it_down_for_a_second_and_then_let_the_right_password_in(
    session, anonymous, people
):
    failures = [post_sign_in(anonymous, COUNCIL, f"wrong guess {i}") for i in range(5)]
    sixth = post_sign_in(anonymous, COUNCIL, PASSWORD)

    assert [refusal(response) for response in failures] == [[NOT_RIGHT]] * 5
    assert sixth.status_code == 429
    assert asked_to_wait(sixth) == ("client", 1)
    assert refusal(sixth) == ["Too many failed attempts to sign in. Wait 1 second and try again."]
    assert not signed_in(anonymous)
    earlier_by(session, 1.1)
    assert post_sign_in(anonymous, COUNCIL, PASSWORD).status_code == 302


@pytest.mark.parametrize(("failures", "wait"), [(5, 1), (6, 2), (8, 8), (10, 32), (11, 60), (40, 60)])
def test_each_failure_past_five_doubles_the_wait_which_never_passes_a_minute(
    session, anonymous, people, failures, wait
):
    session.add_all(SignInAttemptRow(email=COUNCIL, address="127.0.0.1") for _ in range(failures))
    session.commit()

    assert asked_to_wait(post_sign_in(anonymous, COUNCIL, PASSWORD)) == ("client", wait)


def test_the_owner_signs_in_at_once_from_their_own_address_after_twenty_failures_on_their_account(
    app, anonymous, people
):
    attacker = app.test_client()
    refused = [post_sign_in(attacker, COUNCIL, f"wrong guess {i}", address="203.0.113.7") for i in range(20)]

    assert {response.status_code for response in refused} <= {200, 429}
    assert post_sign_in(anonymous, COUNCIL, PASSWORD).status_code == 302  # from 127.0.0.1
    assert signed_in(anonymous)


def test_the_wait_says_the_same_of_an_account_that_does_not_exist(app, anonymous, people):
    nobody = app.test_client()
    for i in range(5):
        post_sign_in(anonymous, COUNCIL, f"wrong guess {i}")
        post_sign_in(nobody, "nobody@tests.bidtool.test", f"wrong guess {i}", address="198.51.100.4")

    known = post_sign_in(anonymous, COUNCIL, PASSWORD)
    unknown = post_sign_in(nobody, "nobody@tests.bidtool.test", PASSWORD, address="198.51.100.4")

    assert asked_to_wait(known) == asked_to_wait(unknown) == ("client", 1)
    assert without_nonce(known.text).replace(COUNCIL, "EMAIL") == without_nonce(unknown.text).replace(
        "nobody@tests.bidtool.test", "EMAIL"
    )


def test_failures_older_than_15_minutes_no_longer_slow_a_client_down(session, anonymous, people):
    for i in range(8):
        post_sign_in(anonymous, COUNCIL, f"wrong guess {i}")
        earlier_by(session, 60)
    earlier_by(session, 15 * 60)

    assert post_sign_in(anonymous, COUNCIL, PASSWORD).status_code == 302


def test_signing_in_forgets_the_accounts_earlier_failures(anonymous, people):
    for i in range(4):
        post_sign_in(anonymous, COUNCIL, f"wrong guess {i}")
    assert post_sign_in(anonymous, COUNCIL, PASSWORD).status_code == 302
    anonymous.post("/sign-out")
    for i in range(4):
        post_sign_in(anonymous, COUNCIL, f"wrong guess {i}")

    assert post_sign_in(anonymous, COUNCIL, PASSWORD).status_code == 302


def test_ten_failures_a_minute_from_one_address_slow_that_address_down_for_under_a_minute(
    app, anonymous, people
):
    address = "203.0.113.7"
    failures = [
        post_sign_in(anonymous, f"guess{i}@tests.bidtool.test", "password", address) for i in range(10)
    ]

    refused = post_sign_in(anonymous, COUNCIL, PASSWORD, address)

    assert [refusal(response) for response in failures] == [[NOT_RIGHT]] * 10
    assert refused.status_code == 429
    whose, wait = asked_to_wait(refused)
    assert whose == "address" and 1 <= wait <= 60
    assert not signed_in(anonymous)
    # Each account had one failure only, so the same person from another address gets in.
    assert post_sign_in(app.test_client(), COUNCIL, PASSWORD, "198.51.100.2").status_code == 302


def test_signing_in_successfully_counts_nothing_against_the_address(app, people):
    for _ in range(12):
        assert post_sign_in(app.test_client(), COUNCIL, PASSWORD, "203.0.113.8").status_code == 302


def post_via_proxy(client, email: str, password: str, address: str):
    """A sign-in sent through a reverse proxy at 192.0.2.1 that names the client it forwards for."""
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
        headers={"X-Forwarded-For": address},
    )


def test_without_a_trusted_proxy_an_x_forwarded_for_header_is_ignored(anonymous, people):
    for i in range(10):
        post_via_proxy(anonymous, f"guess{i}@tests.bidtool.test", "password", f"198.51.100.{i}")

    refused = post_via_proxy(anonymous, COUNCIL, PASSWORD, "198.51.100.99")

    assert asked_to_wait(refused)[0] == "address"


class TestBehindATrustedProxy:
    @pytest.fixture
    def app_config(self, app_config) -> dict:
        return {**app_config, "TRUSTED_PROXIES": 1}

    def test_the_address_limit_counts_the_client_the_proxy_names(self, app, people):
        attacker, owner = app.test_client(), app.test_client()
        for i in range(10):
            post_via_proxy(attacker, f"guess{i}@tests.bidtool.test", "password", "203.0.113.7")

        assert asked_to_wait(post_via_proxy(attacker, COUNCIL, PASSWORD, "203.0.113.7"))[0] == "address"
        assert post_via_proxy(owner, COUNCIL, PASSWORD, "198.51.100.3").status_code == 302

    def test_a_client_cannot_name_itself_past_the_proxy(self, app, people):
        # The proxy adds the address it sees to whatever the client sent: only that last one counts.
        client = app.test_client()
        for i in range(10):
            post_via_proxy(client, f"guess{i}@tests.bidtool.test", "password", f"198.51.100.{i}, 203.0.113.7")

        assert asked_to_wait(post_via_proxy(client, COUNCIL, PASSWORD, "198.51.100.99, 203.0.113.7"))


def test_a_disabled_account_cannot_sign_in_and_is_told_nothing_more(session, anonymous, people):
    session.get(UserRow, people["council"]).active = False
    session.commit()

    response = post_sign_in(anonymous, COUNCIL, PASSWORD)

    assert refusal(response) == [NOT_RIGHT]
    assert not signed_in(anonymous)


def test_a_user_disabled_while_signed_in_is_signed_out_at_their_next_request(session, client, people):
    assert signed_in(client)
    session.get(UserRow, people["council"]).active = False
    session.commit()

    response = client.get("/rounds/tca-2013")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_signing_in_starts_a_fresh_session(anonymous, people):
    with anonymous.session_transaction() as planted:
        planted["planted"] = "by someone else"

    post_sign_in(anonymous, COUNCIL, PASSWORD)

    with anonymous.session_transaction() as fresh:
        assert "planted" not in fresh
    assert f"{COUNCIL} (Council user)" in anonymous.get("/").text


def test_a_session_cookie_used_from_another_browser_is_not_signed_in(anonymous, people):
    post_sign_in(anonymous, COUNCIL, PASSWORD)
    assert signed_in(anonymous)

    response = anonymous.get("/", headers={"User-Agent": "Another browser/1.0"})

    assert response.status_code == 302


# Where signing in goes next


def stays_on_this_site(location: str) -> bool:
    """Whether a browser would stay on this site: it drops tabs and newlines, and reads \\ as /."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc


@pytest.mark.parametrize(
    ("next_page", "location"),
    [
        ("/rounds/tca-2013", "/rounds/tca-2013"),
        ("/rounds/tca-2013/bids/ANY-01/self-check?x=1", "/rounds/tca-2013/bids/ANY-01/self-check?x=1"),
        ("https://evil.example/sign-in", "/"),
        ("//evil.example/sign-in", "/"),
        ("///evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
def test_signing_in_goes_on_only_to_a_page_of_this_site(anonymous, people, next_page, location):
    response = post_sign_in(anonymous, COUNCIL, PASSWORD, next_page=next_page)

    assert response.status_code == 302
    assert response.headers["Location"] == location


@pytest.mark.parametrize("next_page", ["/%2F/evil.example", "/ /evil.example", "/.//evil.example"])
def test_signing_in_never_goes_to_another_site_by_a_disguised_address(anonymous, people, next_page):
    response = post_sign_in(anonymous, COUNCIL, PASSWORD, next_page=next_page)

    assert response.status_code == 302
    assert stays_on_this_site(response.headers["Location"]), response.headers["Location"]


def test_signing_in_never_goes_to_another_site_by_an_address_with_a_tab(anonymous, people):
    response = post_sign_in(anonymous, COUNCIL, PASSWORD, next_page="/\t/evil.example")

    assert response.status_code == 302
    assert stays_on_this_site(response.headers["Location"]), response.headers["Location"]


def test_signing_in_with_a_newline_in_next_goes_to_the_list_of_rounds(anonymous, people):
    response = post_sign_in(anonymous, COUNCIL, PASSWORD, next_page="/\n/evil.example")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_page_asked_for_before_signing_in_is_shown_after_it(anonymous, people, demo):
    asked = anonymous.get("/rounds/tca-2013?sort=award")
    sign_in_page = anonymous.get(asked.headers["Location"])
    response = anonymous.post(asked.headers["Location"], data={"email": COUNCIL, "password": PASSWORD})

    assert "Sign in to use bidtool." in sign_in_page.text
    assert response.headers["Location"] == "/rounds/tca-2013?sort=award"
    assert anonymous.get(response.headers["Location"]).status_code == 200


# Signing out


def test_signing_out_needs_a_post(client):
    response = client.get("/sign-out")

    assert response.status_code == 405
    assert signed_in(client)


def test_signing_out_clears_the_session_and_says_so(client):
    response = client.post("/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    with client.session_transaction() as after:
        assert "_user_id" not in after
        assert "_fresh" not in after
    assert "You have signed out" in client.get("/sign-in").text
    assert client.get("/rounds/tca-2013").status_code == 302
    assert not signed_in(client)


# Ending sessions: a copied cookie stops working


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_cookie_works_only_while_its_session_lasts(app, client):
    thief = copy_of(app, client)
    assert signed_in(thief)

    client.post("/sign-out")

    assert not signed_in(thief)


def test_signing_out_ends_every_session_of_the_user(app, sign_in):
    at_work, at_home = sign_in("council"), sign_in("council")
    panel = sign_in("panel")

    at_work.post("/sign-out")

    assert not signed_in(at_home)
    assert signed_in(panel)


def test_changing_ones_password_ends_every_other_session_and_keeps_this_one(app, sign_in):
    this, other = sign_in("council"), sign_in("council")
    thief = copy_of(app, this)

    assert change_password(this, PASSWORD, NEW_PASSWORD).status_code == 302

    assert signed_in(this)
    assert not signed_in(other)
    assert not signed_in(thief)


@pytest.mark.parametrize(
    "data",
    [
        {"role": "lead_assessor", "organisation": "", "active": "yes"},
        {"role": "panel", "organisation": "", "active": "no"},
    ],
    ids=["role", "disabled"],
)
def test_changing_a_users_role_or_disabling_them_ends_their_sessions(app, admin, sign_in, people, data):
    panel = sign_in("panel")

    admin.post(f"/admin/users/{people['panel']}", data=data)
    admin.post(f"/admin/users/{people['panel']}", data={"role": "panel", "organisation": "", "active": "yes"})

    assert not signed_in(panel)
    assert can_sign_in(app, email_of("panel"), PASSWORD)


def test_saving_a_user_unchanged_leaves_their_sessions_alone(admin, sign_in, people):
    panel = sign_in("panel")

    admin.post(f"/admin/users/{people['panel']}", data={"role": "panel", "organisation": "", "active": "yes"})

    assert signed_in(panel)


def test_an_admin_signs_a_user_out_everywhere_from_the_users_page(admin, sign_in, people):
    at_work, at_home, lead = sign_in("panel"), sign_in("panel"), sign_in("lead")
    page = admin.get(f"/admin/users/{people['panel']}").text
    assert f'action="/admin/users/{people["panel"]}/sign-out"' in page

    response = admin.post(f"/admin/users/{people['panel']}/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{people['panel']}"
    assert (
        f"{email_of('panel')} has been signed out everywhere" in admin.get(response.headers["Location"]).text
    )
    assert not signed_in(at_work) and not signed_in(at_home)
    assert signed_in(lead) and signed_in(admin)


def test_an_admin_resets_a_password_to_one_shown_once_which_ends_the_users_sessions(
    app, admin, sign_in, people
):
    panel = sign_in("panel")
    assert (
        f'href="/admin/users/{people["panel"]}/password"' in admin.get(f"/admin/users/{people['panel']}").text
    )

    response = admin.post(f"/admin/users/{people['panel']}/password", data={"password": ""})

    assert response.status_code == 200
    password = created_password(response)
    assert len(password) >= accounts.MIN_PASSWORD
    assert not signed_in(panel)
    assert not can_sign_in(app, email_of("panel"), PASSWORD)
    assert can_sign_in(app, email_of("panel"), password)
    assert password not in admin.get(f"/admin/users/{people['panel']}/password").text


def test_an_admin_resets_a_password_to_one_they_type(app, admin, sign_in, people):
    panel = sign_in("panel")

    response = admin.post(f"/admin/users/{people['panel']}/password", data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{people['panel']}"
    assert (
        f"The password of {email_of('panel')} has been reset" in admin.get(response.headers["Location"]).text
    )
    assert not signed_in(panel)
    assert can_sign_in(app, email_of("panel"), NEW_PASSWORD)


def test_a_password_typed_by_an_admin_follows_the_rules(app, admin, sign_in, people):
    panel = sign_in("panel")

    response = admin.post(f"/admin/users/{people['panel']}/password", data={"password": "panel password"})

    assert response.status_code == 200
    assert (
        "The password must not contain the part of the email address before the @ (panel)."
        in html.unescape(response.text)
    )
    assert signed_in(panel)
    assert can_sign_in(app, email_of("panel"), PASSWORD)


def test_no_one_but_an_admin_may_reset_a_password_or_sign_a_user_out(app, sign_in, people):
    council = sign_in("council")
    for who in ("other_council", "assessor", "lead", "panel"):
        client = sign_in(who)
        assert client.post(f"/admin/users/{people['council']}/sign-out").status_code == 403
        reset = client.post(f"/admin/users/{people['council']}/password", data={"password": NEW_PASSWORD})
        assert reset.status_code == 403
    assert signed_in(council)
    assert can_sign_in(app, COUNCIL, PASSWORD)


# Changing one's password


def change_password(client, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/account/password",
        data={"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


def test_the_password_page_asks_for_the_current_and_the_new_one_twice(client):
    page = screen(client.get("/account/password"))

    assert {"current", "new", "confirm"} <= set(page.values)
    assert page.elements["current"]["autocomplete"] == "current-password"
    assert page.elements["new"]["autocomplete"] == "new-password"


def test_a_wrong_current_password_is_refused_and_nothing_changes(app, client):
    response = change_password(client, "not my password", NEW_PASSWORD)

    assert response.status_code == 200
    assert "The current password is not right." in response.text
    assert can_sign_in(app, COUNCIL, PASSWORD)
    assert not can_sign_in(app, COUNCIL, NEW_PASSWORD)


def test_a_new_password_confirmed_differently_is_refused_and_nothing_changes(app, client):
    response = change_password(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")

    assert response.status_code == 200
    assert ("#confirm", "The new passwords do not match") in screen(response).summary
    assert can_sign_in(app, COUNCIL, PASSWORD)


def test_a_new_password_too_short_is_refused(app, client):
    response = change_password(client, PASSWORD, "short")

    assert response.status_code == 200
    assert [href for href, _ in screen(response).summary] == ["#new"]
    assert can_sign_in(app, COUNCIL, PASSWORD)


def test_a_changed_password_signs_in_and_the_old_one_no_longer_does(app, client):
    response = change_password(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Your password has been changed" in client.get("/").text
    assert not can_sign_in(app, COUNCIL, PASSWORD)
    assert can_sign_in(app, COUNCIL, NEW_PASSWORD)


def test_a_common_new_password_is_refused_saying_why(app, client):
    response = change_password(client, PASSWORD, "password1234")

    assert response.status_code == 200
    assert (
        "This is one of the most common passwords, so it is easy to guess: choose another."
        in html.unescape(response.text)
    )
    assert can_sign_in(app, COUNCIL, PASSWORD)


def test_a_new_password_of_twelve_spaces_is_refused_saying_why(app, client):
    response = change_password(client, PASSWORD, " " * 12)

    assert "The password must not be one character repeated." in response.text
    assert can_sign_in(app, COUNCIL, PASSWORD)


def test_a_new_password_containing_ones_own_email_is_refused_saying_why(app, client):
    response = change_password(client, PASSWORD, f"my address is {COUNCIL.upper()}")

    assert (
        "The password must not contain the part of the email address before the @ (council)."
        in html.unescape(response.text)
    )
    assert can_sign_in(app, COUNCIL, PASSWORD)


def test_signing_in_with_an_old_weak_password_still_works(session, anonymous, people):
    session.get(UserRow, people["council"]).password_hash = hasher.hash("password1234")
    session.commit()

    assert post_sign_in(anonymous, COUNCIL, "password1234").status_code == 302


# The session cookie


def session_cookie(response) -> str:
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    return cookie


def cookie_flags(cookie: str) -> set[str]:
    """The attributes of a Set-Cookie header but its path and expiry: httponly, samesite=lax, secure."""
    return {
        part.strip().lower()
        for part in cookie.split(";")[1:]
        if not part.strip().lower().startswith(("path=", "expires=", "max-age="))
    }


def test_the_session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_http(anonymous, people):
    cookie = session_cookie(post_sign_in(anonymous, COUNCIL, PASSWORD))

    assert cookie_flags(cookie) == {"httponly", "samesite=lax"}


def test_the_session_cookie_is_secure_over_https(app, people):
    client = app.test_client()

    response = post_sign_in(client, COUNCIL, PASSWORD, base_url="https://localhost")

    assert response.status_code == 302
    assert cookie_flags(session_cookie(response)) == {"httponly", "samesite=lax", "secure"}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_there_is_no_strict_transport_security_over_http(anonymous):
    assert "Strict-Transport-Security" not in anonymous.get("/sign-in").headers


# Security headers


def responses_of_every_kind(app, anonymous, client, admin):
    return {
        "sign-in page": anonymous.get("/sign-in"),
        "sign-in refused": post_sign_in(app.test_client(), COUNCIL, "wrong password here"),
        "sign-in accepted": post_sign_in(app.test_client(), COUNCIL, PASSWORD),
        "sent to sign in": anonymous.get("/rounds/tca-2013"),
        "list of rounds": client.get("/"),
        "round page": client.get("/rounds/tca-2013"),
        "not found": client.get("/no/such/page"),
        "forbidden": client.get("/admin/users"),
        "method not allowed": client.get("/sign-out"),
        "admin page": admin.get("/admin/users"),
        "download": admin.get("/rounds/tca-2013/export.json"),
        "template": client.get("/bids-template.xlsx"),
        "style sheet": anonymous.get("/static/css/bidtool.css"),
        "signed out": client.post("/sign-out"),
    }


def test_every_response_carries_the_security_headers(app, anonymous, client, admin, demo):
    for kind, response in responses_of_every_kind(app, anonymous, client, admin).items():
        headers = response.headers
        policy = headers.get("Content-Security-Policy", "")
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives.get("frame-ancestors") == "'none'", kind
        assert directives.get("default-src") == "'self'", kind
        assert directives.get("object-src") == "'none'", kind
        assert directives.get("base-uri") == "'self'", kind
        assert directives.get("form-action") == "'self'", kind
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, kind
        assert headers.get("X-Content-Type-Options") == "nosniff", kind
        assert headers.get("X-Frame-Options") == "DENY", kind
        assert headers.get("Referrer-Policy") == "same-origin", kind
        response.close()


def script_nonce(response) -> str:
    [nonce] = re.findall(
        r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", response.headers["Content-Security-Policy"]
    )
    return nonce


@pytest.mark.parametrize("path", ["/sign-in", "/no/such/page"])
def test_the_inline_script_carries_the_nonce_of_its_own_response(anonymous, path):
    first, second = anonymous.get(path), anonymous.get(path)

    for response in (first, second):
        scripts = re.findall(r"<script\b([^>]*)>", response.text)
        inline = [attributes for attributes in scripts if "src=" not in attributes]
        assert inline == [f' nonce="{script_nonce(response)}"']
        assert len(script_nonce(response)) >= 16
    assert script_nonce(first) != script_nonce(second)


def test_a_signed_in_page_with_a_form_carries_the_nonce_too(client, demo):
    response = client.get("/rounds/tca-2013/bids/new")

    inline = [a for a in re.findall(r"<script\b([^>]*)>", response.text) if "src=" not in a]
    assert inline == [f' nonce="{script_nonce(response)}"']
    assert "style=" not in response.text  # style-src 'self' would refuse an inline style


# Forged requests


class TestCrossSiteRequestForgery:
    @pytest.fixture
    def app_config(self, app_config) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_sign_in_without_a_token_is_refused_and_signs_no_one_in(self, app, anonymous, people):
        before = every_row(app)

        response = post_sign_in(anonymous, COUNCIL, PASSWORD)

        assert response.status_code == 400
        assert "The form had expired or was sent from somewhere else." in response.text
        assert not signed_in(anonymous)
        assert every_row(app) == before

    def test_a_sign_in_with_a_wrong_token_is_refused(self, anonymous, people):
        csrf_token(anonymous, "/sign-in")

        response = anonymous.post(
            "/sign-in", data={"email": COUNCIL, "password": PASSWORD, "csrf_token": "x"}
        )

        assert response.status_code == 400
        assert not signed_in(anonymous)

    def test_a_sign_in_with_the_token_of_the_page_is_accepted(self, app, people):
        client = signed_in_with_token(app, COUNCIL, PASSWORD)

        assert signed_in(client)

    @pytest.mark.parametrize(
        ("who", "path", "data"),
        [
            ("council", "/sign-out", {}),
            (
                "council",
                "/account/password",
                {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            ),
            ("admin", "/admin/users/new", {"email": "forged@tests.bidtool.test", "role": "admin"}),
            ("admin", "/admin/users/{council}", {"role": "admin", "organisation": "", "active": "yes"}),
            ("admin", "/rounds/new", {"name": "F", "reference": "f", "scheme": "tca", "pot": "1"}),
        ],
        ids=["sign-out", "password", "new-user", "edit-user", "new-round"],
    )
    def test_a_post_without_a_token_is_refused_and_changes_nothing(self, app, people, demo, who, path, data):
        client = signed_in_with_token(app, email_of(who), PASSWORD)
        before = every_row(app)

        response = client.post(path.format(council=people["council"]), data=data)

        assert response.status_code == 400
        assert '<h1 class="govuk-heading-l">Bad Request</h1>' in response.text
        assert every_row(app) == before
        assert signed_in(client)

    def test_signing_out_and_changing_the_password_with_the_token_are_accepted(self, app, people):
        client = signed_in_with_token(app, COUNCIL, PASSWORD)
        token = csrf_token(client, "/account/password")

        changed = client.post(
            "/account/password",
            data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token},
        )
        signed_out = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

        assert (changed.status_code, signed_out.status_code) == (302, 302)
        assert not signed_in(client)


# Passwords are kept as hashes only, and never written to the log


def test_passwords_are_stored_only_as_argon2id_hashes_and_appear_in_no_table(app, client, admin, people):
    change_password(client, PASSWORD, NEW_PASSWORD)
    generated = created_password(
        admin.post("/admin/users/new", data={"email": "made@tests.bidtool.test", "role": "panel"})
    )
    post_sign_in(app.test_client(), email_of("panel"), "a wrong password typed")

    rows = every_row(app)
    assert len(rows["user_account"]) == len(PEOPLE) + 1
    stored = repr(rows)
    for password in (PASSWORD, NEW_PASSWORD, generated, "a wrong password typed"):
        assert password not in stored
    with app.app_context(), Session(db.engine()) as fresh:
        every_hash = fresh.exec(select(UserRow.password_hash)).all()
        twins = [
            create_user(fresh, NewUser(f"twin{n}@tests.bidtool.test", Role.PANEL), PASSWORD).password_hash
            for n in (1, 2)
        ]
    assert all(h.startswith("$argon2id$v=19$") for h in every_hash)
    assert twins[0] != twins[1]  # salted: the same password never hashes alike


def test_passwords_are_never_logged(
    app, people, admin, anonymous, session, database_url, monkeypatch, caplog
):
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # SQLAlchemy holds its own at WARNING
    typed = "typed at the command line"
    service = "created through the service"

    create_user(session, NewUser("by-service@tests.bidtool.test", Role.PANEL), service)
    post_sign_in(anonymous, COUNCIL, PASSWORD)
    post_sign_in(app.test_client(), COUNCIL, "a wrong password typed")
    change_password(anonymous, PASSWORD, NEW_PASSWORD)
    generated = created_password(
        admin.post("/admin/users/new", data={"email": "made@tests.bidtool.test", "role": "panel"})
    )
    result = CliRunner().invoke(
        main, ["create-user", "--email", "cli@tests.bidtool.test", "--role", "panel"], input=typed + "\n"
    )

    assert result.exit_code == 0, result.stderr
    # The log was listening: the database's statements are in it, with their parameters.
    assert "INSERT INTO user_account" in caplog.text
    logged = caplog.text + "".join(repr(record.args) for record in caplog.records)
    for password in (PASSWORD, NEW_PASSWORD, generated, typed, service, "a wrong password typed"):
        assert password not in logged


# Admin pages for users


def user_rows(page: str) -> set[tuple[str, ...]]:
    """(email, role, organisation, status) of each row of the list of users."""
    rows = set()
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if cells:
            rows.add(tuple(" ".join(cell.split()) for cell in cells[:4]))
    return rows


def test_the_list_of_users_shows_each_with_their_role_organisation_and_status(session, admin, people):
    session.get(UserRow, people["lead"]).active = False
    session.commit()

    page = admin.get("/admin/users").text

    assert user_rows(page) == {
        (email_of(who), role.label, organisation or "–", "Disabled" if who == "lead" else "Active")
        for who, (role, organisation) in PEOPLE.items()
    }
    for who in PEOPLE:
        assert f'href="/admin/users/{people[who]}">Change' in page


@pytest.mark.parametrize("who", ["council", "other_council", "assessor", "lead", "panel"])
def test_only_an_admin_sees_the_users_or_the_link_to_them(sign_in, who):
    client = sign_in(who)

    assert client.get("/admin/users").status_code == 403
    assert 'href="/admin/users"' not in client.get("/").text


def test_an_admin_creates_a_user_whose_password_is_shown_once_and_signs_in(app, admin, people):
    with rendered(app) as seen:
        response = admin.post(
            "/admin/users/new",
            data={
                "email": " New.Council@Tests.Bidtool.Test ",
                "role": "council",
                "organisation": ORGANISATION,
            },
        )

    assert response.status_code == 200
    assert [name for name, _ in seen] == ["admin/created_user.html"]
    password = created_password(response)
    assert len(password) >= accounts.MIN_PASSWORD
    made = user(app, "new.council@tests.bidtool.test")
    assert (made.role, made.organisation, made.active) == ("council", ORGANISATION, True)
    assert made.password_hash.startswith("$argon2id$")
    assert password not in admin.get("/admin/users").text
    assert can_sign_in(app, "new.council@tests.bidtool.test", password)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"email": "x@tests.bidtool.test", "role": "council", "organisation": " "},
            "A council user needs an organisation: the one whose bids they write.",
        ),
        (
            {"email": email_of("panel"), "role": "panel"},
            "There is already a user with the email address panel@tests.bidtool.test.",
        ),
        ({"email": "not an address", "role": "panel"}, "'not an address' is not an email address."),
    ],
    ids=["council-without-organisation", "taken", "not-an-email"],
)
def test_a_user_that_cannot_be_created_is_refused_with_the_reason_and_nothing_is_added(
    app, admin, people, data, message
):
    before = every_row(app)

    response = admin.post("/admin/users/new", data=data)

    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert "new-password" not in response.text
    assert every_row(app) == before


def test_no_one_but_an_admin_may_create_a_user(app, sign_in, people):
    before = every_row(app)
    for who in ("council", "assessor", "lead", "panel"):
        response = sign_in(who).post(
            "/admin/users/new", data={"email": "sneaky@tests.bidtool.test", "role": "admin"}
        )
        assert response.status_code == 403
    assert user(app, "sneaky@tests.bidtool.test") is None
    assert every_row(app)["user_account"] == before["user_account"]


def test_the_page_to_change_a_user_shows_what_they_are_now(admin, people):
    page = screen(admin.get(f"/admin/users/{people['council']}"))

    assert (page.values["role"], page.values["organisation"], page.values["active"]) == (
        "council",
        ORGANISATION,
        "yes",
    )


def test_an_admin_changes_a_users_role(app, admin, people):
    response = admin.post(
        f"/admin/users/{people['panel']}", data={"role": "lead_assessor", "organisation": "", "active": "yes"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert user(app, email_of("panel")).role == "lead_assessor"
    assert f"{email_of('panel')} updated" in admin.get("/admin/users").text


def test_an_admin_disables_a_user_who_then_cannot_sign_in(app, admin, sign_in, people):
    panel = sign_in("panel")

    response = admin.post(
        f"/admin/users/{people['panel']}", data={"role": "panel", "organisation": "", "active": "no"}
    )

    assert response.status_code == 302
    assert user(app, email_of("panel")).active is False
    assert not can_sign_in(app, email_of("panel"), PASSWORD)
    assert not signed_in(panel)


@pytest.mark.parametrize(
    "data",
    [
        {"role": "panel", "organisation": "", "active": "yes"},
        {"role": "admin", "organisation": "", "active": "no"},
    ],
    ids=["own-role", "own-account"],
)
def test_an_admin_cannot_remove_their_own_admin_access(app, admin, people, data):
    response = admin.post(f"/admin/users/{people['admin']}", data=data)

    assert response.status_code == 200
    assert [text for _, text in screen(response).summary]
    made = user(app, email_of("admin"))
    assert (made.role, made.active) == ("admin", True)
    assert admin.get("/admin/users").status_code == 200


def test_no_one_but_an_admin_may_change_a_user(app, sign_in, people):
    for who in ("council", "assessor", "lead", "panel"):
        response = sign_in(who).post(
            f"/admin/users/{people[who]}", data={"role": "admin", "organisation": "", "active": "yes"}
        )
        assert response.status_code == 403
        assert user(app, email_of(who)).role == PEOPLE[who][0].value


# The commands


@pytest.fixture
def cli_database(app, database_url, monkeypatch):
    """The commands use the test database (its tables are emptied after the test, through `app`)."""
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    monkeypatch.setenv("BIDTOOL_SECRET_KEY", "the tests' secret")
    return "the tests' secret"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_create_user_reads_the_password_from_standard_input_and_does_not_print_it(app, cli_database):
    typed = "a password sent down a tube"

    result = run(
        "create-user",
        *("--email", "Pipe@Tests.Bidtool.Test", "--role", "council", "--organisation", ORGANISATION),
        stdin=typed + "\n",
    )

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Created pipe@tests.bidtool.test (Council user).\n"
    made = user(app, "pipe@tests.bidtool.test")
    assert (made.role, made.organisation) == ("council", ORGANISATION)
    assert made.password_hash.startswith("$argon2id$")
    assert can_sign_in(app, "pipe@tests.bidtool.test", typed)


def test_create_user_without_a_password_generates_one_and_prints_it(app, cli_database):
    result = run("create-user", "--email", "gen@tests.bidtool.test", "--role", "panel")

    assert (result.exit_code, result.stderr) == (0, "")
    created, printed = result.stdout.splitlines()
    assert created == "Created gen@tests.bidtool.test (Panel member)."
    password = printed.removeprefix("Password: ")
    assert printed.startswith("Password: ") and len(password) >= accounts.MIN_PASSWORD
    assert can_sign_in(app, "gen@tests.bidtool.test", password)


@pytest.mark.parametrize(
    ("args", "stdin", "line"),
    [
        (
            ["--email", "c@tests.bidtool.test", "--role", "council"],
            None,
            "error: A council user needs an organisation: the one whose bids they write.",
        ),
        (
            ["--email", "c@tests.bidtool.test", "--role", "council", "--organisation", "  "],
            None,
            "error: A council user needs an organisation: the one whose bids they write.",
        ),
        (
            ["--email", "c@tests.bidtool.test", "--role", "panel"],
            "short\n",
            "error: The password must be at least 12 characters long.",
        ),
        (
            ["--email", "c@tests.bidtool.test", "--role", "panel"],
            "password1234\n",
            "error: This is one of the most common passwords, so it is easy to guess: choose another.",
        ),
        (
            ["--email", "not-an-email", "--role", "panel"],
            None,
            "error: 'not-an-email' is not an email address.",
        ),
    ],
    ids=[
        "council-without-organisation",
        "blank-organisation",
        "short-password",
        "common-password",
        "not-an-email",
    ],
)
def test_create_user_refuses_with_one_line_and_exit_status_2(app, cli_database, args, stdin, line):
    result = run("create-user", *args, stdin=stdin)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == line + "\n"
    assert user(app, "c@tests.bidtool.test") is None


def test_create_user_refuses_an_email_address_already_taken(app, cli_database, people):
    result = run("create-user", "--email", email_of("panel").upper(), "--role", "admin")

    assert result.exit_code == 2
    assert result.stderr == f"error: There is already a user with the email address {email_of('panel')}.\n"
    assert user(app, email_of("panel")).role == "panel"


def demo_sign_ins(stdout: str) -> dict[str, tuple[str, str]]:
    """email -> (password, who) of each sign-in `bidtool demo` prints."""
    lines = stdout.split("FOR LOCAL USE ONLY", 1)[1].splitlines()[1:]
    found = {}
    for line in lines:
        email, password, who = line.split(maxsplit=2)
        found[email] = (password, who)
    return found


def test_demo_prints_one_sign_in_for_each_role_marked_for_local_use_only(app, cli_database):
    result = run("demo")

    assert (result.exit_code, result.stderr) == (0, "")
    assert "\nDemo sign-ins, FOR LOCAL USE ONLY" in result.stdout
    printed = demo_sign_ins(result.stdout)
    assert set(printed) == {u.email for u in DEMO_USERS}
    assert {who.split(",")[0] for _, who in printed.values()} == {role.label for role in Role}
    for new in DEMO_USERS:
        password, who = printed[new.email]
        assert password == demo_password(cli_database, new.email)
        assert who == new.role.label + (f", {new.organisation}" if new.role is Role.COUNCIL else "")
        made = user(app, new.email)
        assert (made.role, made.organisation) == (new.role.value, new.organisation)
        assert can_sign_in(app, new.email, password)


def test_demo_run_twice_adds_no_user_and_prints_the_same_sign_ins(app, cli_database):
    first = run("demo")
    second = run("demo")

    assert second.exit_code == 0
    assert "The demo round is already loaded." in second.stdout
    assert demo_sign_ins(second.stdout) == demo_sign_ins(first.stdout)
    assert len(every_row(app)["user_account"]) == len(DEMO_USERS)


def test_a_demo_sign_in_sees_what_its_role_allows(app, cli_database):
    printed = demo_sign_ins(run("demo").stdout)
    swindon = app.test_client()
    post_sign_in(swindon, "swindon@demo.bidtool.test", printed["swindon@demo.bidtool.test"][0])

    listed = swindon.get("/rounds/tca-2013").text

    assert 'href="/rounds/tca-2013/bids/SWI-17"' in listed
    assert 'href="/rounds/tca-2013/bids/BMS-01"' not in listed
