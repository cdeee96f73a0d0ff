"""A calendar that follows a re-planned program: SEQUENCE rises when an event's time or content changes,
a removed block is published once as cancelled, and a later week never reuses an earlier week's UID."""

from __future__ import annotations

import copy
import datetime as dt
import json

from ical_checks import example_plan, vobject_components
from icalendar import Calendar

from planner.ical import Published, build_calendar, publication

STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
BASE = "prog.test"


def week(monday: str = "2026-11-30") -> dict:
    """The AMBER example week, moved to the week of `monday`."""
    plan = copy.deepcopy(example_plan("amber-half-marathoner"))
    shift = dt.date.fromisoformat(monday) - dt.date.fromisoformat(plan["week_start"])
    plan["week_start"] = monday
    for day in plan["days"]:
        day["date"] = (dt.date.fromisoformat(day["date"]) + shift).isoformat()
    return plan


def events(ics: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(ics).events}


def without(plan: dict, weekday: str, kind: str) -> dict:
    """The plan with the day's run block (kind 'run') or back-care blocks ('care') taken out."""
    plan = copy.deepcopy(plan)
    day = next(d for d in plan["days"] if d["weekday"] == weekday)
    gone = {k for b in day["blocks"] if b["kind"] == kind for k in b["items"]}
    day["items"] = [i for i in day["items"] if i["key"] not in gone]
    day["blocks"] = [b for b in day["blocks"] if b["kind"] != kind]
    return plan


def test_a_first_publication_starts_every_event_at_sequence_zero_and_cancels_nothing():
    record = publication(week())
    assert record and {p.sequence for p in record.values()} == {0}
    assert not [p for p in record.values() if p.cancelled]


def test_publishing_the_same_plan_again_keeps_every_sequence():
    first = publication(week())
    assert publication(week(), previous=first) == first


def test_moving_a_block_raises_its_sequence_and_only_its():
    first = publication(week())
    moved = week()
    tuesday = next(d for d in moved["days"] if d["weekday"] == "tue")
    care = next(b for b in tuesday["blocks"] if b["kind"] == "care")
    for it in tuesday["items"]:
        if it["key"] in care["items"]:
            it["start"] = f"{int(it['start'][:2]) + 1:02d}{it['start'][2:]}"
    care["start"] = f"{int(care['start'][:2]) + 1:02d}{care['start'][2:]}"
    second = publication(moved, previous=first)
    raised = {stem for stem in second if second[stem].sequence > first[stem].sequence}
    assert raised == {"tue-care-2026-12-01"}
    ics = build_calendar(moved, uid_base=BASE, stamp=STAMP, published=second)
    assert int(events(ics)[f"tue-care-2026-12-01@{BASE}"]["SEQUENCE"]) == 1


def test_changing_what_a_block_shows_raises_its_sequence():
    first = publication(week())
    changed = week()
    run = next(i for d in changed["days"] for i in d["items"] if i["key"] == "thu-run")
    run["reasons"].append("A new reason.")
    second = publication(changed, previous=first)
    assert second["thu-run-2026-12-03"].sequence == 1
    assert sum(p.sequence for p in second.values()) == 1


def test_a_removed_block_is_published_once_as_cancelled_with_a_higher_sequence():
    first = publication(week())
    fewer = without(week(), "tue", "run")
    second = publication(fewer, previous=first)
    gone = second["tue-run-2026-12-01"]
    assert gone.cancelled and gone.sequence == first["tue-run-2026-12-01"].sequence + 1
    ics = build_calendar(fewer, uid_base=BASE, stamp=STAMP, published=second, reminder_minutes=10)
    event = events(ics)[f"tue-run-2026-12-01@{BASE}"]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert event.start == first["tue-run-2026-12-01"].start and event.end > event.start
    assert not event.walk("VALARM")
    vevent = next(e for e in next(vobject_components(ics)).vevent_list if e.uid.value == event["UID"])
    assert vevent.status.value == "CANCELLED"
    # the next publication of the same plan announces it no more
    third = publication(fewer, previous=second)
    assert "tue-run-2026-12-01" not in third
    assert b"CANCELLED" not in build_calendar(fewer, uid_base=BASE, stamp=STAMP, published=third)


def test_a_busy_only_calendar_cancels_under_its_own_uid_and_says_nothing_but_busy():
    first = publication(week())
    second = publication(without(week(), "tue", "run"), previous=first)
    ics = build_calendar(without(week(), "tue", "run"), uid_base=BASE, stamp=STAMP, published=second,
                         busy_only=True)
    cancelled = [e for e in events(ics).values() if str(e.get("STATUS")) == "CANCELLED"]
    assert len(cancelled) == 1 and str(cancelled[0]["SUMMARY"]) == "Busy"
    assert "tue-run" not in str(cancelled[0]["UID"])


def test_a_block_that_comes_back_after_a_cancellation_goes_on_with_a_higher_sequence():
    first = publication(week())
    second = publication(without(week(), "tue", "run"), previous=first)
    third = publication(week(), previous=second)
    back = third["tue-run-2026-12-01"]
    assert not back.cancelled and back.sequence == second["tue-run-2026-12-01"].sequence + 1


def test_a_later_week_never_reuses_an_earlier_weeks_uid_and_a_past_week_is_not_cancelled():
    this, following = week("2026-11-30"), week("2026-12-07")
    both = publication(this, later=[following])
    assert len(both) == 2 * len(publication(this))
    ics = build_calendar(this, uid_base=BASE, stamp=STAMP, later=[following], published=both)
    uids = list(events(ics))
    assert len(uids) == len(set(uids)) == len(both)
    # a week on, the feed holds the next two weeks: last week's events leave without a cancellation
    after = publication(following, later=[week("2026-12-14")], previous=both)
    assert not [p for p in after.values() if p.cancelled]
    assert {p.sequence for p in after.values()} == {0}


def test_a_publication_record_survives_a_json_round_trip():
    record = publication(without(week(), "tue", "run"), previous=publication(week()))
    stored = json.loads(json.dumps({k: p.to_dict() for k, p in record.items()}))
    assert {k: Published.from_dict(v) for k, v in stored.items()} == record
