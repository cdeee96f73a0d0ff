"""The program on the saved plan's page, with plain forms (no JavaScript) and with htmx: check in, see the
re-plan with what moved and why, Accept or Keep as it was, keep or move an item, read an earlier week."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from tests.program.test_simulated_runner import MONDAY, REQUEST
from tests.web.conftest import close_store, make_app


@pytest.fixture
def app(database_url):
    app = make_app(database_url, TODAY=(MONDAY - dt.timedelta(days=1)).isoformat())
    yield app
    close_store(app)


@pytest.fixture
def started(client, app):
    body = client.post("/api/v1/programs", json=REQUEST).json
    app.config["TODAY"] = MONDAY.isoformat()
    return body


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _page(client, token: str) -> str:
    response = client.get(f"/p/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _panel(html: str) -> str:
    start = html.index('<section class="program panel"')
    return html[start:html.index("</section>\n", html.index('class="progress-chart"'))]


def _run_checkin(csrf: str, pain: int) -> dict[str, str]:
    return {"csrf_token": csrf, "date": MONDAY.isoformat(), "item": "mon-run", "status": "done", "minutes": "30",
            "pain_during": str(pain)}


def _feed(client, started) -> bytes:
    return client.get(started["links"]["feed"].split("localhost", 1)[-1]).data


def test_every_item_of_the_week_up_to_today_has_a_one_tap_check_in(client, started):
    panel = _panel(_page(client, started["token"]))
    today_items = [i["key"] for d in started["week"]["days"] if d["date"] == MONDAY.isoformat() for i in d["items"]
                   if i["kind"] not in ("warm_up", "cool_down")]
    for key in today_items:
        block = panel.split(f'data-checkin="{key}"', 1)[1].split("</li>", 1)[0]
        assert 'value="done"' in block and 'value="skipped"' in block, key
    run = panel.split('data-checkin="mon-run"', 1)[1].split("</li>", 1)[0]
    assert 'name="minutes"' in run and 'name="pain_during"' in run


def test_without_javascript_a_painful_run_shows_the_re_plan_and_accept_publishes_it(client, started):
    token = started["token"]
    before = _feed(client, started)
    response = client.post(f"/p/{token}/checkin", data=_run_checkin(_csrf(_page(client, token)), 6))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/p/{token}#program")
    panel = _panel(_page(client, token))
    assert "The rest of the week, re-planned" in panel and "Pain status now RED" in panel
    assert "Accept" in panel and "Keep as it was" in panel
    assert _feed(client, started) == before, "nothing changes in the feed until the runner accepts"
    shown = client.get(f"/api/v1/programs/{token}").json
    assert shown["week"] == started["week"]
    accepted = client.post(f"/p/{token}/accept", data={"csrf_token": _csrf(_page(client, token))})
    assert accepted.status_code == 303
    after = client.get(f"/api/v1/programs/{token}").json
    assert after["week"]["pain_status"] == "RED" and after["revision"] > shown["revision"]
    assert _feed(client, started) != before
    sequences = [int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(_feed(client, started)).walk("VEVENT")]
    assert max(sequences) >= 1
    assert "The rest of the week, re-planned" not in _panel(_page(client, token))


def test_keep_as_it_was_leaves_the_published_week_and_the_feed(client, started):
    token = started["token"]
    before = _feed(client, started)
    client.post(f"/p/{token}/checkin", data=_run_checkin(_csrf(_page(client, token)), 6))
    kept = client.post(f"/p/{token}/keep", data={"csrf_token": _csrf(_page(client, token))})
    assert kept.status_code == 303
    assert client.get(f"/api/v1/programs/{token}").json["week"] == started["week"]
    assert _feed(client, started) == before
    assert "The rest of the week, re-planned" not in _panel(_page(client, token))
    assert len(client.get(f"/api/v1/programs/{token}").json["checkins"]) == 1, "the check-in itself is kept"


def test_with_htmx_a_check_in_answers_the_program_panel_alone(client, started):
    token = started["token"]
    response = client.post(f"/p/{token}/checkin", data=_run_checkin(_csrf(_page(client, token)), 6),
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith("<section class=\"program panel\"")
    assert "<html" not in body and "re-planned" in body


def test_an_accept_after_the_week_changed_re_makes_the_proposal_instead_of_overwriting(client, started, app):
    token = started["token"]
    csrf = _csrf(_page(client, token))
    client.post(f"/p/{token}/checkin", data=_run_checkin(csrf, 6))
    # another tab: a check-in through the API publishes a re-plan meanwhile
    client.post(f"/api/v1/programs/{token}/checkins", json={"checkins": [
        {"date": MONDAY.isoformat(), "item": "mon-run", "status": "done", "minutes": 30, "pain_during": 7}]})
    revision = client.get(f"/api/v1/programs/{token}").json["revision"]
    client.post(f"/p/{token}/checkin", data={**_run_checkin(csrf, 3), "next_morning": "usual"})
    stale = client.post(f"/p/{token}/accept", data={"csrf_token": csrf}, headers={"HX-Request": "true"})
    assert stale.status_code in (200, 409)
    assert client.get(f"/api/v1/programs/{token}").json["revision"] >= revision


def test_a_move_a_hard_rule_forbids_is_refused_in_plain_words(client, started):
    token = started["token"]
    run = next(i["key"] for d in started["week"]["days"][1:] for i in d["items"] if i["kind"] == "run")
    response = client.post(f"/p/{token}/items/{run}", data={"csrf_token": _csrf(_page(client, token)), "day": "mon"},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "cannot be moved" in body and "at most one run a day" in body
    assert client.post(f"/p/{token}/items/{run}", data={"csrf_token": _csrf(_page(client, token)), "day": "someday"},
                       headers={"HX-Request": "true"}).status_code == 422
    assert client.post(f"/p/{token}/items/nope-run", data={"csrf_token": _csrf(_page(client, token))}
                       ).status_code == 404


def test_keep_this_proposes_a_re_plan_that_holds_the_item(client, started):
    token = started["token"]
    key = next(i["key"] for d in started["week"]["days"][2:] for i in d["items"] if i["kind"] == "core")
    response = client.post(f"/p/{token}/items/{key}", data={"csrf_token": _csrf(_page(client, token))})
    assert response.status_code == 303
    panel = _panel(_page(client, token))
    assert "kept as it is" in panel or "re-planned" in panel


def test_a_bad_check_in_is_refused_naming_the_field(client, started):
    token = started["token"]
    data = {**_run_checkin(_csrf(_page(client, token)), 6), "pain_during": "eleven"}
    response = client.post(f"/p/{token}/checkin", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "pain during" in response.get_data(as_text=True)
    future = {**_run_checkin(_csrf(_page(client, token)), 2), "date": (MONDAY + dt.timedelta(days=2)).isoformat(),
              "item": "wed-run"}
    assert client.post(f"/p/{token}/checkin", data=future, headers={"HX-Request": "true"}).status_code == 422
    assert client.get(f"/api/v1/programs/{token}").json["checkins"] == []


def test_the_progress_chart_is_accessible_and_has_its_table(client, started):
    token = started["token"]
    client.post(f"/p/{token}/checkin", data={**_run_checkin(_csrf(_page(client, token)), 2), "next_morning": "usual"})
    panel = _panel(_page(client, token))
    assert 'role="img"' in panel and "<title" in panel and "<desc" in panel
    table = panel.split('<details class="chart-table">', 1)[1]
    assert "<table>" in table and "30 min, 2/10, as usual" in table
    assert " style=" not in panel and "<script" not in panel, "strict CSP: no inline style or script"


def test_a_new_week_is_planned_on_its_first_visit_and_the_last_one_stays_readable(client, started, app):
    token = started["token"]
    client.post(f"/p/{token}/checkin", data={**_run_checkin(_csrf(_page(client, token)), 1), "next_morning": "usual"})
    app.config["TODAY"] = (MONDAY + dt.timedelta(weeks=1, days=2)).isoformat()
    html = _page(client, token)
    nxt = (MONDAY + dt.timedelta(weeks=1)).isoformat()
    assert f"week of {nxt}" in html
    assert f'/p/{token}/weeks/{MONDAY.isoformat()}' in html
    earlier = client.get(f"/p/{token}/weeks/{MONDAY.isoformat()}")
    assert earlier.status_code == 200 and "earlier week" in earlier.get_data(as_text=True)
    assert client.get(f"/p/{token}/weeks/2020-01-06").status_code == 404


def test_a_check_in_that_says_stop_proposes_the_referral_in_words(client, started):
    token = started["token"]
    data = {**_run_checkin(_csrf(_page(client, token)), 8), "next_morning": "persists"}
    client.post(f"/p/{token}/checkin", data=data)
    panel = _panel(_page(client, token))
    referral = client.post(f"/api/v1/programs/{token}/checkins", json={"checkins": [
        {"date": MONDAY.isoformat(), "item": "mon-run", "status": "done", "minutes": 30, "pain_during": 8,
         "next_morning": "persists"}]}).json["week"]["referral"]
    assert referral["title"] in panel and "Accept" in panel


def test_next_week_planned_ahead_is_readable_before_monday(client, started):
    token = started["token"]
    nxt = (MONDAY + dt.timedelta(weeks=1)).isoformat()
    assert f"/p/{token}/weeks/{nxt}" in _page(client, token)
    ahead = client.get(f"/p/{token}/weeks/{nxt}")
    assert ahead.status_code == 200 and "planned ahead" in ahead.get_data(as_text=True)


def _edit(client, token: str, **changes: str):
    from tests.web.conftest import form_of
    form = form_of(_page(client, token))
    for name, value in changes.items():
        form.setlist(name, [value])
    return client.post(f"/p/{token}", data=form)


def test_an_edit_keeps_the_return_to_run_ladder_the_program_was_started_on(client, started):
    """Black-box finding: the edit form had no 'returning' field, so saving it unchanged left the ladder."""
    token = started["token"]
    assert 'id="f-returning" type="checkbox" name="returning" checked' in _page(client, token)
    assert _edit(client, token).status_code == 303
    week = client.get(f"/api/v1/programs/{token}").json["week"]
    runs = [i for d in week["days"] for i in d["items"] if i["kind"] == "run"]
    assert runs and all(i.get("intervals") for i in runs), "still return-to-run ladder sessions"
    assert week["ladder"] is not None


def test_an_edit_in_the_middle_of_the_week_keeps_the_days_already_done(client, started, app):
    """Black-box finding: an edit re-planned the whole week afresh, so Monday's done items vanished while their
    check-ins stayed in the log. The days before today stay as published; the rest follows the edit."""
    token = started["token"]
    client.post(f"/p/{token}/checkin", data=_run_checkin(_csrf(_page(client, token)), 1))
    app.config["TODAY"] = (MONDAY + dt.timedelta(days=2)).isoformat()
    published = client.get(f"/api/v1/programs/{token}").json["week"]
    monday = [(i["key"], i["start"], i["minutes"]) for i in published["days"][0]["items"]]
    assert monday, "the published Monday holds items"
    assert _edit(client, token, avail_mon_minutes="0", avail_thu_minutes="10").status_code == 303
    week = client.get(f"/api/v1/programs/{token}").json["week"]
    assert [(i["key"], i["start"], i["minutes"]) for i in week["days"][0]["items"]] == monday
    thursday = [i for i in week["days"][3]["items"] if i["kind"] not in ("run", "warm_up", "cool_down")]
    assert sum(i["minutes"] for i in thursday) <= 10, "the edit applies from today on"


def test_the_move_menu_offers_only_days_still_ahead_and_a_past_item_cannot_be_moved(client, started, app):
    """Black-box finding: the menu offered days already past, and moving a done item gave a vague refusal."""
    token = started["token"]
    app.config["TODAY"] = (MONDAY + dt.timedelta(days=2)).isoformat()
    panel = _panel(_page(client, token))
    menus = re.findall(r'<select name="day">(.*?)</select>', panel, flags=re.S)
    assert menus and all('value="mon"' not in m and 'value="tue"' not in m for m in menus)
    past = started["week"]["days"][0]["items"][-1]["key"]
    response = client.post(f"/p/{token}/items/{past}", data={"csrf_token": _csrf(_page(client, token)), "day": "fri"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Monday is already past" in response.get_data(as_text=True)


def test_an_accepted_move_still_holds_once_its_day_is_past_and_check_ins_go_on(client, app):
    """Review finding: every re-plan re-applies the stored moves, and once a moved run's new day had passed the
    re-plan refused it ("Saturday is already past"), so each later check-in answered 500."""
    raw = {**REQUEST, "returning": False, "history": {"longest_run_30d_minutes": 70, "last_week_run_minutes": 190}}
    body = client.post("/api/v1/programs", json=raw).json
    token = body["token"]
    app.config["TODAY"] = MONDAY.isoformat()
    moved = client.post(f"/p/{token}/items/fri-run", data={"csrf_token": _csrf(_page(client, token)), "day": "sat"})
    assert moved.status_code == 303
    assert client.post(f"/p/{token}/accept", data={"csrf_token": _csrf(_page(client, token))}).status_code == 303
    week = client.get(f"/api/v1/programs/{token}").json["week"]
    assert [d["weekday"] for d in week["days"] for i in d["items"] if i["kind"] == "run"].count("sat") == 1
    app.config["TODAY"] = (MONDAY + dt.timedelta(days=6)).isoformat()     # Sunday: Saturday is past
    answer = client.post(f"/api/v1/programs/{token}/checkins", json={"checkins": [
        {"date": (MONDAY + dt.timedelta(days=5)).isoformat(), "item": "sat-run", "status": "done", "minutes": 40,
         "pain_during": 1, "next_morning": "usual"}]})
    assert answer.status_code == 200, answer.json
    runs = {d["weekday"] for d in answer.json["week"]["days"] for i in d["items"] if i["kind"] == "run"}
    assert "sat" in runs and "fri" not in runs
    page = client.post(f"/p/{token}/checkin", data={"csrf_token": _csrf(_page(client, token)), "date":
                       (MONDAY + dt.timedelta(days=6)).isoformat(), "item": "sun-run", "status": "skipped"})
    assert page.status_code == 303


def test_the_check_in_list_calls_a_return_to_run_walk_a_walk(client, started):
    """Review finding: the check-in list said "Monday run" for the ladder's brisk walk."""
    assert started["week"]["ladder"]["level"] == "L0"
    walk = _panel(_page(client, started["token"])).split('data-checkin="mon-run"', 1)[1].split("</li>", 1)[0]
    assert "Monday brisk walk" in walk and "Minutes run" not in walk


def test_an_edit_on_monday_keeps_an_accepted_move(client, app):
    """Review finding: an edit on the week's Monday was planned afresh, so a move accepted that morning was lost."""
    raw = {**REQUEST, "returning": False, "history": {"longest_run_30d_minutes": 70, "last_week_run_minutes": 190}}
    token = client.post("/api/v1/programs", json=raw).json["token"]
    app.config["TODAY"] = MONDAY.isoformat()
    client.post(f"/p/{token}/items/fri-run", data={"csrf_token": _csrf(_page(client, token)), "day": "sat"})
    assert client.post(f"/p/{token}/accept", data={"csrf_token": _csrf(_page(client, token))}).status_code == 303
    assert _edit(client, token).status_code == 303
    runs = {d["weekday"] for d in client.get(f"/api/v1/programs/{token}").json["week"]["days"]
            for i in d["items"] if i["kind"] == "run"}
    assert "sat" in runs and "fri" not in runs
