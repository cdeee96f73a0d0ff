"""Screenshots for the docs (docs/screenshots/form.png, week.png), taken at 1400×900 in a fixed week.

The week is pinned, so the pictures only change when the pages do; a file is rewritten only when it differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, VIEWPORT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"
WEEK_START = "2026-11-30"


def _keep(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def test_screenshots_of_the_form_and_the_week_are_up_to_date(page: Page) -> None:
    page.set_viewport_size(VIEWPORT)
    page.goto("/")
    # set without an input event, so the form stays as a first visit shows it (no live plan yet)
    page.locator("#f-week_start").evaluate(f"el => {{ el.value = '{WEEK_START}'; }}")
    expect(page.locator("#plan .empty")).to_be_visible()
    _keep(SHOTS / "form.png", page.screenshot(full_page=True, animations="disabled"))

    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page.locator("#plan .week-head")).to_contain_text(WEEK_START)
    # On screen the plan stays in view beside the form (sticky, scrolling on its own); a full-page picture
    # for the docs shows the whole week instead, so the pinning is lifted through the CSSOM (CSP-safe).
    page.locator("#plan").evaluate("el => { el.style.position = 'static'; el.style.maxHeight = 'none'; }")
    page.evaluate("window.scrollTo(0, 0)")
    _keep(SHOTS / "week.png", page.screenshot(full_page=True, animations="disabled"))

    for name in ("form.png", "week.png"):
        assert (SHOTS / name).read_bytes().startswith(b"\x89PNG"), name
