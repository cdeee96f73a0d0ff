"""Property test: for random valid requests in random zones and weeks (DST weeks often), the planned week
exports a calendar that icalendar and vobject both read back event for event, whatever the user typed."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical_checks import block_count, check_calendar, has_week, items_of, unambiguous, unfolded_lines, vobject_calendar

from planner.engine import make_plan
from planner.ical import build_calendar
from planner.knowledge import default_knowledge
from planner.request import AREAS, RUN_KINDS, WEEKDAYS, RequestError, clock, parse_request

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
         "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo", "Europe/London")
FIRST_MONDAY = dt.date(2026, 1, 5)
WARM, COOL = 8, 6
# Pieces of names a user might type (the request allows any one-line text up to 80 characters)...
TYPED = [",", ";", "\\", "\\N", "\\n", ":", '"', "BEGIN:VEVENT", "END:VCALENDAR", " ", "Run", "week",
         "🏃\u200d♀️", "é", "日本語", "ß", "x" * 20]
# ...and what reaches build_calendar from elsewhere (a stored plan, a catalogue text): line breaks too.
RAW = [*TYPED, "\r\n", "\n", "\r", "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned\r\n", "\x00", "\t"]
STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


@cache
def dst_mondays(zone: str) -> tuple[dt.date, ...]:
    """Mondays of 2026–2028 weeks in which the zone changes its offset."""
    tz = ZoneInfo(zone)
    out = []
    day = FIRST_MONDAY
    while day.year < 2029:
        offsets = {dt.datetime.combine(day + dt.timedelta(days=d), dt.time(12), tz).utcoffset() for d in range(8)}
        if len(offsets) > 1:
            out.append(day)
        day += dt.timedelta(weeks=1)
    return tuple(out)


def texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=8).map("".join).map(lambda s: s[:80])


@st.composite
def requests(draw) -> dict:
    """A Contract 1 request that is valid by construction: runs fit the day with warm-up and cool-down,
    windows avoid the run and end by midnight."""
    zone = draw(st.sampled_from(ZONES))
    if dst_mondays(zone) and draw(st.booleans()):
        week_start = draw(st.sampled_from(dst_mondays(zone)))
    else:
        week_start = FIRST_MONDAY + dt.timedelta(weeks=draw(st.integers(0, 156)))
    run_days = draw(st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=4))
    runs, busy = [], {}
    for day in run_days:
        minutes = draw(st.integers(5, 120))
        start = draw(st.integers(WARM, 24 * 60 - COOL - minutes))
        runs.append({"day": day, "kind": draw(st.sampled_from(RUN_KINDS)), "minutes": minutes,
                     "start": clock(start)})
        busy[day] = (start - WARM, start + minutes + COOL)
    available = {}
    for day in WEEKDAYS:
        if not draw(st.integers(0, 5)):  # most days have some spare time
            continue
        minutes = draw(st.integers(10, 60))
        lo, hi = busy.get(day, (24 * 60, 24 * 60))
        # before the run (or anywhere on a day without one), or after it
        slots = [(0, lo - minutes)] if lo - minutes >= 0 else []
        if hi + minutes <= 24 * 60 and day in busy:
            slots.append((hi, 24 * 60 - minutes))
        if slots:
            first, last = draw(st.sampled_from(slots))
            available[day] = {"minutes": minutes, "start": clock(draw(st.integers(first, last)))}
    knowledge = default_knowledge()
    return {
        "week_start": week_start.isoformat(),
        "timezone": zone,
        "wake_time": "00:00",   # any time of day is fair game here (the wake-time rules are tested elsewhere)
        "runs": runs,
        "available": available,
        "weak_areas": draw(st.lists(st.sampled_from(AREAS), unique=True, max_size=3)),
        "pain": {"during_run": draw(st.integers(0, 5)), "at_rest": draw(st.integers(0, 3))},
        "equipment": draw(st.lists(st.sampled_from(sorted(knowledge.vocabulary.equipment_ids)), unique=True)),
        "level": draw(st.integers(1, 3)),
        "hamstring_twice_daily": draw(st.booleans()),
        "name": draw(texts(TYPED)),
        "reminder_minutes": draw(st.one_of(st.none(), st.integers(0, 240))),
    }


def expected_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


def readable(text) -> str:
    if type(text).__name__ == "vUnknown":  # icalendar 7.3 leaves NAME escaped when parsing
        text = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(text))
    return str(text).replace("\u2060", "")


@settings(max_examples=300, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=requests(), weeks=st.integers(1, 3), busy_only=st.booleans(),
       raw_name=st.one_of(st.none(), texts(RAW)), raw_reason=st.one_of(st.none(), texts(RAW)))
def test_every_planned_week_exports_a_calendar_both_parsers_read_event_for_event(
        data, weeks, busy_only, raw_name, raw_reason):
    knowledge = default_knowledge()
    request = parse_request(data, knowledge.vocabulary)  # the generator only makes valid requests
    plan = make_plan(request, knowledge).to_dict()
    items = items_of(plan)
    if raw_name is not None:  # what a stored plan or another caller might hand over
        plan["name"] = raw_name
    if raw_reason is not None and items:
        items[0][1]["reasons"].append(raw_reason)

    uid_base = "prop.test"
    ics = build_calendar(plan, uid_base=uid_base, stamp=STAMP, weeks=weeks, busy_only=busy_only,
                         reminder_minutes=request.reminder_minutes, site_url="https://x.example/a,b;c")
    cal = check_calendar(ics, plan, weeks, None if busy_only else uid_base)
    assert len(cal.events) == block_count(plan) * weeks
    zone = ZoneInfo(plan["timezone"])
    for date, it in items:   # the engine plans no item at a wall time the clocks skip or repeat
        midnight = dt.datetime.combine(date, dt.time())
        start = int(it["start"][:2]) * 60 + int(it["start"][3:])
        assert all(unambiguous(midnight + dt.timedelta(minutes=m), zone)
                   for m in range(start, start + it["minutes"])), (date, it["start"], it["minutes"])

    lines = ics.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == len(cal.events)
    assert not any(line.startswith(b"SUMMARY:pwned") for line in lines)
    name = readable(cal["NAME"])
    vname = readable(vobject_calendar(ics).contents["name"][0].value)
    if busy_only:
        assert name == vname == "Training"
        assert {str(e["SUMMARY"]) for e in cal.events} <= {"Busy"}
    else:
        assert name == vname == (expected_text(plan["name"]) or "Backstride week")
        if raw_reason is not None and items and has_week(plan):
            first = next(e for e in cal.events if str(e["UID"]).startswith(items[0][1]["key"].split("-")[0] + "-")
                         and f"Why: {expected_text(raw_reason)}\n" in readable(e["DESCRIPTION"]))
            assert first["SUMMARY"]
    alarms = ics.count(b"BEGIN:VALARM")
    assert alarms == (len(cal.events) if request.reminder_minutes else 0)
    if alarms:
        assert f"TRIGGER:-{_duration(request.reminder_minutes)}" in unfolded_lines(ics)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


def test_the_generator_gives_valid_requests_and_mostly_planned_weeks():
    """Every generated request passes validation, and most give a week with events (not just empty calendars)."""
    knowledge = default_knowledge()
    outcomes: list[str] = []

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(data=requests())
    def collect(data):
        try:
            request = parse_request(data, knowledge.vocabulary)
        except RequestError:
            outcomes.append("invalid")
            return
        outcomes.append(make_plan(request, knowledge).status)

    collect()
    assert len(outcomes) >= 50
    assert "invalid" not in outcomes
    assert sum(o in ("optimal", "feasible") for o in outcomes) / len(outcomes) >= 0.6, outcomes
