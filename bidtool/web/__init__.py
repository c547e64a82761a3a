"""The web application: blueprints, GOV.UK templates, CSRF and error pages."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import Forbidden, HTTPException, NotFound, RequestEntityTooLarge

from bidtool.services import NotFound as MissingThing
from bidtool.services import Refused
from bidtool.web import (
    admin,
    aliases,
    assessment,
    auth,
    bids,
    files,
    filters,
    prints,
    rankings,
    rounds,
    security,
)

csrf = CSRFProtect()
# Their macros refer to each other by these package names, so the names prefix their templates.
GOVUK_TEMPLATE_PACKAGES = ("govuk_frontend_jinja", "govuk_frontend_wtf")


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {name: PackageLoader(name) for name in ("govuk_frontend_jinja", "govuk_frontend_wtf")}
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    csrf.init_app(app)
    security.init_app(app)
    app.before_request(_refuse_nul)
    WTFormsHelpers(app)
    app.add_template_global(error_summary)
    filters.init_app(app)
    auth.init_app(app)
    for blueprint in (
        rounds.blueprint,
        bids.blueprint,
        files.blueprint,
        rankings.blueprint,
        prints.blueprint,
        admin.blueprint,
        assessment.blueprint,
        aliases.blueprint,
    ):
        app.register_blueprint(blueprint)
    app.register_error_handler(MissingThing, lambda error: _error_page(NotFound(), str(error)))
    app.register_error_handler(Refused, lambda error: _error_page(Forbidden(), str(error)))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(500, lambda error: (render_template("errors/500.html"), 500))


def _refuse_nul():
    """Refuse the NUL character, which no page asks for and PostgreSQL cannot store."""
    if "\x00" in request.path:
        abort(404)
    sent = [*request.args.lists(), *request.form.lists()]
    if any("\x00" in value for _, values in sent for value in values):
        abort(
            400,
            "What was sent contains a NUL character, which bidtool cannot store. Remove it and try again.",
        )


def error_summary(form) -> dict:
    """The GOV.UK error summary of a form; problems with the whole form link to its first field."""
    params = wtforms_errors(form)
    first = _first_input(form) or "main-content"
    for item in params["errorList"]:
        if item["href"] in {"#", "#-"}:
            item["href"] = f"#{first}"
    return params


def _first_input(form) -> str | None:
    """The id of the first input a page shows for a form, looking inside lists of sub-forms."""
    for field in form:
        if field.type in {"CSRFTokenField", "SubmitField"}:
            continue
        if field.type == "FieldList":
            found = next((_first_input(entry.form) for entry in field), None)
        elif field.type == "FormField":
            found = _first_input(field.form)
        else:
            found = field.id
        if found:
            return found
    return None


def _error_page(error: HTTPException, detail: str | None = None):
    return render_template("errors/http.html", error=error, detail=detail), error.code


def _csrf_error(error: CSRFError):
    detail = "The form had expired or was sent from somewhere else. Go back, reload the page and try again."
    return render_template("errors/http.html", error=error, detail=detail), 400


def _too_large(error: RequestEntityTooLarge):
    detail = "The upload is larger than 20 MB. Split it into smaller files and try again."
    return render_template("errors/http.html", error=error, detail=detail), 413
