"""Injected markup and line breaks stay inert: escaped in pages, data in JSON, never in a header, and only
escaped text inside one property of a calendar."""

from __future__ import annotations

import json

import pytest
import vobject
from icalendar import Calendar

from planner.knowledge import example_request
from planner.web.storage import store
from tests.hardening.conftest import markup_of
from tests.web.conftest import error_of, form_of

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
CRLF = "x\r\nBEGIN:VEVENT\r\nSUMMARY:pwned"
# No control characters (the name refuses them), but everything iCalendar must escape, a literal \N,
# something that looks like a property, and markup.
ICS_NAME = ';,\\N\\ SUMMARY:x ' + XSS
CHECKBOXES = ("weak_areas", "equipment", "flags")
EXTRA_FIELDS = ("relax", "saved_token", "hamstring_twice_daily")
NO_CONTROL = "must be one line of text without control characters"


def form_fields(form) -> list[str]:
    return sorted({k for k in form if k != "csrf_token"} | set(CHECKBOXES) | set(EXTRA_FIELDS))


def with_payload(form, field: str, payload: str):
    form = form.copy()
    if field in CHECKBOXES:
        form.add(field, payload)  # a tampered checkbox value next to the real ones
    else:
        form[field] = payload
    return form


def assert_inert_html(html: str) -> None:
    assert "<script>alert" not in html and "<img" not in html
    found = markup_of(html)
    assert found.handlers == []
    assert all((a.get("src") or "").startswith("/static/") for a in found.scripts)
    assert not any(body.strip() for body in found.script_bodies)
    assert not [tag for tag, _ in found.tags if tag in ("img", "iframe", "object", "embed")]


def assert_clean_headers(response) -> None:
    for name, value in response.headers.items():
        assert "pwned" not in value and "BEGIN:VEVENT" not in value and "alert(" not in value, (name, value)
        assert "\r" not in value and "\n" not in value, (name, value)


# --- pages -----------------------------------------------------------------------------------------------

def test_the_payloads_reach_every_field_of_the_form(example_form):
    fields = form_fields(example_form)
    assert {"name", "timezone", "wake_time", "week_start", "level", "run_sun_start", "run_sun_minutes",
            "avail_mon_start", "pain_during_run", "reminder_minutes", "flags", "equipment"} <= set(fields)
    assert len(fields) >= 50


@pytest.mark.parametrize("payload", [XSS, CRLF], ids=["xss", "crlf"])
def test_a_payload_in_any_form_field_comes_back_escaped_in_the_page(client, example_form, payload):
    for field in form_fields(example_form):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post("/plan", data=with_payload(example_form, field, payload), headers=headers)
            html = response.get_data(as_text=True)
            assert response.status_code in (200, 422), (field, response.status_code)
            assert_inert_html(html)
            assert_clean_headers(response)
            if response.status_code == 422 and not headers:
                assert any(error_of(html, name) for name in (field, "form", "flags", "equipment", "weak_areas")), \
                    field


def test_markup_in_the_name_is_kept_as_text_in_the_page_and_the_saved_page(client, example_form):
    form = with_payload(example_form, "name", XSS)
    page = client.post("/plan", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert form_of(html)["name"] == XSS  # the browser sees exactly what was typed, as a value
    saved = client.post("/save", data=form)
    assert saved.status_code == 303
    reopened = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert_inert_html(reopened)
    assert form_of(reopened)["name"] == XSS


def test_a_line_break_in_the_name_is_refused_with_a_message_beside_it(client, example_form):
    for action in ("/plan", "/save"):
        response = client.post(action, data=with_payload(example_form, "name", CRLF))
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert error_of(html, "name") == NO_CONTROL
        assert 'value="x' in html  # kept for editing, as an attribute value (the line breaks are harmless there)
        assert_inert_html(html)
        assert_clean_headers(response)


def test_payloads_in_the_path_and_query_are_inert(client, saved_link):
    for path in (f"/p/{XSS}", "/p/x%0d%0aSet-Cookie:%20a=b", f"{saved_link}/week.ics?weeks=1%0d%0aX-Evil:%201",
                 f"{saved_link}/week.ics?weeks=%3Cscript%3E", "/f/%0d%0aBEGIN:VEVENT.ics"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert_inert_html(response.get_data(as_text=True))
        assert_clean_headers(response)
        assert "a=b" not in response.headers.get("Set-Cookie", "")


# --- the JSON API ----------------------------------------------------------------------------------------

API_PATHS = [
    ("name",), ("timezone",), ("week_start",), ("wake_time",), ("level",), ("reminder_minutes",),
    ("hamstring_twice_daily",), ("runs", 0, "day"), ("runs", 0, "kind"), ("runs", 0, "start"), ("runs", 0, "minutes"),
    ("available", "mon", "start"), ("available", "mon", "minutes"), ("pain", "during_run"), ("pain", "next_morning"),
    ("pain", "trend"), ("history", "longest_run_30d_minutes"), ("weak_areas", 0), ("equipment", 0),
    ("screening", "red_flags"), ("screening", "cautions"),
]


def _put(doc: dict, path: tuple, value) -> dict:
    node = doc
    for part in path[:-1]:
        node = node[part]
    if path[-1] in ("red_flags", "cautions"):
        node[path[-1]] = [value]
    else:
        node[path[-1]] = value
    return doc


def post_json(client, doc):
    response = client.post("/api/v1/plans", data=json.dumps(doc), content_type="application/json")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"\r" not in response.data  # a line break travels escaped (\r\n) inside a JSON string
    assert_clean_headers(response)
    return response, json.loads(response.data)


@pytest.mark.parametrize("payload", [XSS, CRLF], ids=["xss", "crlf"])
@pytest.mark.parametrize("path", API_PATHS, ids=[".".join(map(str, p)) for p in API_PATHS])
def test_a_payload_in_any_api_field_is_data_in_the_json_answer(client, path, payload):
    response, answer = post_json(client, _put(example_request(), path, payload))
    if path == ("name",) and payload == XSS:
        assert response.status_code == 200 and answer["name"] == XSS
        return
    assert response.status_code == 422, path
    dotted = ".".join(str(p) for p in path)
    assert any(key == dotted or key.startswith(f"{dotted}.") or dotted.startswith(f"{key}.")
               for key in answer["fields"]), answer
    if path == ("name",):
        assert answer["fields"]["name"] == NO_CONTROL


def test_a_payload_as_a_key_is_named_as_data(client):
    doc = example_request()
    doc[XSS] = 1
    doc["available"][CRLF] = {"minutes": 10}
    response, answer = post_json(client, doc)
    assert response.status_code == 422
    assert XSS in answer["fields"]
    assert f"available.{CRLF}.[key]" in answer["fields"]


# --- the calendar ----------------------------------------------------------------------------------------

def _unfolded_lines(body: bytes) -> list[str]:
    text = body.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends: nothing smuggled a bare line break
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def _property(line: str) -> str:
    return line.split(":", 1)[0].split(";", 1)[0].upper()


@pytest.fixture
def saved_with_payload(app, client, example_form):
    assert len(ICS_NAME) <= 80
    form = with_payload(example_form, "name", ICS_NAME)
    form["pain_during_run"], form["pain_next_morning"] = "1", "usual"   # GREEN: a week that may repeat
    response = client.post("/save", data=form)
    assert response.status_code == 303
    token = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        saved = store().get(token)
    items = sum(len(day["blocks"]) for day in saved.plan["days"])   # one calendar event per block
    assert items > 0 and saved.plan["name"] == ICS_NAME
    return {"token": token, "feed": saved.feed_token, "items": items}


@pytest.mark.parametrize("weeks", [1, 3])
def test_a_name_with_markup_and_ical_specials_stays_one_escaped_value_in_the_ics(client, saved_with_payload, weeks):
    response = client.get(f"/p/{saved_with_payload['token']}/week.ics?weeks={weeks}")
    assert response.status_code == 200
    assert_clean_headers(response)
    events = saved_with_payload["items"] * weeks
    check_calendar(response.data, events, ICS_NAME)


def test_the_feeds_carry_the_name_escaped_and_the_busy_feed_not_at_all(client, saved_with_payload):
    # a program's feed holds this week and the next, planned ahead
    ahead = client.get(f"/api/v1/programs/{saved_with_payload['token']}").json["next_week"]
    events = saved_with_payload["items"] + sum(len(day["blocks"]) for day in ahead["days"])
    feed = client.get(f"/f/{saved_with_payload['feed']}.ics")
    assert feed.status_code == 200
    check_calendar(feed.data, events, ICS_NAME)
    busy = client.get(f"/f/{saved_with_payload['feed']}/busy.ics")
    assert busy.status_code == 200
    check_calendar(busy.data, events, "Training")
    assert b"alert" not in busy.data and b"SUMMARY:x" not in busy.data


def check_calendar(body: bytes, events: int, name: str) -> None:
    calendar = Calendar.from_ical(body)
    assert len(calendar.walk("VEVENT")) == events
    # icalendar 7.3 reads NAME and X-WR-CALNAME as untyped (raw): they must hold the name escaped as TEXT
    # (RFC 5545 §3.3.11), a typed "\N" kept literal by an invisible word joiner (U+2060) after its backslash.
    wire = name.replace("\\N", "\\\u2060N").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    for prop in ("X-WR-CALNAME", "NAME"):
        assert calendar[prop].to_ical().decode() == wire
    lines = _unfolded_lines(body)
    names = [_property(line) for line in lines if line]
    assert names.count("SUMMARY") == events
    assert names.count("BEGIN") == names.count("END")
    assert sum(1 for line in lines if line == "BEGIN:VEVENT") == events
    carrying = [line for line in lines if "alert(1)" in line or "SUMMARY:x" in line]
    if name == ICS_NAME:
        assert sorted(_property(line) for line in carrying) == ["NAME", "X-WR-CALNAME"]
        for line in carrying:
            value = line.split(":", 1)[1]
            assert value.startswith("\\;\\,\\\\")  # ; , and \ escaped, as TEXT requires
            assert "\\N" not in value.replace("\\\\", "")  # the typed \N is no line-break escape
    else:
        assert carrying == []
    parsed = vobject.readOne(body.decode("utf-8"))  # a second, independent parser agrees
    assert len(parsed.contents.get("vevent", [])) == events
    assert parsed.contents["x-wr-calname"][0].value.replace("\u2060", "") == name
