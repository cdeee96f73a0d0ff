"""On a phone (390 × 844): nothing scrolls sideways, every control is thumb-sized, text is readable, and the
result comes into view (with focus on its heading) whenever the runner asks for it or answers about pain or
safety."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DAYS, PHONE, answer_safety_question, plan_example_week, save_example_week

pytestmark = pytest.mark.browser

# Every visible control's tap target: a checkbox or radio counts with its label (the label is what a thumb hits).
TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, button, summary, textarea")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    const target = (el.type === "checkbox" || el.type === "radio") ? (el.closest("label") || el) : el;
    const t = target.getBoundingClientRect();
    const what = (target.textContent || el.value || "").trim().slice(0, 40);
    if (t.height < 44) out.push(`${el.tagName.toLowerCase()}[name=${el.name}] "${what}" ${Math.round(t.height)} px`);
  }
  return out;
}"""

SMALL_TEXT = """() => {
  const out = [];
  const text = "main p, main li, main label, main dd, main dt, main summary, main td, main th, footer p";
  for (const el of document.querySelectorAll(text)) {
    if (!el.getClientRects().length || !el.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) out.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ${size} px`);
  }
  return out;
}"""

HEADING_IN_VIEW_AND_FOCUSED = """() => {
  const h = document.querySelector("#plan .result-heading");
  if (!h || document.activeElement !== h) return false;
  const box = h.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _open_every_section(page: Page) -> None:
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()


def test_on_a_phone_neither_the_page_nor_the_day_table_scrolls_sideways(phone: Page) -> None:
    phone.goto("/")
    _open_every_section(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = phone.locator(".days-table")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth && t.getBoundingClientRect().right <= innerWidth")
    plan_example_week(phone)
    _open_every_section(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_the_day_table_is_one_card_per_day_with_every_field_visible(phone: Page) -> None:
    phone.goto("/")
    rows = phone.locator(".days-table tbody tr")
    boxes = [row.bounding_box() for row in rows.all()]
    assert len(boxes) == 7
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert below["y"] >= above["y"] + above["height"] - 1, "day cards overlap or sit side by side"
    for day in DAYS:
        for field in (f"avail_{day}_minutes", f"avail_{day}_start"):
            box = phone.locator(f"input[name={field}]").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], field


def test_on_a_phone_every_visible_control_is_at_least_44_px_tall(phone: Page) -> None:
    phone.goto("/")
    _open_every_section(phone)
    assert phone.evaluate(TARGETS) == []
    plan_example_week(phone)
    _open_every_section(phone)
    assert phone.evaluate(TARGETS) == []
    save_example_week(phone)
    _open_every_section(phone)
    assert phone.evaluate(TARGETS) == []


def test_on_a_phone_body_text_is_at_least_16_px(phone: Page) -> None:
    plan_example_week(phone)
    _open_every_section(phone)
    assert phone.evaluate(SMALL_TEXT) == []


def test_after_plan_my_week_the_result_heading_is_in_view_and_focused(phone: Page) -> None:
    phone.goto("/")
    phone.get_by_role("button", name="Plan my week").click()
    expect(phone.locator("#plan ol.week")).to_be_visible()
    phone.wait_for_function(HEADING_IN_VIEW_AND_FOCUSED)


def test_after_changing_pain_the_result_heading_is_in_view_and_focused(phone: Page) -> None:
    plan_example_week(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    pain = phone.locator("input[name=pain_during_run]")
    pain.fill("6")
    pain.press("Tab")
    expect(phone.locator("#plan .badge")).to_contain_text("RED")
    phone.wait_for_function(HEADING_IN_VIEW_AND_FOCUSED)


def test_after_ticking_a_red_flag_the_urgent_advice_heading_is_in_view_and_focused(phone: Page) -> None:
    plan_example_week(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    answer_safety_question(phone, "saddle_numbness")
    expect(phone.locator("#plan .advice.advice-urgent")).to_be_visible()
    phone.wait_for_function(HEADING_IN_VIEW_AND_FOCUSED)
    expect(phone.locator("#plan .result-heading")).to_contain_text(re.compile("urgent", re.I))


def test_editing_a_run_keeps_focus_in_the_form_and_offers_a_way_to_the_updated_plan(phone: Page) -> None:
    plan_example_week(phone)
    minutes = phone.locator("input[name=run_tue_minutes]")
    minutes.fill("45")
    minutes.press("Tab")
    expect(phone.locator("#plan article[data-key=tue-run]")).to_contain_text("45 min")
    assert phone.evaluate("document.activeElement.name") == "run_tue_start"
    cue = phone.get_by_role("link", name="Your plan is updated: show it")  # ... but says the plan changed below
    expect(cue).to_be_visible()
    cue.click()
    phone.wait_for_function(HEADING_IN_VIEW_AND_FOCUSED)
    expect(cue).to_be_hidden()


def test_on_a_phone_the_private_link_and_feed_fields_fit_the_screen(phone: Page) -> None:
    save_example_week(phone)
    for field in ("#f-private", "#f-feed", "#f-busy"):
        box = phone.locator(field).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], field
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
