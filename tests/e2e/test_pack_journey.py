"""The panel pack in the browser: printed by a real worker of the queue, followed, downloaded."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, email_of, task_worker
from tests.e2e.conftest import csp_violations, sign_in_in_browser


@pytest.fixture
def app_config(app_config, tmp_path):
    with task_worker(app_config, tmp_path) as config:
        yield config


def test_the_panel_pack_prints_on_a_page_that_follows_it_then_downloads(page, console, scored, people):
    page.goto("/rounds/tca-2013/rankings")
    sign_in_in_browser(page, email_of("panel"), PASSWORD)
    page.get_by_role("button", name="Print the panel pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Printing the panel pack")
    expect(page.get_by_role("status")).to_contain_text(
        re.compile("Waiting to start|Sheets ready: \\d+ of 18|All 18 sheets ready")
    )
    # The page refreshes itself until the pack is ready.
    expect(page.get_by_role("heading", level=1)).to_have_text("The panel pack is ready", timeout=90_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the panel pack (PDF)").click()
    assert download.value.suggested_filename == "tca-2013-panel-pack.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert csp_violations(console) == []
