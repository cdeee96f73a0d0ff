"""Printing the planned week: only the week on paper, the form hidden, one landscape page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import plan_example_week

pytestmark = pytest.mark.browser


def test_printing_hides_the_form_and_shows_the_week_on_one_landscape_page(page: Page) -> None:
    plan_example_week(page)
    page.emulate_media(media="print")

    expect(page.locator("#planner .inputs")).to_be_hidden()
    expect(page.locator("input[name=run_tue_minutes]")).to_be_hidden()
    expect(page.get_by_role("button", name="Plan my week")).to_be_hidden()
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#plan ol.week")).to_be_visible()
    expect(page.locator("#plan ol.week > li.day").nth(6)).to_be_visible()

    pdf = page.pdf(landscape=True, prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages == 1, f"the printed week takes {pages} pages"
