"""Send hostile uploads to a local bidtool and print how each is answered.

For each upload: the HTTP status, the first message the page gives, the seconds it took, how much
the server's memory (resident set, and its peak) grew, and whether the round's bids are unchanged.
Goal: each answered with a clear message within 5 s, memory growing by under 200 MB.

    .venv/bin/python bench/abuse.py --serve                 # its own server and throwaway database
    .venv/bin/python bench/abuse.py http://127.0.0.1:5000 --email admin@... --password ... --pid PID

Local only: the base URL must be on 127.0.0.1 or localhost.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


# The hostile files of issue 11 ----------------------------------------------------------------------


def drafts_csv(count: int = 10_000) -> bytes:
    """A CSV of many one-row draft bids (the issue's 440 KB file of 10,000 drafts)."""
    lines = ["reference,title,lead_organisation,year"]
    lines += [f"ABUSE-{n:05},Draft {n},Bench Borough Council," for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def bids_json(count: int = 10_000) -> bytes:
    """A JSON list of many small but complete bids."""
    bid = {
        "format": "bidtool.bid/1",
        "title": "Shared back office",
        "lead_organisation": "Bench Borough Council",
        "award_sought": 100000,
        "years": [{"year": "2014/15", "award_costs": 100000}, {"year": "2015/16", "savings": 80000}],
        "narrative": {"summary": "We will merge the two back offices."},
    }
    return json.dumps([{**bid, "reference": f"ABUSE-{n:05}"} for n in range(count)]).encode()


def _workbook(parts: dict[str, bytes], content_types: bytes = b"") -> bytes:
    """A small workbook with a sheet Bids whose XML parts are replaced or added."""
    book = openpyxl.Workbook()
    book.active.title = "Bids"
    book.active.append(["reference", "title", "lead_organisation", "year"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    packed = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with zipfile.ZipFile(plain) as source, packed as copy:
        for name in source.namelist():
            data = parts.pop(name, source.read(name))
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_types + b"</Types>")
            copy.writestr(name, data)
        for name, data in parts.items():
            copy.writestr(name, data)
    return out.getvalue()


def wide_row_xlsx(cells: int = 3_000_000) -> bytes:
    """A workbook whose sheet Bids has one row of millions of cells (the issue's 89 KB file)."""
    row = b'<row r="1">' + b"<c><v>1</v></c>" * cells + b"</row>"
    sheet = b"<worksheet " + MAIN_NS + b"><sheetData>" + row + b"</sheetData></worksheet>"
    return _workbook({"xl/worksheets/sheet1.xml": sheet})


def shared_strings_xlsx(strings: int = 5_000_000) -> bytes:
    """A workbook with millions of shared strings, which it claims are one."""
    many = b"<sst " + MAIN_NS + b' count="1" uniqueCount="1">' + b"<si><t>x</t></si>" * strings + b"</sst>"
    listed = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return _workbook({"xl/sharedStrings.xml": many}, listed)


HOSTILE = (
    ("10,000 drafts (CSV)", "drafts.csv", drafts_csv),
    ("one row of 3 million cells (XLSX)", "wide.xlsx", wide_row_xlsx),
    ("5 million shared strings (XLSX)", "strings.xlsx", shared_strings_xlsx),
    ("a list of 10,000 bids (JSON)", "bids.json", bids_json),
)


# A signed-in client ----------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: bytes | None = None, content_type: str | None = None):
        headers = {"Content-Type": content_type} if content_type else {}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def token(self, path: str) -> str:
        _, page = self.request(path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()

    def sign_in(self, email: str, password: str) -> None:
        form = {"csrf_token": self.token("/sign-in"), "email": email, "password": password}
        status, _ = self.request("/sign-in", urllib.parse.urlencode(form).encode())
        if status != 302:
            sys.exit(f"cannot sign in as {email} (status {status})")

    def upload(self, round_ref: str, name: str, data: bytes) -> tuple[int, bytes]:
        path = f"/rounds/{round_ref}/upload"
        boundary = uuid.uuid4().hex
        part = f"--{boundary}\r\nContent-Disposition: form-data; "
        head = (
            f'{part}name="csrf_token"\r\n\r\n{self.token(path)}\r\n'
            f'{part}name="files"; filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_message(status: int, page: bytes) -> str:
    """The first problem (or banner) a page shows, as plain text."""
    patterns = (rb'error-summary__list">\s*<li>\s*(?:<a [^>]*>)?(.*?)<', rb'<p class="govuk-body">(.*?)</p>')
    for pattern in patterns:
        if found := re.search(pattern, page, re.S):
            return html.unescape(found.group(1).decode(errors="replace")).strip()
    return "(redirected: accepted)" if status == 302 else "(no message)"


# The server ------------------------------------------------------------------------------------------


def memory_mb(pid: int | None) -> tuple[float, float] | None:
    """The resident set and its peak of a process, in MB (None if it cannot be read)."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = dict(re.findall(r"(VmRSS|VmHWM):\s+(\d+) kB", status))
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def own_server():
    """A development server on a free port, with a throwaway database and an admin: (url, email, pw, pid)."""
    with tempfile.TemporaryDirectory(prefix="bidtool-abuse-") as folder:
        env = {
            **os.environ,
            "BIDTOOL_DATABASE_URL": f"sqlite:///{folder}/bidtool.sqlite",
            "BIDTOOL_SECRET_KEY": secrets.token_hex(16),
            "BIDTOOL_PRINTS_DIR": f"{folder}/prints",
        }
        email, password = "abuse-admin@bench.bidtool.test", secrets.token_urlsafe(16)
        bidtool = str(BIN / "bidtool")
        setup = dict(env=env, text=True, check=True, capture_output=True, cwd=ROOT)
        for command, typed in (
            ([bidtool, "db", "upgrade"], None),
            ([bidtool, "demo"], None),
            ([bidtool, "create-user", "--email", email, "--role", "admin"], password + "\n"),
        ):
            subprocess.run(command, input=typed, **setup)
        port = _free_port()
        server = subprocess.Popen(
            [str(BIN / "flask"), "--app", "bidtool", "run", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                time.sleep(0.2)
            yield url, email, password, server.pid
        finally:
            server.terminate()
            server.wait(timeout=10)


def run(base: str, email: str, password: str, pid: int | None, round_ref: str) -> None:
    client = Client(base)
    client.sign_in(email, password)
    _, before = client.request(f"/rounds/{round_ref}/export.json")
    heads = f"{'upload':<36} {'size':>8} {'status':>6} {'seconds':>8} {'RSS +MB':>8} {'peak +MB':>8}"
    print(f"{heads}  unchanged  message")
    for label, name, build in HOSTILE:
        data = build()
        start_memory = memory_mb(pid)
        started = time.perf_counter()
        status, page = client.upload(round_ref, name, data)
        seconds = time.perf_counter() - started
        end_memory = memory_mb(pid)
        if start_memory and end_memory:
            rss, peak = (f"{end - start:+.0f}" for start, end in zip(start_memory, end_memory, strict=True))
        else:
            rss = peak = "n/a"
        _, after = client.request(f"/rounds/{round_ref}/export.json")
        print(
            f"{label:<36} {len(data) / 1024:>6.0f}KB {status:>6} {seconds:>8.2f} {rss:>8} {peak:>8}  "
            f"{'yes' if after == before else 'NO':<9}  {first_message(status, page)[:160]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:5000", help="the server's base URL")
    parser.add_argument("--serve", action="store_true", help="start a server of its own on a free port")
    parser.add_argument("--email", help="an admin's email (not needed with --serve)")
    parser.add_argument("--password", help="that admin's password")
    parser.add_argument("--pid", type=int, help="the server's process id, to measure its memory")
    parser.add_argument("--round", default="tca-2013", help="the round to upload to (default: tca-2013)")
    args = parser.parse_args()
    if args.serve:
        with own_server() as (base, email, password, pid):
            run(base, email, password, pid, args.round)
        return
    if urllib.parse.urlsplit(args.base).hostname not in {"127.0.0.1", "localhost"}:
        sys.exit("bench/abuse.py only sends its uploads to a server on this machine (127.0.0.1)")
    if not (args.email and args.password):
        sys.exit("give --email and --password of an admin, or use --serve")
    run(args.base, args.email, args.password, args.pid, args.round)


if __name__ == "__main__":
    main()
