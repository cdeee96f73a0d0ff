"""The form and the plan share the screen without covering each other, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DAYS, plan_example_week

pytestmark = pytest.mark.browser


def test_every_field_stays_usable_beside_the_planned_week(page: Page) -> None:
    plan_example_week(page)
    plan_left = page.locator("#plan").bounding_box()["x"]
    for box in (fieldset.bounding_box() for fieldset in page.locator("#planner .inputs fieldset").all()):
        assert box["x"] + box["width"] <= plan_left + 1, "a fieldset of the form spills under the plan"
    for day in DAYS:  # the last column of the day table: reachable and not covered by the week
        field = page.locator(f"input[name=avail_{day}_start]")
        field.click(trial=True, timeout=3000)
        field.fill("18:30")
        expect(field).to_have_value("18:30")


def test_on_a_phone_the_page_does_not_scroll_sideways(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    plan_example_week(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
