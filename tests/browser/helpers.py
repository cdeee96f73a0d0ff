"""Steps shared by the browser tests, written as a user would do them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
SAVED_URL = re.compile(r"/p/[A-Za-z0-9_-]+$")


def plan_example_week(page: Page) -> None:
    """Open the form (it holds the example week) and press "Plan my week"."""
    page.goto("/")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)


def save_example_week(page: Page) -> str:
    """Plan the example week, save it and return its private link."""
    plan_example_week(page)
    page.get_by_role("button", name="Save and get a link").click()
    expect(page).to_have_url(SAVED_URL)
    expect(page.locator("#saved-title")).to_be_visible()
    return page.url


def ask_for_an_impossible_week(page: Page) -> None:
    """All five weak areas, runs on six days and spare time only on Saturday: no room for the sessions."""
    page.goto("/")
    for box in page.locator("input[name=weak_areas]").all():
        box.check()
    for day in DAYS:
        page.locator(f"input[name=avail_{day}_minutes]").fill("10" if day == "sat" else "0")
        if day != "sat":
            page.locator(f"select[name=run_{day}_kind]").select_option("easy")
            page.locator(f"input[name=run_{day}_minutes]").fill("40")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan .infeasible")).to_be_visible()
    expect(page.locator("#plan button[name=relax]").first).to_be_visible()


def answer_safety_question(page: Page, question: str) -> None:
    """Open the safety questions ("one or more apply") and tick one of them."""
    page.get_by_label("One or more apply").check()
    page.locator(f"input[name=flags][value={question}]").check()


def day_column(page: Page, day: str):
    return page.locator(f"#plan ol.week > li.day[data-weekday={day}]")
