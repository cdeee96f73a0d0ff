"""Printing the planned week: the week with its doses, cues and the notices that matter, the form hidden, on as
few landscape pages as reads well."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import answer_safety_question, plan_example_week

pytestmark = pytest.mark.browser


def _pages(page: Page) -> int:
    pdf = page.pdf(landscape=True, prefer_css_page_size=True, print_background=True)
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_printing_hides_the_form_and_shows_the_week_with_figures_on_two_landscape_pages_at_most(page: Page) -> None:
    plan_example_week(page)
    page.emulate_media(media="print")

    expect(page.locator("#planner .inputs")).to_be_hidden()
    expect(page.locator("input[name=run_tue_minutes]")).to_be_hidden()
    expect(page.get_by_role("button", name="Plan my week")).to_be_hidden()
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#plan ol.week")).to_be_visible()
    expect(page.locator("#plan ol.week > li.day").nth(6)).to_be_visible()
    # issue 11: the printed week shows a figure, the dose and the cue of each exercise: two pages at most
    assert _pages(page) <= 2, "the printed example week takes more than two pages"


def test_a_printed_amber_week_keeps_doses_cues_and_why_runs_were_cut(page: Page) -> None:
    page.goto("/")
    page.locator("input[name=pain_during_run]").fill("4")
    page.get_by_role("button", name="Plan my week").click()
    expect(page.locator("#plan .badge")).to_contain_text("AMBER")
    dose = page.locator("#plan .exercises .dose").first.inner_text()
    first_cue = page.locator("#plan .how .cue").first.text_content() or ""
    page.emulate_media(media="print")

    expect(page.locator("#plan .notices")).to_be_visible()
    expect(page.locator("#plan .notices")).to_contain_text("AMBER")
    expect(page.locator("#plan .exercises .dose").first).to_have_text(dose)
    expect(page.locator("#plan .glossary")).to_be_visible()
    expect(page.locator("#plan .glossary")).to_contain_text(first_cue.strip())
    tuesday_run = page.locator("#plan article[data-block=tue-run]")
    expect(tuesday_run).to_contain_text("shorter")  # the reason the run was cut, though "why" is folded on paper
    expect(page.locator("#plan .caution").first).to_be_visible()
    assert _pages(page) <= 2


def test_printed_urgent_advice_keeps_the_advice(page: Page) -> None:
    page.goto("/")
    answer_safety_question(page, "saddle_numbness")
    expect(page.locator("#plan .advice.advice-urgent")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#plan .advice.advice-urgent")).to_be_visible()
    expect(page.locator("#plan .advice")).to_contain_text("No training plan has been made.")
