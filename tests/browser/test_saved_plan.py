"""Saving a week: the private link works in any browser, edits persist, delete is final, calendars export."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.helpers import save_example_week

pytestmark = pytest.mark.browser


def _events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def test_a_saved_link_opens_in_a_fresh_browser_keeps_edits_and_is_gone_after_delete(page: Page, new_context) -> None:
    link = save_example_week(page)

    other = new_context().new_page()  # no cookies from the saving browser
    other.goto(link)
    expect(other.get_by_role("heading", name="Edit your week")).to_be_visible()
    minutes = other.locator("input[name=run_tue_minutes]")
    expect(minutes).to_have_value("40")
    minutes.fill("50")
    minutes.press("Tab")
    # the live preview shows the edit before it is saved
    expect(other.locator("#plan article[data-key=tue-run]")).to_contain_text("50")

    other.evaluate("window.__before_save = 1")
    other.get_by_role("button", name="Save changes").click()
    other.wait_for_function("() => window.__before_save === undefined")  # HX-Redirect: a real page load
    expect(other).to_have_url(link)
    other.reload()
    expect(other.locator("input[name=run_tue_minutes]")).to_have_value("50")
    expect(other.locator("#plan article[data-key=tue-run]")).to_contain_text("50")
    page.reload()  # the first browser sees the change too
    expect(page.locator("input[name=run_tue_minutes]")).to_have_value("50")

    other.get_by_role("button", name="Delete this plan").click()
    expect(other.locator(".notice")).to_contain_text("deleted")
    response = other.goto(link)
    assert response is not None and response.status == 404
    expect(other.get_by_role("heading", name="Nothing here")).to_be_visible()
    assert page.request.get(link).status == 404


def test_the_saved_week_downloads_as_ics_and_its_feed_serves_the_same_events(page: Page) -> None:
    save_example_week(page)
    items = page.locator("#plan ol.week article.item").count()
    assert items > 0

    with page.expect_download() as info:
        page.get_by_role("button", name="Download .ics").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    assert len(_events(Path(download.path()).read_bytes())) == items

    feed_url = page.locator("#f-feed").input_value()
    response = page.context.request.get(feed_url)  # as a calendar client would subscribe
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert len(_events(response.body())) == items
