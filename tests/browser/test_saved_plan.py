"""Saving a week: the private link works in any browser, edits persist, delete is final, calendars export."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.helpers import SAVED_URL, plan_example_week, save_example_week

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
    expect(other.locator(".notice")).to_contain_text("changes are saved")
    other.reload()
    expect(other.locator("input[name=run_tue_minutes]")).to_have_value("50")
    expect(other.locator("#plan article[data-key=tue-run]")).to_contain_text("50")
    page.reload()  # the first browser sees the change too
    expect(page.locator("input[name=run_tue_minutes]")).to_have_value("50")

    expect(other.locator(".notice")).to_have_count(0)  # said once, not on every visit
    other.get_by_text("Delete this plan…").click()  # a second step: nothing is deleted on the first tap
    assert other.request.get(link).status == 200
    other.get_by_role("button", name="Yes, delete this plan").click()
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
    downloaded = _events(Path(download.path()).read_bytes())
    blocks = len(downloaded)   # one event per block of back-to-back items
    assert 0 < blocks < items

    feed_url = page.locator("#f-feed").input_value()
    response = page.context.request.get(feed_url)  # as a calendar client would subscribe
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    # the feed follows the program: this week's events (the same as downloaded) and next week's
    served = {str(e["UID"]) for e in _events(response.body())}
    assert {str(e["UID"]) for e in downloaded} < served


def _slow_saves(page: Page, seconds: float) -> list[str]:
    """Answers to /save arrive `seconds` late, as from a busy server; returns the log of requests to /save
    and /plan ("POST /save", "aborted /save", ...)."""
    log: list[str] = []

    def slow(route) -> None:
        response = route.fetch()
        time.sleep(seconds)
        route.fulfill(response=response)

    def watched(url: str) -> str | None:
        path = url.split("127.0.0.1", 1)[-1].split("/", 1)[-1]
        return path if path in ("save", "plan") else None

    page.route("**/save", slow)
    page.on("request", lambda r: watched(r.url) and log.append(f"{r.method} /{watched(r.url)}"))
    page.on("requestfailed", lambda r: watched(r.url) and log.append(f"aborted /{watched(r.url)}"))
    return log


def test_saving_right_after_an_edit_stores_one_plan_and_opens_its_link(page: Page) -> None:
    plan_example_week(page)
    log = _slow_saves(page, 1.0)
    minutes = page.locator("input[name=run_tue_minutes]")
    minutes.fill("50")
    # the click moves focus off the field: its change re-plans 500 ms later, while the save is still running
    page.get_by_role("button", name="Save and get a link").click()
    expect(page).to_have_url(SAVED_URL)
    expect(page.locator("input[name=run_tue_minutes]")).to_have_value("50")
    assert log.count("POST /save") == 1 and "aborted /save" not in log, log


def test_a_double_click_on_save_stores_one_plan(page: Page) -> None:
    plan_example_week(page)
    log = _slow_saves(page, 0.5)
    page.get_by_role("button", name="Save and get a link").dblclick()
    expect(page).to_have_url(SAVED_URL)
    assert log.count("POST /save") == 1 and "aborted /save" not in log, log


def test_saving_confirms_and_the_private_link_copies_with_one_tap(page: Page) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    link = save_example_week(page)
    expect(page.locator(".notice")).to_contain_text("Saved")
    private = page.locator("#f-private")
    expect(private).to_have_value(link)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".copy-done")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_a_new_feed_address_is_confirmed_and_replaces_the_old_one(page: Page) -> None:
    save_example_week(page)
    old = page.locator("#f-feed").input_value()
    page.get_by_role("button", name="New feed address").click()
    expect(page.locator(".notice")).to_contain_text("new address")
    assert page.locator("#f-feed").input_value() != old
    assert page.request.get(old).status == 404


def test_a_week_planned_around_pain_says_why_it_downloads_for_one_week_only(page: Page) -> None:
    page.goto("/")
    page.locator("input[name=pain_during_run]").fill("4")
    page.get_by_role("button", name="Save and get a link").click()
    expect(page).to_have_url(SAVED_URL)
    expect(page.locator("#f-weeks option")).to_have_count(1)
    expect(page.locator("#calendar")).to_contain_text("One week only")
