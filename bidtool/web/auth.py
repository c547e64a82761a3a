"""Signing in and out, the signed-in user, and the guard every page passes through."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from bidtool import db
from bidtool.core.access import Action, Role, allowed
from bidtool.forms import PasswordForm, SignInForm
from bidtool.models import UserRow
from bidtool.services import Refused, Scope, accounts

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to use bidtool."
login_manager.session_protection = "strong"
OPEN_ENDPOINTS = {"auth.sign_in", "static"}
# Failed sign-ins per client address (the one a trusted proxy names), kept where
# RATELIMIT_STORAGE_URI says: in memory by default, or e.g. Redis shared by several workers.
limiter = Limiter(key_func=get_remote_address)


@dataclass(frozen=True)
class SignedIn(UserMixin):
    """The user of the current request, as the session knows them."""

    id: int
    email: str
    role: Role
    organisation: str | None
    session_version: int

    @property
    def scope(self) -> Scope:
        return accounts.scope_of(self.role, self.organisation, self.id)

    def get_id(self) -> str:
        """What the session holds: the user and the version of their sessions it began with."""
        return f"{self.id}:{self.session_version}"


def _signed_in(user: UserRow) -> SignedIn:
    return SignedIn(user.id, user.email, Role(user.role), user.organisation, user.session_version)


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    user_id, _, version = token.partition(":")
    user = db.session().get(UserRow, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or version != str(user.session_version):
        return None
    return _signed_in(user)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _address_waits)
    app.before_request(_require_sign_in)
    app.add_template_global(can)
    app.register_blueprint(blueprint)


def _require_sign_in():
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def scope() -> Scope:
    return current_user.scope


def can(action: Action | str) -> bool:
    """Whether the signed-in user may take an action (templates ask this to show links)."""
    return current_user.is_authenticated and allowed(current_user.role, Action(action))


def requires(action: Action):
    """Let a view run only for roles allowed the action (403 for the others)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not allowed(current_user.role, action):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def _safe_next(target: str | None) -> str:
    """Only ever go on to a page of this site after signing in: a path, nothing a browser could
    read as another host (no backslashes, no control characters, no scheme or host)."""
    target = target or ""
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc
    if local and target.isprintable() and "\\" not in target:
        return target
    return url_for("rounds.index")


def _sign_in_page(form: SignInForm, refusal: str | None = None, wait: int = 0):
    if refusal:
        form.form_errors.append(refusal)
    page = render_template("auth/sign_in.html", title="Sign in", form=form)
    return (page, 429, {"Retry-After": str(wait)}) if wait else page


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


def _refused(_response) -> bool:
    return g.get("sign_in_refused", False)


def _address_waits(_error: RateLimitExceeded):
    wait = max(1, math.ceil(limiter.current_limit.reset_at - time.time()))
    refusal = f"Too many failed attempts to sign in from your network address. {accounts.wait_text(wait)}"
    return _sign_in_page(SignInForm(), refusal, wait)


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_refused)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("rounds.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(
                db.session(), form.email.data, form.password.data, request.remote_addr or ""
            )
        except accounts.SignInRefused as error:
            g.sign_in_refused = True
            return _sign_in_page(form, str(error), error.wait)
        session.clear()
        login_user(_signed_in(user))
        return redirect(_safe_next(request.args.get("next")))
    return _sign_in_page(form)


@blueprint.post("/sign-out")
def sign_out():
    accounts.end_sessions(db.session(), current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(db.session(), current_user.id, form.current.data, form.new.data)
        except Refused as error:
            form.form_errors.append(str(error))
        else:
            # Every session the user had has ended; this one goes on under the new version.
            login_user(_signed_in(user))
            flash("Your password has been changed", "success")
            return redirect(url_for("rounds.index"))
    return render_template("auth/password.html", title="Change your password", form=form)
