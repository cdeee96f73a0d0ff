"""Plan (Contract 2 dict) → iCalendar bytes (RFC 5545 + RFC 7986), built with the `icalendar` library.

One VEVENT per block (`planner.plan.Block`: a run with its warm-up and cool-down, or a day's back-to-back
back-care sessions), for each of `weeks` consecutive weeks, written as concrete events rather than an
RRULE: concrete events import identically in Google, Apple and Outlook, and each can later differ.

- UIDs are ``{block key}-{date}@{uid_base}`` ("tue-run-2026-12-01@…"): the block and its day, never an
  export's week index, so re-planning a later week cannot reuse another week's UID. SEQUENCE comes from
  the caller: the store's per-block fingerprints (`block_fingerprints`) or a `publication` record, which
  also publishes removed blocks once as STATUS:CANCELLED with a higher SEQUENCE (RFC 5545 §3.8.7.4).
- Times carry the plan's IANA zone as TZID, backed by the zone's full VTIMEZONE (every rule icalendar
  generates, 1970 on), so a server that keeps one VTIMEZONE per TZID serves every calendar right. Each
  onset is its own RDATE line (vobject/dateutil read only the first of an RDATE list), and the VTIMEZONE
  holds no COMMENT (strict parsers refuse it). No block starts in a skipped or repeated hour: the engine
  moves requested times (`planner.localtime`), and a repeated week that lands on a DST change moves too.
- No METHOD: METHOD:PUBLISH would call for an ORGANIZER (libical's check), and a plain file is what a
  calendar subscription or import expects.
- Descriptions hold no private link (the page link edits the plan): exercises link their public pages.
- ``busy_only=True`` writes a calendar to share: every event is "Busy" with CLASS:PRIVATE, no description
  or categories, and UIDs that do not name the kind of session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone
from icalendar.prop import vDuration, vText

from planner.ical_events import (
    Occurrence,
    Published,
    block_fingerprints,
    covered_dates,
    end_after,
    item_fingerprint,
    occurrences,
    publication,
    zone_of,
)

__all__ = ["Occurrence", "Published", "block_fingerprints", "build_calendar", "description_of",
           "full_vtimezone", "item_fingerprint", "occurrences", "publication", "repeatable"]

PRODID = "-//Backstride//Backstride weekly routine//EN"
FORMAT = "blocks-2"   # changes whenever the same plan would be written differently (part of feed ETags)
DEFAULT_CALNAME = "Backstride week"
BUSY_CALNAME = "Training"
BUSY_SUMMARY = "Busy"
DISCLAIMER_LINE = "Exercise guidance, not a diagnosis."
MAX_WEEKS = 12
MAX_REMINDER_MINUTES = 240
TZ_FIRST = dt.date(1970, 1, 1)
TZ_LAST = dt.date(2038, 1, 1)

# C0 control characters (and DEL) other than tab and line breaks: not allowed in iCalendar TEXT.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_IN_URI = re.compile(r"[\x00-\x20\x7f]")


def build_calendar(plan: Mapping[str, Any], *, uid_base: str, stamp: dt.datetime,
                   reminder_minutes: int | None = None, weeks: int = 1,
                   sequences: Mapping[str, int] | None = None, published: Mapping[str, Published] | None = None,
                   site_url: str | None = None, busy_only: bool = False, calname: str | None = None,
                   refresh_hours: int = 12, later: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """The plan as an iCalendar file (bytes, CRLF line endings, folded lines): one event per block and date.

    `sequences` (stem → SEQUENCE; a repeated week takes its first week's) or `published` (a `publication`
    record, whose cancelled entries are written as cancelled events) give each event its SEQUENCE;
    `site_url` is the public site root that exercise links point to (`/exercises/<id>`); `later` adds the
    plans of the following weeks (a program's next week), each as planned."""
    _check(weeks, reminder_minutes, refresh_hours, uid_base, site_url, stamp)
    zone = zone_of(plan["timezone"])
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    sequences = sequences or {}

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    # The plan name is the runner's own text and may name a condition: a busy-only calendar leaves it out.
    name = _plain(calname or (BUSY_CALNAME if busy_only else plan.get("name") or DEFAULT_CALNAME))
    # vText explicitly: icalendar 7.3 types NAME and X-WR-CALNAME as "unknown" and would not escape them.
    cal.add("NAME", vText(name))
    cal.add("X-WR-CALNAME", vText(name))
    refresh = dt.timedelta(hours=refresh_hours)
    cal.add("REFRESH-INTERVAL", vDuration(refresh), parameters={"VALUE": "DURATION"})  # RFC 7986 §5.7
    cal.add("X-PUBLISHED-TTL", vDuration(refresh))  # the same hint for Outlook and older clients

    for occ in occurrences(plan, weeks, later):
        if published is not None:
            sequence = published[occ.stem].sequence if occ.stem in published else 0
        else:
            sequence = sequences.get(occ.stem, sequences.get(occ.first_stem, 0))
        event = _event(occ, uid_base, stamp, sequence, site_url, busy_only)
        if reminder_minutes:   # one reminder per block, not per item: 27 alarms a week would be noise
            text = BUSY_SUMMARY if busy_only else _plain(f"{occ.title} at {occ.start:%H:%M}")
            event.add_component(Alarm.new_display(description=text,
                                                  trigger=-dt.timedelta(minutes=reminder_minutes)))
        cal.add_component(event)
    for old in (published or {}).values():
        if old.cancelled:
            cal.add_component(_cancelled(old, zone, uid_base, stamp, busy_only))

    # A UTC plan's events use "Z" times and need no VTIMEZONE; a calendar without events still gets one,
    # as RFC 5545 asks for at least one component.
    last = max(dt.date.fromisoformat(d) for d in covered_dates(plan, weeks, later))
    for tzid in sorted(cal.get_missing_tzids()) or ([] if cal.events else [plan["timezone"]]):
        cal.add_component(full_vtimezone(tzid, last))
    return cal.to_ical()


def full_vtimezone(tzid: str, last_date: dt.date = TZ_LAST) -> Timezone:
    """Every rule of the zone as icalendar generates it, one RDATE line per onset and without COMMENT."""
    tz = Timezone.from_tzid(tzid, first_date=TZ_FIRST,
                            last_date=max(TZ_LAST, last_date + dt.timedelta(days=366)))
    tz.pop("COMMENT", None)
    for sub in tz.subcomponents:
        lists = sub.pop("RDATE", None)
        for dates in (lists if isinstance(lists, list) else [lists] if lists is not None else []):
            for onset in dates.dts:
                sub.add("RDATE", onset.dt)
    return tz


def repeatable(plan: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    """Whether the week may be exported over several weeks: only a GREEN week without a caution answer —
    pain guides each week anew (DOMAIN §2), so a week planned around pain is for that week only."""
    cautions = (request.get("screening") or {}).get("cautions") or []
    return plan.get("pain_status") == "GREEN" and not cautions


def description_of(occ: Occurrence, site_url: str | None = None) -> str:
    """The event body: the block in one line, then each part with its exercises, doses, cues and why."""
    block = occ.block
    head = f"{block.title}{', ' if block.run else ': '}{block.parts}" if block.parts else block.title
    paragraphs = [f"{head} · {occ.start:%H:%M}–{occ.end.astimezone(occ.start.tzinfo):%H:%M}"]
    if occ.moved:
        paragraphs.append(occ.moved)
    said: set[str] = set()   # a reason two parts share ("Rest day: gentle work only.") is said once
    for part, item in zip(block.items, occ.items, strict=True):
        lines = [f"{part.label} · {part.minutes} min" + _asked(item)]
        for ex in item.get("exercises", ()):
            lines.append(f"- {ex['name']}: {ex['dose']}")
            if ex.get("cue"):
                lines.append(f"  {ex['cue']}")
            lines += [f"  Caution: {c}" for c in ex.get("cautions", ())]
            if site_url:
                lines.append(f"  {site_url.rstrip('/')}/exercises/{ex['id']}")
        lines += [f"Why: {r}" for r in item.get("reasons", ()) if not (r in said or said.add(r))]
        paragraphs.append("\n".join(lines))
    paragraphs.append(DISCLAIMER_LINE)
    return "\n\n".join(paragraphs)


def _asked(item: Mapping[str, Any]) -> str:
    asked = item.get("requested_minutes")
    if item.get("kind") != "run" or asked is None or asked == item["minutes"]:
        return ""
    return f" (you asked for {asked})"


def _event(occ: Occurrence, uid_base: str, stamp: dt.datetime, sequence: int, site_url: str | None,
           busy_only: bool) -> Event:
    event = Event()
    event.add("UID", _uid(occ.stem, uid_base, busy_only))
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", int(sequence))
    event.add("DTSTART", occ.start)
    event.add("DTEND", occ.end)
    if busy_only:
        event.add("SUMMARY", BUSY_SUMMARY)
        event.add("CLASS", "PRIVATE")
    else:
        event.add("SUMMARY", _plain(occ.title))
        event.add("DESCRIPTION", _plain(description_of(occ, site_url)))
        event.add("CATEGORIES", [_plain("Run" if occ.block.run else "Back care")])
    event.add("TRANSP", "OPAQUE")
    return event


def _cancelled(old: Published, zone: ZoneInfo, uid_base: str, stamp: dt.datetime, busy_only: bool) -> Event:
    """A removed block, once more with a higher SEQUENCE and STATUS:CANCELLED, so a re-import removes it."""
    event = Event()
    event.add("UID", _uid(old.stem, uid_base, busy_only))
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", old.sequence)
    start = old.start.astimezone(zone)
    event.add("DTSTART", start)
    event.add("DTEND", end_after(start, int((old.end - old.start).total_seconds() // 60), zone))
    event.add("SUMMARY", BUSY_SUMMARY if busy_only else _plain(f"Cancelled: {old.title}"))
    event.add("STATUS", "CANCELLED")
    event.add("TRANSP", "TRANSPARENT")
    return event


def _uid(stem: str, uid_base: str, busy_only: bool) -> str:
    """`stem@uid_base`; busy-only: a stable hash that does not say which kind of session hides behind it."""
    if not busy_only:
        return f"{stem}@{uid_base}"
    digest = hashlib.sha256(f"busy\0{uid_base}\0{stem}".encode()).hexdigest()[:24]
    return f"busy-{digest}@{uid_base}"


def _check(weeks: int, reminder: int | None, refresh_hours: int, uid_base: str, site_url: str | None,
           stamp: dt.datetime) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}, not {weeks!r}")
    if reminder is not None and not 0 <= reminder <= MAX_REMINDER_MINUTES:
        raise ValueError(f"reminder_minutes must be 1–{MAX_REMINDER_MINUTES}, or 0/None for no reminder")
    if refresh_hours < 1:
        raise ValueError("refresh_hours must be at least 1")
    if not uid_base or _NOT_IN_URI.search(uid_base):
        raise ValueError("uid_base must be non-empty, without spaces or control characters")
    if site_url is not None and (not site_url or _NOT_IN_URI.search(site_url)):
        raise ValueError("site_url must be a URL without spaces or control characters")
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be a timezone-aware datetime")


def _plain(text: str) -> str:
    """Text as icalendar should escape it: no control characters, and a literal backslash-N kept literal.

    icalendar escapes commas, semicolons, backslashes and line breaks itself, but it takes the two
    characters ``\\N`` for a line break; an invisible word joiner (U+2060) between them keeps them as typed.
    """
    return _CONTROL.sub("", text).replace("\\N", "\\\u2060N")


