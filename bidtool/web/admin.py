"""Admin pages: the users, creating them, changing their role or disabling them, resetting their
password and ending their sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from bidtool import db
from bidtool.core.access import ROLE_LABELS, Action, Role
from bidtool.forms import EditUserForm, NewUserForm, ResetPasswordForm
from bidtool.services import Refused, accounts
from bidtool.web.auth import requires

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/users")
@requires(Action.MANAGE_USERS)
def users():
    roles = {role.value: label for role, label in ROLE_LABELS.items()}
    return render_template(
        "admin/users.html", title="Users", users=accounts.list_users(db.session()), roles=roles
    )


@blueprint.route("/users/new", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        password = accounts.generate_password(form.email.data)
        new = accounts.NewUser(form.email.data, Role(form.role.data), form.organisation.data)
        try:
            user = accounts.create_user(db.session(), new, password)
        except Refused as error:
            form.form_errors.append(str(error))
        else:
            return render_template(
                "admin/created_user.html", title="User created", email=user.email, password=password
            )
    return render_template("admin/new_user.html", title="Create a user", form=form)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def edit_user(user_id: int):
    user = accounts.get_user(db.session(), user_id)
    form = EditUserForm(
        data={"role": user.role, "organisation": user.organisation, "active": "yes" if user.active else "no"}
    )
    if form.validate_on_submit():
        try:
            accounts.update_user(
                db.session(),
                current_user.id,
                user_id,
                Role(form.role.data),
                form.organisation.data,
                form.active.data == "yes",
            )
        except Refused as error:
            form.form_errors.append(str(error))
        else:
            flash(f"{user.email} updated", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", title="Change the user", form=form, user=user)


@blueprint.post("/users/<int:user_id>/sign-out")
@requires(Action.MANAGE_USERS)
def sign_out_user(user_id: int):
    user = accounts.end_sessions(db.session(), user_id)
    flash(f"{user.email} has been signed out everywhere", "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@blueprint.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def reset_password(user_id: int):
    user = accounts.get_user(db.session(), user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        typed = form.password.data
        password = typed or accounts.generate_password(user.email)
        try:
            accounts.reset_password(db.session(), user_id, password)
        except Refused as error:
            form.form_errors.append(str(error))
        else:
            if not typed:
                return render_template(
                    "admin/created_user.html", title="Password reset", email=user.email, password=password
                )
            flash(f"The password of {user.email} has been reset and their sessions ended", "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    return render_template("admin/reset_password.html", title="Reset the password", form=form, user=user)
