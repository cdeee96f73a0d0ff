"""Local wall-clock times around DST changes: which exist, which exist twice, and where to move a session.

Pure functions over (date, minutes after local midnight, IANA zone). A session planned at a wall time
that does not exist (the spring-forward gap) or exists twice (the autumn repeated hour) is read an hour
apart by different calendar clients, so the planner moves it to the first unambiguous time and says so.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Literal
from zoneinfo import ZoneInfo

Kind = Literal["ok", "gap", "fold"]
MINUTES_PER_DAY = 24 * 60
_MARGIN = dt.timedelta(hours=6)   # wider than any DST shift, so a change near midnight is still seen


@functools.cache
def zone_info(name: str) -> ZoneInfo:
    """The zone of an IANA name, kept: ZoneInfo itself keeps only the 8 zones used last (and a weak cache behind
    them), so a planner serving runners in many zones read and parsed their tz files again and again (a
    tenth of a millisecond a time, found by profiling the bench corpus). Raises as ZoneInfo does."""
    return ZoneInfo(name)


def check_local(date: dt.date, minutes: int, zone: str) -> Kind:
    """'gap' if this wall time is skipped on that date, 'fold' if it happens twice, else 'ok'."""
    tz = zone_info(zone)
    wall = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minutes)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "ok"
    # a time in the gap does not survive the round trip through UTC; one in the fold does
    back = first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return "fold" if back == wall else "gap"


@functools.lru_cache(maxsize=4096)
def shifts(date: dt.date, zone: str) -> tuple[tuple[int, int, Kind], ...]:
    """The wall-minute spans [begin, end) of this date that are skipped ('gap') or repeated ('fold')."""
    tz = zone_info(zone)
    # local midnight lies between UTC-14 h and UTC+12 h; a margin more on each side
    lo = dt.datetime.combine(date, dt.time()).replace(tzinfo=dt.UTC) - dt.timedelta(hours=14) - _MARGIN
    hi = lo + dt.timedelta(hours=14 + 24 + 12) + 2 * _MARGIN
    out: list[tuple[int, int, Kind]] = []
    midnight = dt.datetime.combine(date, dt.time())
    # walk the UTC span an hour at a time and bisect each change of offset to the minute
    step = dt.timedelta(hours=1)
    t = lo
    while t < hi:
        before, after = _offset(t, tz), _offset(t + step, tz)
        if before != after:
            a, b = t, t + step
            while b - a > dt.timedelta(minutes=1):
                mid = a + (b - a) / 2
                a, b = (mid, b) if _offset(mid, tz) == before else (a, mid)
            moment = b.replace(second=0, microsecond=0)
            wall_before = (moment + before).replace(tzinfo=None) - midnight
            wall_after = (moment + after).replace(tzinfo=None) - midnight
            begin, end = sorted((_minutes(wall_before), _minutes(wall_after)))
            kind: Kind = "gap" if after > before else "fold"
            if begin < MINUTES_PER_DAY and end > 0:
                out.append((max(begin, 0), min(end, MINUTES_PER_DAY), kind))
        t += step
    return tuple(out)


def safe_start(date: dt.date, minutes: int, length: int, zone: str, *, lead: int = 0,
               what: str = "This session") -> tuple[int, str | None]:
    """A start for `what` whose block (beginning `lead` minutes earlier, `length` wall minutes long) touches
    no skipped or repeated time on that date: the asked start if clear, else the first clear time after
    the change (or before it, when after would cross midnight); with a plain-words reason when it moved."""
    begin_at, first_hit = minutes - lead, None
    for _ in range(4):   # a day holds at most a couple of changes
        hit = next(((b, e, k) for b, e, k in shifts(date, zone)
                     if begin_at < e and b < begin_at + max(length, 1)), None)
        if hit is None:
            break
        first_hit = first_hit or hit
        begin, end, _kind = hit
        begin_at = end if end + length <= MINUTES_PER_DAY else max(0, begin - length)
    if first_hit is None:
        return minutes, None
    start = begin_at + lead
    begin, end, kind = first_hit
    day = f"{date:%A} {date.day} {date:%B}"
    hours = f"{_clock(begin)}–{_clock(end - 1)}"
    change = "forward" if kind == "gap" else "back"
    happens = "does not exist" if kind == "gap" else "happens twice"
    return start, (f"{what} moves from {_clock(minutes)} to {_clock(start)}: the clocks go {change} that night "
                   f"({day}, {zone}), so {hours} {happens}.")


def clear_of_clock_changes(request: Any, warm_up: int, cool_down: int) -> tuple[Any, tuple[str, ...]]:
    """The request with each run (with its warm-up and cool-down) and each spare-time window moved out of
    a skipped or repeated hour, and one sentence per move; the same request when nothing needs to move."""
    if steady_week(request.week_start, request.timezone):
        return request, ()      # most weeks: no clock change at all, nothing to check
    runs, windows, notes = [], dict(request.available), []
    for run in request.runs:
        date, asked = request.date_of(run.day), _of(run.start)
        start, why = safe_start(date, asked, warm_up + run.minutes + cool_down, request.timezone,
                                lead=warm_up, what=f"Your {date:%A} run")
        if why:
            run = run.model_copy(update={"start": _time(start)})
            notes.append(why)
        runs.append(run)
    for day, window in request.available.items():
        if window.minutes == 0:
            continue
        date, asked = request.date_of(day), _of(window.start)
        start, note = safe_start(date, asked, window.minutes, request.timezone, what=f"Your {date:%A} spare time")
        run = next((r for r in runs if r.day == day), None)
        if run is not None:
            begin, end = _of(run.start) - warm_up, _of(run.start) + run.minutes + cool_down
            if start < end and begin < start + window.minutes:   # a moved run or window now overlaps
                start = end if end + window.minutes <= MINUTES_PER_DAY else max(0, begin - window.minutes)
                start, _ = safe_start(date, start, window.minutes, request.timezone)
                note = (f"Your {date:%A} spare time moves from {_clock(asked)} to {_clock(start)}, to stay "
                        f"clear of the run and of the clock change that night.")
        if note:
            windows[day] = window.model_copy(update={"start": _time(start)})
            notes.append(note)
    if not notes:
        return request, ()
    return request.model_copy(update={"runs": runs, "available": windows}), tuple(notes)


def _of(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _offset(moment: dt.datetime, tz: ZoneInfo) -> dt.timedelta:
    return moment.astimezone(tz).utcoffset() or dt.timedelta(0)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@functools.lru_cache(maxsize=4096)
def steady_week(monday: dt.date, zone: str) -> bool:
    """True when the zone's UTC offset is the same over the whole week (from Monday 00:00 to the next Monday's
    24:00 local, wide enough for the runs and windows of the week): no clock change can touch it."""
    tz = zone_info(zone)
    first = dt.datetime.combine(monday, dt.time(), tzinfo=tz).utcoffset()
    hours = [dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(h), tzinfo=tz).utcoffset()
             for d in range(8) for h in (0, 12)]
    return all(h == first for h in hours)
