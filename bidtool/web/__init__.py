"""The web application: blueprints, GOV.UK templates, CSRF and error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from bidtool.services import NotFound as MissingThing
from bidtool.web import bids, files, filters, rounds

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
    WTFormsHelpers(app)
    filters.init_app(app)
    for blueprint in (rounds.blueprint, bids.blueprint, files.blueprint):
        app.register_blueprint(blueprint)
    app.register_error_handler(MissingThing, lambda error: _error_page(NotFound(), str(error)))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(500, lambda error: (render_template("errors/500.html"), 500))


def _error_page(error: HTTPException, detail: str | None = None):
    return render_template("errors/http.html", error=error, detail=detail), error.code


def _csrf_error(error: CSRFError):
    detail = "The form had expired or was sent from somewhere else. Go back, reload the page and try again."
    return render_template("errors/http.html", error=error, detail=detail), 400


def _too_large(error: RequestEntityTooLarge):
    detail = "The upload is larger than 20 MB. Split it into smaller files and try again."
    return render_template("errors/http.html", error=error, detail=detail), 413
