"""The calendar routes of a saved plan: .ics download, subscription feed, busy-only feed, feed rotation."""

from __future__ import annotations

import re

import icalendar
import vobject

from tests.web.conftest import form_of


def saved_link(client, form) -> str:
    response = client.post("/save", data=form)
    assert response.status_code == 303
    return response.headers["Location"]


def feed_path(html: str, element_id: str = "f-feed") -> str:
    url = re.search(rf'id="{element_id}"[^>]*value="([^"]+)"', html).group(1)
    return "/" + url.split("/", 3)[3]


def events(body: bytes) -> list:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def block_count(client, link: str) -> int:
    """Blocks of the saved plan (one calendar event each), as its JSON lists them."""
    from planner.web.storage import store
    with client.application.app_context():
        plan = store().get(link.rsplit("/", 1)[1]).plan
    return sum(len(day["blocks"]) for day in plan["days"])


def this_week(client, link: str, body: bytes) -> list:
    """The feed's events in the saved plan's own week (a program's feed holds the next week too)."""
    from planner.web.storage import store
    with client.application.app_context():
        monday = store().get(link.rsplit("/", 1)[1]).plan["week_start"]
    import datetime as dt
    first = dt.date.fromisoformat(monday)
    return [e for e in events(body) if first <= e["DTSTART"].dt.date() < first + dt.timedelta(weeks=1)]


def green(form):
    form["pain_during_run"], form["pain_next_morning"] = "1", "usual"
    return form


def test_the_download_holds_one_event_per_block_and_week_and_parses_twice(client, example_form):
    link = saved_link(client, green(example_form))
    items = block_count(client, link)
    response = client.get(f"{link}/week.ics?weeks=3")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(events(response.data)) == 3 * items
    assert len(list(vobject.readOne(response.data.decode()).vevent_list)) == 3 * items


def test_a_bad_number_of_weeks_is_a_clear_400(client, example_form):
    link = saved_link(client, example_form)
    for weeks in ("0", "13", "x"):
        response = client.get(f"{link}/week.ics?weeks={weeks}")
        assert response.status_code == 400
        assert "1 to 12" in response.get_data(as_text=True)


def test_the_feed_serves_the_current_plan_as_text_calendar(client, example_form):
    link = saved_link(client, example_form)
    html = client.get(link).get_data(as_text=True)
    assert "webcal://" in html
    response = client.get(feed_path(html))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert len(this_week(client, link, response.data)) == block_count(client, link)
    assert len(events(response.data)) > block_count(client, link), "the program's next week follows"


def test_re_exporting_an_unchanged_plan_keeps_every_uid(client, example_form):
    link = saved_link(client, example_form)
    first = {str(e["UID"]) for e in events(client.get(f"{link}/week.ics").data)}
    second = {str(e["UID"]) for e in events(client.get(f"{link}/week.ics").data)}
    assert first == second and len(first) > 5


def test_editing_one_run_bumps_only_the_changed_items_sequence(client, example_form):
    link = saved_link(client, example_form)
    before = {str(e["UID"]): e for e in events(client.get(f"{link}/week.ics").data)}
    edit = form_of(client.get(link).get_data(as_text=True))
    edit["run_sun_start"] = "09:30"     # the long run moves; other days keep their items
    assert client.post(link, data=edit).status_code == 303
    after = {str(e["UID"]): e for e in events(client.get(f"{link}/week.ics").data)}
    changed = {uid for uid in after if uid in before and after[uid].to_ical() != before[uid].to_ical()}
    bumped = {uid for uid in after if int(after[uid].get("SEQUENCE", 0)) > int(before.get(uid, {}).get("SEQUENCE", 0))}
    assert any("sun-run" in uid for uid in bumped)
    assert bumped <= changed | (set(after) - set(before))
    unchanged_mon = [uid for uid in after if uid.startswith("mon-") and uid in before]
    assert all(int(after[uid].get("SEQUENCE", 0)) == int(before[uid].get("SEQUENCE", 0)) for uid in unchanged_mon)


def test_rotating_the_feed_retires_the_old_address(client, example_form):
    link = saved_link(client, example_form)
    html = client.get(link).get_data(as_text=True)
    old = feed_path(html)
    token = form_of(html)["csrf_token"]
    assert client.post(f"{link}/feed", data={"csrf_token": token}).status_code == 303
    new = feed_path(client.get(link).get_data(as_text=True))
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_busy_only_feed_carries_no_health_details(client, example_form):
    link = saved_link(client, example_form)
    html = client.get(link).get_data(as_text=True)
    body = client.get(feed_path(html, "f-busy")).data.decode()
    for word in ("run", "Core", "pain", "Pain", "McGill", "DESCRIPTION", "backstride.test/p/"):
        assert word not in body.replace("X-WR-CALNAME", "").replace("PRODID", ""), word
    assert len(this_week(client, link, body.encode())) == block_count(client, link)


def test_a_week_planned_around_pain_is_exported_for_that_week_only(client, example_form):
    example_form["pain_during_run"] = "4"            # AMBER (the example the form opens with is GREEN)
    link = saved_link(client, example_form)
    assert 'value="2"' not in client.get(link).get_data(as_text=True).split('id="f-weeks"')[1].split("</select>")[0]
    response = client.get(f"{link}/week.ics?weeks=2")
    assert response.status_code == 400 and "plan again next week" in response.get_data(as_text=True)
    assert client.get(f"{link}/week.ics?weeks=1").status_code == 200


def test_a_several_week_download_plans_each_week_from_the_one_before_instead_of_copying_it(client, example_form):
    form = green(example_form)
    form["history_last_week"] = "0"               # back from a week off: the return-to-run ladder from the walk
    link = saved_link(client, form)
    body = client.get(f"{link}/week.ics?weeks=3").data
    text = icalendar.Calendar.from_ical(body)
    runs = sorted((e.decoded("dtstart"), str(e.get("description"))) for e in text.walk("VEVENT")
                  if "run" in str(e.get("summary")).lower() or "walk" in str(e.get("summary")).lower())
    described = " ".join(d for _, d in runs).replace("\n", " ")
    assert "ladder L0" in described and "ladder L1" in described, described[:400]
