"""A new user's first visit, in a real browser: plan, change the week live, make mistakes, hit the limits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ask_for_an_impossible_week, day_column, plan_example_week

pytestmark = pytest.mark.browser


def test_a_new_user_plans_the_example_week_and_sees_seven_days(page: Page) -> None:
    page.goto("/")
    expect(page.locator("#plan .empty")).to_be_visible()
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page.locator("#plan article.item").first).to_be_visible()


def test_changing_a_run_updates_the_plan_without_loading_a_new_page(page: Page) -> None:
    plan_example_week(page)
    expect(day_column(page, "sat").locator("article[data-key=sat-run]")).to_have_count(0)
    page.evaluate("window.__marker = 1")

    page.locator("select[name=run_sat_kind]").select_option("long")  # a rest day shows no run fields until then
    page.locator("input[name=run_sat_minutes]").fill("60")

    saturday_run = day_column(page, "sat").locator("article.item[data-key=sat-run]")
    expect(saturday_run).to_be_visible()
    expect(saturday_run).to_contain_text("Long run")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"


def test_a_bad_value_shows_its_message_next_to_the_field_and_keeps_the_value(page: Page) -> None:
    plan_example_week(page)
    minutes = page.locator("input[name=run_tue_minutes]")
    minutes.fill("999")
    minutes.press("Tab")

    message = page.locator("#err-run_tue_minutes")
    expect(message).to_have_text(re.compile(r"\S"))
    expect(message).to_be_visible()
    expect(minutes).to_have_value("999")
    expect(minutes).to_have_attribute("aria-describedby", "err-run_tue_minutes")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    summary_link = page.locator("#plan .error-summary a", has_text="Tuesday run minutes")
    expect(summary_link).to_be_visible()
    summary_link.click()
    expect(minutes).to_be_focused()

    minutes.fill("40")
    minutes.press("Tab")
    expect(message).to_be_empty()
    expect(minutes).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)


def test_a_red_flag_answer_gives_urgent_advice_and_no_plan(page: Page) -> None:
    plan_example_week(page)
    page.locator("input[name=flags][value=saddle_numbness]").check()

    advice = page.locator("#plan .advice.advice-urgent")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("No training plan has been made.")
    expect(page.locator("ol.week")).to_have_count(0)


def test_an_impossible_week_offers_changes_and_one_click_replans_with_it(page: Page) -> None:
    ask_for_an_impossible_week(page)
    before = page.locator("#plan .infeasible").inner_text()
    button = page.locator("#plan button[name=relax]").first
    action = button.get_attribute("value") or ""
    kind, _, rest = action.partition(":")
    expected: dict[str, str] = {}
    if kind == "more_time":
        for part in rest.split(","):
            day, _, extra = part.partition(":")
            field = page.locator(f"input[name=avail_{day}_minutes]")
            expected[day] = str(min(240, int(field.input_value() or 0) + int(extra)))
    button.click()

    if kind == "more_time":
        for day, value in expected.items():
            expect(page.locator(f"input[name=avail_{day}_minutes]")).to_have_value(value)
    elif kind == "drop_weak_area":
        expect(page.locator(f"input[name=weak_areas][value={rest}]")).not_to_be_checked()
    elif kind == "drop_run":
        expect(page.locator(f"select[name=run_{rest}_kind]")).to_have_value("rest")
    else:
        pytest.fail(f"unexpected relaxation {action!r}")
    outcome = page.locator("#plan ol.week, #plan .infeasible")
    expect(outcome).to_have_count(1)
    if page.locator("#plan ol.week").count():
        expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    else:
        assert page.locator("#plan .infeasible").inner_text() != before


def test_none_of_these_answers_the_safety_questions_in_one_tap_and_clears_a_ticked_one(page: Page) -> None:
    plan_example_week(page)
    question = page.locator("input[name=flags][value=saddle_numbness]")
    question.check()
    expect(page.locator("#plan .advice.advice-urgent")).to_be_visible()
    page.get_by_label("None of these apply to me").check()
    expect(question).not_to_be_checked()
    expect(question).to_be_hidden()
    expect(page.locator("#plan ol.week > li.day")).to_have_count(7)
    expect(page.locator("#plan .unanswered")).to_have_count(0)


def test_a_folded_section_names_what_is_ticked_inside_it(page: Page) -> None:
    page.goto("/")
    summary = page.locator("#s-health > summary")
    expect(summary).to_contain_text("none ticked")
    summary.click()
    page.locator("input[name=health][value=knee_pain]").check()
    expect(summary).to_contain_text("Knee pain")
    summary.click()
    expect(page.locator("input[name=health][value=knee_pain]")).to_be_hidden()
    expect(summary).to_contain_text("Knee pain")
