"""What every Backstride calendar must be, checked on the raw bytes and with two independent parsers.

Imported by the calendar tests as a plain module: tests/calendar has no __init__.py on purpose, because
pytest's default import mode would otherwise import the package as `calendar` and shadow the stdlib.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar

from planner.engine import make_plan
from planner.knowledge import default_knowledge
from planner.request import parse_request

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
UTC_NAMES = {"UTC", "Etc/UTC"}


@functools.cache
def example_plan(name: str) -> dict[str, Any]:
    """Contract 2 of data/examples/<name>.json, planned once per test session."""
    knowledge = default_knowledge()
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return make_plan(parse_request(data, knowledge.vocabulary), knowledge).to_dict()


def has_week(plan: dict[str, Any]) -> bool:
    return plan["status"] in ("optimal", "feasible")


CARE_KINDS = {"core", "glutes", "hamstrings", "hip_mobility", "thoracic"}


def _clock(text: str) -> int:
    hours, minutes = map(int, text.split(":"))
    return hours * 60 + minutes


def blocks_of(day: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(block key, start minute, minutes) of a day, grouped here independently of the planner: a run with
    the items touching it; back-care sessions that follow each other without a gap."""
    groups: list[list[dict[str, Any]]] = []
    for item in sorted(day["items"], key=lambda i: _clock(i["start"])):
        care = item["kind"] in CARE_KINDS
        if groups:
            last = groups[-1]
            end = _clock(last[-1]["start"]) + last[-1]["minutes"]
            if _clock(item["start"]) == end and care == (last[-1]["kind"] in CARE_KINDS):
                last.append(item)
                continue
        groups.append([item])
    out, cares = [], 0
    for group in groups:
        start = _clock(group[0]["start"])
        length = _clock(group[-1]["start"]) + group[-1]["minutes"] - start
        if any(i["kind"] == "run" for i in group):
            out.append((f"{day['weekday']}-run", start, length))
        else:
            cares += 1
            out.append((f"{day['weekday']}-care" + ("" if cares == 1 else f"-{cares}"), start, length))
    return out


def block_count(plan: dict[str, Any]) -> int:
    return sum(len(blocks_of(day)) for day in plan["days"]) if has_week(plan) else 0


def items_of(plan: dict[str, Any]) -> list[tuple[dt.date, dict[str, Any]]]:
    return [(dt.date.fromisoformat(day["date"]), item) for day in plan["days"] for item in day["items"]]


def clear_start(date: dt.date, start: int, length: int, zone: ZoneInfo) -> int:
    """The first start at or after `start` (or, failing that, before it) whose every wall minute exists
    exactly once: found minute by minute, independently of planner.localtime."""
    def clear(s: int) -> bool:
        midnight = dt.datetime.combine(date, dt.time())
        return all(unambiguous(midnight + dt.timedelta(minutes=m), zone) for m in range(s, s + max(length, 1)))
    for s in range(start, 24 * 60 - length + 1):
        if clear(s):
            return s
    return next(s for s in range(start, -1, -1) if clear(s))


def expected_events(plan: dict[str, Any], weeks: int, uid_base: str | None) -> list[tuple[Any, ...]]:
    """(UID or None, local start as a naive wall time, minutes) of every event (one per block) the plan
    should give; a block a repeated week puts on a DST change starts at the first clear minute."""
    out: list[tuple[Any, ...]] = []
    if not has_week(plan):
        return out
    zone = ZoneInfo(plan["timezone"])
    for week in range(weeks):
        for day in plan["days"]:
            date = dt.date.fromisoformat(day["date"]) + dt.timedelta(weeks=week)
            for key, start, minutes in blocks_of(day):
                start = clear_start(date, start, minutes, zone)
                wall = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=start)
                uid = f"{key}-{date.isoformat()}@{uid_base}" if uid_base else None
                out.append((uid, wall, minutes))
    return out


def _minutes(start: dt.datetime, end: dt.datetime) -> float:
    return (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 60


def unambiguous(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """True unless the wall time falls in a DST gap or fold (where clients may differ by the shift)."""
    return wall.replace(tzinfo=zone, fold=0).utcoffset() == wall.replace(tzinfo=zone, fold=1).utcoffset()


def unfolded_lines(ics: bytes) -> list[str]:
    return re.sub(rb"\r\n[ \t]", b"", ics).decode("utf-8").split("\r\n")


def check_raw(ics: bytes) -> None:
    """CRLF line endings only; no line longer than 75 octets; no fold splits a UTF-8 character."""
    assert isinstance(ics, bytes)
    assert ics.endswith(b"\r\n")
    assert b"\r" not in ics.replace(b"\r\n", b"") and b"\n" not in ics.replace(b"\r\n", b"")
    for line in ics.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole characters
    lines = unfolded_lines(ics)
    # vobject (dateutil) honours only the first onset of an RDATE list in a VTIMEZONE: write none
    assert not [line for line in lines if line.startswith("RDATE") and "," in line]
    begins = [line for line in lines if line.startswith(("BEGIN:", "END:"))]
    assert begins[0] == "BEGIN:VCALENDAR" and begins[-1] == "END:VCALENDAR"
    assert begins.count("BEGIN:VCALENDAR") == 1


def check_calendar(ics: bytes, plan: dict[str, Any], weeks: int = 1, uid_base: str | None = None) -> Calendar:
    """Assert the invariants with icalendar and with vobject; return the icalendar parse for more checks.

    With `uid_base`, each event is matched to its item by UID; without it (busy-only UIDs hide the key)
    the events' times are compared as a multiset.
    """
    check_raw(ics)
    zone = ZoneInfo(plan["timezone"])
    expected = expected_events(plan, weeks, uid_base)

    # 1. icalendar
    cal = Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in cal, "METHOD:PUBLISH needs an ORGANIZER (libical); a plain file has no METHOD"
    assert cal.get_missing_tzids() == set()
    vtimezones = {tz.tz_name for tz in cal.timezones}
    got = []
    for event in cal.events:
        start, end = event.start, event.end
        assert isinstance(start, dt.datetime) and start.tzinfo is not None, "floating or all-day start"
        assert isinstance(end, dt.datetime) and end.tzinfo is not None, "floating or all-day end"
        assert end.astimezone(dt.UTC) > start.astimezone(dt.UTC)
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            if tzid is None:  # only UTC ("Z") times may go without a zone
                assert event[name].to_ical().endswith(b"Z") and event[name].dt.utcoffset() == dt.timedelta(0)
            else:
                assert tzid == plan["timezone"] and tzid in vtimezones
        if "TZID" in event["DTSTART"].params:
            wall = start.replace(tzinfo=None)
            assert start.astimezone(dt.UTC) == wall.replace(tzinfo=zone).astimezone(dt.UTC)
        else:
            assert plan["timezone"] in UTC_NAMES, "a zoned plan writes its starts in its zone"
            wall = start.astimezone(zone).replace(tzinfo=None)
        got.append((str(event["UID"]) if uid_base else None, wall, _minutes(start, end)))
    _same_events(got, expected)
    assert len({str(e["UID"]) for e in cal.events}) == len(cal.events), "UIDs must be unique"

    # 2. the raw TZID parameters, independently of icalendar's own bookkeeping
    lines = unfolded_lines(ics)
    used = {m for line in lines for m in re.findall(r";TZID=([^;:]+)", line)}
    defined = {line.removeprefix("TZID:") for line in lines if line.startswith("TZID:")}
    assert used <= defined

    # 3. vobject
    components = list(vobject_components(ics))
    assert len(components) == 1 and components[0].name == "VCALENDAR"
    vcal = components[0]
    vevents = vcal.contents.get("vevent", [])
    got = []
    for event in vevents:
        start, end = event.dtstart, event.dtend
        assert isinstance(start.value, dt.datetime) and start.value.tzinfo is not None
        assert isinstance(end.value, dt.datetime) and end.value.tzinfo is not None
        # Read the written wall times with zoneinfo (vobject's own VTIMEZONE engine may place a time in
        # the DST gap or the repeated hour differently), and compare vobject's instants elsewhere.
        instants, walls = [], []
        for prop in (start, end):
            if "TZID" in prop.params or "X-VOBJ-ORIGINAL-TZID" in prop.params:
                wall = prop.value.replace(tzinfo=None)
                instants.append(wall.replace(tzinfo=zone))
                if unambiguous(wall, zone):
                    assert prop.value.astimezone(dt.UTC) == instants[-1].astimezone(dt.UTC), prop.value
            else:
                assert prop.value.utcoffset() == dt.timedelta(0)
                wall = prop.value.astimezone(zone).replace(tzinfo=None)
                instants.append(prop.value)
            walls.append(wall)
        assert instants[1].astimezone(dt.UTC) > instants[0].astimezone(dt.UTC)
        got.append((event.uid.value if uid_base else None, walls[0], _minutes(*instants)))
    _same_events(got, expected)
    for vtimezone in vcal.contents.get("vtimezone", []):
        check_vtimezone(vtimezone, (1975, 2000, 2037))
    return cal


def check_vtimezone(vtimezone, years) -> None:
    """No COMMENT (ruby's strict parser refuses one) and, read by vobject/dateutil, the zone's own offsets
    in January and July of each of `years`: the whole zone, not a cut-down piece under its IANA name."""
    tzid = vtimezone.tzid.value
    assert not [line for line in vtimezone.getChildren() if line.name == "COMMENT"]
    for part in vtimezone.getChildren():
        assert not [line for line in getattr(part, "getChildren", list)() if line.name == "COMMENT"]
    tzinfo = vtimezone.gettzinfo()
    zone = ZoneInfo(tzid)
    for year in years:
        for month in (1, 7):
            wall = dt.datetime(year, month, 15, 12)
            assert wall.replace(tzinfo=tzinfo).utcoffset() == wall.replace(tzinfo=zone).utcoffset(), (tzid, wall)


def _same_events(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    assert Counter(got) == Counter(expected)


def vobject_components(ics: bytes):
    """Parse like a client opening one file: vobject otherwise keeps the first VTIMEZONE it ever saw per
    TZID, process-wide, and would read this calendar's times with another calendar's zone rules."""
    registry = vobject.icalendar.__dict__["__tzidMap"]
    for tzid in [t for t in registry if t != "UTC"]:
        del registry[tzid]
    return vobject.readComponents(ics.decode("utf-8"))


def vobject_calendar(ics: bytes):
    return next(vobject_components(ics))
