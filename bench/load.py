"""Benchmark: signed-in users of every role reading bidtool for a while, as a panel pack prints.

Run against the server `make run` starts (its demo sign-ins, whose passwords come from
instance/secret_key):   .venv/bin/python bench/load.py http://127.0.0.1:5000
or let it start gunicorn and a task worker itself, on a free port, with a throwaway instance
folder loaded with the demo:   .venv/bin/python bench/load.py --serve [--database-url URL]
(its queue is SQLite in that folder unless BIDTOOL_HUEY_URL names another).

Users are spread over the five roles (council, assessor, lead assessor, panel, admin), each a
session of its own; each asks for a page of its role, waits a moment (--think) and asks again.
One lead assessor starts the panel pack at the start and follows its page until it is ready.
Prints requests, errors (any answer but 200, or none), and the 50th, 95th and 99th percentile
of the time to a whole answer, per role and in all, and how long the pack took.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bidtool.config import PROJECT_ROOT
from bidtool.services.demo import demo_password

ROUND = "tca-2013"
BIN = Path(sys.executable).parent
# Who signs in for each role (demo users), and the pages each reads.
ROLES = {
    "council": ("swindon@demo.bidtool.test", ["/", f"/rounds/{ROUND}", f"/rounds/{ROUND}/bids/SWI-17"]),
    "assessor": ("assessor@demo.bidtool.test", ["/", "/assessments", f"/rounds/{ROUND}"]),
    "lead": (
        "lead@demo.bidtool.test",
        [f"/rounds/{ROUND}", f"/rounds/{ROUND}/rankings", f"/rounds/{ROUND}/bids/SWI-17/moderate"],
    ),
    "panel": ("panel@demo.bidtool.test", [f"/rounds/{ROUND}/rankings", f"/rounds/{ROUND}/bids/SWI-17"]),
    "admin": ("admin@demo.bidtool.test", ["/", "/admin/users", f"/rounds/{ROUND}"]),
}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class User:
    def __init__(self, base: str, role: str, secret: str):
        self.base, self.role = base, role
        self.email, self.pages = ROLES[role]
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.password = demo_password(secret, self.email)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as answer:
                return answer.status, answer.read().decode(errors="replace"), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def sign_in(self) -> None:
        _, page, _ = self.request("/sign-in")
        token = CSRF.search(page).group(1)
        status, _, _ = self.request(
            "/sign-in", {"csrf_token": token, "email": self.email, "password": self.password}
        )
        if status != 302:
            raise SystemExit(f"{self.email} could not sign in (HTTP {status})")

    def csrf(self, path: str) -> str:
        return CSRF.search(self.request(path)[1]).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to time, not a page to follow


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.examples: list[str] = []

    def timed(self, role: str, call, ok=(200,)):
        started = time.perf_counter()
        try:
            status, body, headers = call()
        except OSError as error:
            status, body, headers = None, str(error), {}
        took = time.perf_counter() - started
        with self.lock:
            self.times.setdefault(role, []).append(took)
            if status not in ok:
                self.errors[role] = self.errors.get(role, 0) + 1
                if len(self.examples) < 5:
                    self.examples.append(f"{role} {status}: {body[:120]!r}")
        return status, body, headers


def browse(user: User, tally: Tally, until: float, think: float) -> None:
    rng = random.Random(user.email + str(id(user)))
    while time.monotonic() < until:
        path = rng.choice(user.pages)
        tally.timed(user.role, lambda path=path: user.request(path))
        time.sleep(rng.uniform(0.5, 1.5) * think)


def print_pack(user: User, tally: Tally, result: dict) -> None:
    started = time.monotonic()
    token = user.csrf(f"/rounds/{ROUND}/rankings")
    _, _, headers = tally.timed(
        "pack", lambda: user.request(f"/rounds/{ROUND}/pack", {"csrf_token": token}), (302,)
    )
    page = urllib.parse.urlsplit(headers.get("Location", "")).path
    while page:
        _, body, _ = tally.timed("pack", lambda: user.request(page))
        if "The panel pack is ready" in body or "could not be printed" in body:
            result["pack"] = ("ready" if "ready" in body else "failed", time.monotonic() - started)
            return
        time.sleep(3)  # as the page refreshes itself


def _percentile(times: list[float], share: float) -> float:
    return (
        statistics.quantiles(times, n=100, method="inclusive")[round(share * 100) - 1]
        if len(times) > 1
        else times[0]
    )


def report(tally: Tally, seconds: float, result: dict) -> None:
    print(f"{'role':<10}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    everything = []
    for role, times in sorted(tally.times.items()):
        everything += times
        cells = [_percentile(times, p) * 1000 for p in (0.5, 0.95, 0.99)]
        print(
            f"{role:<10}{len(times):>9}{tally.errors.get(role, 0):>8}" + "".join(f"{c:>9.0f}" for c in cells)
        )
    cells = [_percentile(everything, p) * 1000 for p in (0.5, 0.95, 0.99)]
    errors = sum(tally.errors.values())
    print(f"{'all':<10}{len(everything):>9}{errors:>8}" + "".join(f"{c:>9.0f}" for c in cells))
    print(f"{len(everything) / seconds:.1f} requests a second over {seconds:.0f} s")
    state, took = result.get("pack", ("not finished", seconds))
    print(f"panel pack: {state} after {took:.0f} s")
    for example in tally.examples:
        print("  error:", example)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(database_url: str | None):
    """gunicorn and a task worker (gunicorn.conf.py) on a free port, on a throwaway instance."""
    with tempfile.TemporaryDirectory(prefix="bidtool-load-") as folder:
        instance = Path(folder)
        secret = secrets.token_hex(16)
        env = {
            **os.environ,
            "BIDTOOL_DATABASE_URL": database_url or f"sqlite:///{instance / 'bidtool.sqlite'}",
            "BIDTOOL_HUEY_URL": os.environ.get("BIDTOOL_HUEY_URL", f"sqlite:///{instance / 'huey.sqlite'}"),
            "BIDTOOL_PRINTS_DIR": str(instance / "prints"),
            "BIDTOOL_SECRET_KEY": secret,
        }
        for command in (["db", "upgrade"], ["demo"]):
            subprocess.run([BIN / "bidtool", *command], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        log = (instance / "server.log").open("w")
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                if "Huey consumer started" in (instance / "server.log").read_text():
                    break
                time.sleep(0.5)
            else:
                raise SystemExit("the server did not start:\n" + (instance / "server.log").read_text())
            yield base, secret
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(120)
            log.close()


def run(base: str, secret: str, users: int, seconds: float, think: float) -> None:
    roles = list(ROLES)
    people = [User(base, roles[n % len(roles)], secret) for n in range(users)]
    for person in people:
        person.sign_in()
    printer = User(base, "lead", secret)
    printer.sign_in()
    tally, result = Tally(), {}
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=browse, args=(p, tally, until, think)) for p in people]
    threads.append(threading.Thread(target=print_pack, args=(printer, tally, result), daemon=True))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads[:-1]:
        thread.join()
    seconds = time.monotonic() - started
    threads[-1].join(600)  # the pack's own time is reported even when it outlasts the users
    report(tally, seconds, result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="the server's address, e.g. http://127.0.0.1:5000")
    parser.add_argument(
        "--serve", action="store_true", help="start gunicorn and a worker on a throwaway instance"
    )
    parser.add_argument("--database-url", help="with --serve: the database (default: SQLite in the instance)")
    parser.add_argument("--secret-key", help="the server's secret key (default: instance/secret_key)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between one user's requests")
    args = parser.parse_args()
    if args.serve:
        with served(args.database_url) as (base, secret):
            run(base, secret, args.users, args.seconds, args.think)
    elif args.base:
        secret = args.secret_key or (PROJECT_ROOT / "instance" / "secret_key").read_text().strip()
        run(args.base.rstrip("/"), secret, args.users, args.seconds, args.think)
    else:
        parser.error("give the server's address, or --serve")


if __name__ == "__main__":
    main()
