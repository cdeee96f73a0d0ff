"""The same main journey with JavaScript off: plain forms and full pages (progressive enhancement)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, SAVED_URL

pytestmark = pytest.mark.browser


def test_without_javascript_a_user_can_plan_fix_a_mistake_and_save(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page).to_have_url(re.compile(r"/plan#result$"))  # the answer page opens at the plan, not at the top

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


def test_without_javascript_a_rest_day_shows_no_run_fields_and_a_run_day_does(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    for size in (PHONE, {"width": 1400, "height": 900}):
        page.set_viewport_size(size)
        page.goto("/")
        expect(page.locator("select[name=run_mon_kind]")).to_have_value("rest")
        expect(page.locator("input[name=run_mon_minutes]")).to_be_hidden()
        expect(page.locator("input[name=run_mon_start]")).to_be_hidden()
        expect(page.locator("input[name=avail_mon_minutes]")).to_be_visible()
        page.locator("select[name=run_mon_kind]").select_option("easy")
        expect(page.locator("input[name=run_mon_minutes]")).to_be_visible()
        expect(page.locator("input[name=run_mon_start]")).to_be_visible()


def test_without_javascript_none_of_these_folds_the_safety_questions_and_some_opens_them(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    question = page.locator("input[name=flags][value=saddle_numbness]")
    expect(question).to_be_visible()  # a first visit shows the questions, unanswered
    page.get_by_label("None of these apply to me").check()
    expect(question).to_be_hidden()
    page.get_by_label("One or more apply").check()
    expect(question).to_be_visible()
    question.check()
    page.get_by_label("None of these apply to me").check()
    expect(question).to_be_visible()  # a ticked question never folds out of sight
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan .advice.advice-urgent")).to_be_visible()


def test_without_javascript_delete_asks_once_more_before_it_deletes(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("button", name="Save and get a link").click()
    expect(page).to_have_url(SAVED_URL)
    link = page.url
    expect(page.get_by_role("button", name="Yes, delete this plan")).to_be_hidden()
    page.get_by_text("Delete this plan…").click()
    page.get_by_role("button", name="Yes, delete this plan").click()
    expect(page.locator(".notice")).to_contain_text("deleted")
    assert page.request.get(link).status == 404
