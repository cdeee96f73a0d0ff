"""The DST test set: weeks across New York's 1 Nov 2026, Berlin's 28 Mar 2027 and Lord Howe's 30-minute
changes, with sessions asked for inside the spring-forward gap and the fall-back repeated hour. Every
event's start and end instants agree in icalendar, vobject and ical.js (JavaScript, under Node), match
the plan's local times, and end after they start."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ical_checks import block_count, check_calendar, unambiguous, vobject_components
from icalendar import Calendar

from planner.engine import make_plan
from planner.ical import build_calendar, publication
from planner.knowledge import default_knowledge
from planner.request import parse_request

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("instants.mjs")
STAMP = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
BASE = "dst.test"

# name → (zone, Monday, runs, spare-time windows); two weeks are exported, so each crosses its change
CASES = {
    # clocks go back 02:00 → 01:00 on Sunday 1 Nov: a window asked for 01:30 (happens twice)
    "new-york-fall-back": ("America/New_York", "2026-10-26",
                           [{"day": "sat", "kind": "easy", "minutes": 30, "start": "07:00"},
                            {"day": "sun", "kind": "long", "minutes": 60, "start": "09:00"}],
                           {"sun": {"minutes": 20, "start": "01:30"}, "tue": {"minutes": 20, "start": "18:30"}}),
    # a run asked for 01:30 on fall-back day (its warm-up and the run itself in the repeated hour)
    "new-york-run-at-01-30": ("America/New_York", "2026-10-26",
                              [{"day": "sun", "kind": "easy", "minutes": 30, "start": "01:30"}], {}),
    # clocks go forward 02:00 → 03:00 on Sunday 28 Mar: a run asked for 02:15 (does not exist)
    "berlin-spring-forward": ("Europe/Berlin", "2027-03-22",
                              [{"day": "tue", "kind": "easy", "minutes": 40, "start": "07:00"},
                               {"day": "sun", "kind": "easy", "minutes": 45, "start": "02:15"}],
                              {"thu": {"minutes": 20, "start": "19:00"}}),
    # ... and a back-care session asked for 02:15 that night
    "berlin-session-at-02-15": ("Europe/Berlin", "2027-03-22",
                                [{"day": "tue", "kind": "easy", "minutes": 40, "start": "07:00"}],
                                {"sun": {"minutes": 20, "start": "02:15"}}),
    # Lord Howe: 02:00 → 01:30 on Sunday 4 Apr 2027 (01:30–01:59 twice) ...
    "lord-howe-fall-back": ("Australia/Lord_Howe", "2027-03-29",
                            [{"day": "sun", "kind": "easy", "minutes": 30, "start": "01:40"}],
                            {"wed": {"minutes": 20, "start": "18:00"}}),
    # ... and 02:00 → 02:30 on Sunday 4 Oct 2026 (02:00–02:29 skipped)
    "lord-howe-spring-forward": ("Australia/Lord_Howe", "2026-09-28",
                                 [{"day": "sun", "kind": "easy", "minutes": 30, "start": "02:10"}],
                                 {"sun": {"minutes": 15, "start": "06:00"}}),
}


@functools.cache
def planned(name: str) -> dict:
    zone, monday, runs, available = CASES[name]
    knowledge = default_knowledge()
    evenings = {day: {"minutes": 25, "start": "19:00"} for day in ("mon", "wed", "fri")}
    request = parse_request({"week_start": monday, "timezone": zone, "wake_time": "00:00", "runs": runs,
                             "available": {**evenings, **available}, "weak_areas": ["core", "hamstrings"],
                             "equipment": ["band", "strap"]},
                            knowledge.vocabulary)
    plan = make_plan(request, knowledge).to_dict()
    assert plan["status"] in ("optimal", "feasible") and plan["pain_status"] == "GREEN"
    return plan


def exports(name: str) -> dict[str, bytes]:
    plan = planned(name)
    common = {"uid_base": BASE, "stamp": STAMP, "weeks": 2, "reminder_minutes": 15}
    return {"full": build_calendar(plan, site_url="https://b.example", **common),
            "busy": build_calendar(plan, busy_only=True, **common)}


def ical_js(paths: list[Path]) -> dict[str, list[dict]]:
    """{path: [{uid, start, end, sequence, status}]} as ical.js reads them (instants in UTC seconds)."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the second-language parser (make setup)"
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `npm ci` (make setup) to install ical.js"
    done = subprocess.run([node, str(SCRIPT), *map(str, paths)], capture_output=True, text=True, check=True,
                          cwd=ROOT, timeout=60)
    return json.loads(done.stdout)


def python_instants(ics: bytes) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """uid → (start, end) in UTC seconds, read by icalendar and by vobject (from the file's VTIMEZONE)."""
    ical = {str(e["UID"]): (e.start.timestamp(), e.end.timestamp()) for e in Calendar.from_ical(ics).events}
    vcal = next(vobject_components(ics))
    vobj = {e.uid.value: (e.dtstart.value.timestamp(), e.dtend.value.timestamp())
            for e in vcal.contents.get("vevent", [])}
    return ical, vobj


@pytest.fixture(scope="module")
def js_instants(tmp_path_factory) -> dict[tuple[str, str], dict[str, tuple[float, float]]]:
    folder = tmp_path_factory.mktemp("dst")
    paths = {}
    for name in CASES:
        for kind, ics in exports(name).items():
            path = folder / f"{name}-{kind}.ics"
            path.write_bytes(ics)
            paths[name, kind] = path
    read = ical_js(list(paths.values()))
    return {key: {e["uid"]: (e["start"], e["end"]) for e in read[str(path)]} for key, path in paths.items()}


@pytest.mark.parametrize("kind", ["full", "busy"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_event_starts_and_ends_at_the_same_instants_in_icalendar_vobject_and_ical_js(name, kind,
                                                                                           js_instants):
    ics = exports(name)[kind]
    plan = planned(name)
    check_calendar(ics, plan, 2, None if kind == "busy" else BASE)
    ical, vobj = python_instants(ics)
    js = js_instants[name, kind]
    assert len(ical) == 2 * block_count(plan) > 0
    assert ical == vobj == js
    assert all(end > start for start, end in ical.values())


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_instants_are_the_plans_local_times_and_none_is_in_a_skipped_or_repeated_hour(name):
    plan = planned(name)
    zone = ZoneInfo(plan["timezone"])
    ical, _ = python_instants(exports(name)["full"])
    for day in plan["days"]:
        for block in day["blocks"]:
            for week in (0, 1):
                date = dt.date.fromisoformat(day["date"]) + dt.timedelta(weeks=week)
                wall = dt.datetime.combine(date, dt.time.fromisoformat(block["start"]))
                assert all(unambiguous(wall + dt.timedelta(minutes=m), zone) for m in range(block["minutes"]))
                start = wall.replace(tzinfo=zone).timestamp()
                assert ical[f"{block['key']}-{date.isoformat()}@{BASE}"] == (start, start + 60 * block["minutes"])


@pytest.mark.parametrize(("name", "asked", "said"), [
    ("berlin-spring-forward", "02:15", "Your Sunday run moves from 02:15 to 03:08"),
    ("berlin-session-at-02-15", "02:15", "Your Sunday spare time moves from 02:15 to 03:00"),
    ("new-york-fall-back", "01:30", "Your Sunday spare time moves from 01:30 to 02:00"),
    ("new-york-run-at-01-30", "01:30", "Your Sunday run moves from 01:30 to 02:08"),
    ("lord-howe-fall-back", "01:40", "Your Sunday run moves from 01:40 to 02:08"),
    ("lord-howe-spring-forward", "02:10", "Your Sunday run moves from 02:10 to 02:38"),
])
def test_a_session_asked_for_in_a_dst_gap_or_fold_is_planned_after_it_and_the_plan_says_so(name, asked, said):
    plan = planned(name)
    assert any(notice.startswith(said) for notice in plan["notices"]), plan["notices"]
    sunday = next(d for d in plan["days"] if d["weekday"] == "sun")
    assert sunday["items"] and not [i for i in sunday["items"] if i["start"] == asked]


def test_a_cancelled_block_reads_as_cancelled_with_a_higher_sequence_in_all_three_parsers(tmp_path):
    plan = planned("berlin-spring-forward")
    first = publication(plan)
    fewer = json.loads(json.dumps(plan))
    tuesday = next(d for d in fewer["days"] if d["weekday"] == "tue")
    tuesday["items"], tuesday["blocks"] = [], []
    second = publication(fewer, previous=first)
    ics = build_calendar(fewer, uid_base=BASE, stamp=STAMP, published=second)
    path = tmp_path / "cancelled.ics"
    path.write_bytes(ics)
    js = {e["uid"]: e for e in ical_js([path])[str(path)]}
    uid = f"tue-run-2027-03-23@{BASE}"
    assert js[uid]["status"] == "CANCELLED" and js[uid]["sequence"] == 1
    event = next(e for e in Calendar.from_ical(ics).events if str(e["UID"]) == uid)
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    vevent = next(e for e in next(vobject_components(ics)).vevent_list if e.uid.value == uid)
    assert vevent.status.value == "CANCELLED"
    assert js[uid]["start"] == event.start.timestamp() == vevent.dtstart.value.timestamp()
    assert js[uid]["end"] > js[uid]["start"]
