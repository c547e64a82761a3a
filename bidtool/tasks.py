"""Background work on a task queue (huey): stored in SQLite in instance/ by default, in Redis or
PostgreSQL when HUEY_URL (BIDTOOL_HUEY_URL) names one. Web processes only enqueue; workers
(`bidtool worker`, one started beside the server by gunicorn.conf.py) run the tasks."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from flask import Flask, current_app
from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey
from huey.exceptions import RetryTask

NAME = "bidtool"
RETRY_AFTER = 2  # seconds a task waits for a free slot before it asks again


def init_app(app: Flask) -> None:
    app.extensions["bidtool.huey"] = _huey(app.config["HUEY_URL"], app.config["HUEY_IMMEDIATE"])


def _huey(url: str, immediate: bool) -> Huey:
    """The queue a URL names: sqlite:///FILE, redis://HOST[:PORT][/DB] or postgresql://..."""
    if url.startswith("sqlite:///"):
        return SqliteHuey(NAME, filename=url.removeprefix("sqlite:///"), immediate=immediate)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=url, immediate=immediate)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresHuey(NAME, dsn=url, immediate=immediate)
    raise ValueError(f"HUEY_URL must start with sqlite:///, redis:// or postgresql://, not {url[:20]!r}")


def queue(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions["bidtool.huey"]


@contextlib.contextmanager
def slot(huey: Huey, name: str, count: int, stale_after: float) -> Iterator[None]:
    """Hold one of `count` slots called `name` while the block runs, in the queue's own storage so
    that every worker on every machine sees it; when all are held, the task is retried shortly.
    A slot held longer than `stale_after` seconds is taken as the hold of a worker that died."""
    for index in range(count):
        key = f"slot:{name}:{index}"
        if once(huey, key, stale_after):
            try:
                yield
            finally:
                huey.delete(key)
            return
    raise RetryTask(f"every slot of {name} is held", delay=RETRY_AFTER)


def once(huey: Huey, key: str, stale_after: float) -> bool:
    """Set `key` in the queue's storage unless it is set (for less than `stale_after` seconds):
    whether it was set now. Whoever sets it holds it until they delete it."""
    return huey.put_if_empty(key, time.time()) or _took_stale(huey, key, stale_after)


def _took_stale(huey: Huey, key: str, stale_after: float) -> bool:
    held_since = huey.get(key, peek=True)
    if held_since is None or time.time() - held_since < stale_after:
        return False
    huey.delete(key)
    return huey.put_if_empty(key, time.time())


def run_worker(app: Flask, workers: int) -> None:
    """Run the tasks of the queue in `workers` processes until stopped (Ctrl-C or SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    # WeasyPrint tells each step of every page at INFO: the tasks' own lines are what an operator reads.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    queue(app).create_consumer(workers=workers, worker_type="process").run()
