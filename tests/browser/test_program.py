"""The program on a phone (390×844, touch): a runner checks in a run with pain 6, sees the re-planned rest of
the week with the moved items named, accepts, and the feed then serves the new week; the same journey
without JavaScript. Takes the program page's screenshots (docs/screenshots/program-phone.png, -desktop.png)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Page, expect

from planner.knowledge import example_request
from planner.web import create_app
from tests.browser.conftest import ROOT, serving
from tests.browser.helpers import DESKTOP, PHONE
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"
MONDAY, TUESDAY = "2026-11-30", "2026-12-01"


@pytest.fixture(scope="module")
def program_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The app on a free port with today fixed at a Tuesday, so the week and its check-ins are known."""
    tmp = tmp_path_factory.mktemp("program")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/p.db", "SECRET_KEY": "test", "RATE_LIMIT": "10000/minute",
                      "WRITE_LIMIT": "10000/minute", "CALENDAR_LIMIT": "10000/minute", "QUIET_LOGS": True,
                      "SESSION_COOKIE_SECURE": False, "TODAY": TUESDAY})
    with serving(app) as url:
        yield url, app


def _start(app) -> dict[str, Any]:
    body = app.test_client().post("/api/v1/programs", json={**example_request(), "week_start": MONDAY}).json
    assert body["week"]["status"] in ("optimal", "feasible")
    return body


def _feed_events(app, started) -> dict[str, Any]:
    body = app.test_client().get(started["links"]["feed"].split("localhost", 1)[-1]).data
    return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _journey(page: Page, base: str, app, *, touch: bool) -> None:
    started = _start(app)
    before = _feed_events(app, started)
    page.goto(f"{base}/p/{started['token']}")
    run = page.locator('[data-checkin="tue-run"]')
    run.locator("select[name=pain_during]").select_option("6")
    done = run.get_by_role("button", name="Done", exact=True)
    box = done.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, "a thumb-sized target"
    done.tap() if touch else done.click()
    proposal = page.locator("#proposal")
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("re-planned")
    expect(proposal.locator(".changes")).to_contain_text("moved")
    expect(proposal.locator(".changes")).to_contain_text("Thursday run shortened")
    assert _feed_events(app, started).keys() == before.keys(), "the feed waits for Accept"
    accept = proposal.get_by_role("button", name="Accept")
    accept.tap() if touch else accept.click()
    expect(page.get_by_role("status").filter(has_text="now your week")).to_be_visible()
    expect(page.locator("#proposal")).to_have_count(0)

    week = app.test_client().get(f"/api/v1/programs/{started['token']}").json["week"]
    assert week["pain_status"] == "RED"
    after = _feed_events(app, started)
    for day in week["days"]:
        for item in day["items"]:
            if item["kind"] == "run":
                event = after[f"{item['key']}-{day['date']}"]
                assert f"{item['minutes']} min" in str(event["DESCRIPTION"]), "the feed serves the new week"
                assert int(event["SEQUENCE"]) > int(before[f"{item['key']}-{day['date']}"]["SEQUENCE"])


def test_on_a_phone_a_painful_run_re_plans_the_week_and_accept_updates_the_feed(browser, program_server):
    base, app = program_server
    page = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, locale="en-GB").new_page()
    _journey(page, base, app, touch=True)


def test_without_javascript_the_same_journey_works_with_plain_forms(browser, program_server):
    base, app = program_server
    page = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB").new_page()
    _journey(page, base, app, touch=False)


def test_screenshots_of_the_accessible_program_page_at_phone_and_desktop_size(browser, program_server, axe_source):
    base, app = program_server
    for size, name in ((PHONE, "program-phone.png"), (DESKTOP, "program-desktop.png")):
        started = _start(app)
        token = started["token"]
        # Monday's first two sessions, whichever the planner chose: one done, one skipped
        monday = [i["key"] for i in started["week"]["days"][0]["items"] if i["kind"] != "run"][:2]
        assert len(monday) == 2, "the example week has two sessions on Monday"
        answer = app.test_client().post(f"/api/v1/programs/{token}/checkins", json={"checkins": [
            {"date": MONDAY, "item": monday[0], "status": "done"},
            {"date": MONDAY, "item": monday[1], "status": "skipped"}]})
        assert answer.status_code < 300, answer.json
        context = browser.new_context(viewport=size, has_touch=size is PHONE, locale="en-GB")
        page = context.new_page()
        page.goto(f"{base}/p/{token}")
        page.locator('[data-checkin="tue-run"] select[name=pain_during]').select_option("6")
        page.locator('[data-checkin="tue-run"]').get_by_role("button", name="Done", exact=True).click()
        expect(page.locator("#proposal")).to_be_visible()
        found = serious_violations(page, axe_source)
        assert not found, f"axe on the program page at {size}: {found}"
        png = page.locator("#program").screenshot(animations="disabled")
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / name).write_bytes(png)
        assert png.startswith(b"\x89PNG")
        context.close()
