"""The exercise library in Chromium: axe finds no serious violation on a phone (390×844) or a desktop, the filter
form works without JavaScript, and the page looks right (screenshots for the docs)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ROOT
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1400, "height": 900}}
SHOTS = ROOT / "docs" / "figures"


def _keep(name: str, png: bytes) -> None:
    path = SHOTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", ["/exercises", "/exercises/worlds_greatest_stretch", "/exercises?area=core&level=1"])
def test_library_pages_have_no_serious_accessibility_violations(page: Page, axe_source: str, size: str,
                                                                url: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(url)
    found = serious_violations(page, axe_source)
    assert not found, f"axe on {url} at {size}:\n" + json.dumps(found, indent=2)


@pytest.mark.parametrize("size", SIZES)
def test_the_exercise_page_fits_the_screen_without_sideways_scrolling(page: Page, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto("/exercises/bird_dog")
    expect(page.get_by_role("img", name="Bird dog")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    if size == "desktop":
        _keep("exercise-page.png", page.screenshot(full_page=True, animations="disabled"))


def test_the_filters_work_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/exercises")
        page.get_by_label("Area").select_option("thoracic")
        page.get_by_label("Flare-safe only (allowed when pain is up)").check()
        page.get_by_role("button", name="Show exercises").click()
        expect(page).to_have_url(re.compile(r"area=thoracic.*flare_safe=1"))
        expect(page.locator(".exercise-card .name").first).to_be_visible()   # the new page has loaded
        names = page.locator(".exercise-card .name").all_inner_texts()
        assert names and "Foam-roller thoracic extension" not in names and "Open book" in names
    finally:
        context.close()


def test_shared_figure_symbols_draw_where_they_are_used(page: Page) -> None:
    from planner.web import library

    ids = ["bird_dog", "glute_bridge", "bird_dog", "open_book"]
    body = str(library.figure_defs(ids)) + "".join(str(library.figure_ref(i)) for i in ids)
    page.set_content(f"<!doctype html><body>{body}</body>")
    drawn = page.evaluate("() => [...document.querySelectorAll('svg[role=img] use')].map(u => u.getBBox().width)")
    assert len(drawn) == len(ids) and all(w > 50 for w in drawn)


@pytest.mark.parametrize("size", SIZES)
def test_three_positions_stand_one_under_the_other_on_a_phone(page: Page, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto("/exercises/worlds_greatest_stretch")
    figures = page.get_by_role("img", name="World's greatest stretch")
    expect(figures).to_have_count(1)  # the other one is hidden, so it is not in the accessibility tree either
    box = figures.bounding_box()
    assert (box["height"] > box["width"]) == (size == "phone")


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_the_header_link_to_the_library_is_readable_on_the_header(page: Page) -> None:
    """Found by looking: the link was drawn in the header's own blue, invisible (axe did not flag it)."""
    page.goto("/")
    link = page.get_by_role("link", name="Exercise library")
    expect(link).to_be_visible()
    fg = link.evaluate("el => getComputedStyle(el).color")
    bg = page.locator("header.site").evaluate("el => getComputedStyle(el).backgroundColor")
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5, (fg, bg)
