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
        event.listen(engine, "connect", _sqlite_settings)
    app.extensions["bidtool.engine"] = engine
    app.teardown_appcontext(_close_session)


# How long a write waits for another to finish before SQLite gives up with "database is locked":
# longer than the longest import the upload limits allow, shorter than a worker's timeout (30 s).
SQLITE_BUSY_TIMEOUT_MS = 20_000


def _sqlite_settings(connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and deleting a bid must delete its years.
    connection.execute("PRAGMA foreign_keys = ON")
    # Write-ahead logging lets pages be read while an import writes; a write waits its turn.
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")


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
