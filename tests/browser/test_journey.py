"""A new user's first visit, in a real browser: plan the example week and change it live (htmx)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_new_user_plans_the_example_week_and_sees_seven_days(page: Page) -> None:
    page.goto("/")
    expect(page.locator("#plan .empty")).to_be_visible()
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page.locator("#plan article.item").first).to_be_visible()
