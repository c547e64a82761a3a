"""The database: an engine from configuration, a session per request, and Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from bidtool.config import PROJECT_ROOT


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_foreign_keys)
    app.extensions["bidtool.engine"] = engine
    app.teardown_appcontext(_close_session)


def _sqlite_foreign_keys(connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and deleting a bid must delete its years.
    connection.execute("PRAGMA foreign_keys = ON")


def engine() -> Engine:
    return current_app.extensions["bidtool.engine"]


def session() -> Session:
    """The session of the current request (or CLI command), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(Path(PROJECT_ROOT) / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
