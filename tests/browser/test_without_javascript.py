"""The same main journey with JavaScript off: plain forms and full pages (progressive enhancement)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import SAVED_URL

pytestmark = pytest.mark.browser


def test_without_javascript_a_user_can_plan_fix_a_mistake_and_save(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page).to_have_url(re.compile(r"/plan$"))

    minutes = page.locator("input[name=run_tue_minutes]")
    minutes.fill("999")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#err-run_tue_minutes")).to_have_text(re.compile(r"\S"))
    expect(page.locator("input[name=run_tue_minutes]")).to_have_value("999")
    expect(page.locator("input[name=run_tue_minutes]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("ol.week")).to_have_count(0)
    for link in page.locator(".error-summary a").all():  # every message links to its field
        expect(page.locator(link.get_attribute("href") or "#missing")).to_have_count(1)

    page.locator("input[name=run_tue_minutes]").fill("40")
    page.get_by_role("button", name="Save and get a link").click()
    expect(page).to_have_url(SAVED_URL)
    expect(page.locator("#saved-title")).to_be_visible()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
