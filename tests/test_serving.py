"""`make run`'s server: gunicorn from gunicorn.conf.py, with a task worker beside it that stops with it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bidtool import db
from bidtool.config import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _children(pid: int) -> dict[int, str]:
    """The processes `pid` started, with their command lines (read whole: `ps` cuts them to COLUMNS)."""
    found = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError):
            found[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return found


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_gunicorn_serves_with_a_task_worker_and_ctrl_c_stops_both_without_a_warning(tmp_path):
    url = f"sqlite:///{tmp_path / 'bidtool.sqlite'}"
    db.upgrade(url)
    port = _free_port()
    env = {
        **os.environ,
        "BIDTOOL_DATABASE_URL": url,
        "BIDTOOL_HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite'}",
        "BIDTOOL_PRINTS_DIR": str(tmp_path / "prints"),
        "BIDTOOL_SECRET_KEY": "tests",
    }
    output = tmp_path / "out.log"
    with output.open("w") as out:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job is
        )
    try:
        assert _wait(lambda: "Huey consumer started" in output.read_text(), 240), output.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=30) as page:
            assert page.status == 200
        children = _children(server.pid)
        workers = [pid for pid, command in children.items() if "bidtool worker" in command]
        assert len(workers) == 1, (children, output.read_text())
        (worker,) = workers
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
        server.wait(120)
        assert _wait(lambda: not _alive(worker), 60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(60)
    log = output.read_text()
    assert "warning" not in log.lower()
    assert "development server" not in log
