"""axe-core (WCAG 2 A and AA) on every kind of page a user meets: no serious or critical violations."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    answer_safety_question,
    ask_for_an_impossible_week,
    plan_example_week,
    save_example_week,
)

pytestmark = pytest.mark.browser

RUN_AXE = """async () => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def serious_violations(page: Page, axe_source: str) -> list[dict]:
    """Runs axe in the page; evaluated through the DevTools protocol, so the page's CSP stays on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


def _assert_accessible(page: Page, axe_source: str, what: str) -> None:
    found = serious_violations(page, axe_source)
    assert not found, f"axe on {what}:\n" + json.dumps(found, indent=2)


SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _open_every_section(page: Page) -> None:
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()


@SIZES
def test_the_form_page_has_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    page.goto("/")
    _assert_accessible(page, axe_source, "the form page")
    _open_every_section(page)
    _assert_accessible(page, axe_source, "the form page with every section open")


@SIZES
def test_the_planned_week_has_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    plan_example_week(page)
    _open_every_section(page)
    _assert_accessible(page, axe_source, "the planned week, every 'why' open")


@SIZES
def test_the_urgent_advice_has_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    page.goto("/")
    answer_safety_question(page, "saddle_numbness")
    expect(page.locator("#plan .advice.advice-urgent")).to_be_visible()
    _assert_accessible(page, axe_source, "the urgent advice")


@SIZES
def test_the_impossible_week_has_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    ask_for_an_impossible_week(page)
    _assert_accessible(page, axe_source, "the impossible week")


@SIZES
def test_the_saved_page_has_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    save_example_week(page)
    _open_every_section(page)
    _assert_accessible(page, axe_source, "the saved page, delete confirmation open")


@SIZES
def test_the_error_pages_have_no_serious_accessibility_violations(page: Page, axe_source: str, size) -> None:
    page.set_viewport_size(size)
    page.goto("/p/not-a-real-token")
    _assert_accessible(page, axe_source, "the not-found page")
    page.goto("/")
    minutes = page.locator("input[name=run_tue_minutes]")
    minutes.fill("999")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan .error-summary")).to_be_visible()
    _assert_accessible(page, axe_source, "the form with an error")
