"""gunicorn's settings for bidtool: `gunicorn -c gunicorn.conf.py` (what `make run` does) serves the
web application on 127.0.0.1:5000 and runs one task-queue worker (`bidtool worker`) beside it,
stopped with the server (Ctrl-C stops both). Override with gunicorn's own flags or
GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 4"."""

import os
import signal
import subprocess
import sys
from pathlib import Path

wsgi_app = "bidtool:create_app()"
bind = ["127.0.0.1:5000"]
# Threads for requests that wait on the database; a process per core and one more, because
# rendering pages is Python and holds the GIL. The printing is the task worker's, not theirs.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = 4
timeout = 60  # the slowest request is one bid's sheet PDF, about a second
accesslog = "-"
control_socket_disable = True  # one server needs none, and several on a machine would share its path

# The task worker beside the server: how many tasks it runs at once (0: none, when workers run
# elsewhere with `bidtool worker`).
TASK_WORKERS = int(os.environ.get("BIDTOOL_TASK_WORKERS", "2"))


def when_ready(server):
    if TASK_WORKERS:
        bidtool = Path(sys.executable).with_name("bidtool")
        server.task_worker = subprocess.Popen([str(bidtool), "worker", "--workers", str(TASK_WORKERS)])


def on_exit(server):
    worker = getattr(server, "task_worker", None)
    if worker is not None and worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # the worker stops now; an unfinished print says so later
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
