"""Which events a calendar of a plan holds, and how they change from one publication to the next.

An event is a block (`planner.plan.Block`) on a date: its stem ``{block key}-{date}`` ("tue-run-2026-12-01")
is its identity, so a UID never depends on an export's week index. A `publication` record carries each
event's SEQUENCE and content hash from one publication to the next (RFC 5545 §3.8.7.4).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.localtime import safe_start, zone_info
from planner.plan import Block, Item, group_blocks

PLANNED = ("optimal", "feasible")


@dataclasses.dataclass(frozen=True)
class Occurrence:
    """One block on one date, as a calendar shows it."""

    stem: str                      # "tue-run-2026-12-01": the UID before the "@"
    block: Block
    items: tuple[Mapping[str, Any], ...]
    start: dt.datetime             # aware, in the plan's zone
    end: dt.datetime
    moved: str | None = None       # why the block is not at the plan's time (a repeated week on a DST change)
    first_stem: str = ""           # the same block's stem in the plan's own week (a repeated week's SEQUENCE)

    @property
    def title(self) -> str:
        return self.block.title


@dataclasses.dataclass(frozen=True)
class Published:
    """One event as last published: SEQUENCE, times, title and content hash; `cancelled` once removed."""

    stem: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    title: str
    fingerprint: str
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Published:
        return cls(**{**data, "start": dt.datetime.fromisoformat(data["start"]),
                      "end": dt.datetime.fromisoformat(data["end"])})


def occurrences(plan: Mapping[str, Any], weeks: int = 1,
                later: Sequence[Mapping[str, Any]] = ()) -> list[Occurrence]:
    """The plan's blocks on each date of `weeks` consecutive weeks, then those of each `later` week's own
    plan (a program's next week); none for a plan without a week."""
    if any(p["timezone"] != plan["timezone"] for p in later):
        raise ValueError("every week of one calendar must be planned in the same time zone")
    zone = zone_of(plan["timezone"])
    out: list[Occurrence] = []
    for source, repeats in ((plan, weeks), *((p, 1) for p in later)):
        if source.get("status") not in PLANNED:
            continue
        for week in range(repeats):
            for day in source.get("days", ()):
                date = dt.date.fromisoformat(day["date"]) + dt.timedelta(weeks=week)
                for block, items in _blocks(day):
                    begin, moved = safe_start(date, block.start, block.minutes, plan["timezone"],
                                              what="This block")
                    start = dt.datetime.combine(date, dt.time(begin // 60, begin % 60), tzinfo=zone)
                    out.append(Occurrence(f"{block.key}-{date.isoformat()}", block, items, start,
                                          end_after(start, block.minutes, zone), moved, f"{block.key}-{day['date']}"))
    return out


def covered_dates(plan: Mapping[str, Any], weeks: int, later: Sequence[Mapping[str, Any]]) -> set[str]:
    """ISO dates of every week a calendar of these plans covers, planned or not."""
    spans = [(plan, weeks), *((p, 1) for p in later)]
    return {(dt.date.fromisoformat(p["week_start"]) + dt.timedelta(days=d)).isoformat()
            for p, n in spans for d in range(7 * n)}


def block_fingerprints(plan: Mapping[str, Any]) -> dict[str, str]:
    """Stem → hash of what the calendar shows of that block (time included): a changed one gets SEQUENCE+1."""
    return {o.stem: _fingerprint(o) for o in occurrences(plan)}


def publication(plan: Mapping[str, Any], *, weeks: int = 1, later: Sequence[Mapping[str, Any]] = (),
                previous: Mapping[str, Published] | None = None) -> dict[str, Published]:
    """What a calendar of these plans publishes, after `previous`: SEQUENCE + 1 for an event whose time or
    content changed; each block of a covered week that disappeared, once more as cancelled with SEQUENCE
    + 1; an event already published as cancelled is left out, so a removal is announced once. Events of
    weeks the calendar no longer covers (a past week) are left out, not cancelled."""
    previous = previous or {}
    out: dict[str, Published] = {}
    for occ in occurrences(plan, weeks, later):
        old, print_ = previous.get(occ.stem), _fingerprint(occ)
        sequence = 0 if old is None else old.sequence + (old.fingerprint != print_ or old.cancelled)
        out[occ.stem] = Published(occ.stem, sequence, occ.start, occ.end, occ.title, print_)
    covered = covered_dates(plan, weeks, later)
    for stem, old in previous.items():
        if stem not in out and not old.cancelled and stem[-10:] in covered:
            out[stem] = dataclasses.replace(old, sequence=old.sequence + 1, cancelled=True)
    return out


def item_fingerprint(item: Mapping[str, Any]) -> str:
    """A stable hash of what a calendar shows of an item: kind, start, minutes, run kind and minutes asked
    for, exercises (with dose, cue and cautions) and reasons; not the rule ids, which no event shows."""
    visible = {
        "kind": item.get("kind"), "start": item.get("start"), "minutes": item.get("minutes"),
        "run_kind": item.get("run_kind"), "requested_minutes": item.get("requested_minutes"),
        "exercises": [{k: e.get(k) for k in ("id", "name", "dose", "minutes", "cue", "cautions")}
                      for e in item.get("exercises", ())],
        "reasons": list(item.get("reasons", ())),
    }
    return _digest(visible)


def _blocks(day: Mapping[str, Any]) -> list[tuple[Block, tuple[Mapping[str, Any], ...]]]:
    """The day's blocks with their items' dicts: as the plan lists them, or grouped as `Day.blocks` does."""
    by_key = {item["key"]: item for item in day.get("items", ())}
    objects = {key: Item(key, item["kind"], _clock_minutes(item["start"]), int(item["minutes"]),
                         run_kind=item.get("run_kind"), requested_minutes=item.get("requested_minutes"),
                         intervals=tuple(tuple(p) for p in item["intervals"]) if item.get("intervals") else None)
               for key, item in by_key.items()}
    if day.get("blocks"):
        blocks = [Block(b["key"], b["kind"], tuple(objects[k] for k in b["items"])) for b in day["blocks"]]
    else:
        blocks = list(group_blocks(day.get("weekday", "day"), tuple(objects.values())))
    return [(b, tuple(by_key[i.key] for i in b.items)) for b in blocks]


def _fingerprint(occ: Occurrence) -> str:
    return _digest({"start": occ.start.isoformat(), "end": occ.end.isoformat(), "title": occ.title,
                    "moved": occ.moved, "items": [item_fingerprint(i) for i in occ.items]})


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def end_after(start: dt.datetime, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """The end, `minutes` of real time after the start; in UTC when it falls in the second occurrence of
    a repeated hour, which a local time there cannot name."""
    end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(zone)
    if end.replace(fold=0).astimezone(dt.UTC) != end.astimezone(dt.UTC):
        return end.astimezone(dt.UTC)
    return end.replace(fold=0)


def _clock_minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes)


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError naming it."""
    try:
        return zone_info(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
