"""Configuration in layers: defaults, then instance/config.py, then BIDTOOL_* environment, then overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "BIDTOOL_"


def init_app(app: Flask, overrides: dict | None) -> None:
    """Load every layer of configuration into the app, later layers winning."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(
        DATABASE_URL=f"sqlite:///{instance / 'bidtool.sqlite'}",
        SCHEMES_DIR=str(PROJECT_ROOT / "fixtures" / "schemes"),
        DEMO_DIR=str(PROJECT_ROOT / "fixtures" / "tca2013"),
        PRINTS_DIR=str(instance / "prints"),  # panel packs printed for the web, kept for a day
        HUEY_URL=f"sqlite:///{instance / 'huey.sqlite'}",  # the task queue: or redis://, postgresql://
        HUEY_IMMEDIATE=False,  # run tasks in the process that queues them (tests)
        PRINTS_PER_ROUND=1,  # panel packs of one round printed at once, on all workers together
        PRINT_AHEAD=True,  # a commit that changes what a round prints queues the printing of its sheets
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TRUSTED_PROXIES=0,  # reverse proxies in front whose X-Forwarded-For/-Proto are believed
        SIGN_IN_ADDRESS_LIMIT="10 per minute",  # failed sign-ins from one client address
        RATELIMIT_STORAGE_URI="memory://",  # one worker's memory; e.g. redis://host:6379 for several
        RATELIMIT_STRATEGY="moving-window",  # the last minute, not the clock's minute
    )
    app.config.from_pyfile(instance / "config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"))
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    """Read the secret key kept in instance/, generating it on first run (never a constant in code)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
