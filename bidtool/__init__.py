"""bidtool: bid assessment for the Transformation Challenge Award."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the web application; `config` overrides every other layer (for tests)."""
    # Imported here so that `import bidtool.core` stays free of Flask and the database.
    from flask import Flask

    from bidtool import config as config_layers
    from bidtool import db, packs, tasks, web
    from bidtool.config import PROJECT_ROOT

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    config_layers.init_app(app, config)
    db.init_app(app)
    tasks.init_app(app)
    packs.init_app(app)
    web.init_app(app)
    return app
