import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bidtool.cli import main


@pytest.fixture(autouse=True)
def prints(tmp_path, monkeypatch) -> Path:
    """The commands' print folder and queue are the test's own; commits queue no printing."""
    monkeypatch.setenv("BIDTOOL_PRINTS_DIR", str(tmp_path / "prints"))
    monkeypatch.setenv("BIDTOOL_HUEY_URL", f"sqlite:///{tmp_path / 'huey.sqlite'}")
    monkeypatch.setenv("BIDTOOL_PRINT_AHEAD", "false")
    return tmp_path / "prints"


@pytest.fixture
def run():
    """Run the bidtool CLI in-process; returns the Click result (stdout and stderr apart)."""

    def invoke(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def write(tmp_path):
    """Write data (dict as JSON, str as is) to a file in a temporary folder and return its path."""

    def write_file(name: str, content) -> Path:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return path

    return write_file
