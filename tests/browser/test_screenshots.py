"""Screenshots for the docs, in a fixed week: desktop 1400×900 (form.png, week.png: the whole page) and phone
390×844 (form-phone.png: the first screen; week-phone.png: the screen right after "Plan my week").

The week is pinned, so the pictures only change when the pages do; a file is rewritten only when it differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, VIEWPORT
from tests.browser.helpers import PHONE

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"
WEEK_START = "2026-11-30"


def _keep(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def _first_visit(page: Page) -> None:
    page.goto("/")
    # set without an input event, so the form stays as a first visit shows it (no live plan yet)
    page.locator("#f-week_start").evaluate(f"el => {{ el.value = '{WEEK_START}'; }}")
    page.locator("#f-timezone").evaluate("el => { el.value = 'Europe/Berlin'; }")
    expect(page.locator("#plan .empty")).to_be_visible()


def _plan(page: Page) -> None:
    page.get_by_label("None of these apply to me").check()
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page.locator("#plan .week-head")).to_contain_text(WEEK_START)
    expect(page.locator("#plan .result-heading")).to_be_focused()


def test_screenshots_of_the_form_and_the_week_are_up_to_date(page: Page) -> None:
    page.set_viewport_size(VIEWPORT)
    _first_visit(page)
    _keep(SHOTS / "form.png", page.screenshot(full_page=True, animations="disabled"))

    _plan(page)
    # On screen the plan stays in view beside the form (sticky, scrolling on its own); a full-page picture
    # for the docs shows the whole week instead, so the pinning is lifted through the CSSOM (CSP-safe).
    page.locator("#plan").evaluate("el => { el.style.position = 'static'; el.style.maxHeight = 'none'; }")
    page.locator("#plan .result-heading").evaluate("el => el.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    _keep(SHOTS / "week.png", page.screenshot(full_page=True, animations="disabled"))

    for name in ("form.png", "week.png"):
        assert (SHOTS / name).read_bytes().startswith(b"\x89PNG"), name


def test_phone_screenshots_of_the_form_and_the_planned_week_are_up_to_date(page: Page) -> None:
    page.set_viewport_size(PHONE)
    _first_visit(page)
    _keep(SHOTS / "form-phone.png", page.screenshot(animations="disabled"))

    _plan(page)  # the result is scrolled into view: the picture shows what the runner sees after the tap
    page.locator("#plan .result-heading").evaluate("el => el.blur()")
    _keep(SHOTS / "week-phone.png", page.screenshot(animations="disabled"))

    for name in ("form-phone.png", "week-phone.png"):
        assert (SHOTS / name).read_bytes().startswith(b"\x89PNG"), name
