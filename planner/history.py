"""What the log tells (Contract 5, DOMAIN §2): pure functions of (request, log, today) → values with reasons.

`derive(request, log, today, rules)` is the one entry point: the history the caps need (longest run in the last
30 days, last week's and the week before's run minutes), the days since the last run, the pain inputs and
status from the latest run check-ins, and the skipped and partly done items. Each value says where it came
from: the log where it covers the period, the request's typed values where it does not (a runner with no log
plans exactly as before). Weeks run Monday–Sunday relative to the planned week's Monday; the history looks at
the days before that Monday only, so re-planning the same week later keeps the same caps, while the pain
status reads every run up to `today` (a RED check-in on Wednesday counts for Thursday).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.ladder_data import LogWindows, default_ladder
from planner.log import Checkin, Log, day_label, monday_of, since_program
from planner.log_pain import Source, pain_from_log
from planner.plan import item_words
from planner.request import History, Pain, PlanRequest
from planner.rules import PainStatus, Rules


@dataclass(frozen=True)
class Fact:
    """One derived number, where it came from, and the sentence the plan shows."""

    value: int | None
    reason: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class Derived:
    """Everything the log tells about the planned week (see `derive`)."""

    longest_run_30d: Fact
    last_week: Fact
    week_before: Fact
    days_since_last_run: Fact
    pain: Pain                       # the request's pain with the log's during / next morning / trend
    pain_status: PainStatus
    pain_source: Source
    pain_reasons: tuple[str, ...]
    skipped: dict[str, tuple[tuple[dt.date, str], ...]] = field(default_factory=dict)   # this_week/last_week
    partly: dict[str, tuple[tuple[dt.date, str], ...]] = field(default_factory=dict)

    @property
    def history(self) -> History:
        """The caps' inputs as the request's History model (values the log does not know stay None)."""
        return History(longest_run_30d_minutes=_clamp(self.longest_run_30d.value, 600),
                       last_week_run_minutes=_clamp(self.last_week.value, 2100),
                       week_before_last_run_minutes=_clamp(self.week_before.value, 2100))

    @property
    def reasons(self) -> tuple[str, ...]:
        """The sentences the plan shows, in reading order."""
        out = [self.longest_run_30d.reason, self.last_week.reason, self.week_before.reason,
               self.days_since_last_run.reason, *self.pain_reasons]
        for name, words in (("skipped", "Skipped"), ("partly", "Partly done")):
            for period, label in (("last_week", "last week"), ("this_week", "this week")):
                found = getattr(self, name).get(period, ())
                if found:
                    items = ", ".join(f"{item_words(k)} ({day_label(d)})" for d, k in found)
                    out.append(f"{words} {label}: {items}.")
        return tuple(out)

    def apply(self, request: PlanRequest) -> PlanRequest:
        """The request with its history and pain replaced by what the log tells (the engine plans from this)."""
        return request.model_copy(update={"history": self.history, "pain": self.pain})

    def to_dict(self) -> dict[str, Any]:
        """The plan's `history` field (Contract 6): each value with its source and reason."""
        def dated(groups: dict[str, tuple[tuple[dt.date, str], ...]]) -> dict[str, list[dict[str, str]]]:
            return {p: [{"date": d.isoformat(), "item": k} for d, k in groups.get(p, ())]
                    for p in ("last_week", "this_week")}
        return {
            "longest_run_30d_minutes": self.longest_run_30d.to_dict(),
            "last_week_run_minutes": self.last_week.to_dict(),
            "week_before_last_run_minutes": self.week_before.to_dict(),
            "days_since_last_run": self.days_since_last_run.to_dict(),
            "pain": {"status": self.pain_status, "source": self.pain_source,
                     "during_run": self.pain.during_run, "next_morning": self.pain.next_morning,
                     "trend": self.pain.trend, "reasons": list(self.pain_reasons)},
            "skipped": dated(self.skipped), "partly": dated(self.partly),
            "reasons": list(self.reasons),
        }


def _clamp(value: int | None, most: int) -> int | None:
    return None if value is None else min(value, most)


# --- history: minutes by period, longest run, days since the last run ----------------------------------------

def _period_fact(what: str, first: dt.date, last: dt.date, runs: list[Checkin], covered_from: dt.date | None,
                 typed: int | None, today: dt.date, longest: bool, told: list[Checkin] | None = None) -> Fact:
    """Sum (or longest) of logged run minutes in [first, last]; the log alone when it covers the whole period,
    the larger of log and typed value when the log began inside it, the typed value when it began after —
    or the runs told for the period before the program began, where they are more."""
    inside = [r for r in runs if first <= r.date <= last]
    so_far = " so far" if today < last else ""
    span = f"{day_label(first)}–{day_label(last)}"
    if covered_from is None or covered_from > last:
        before = [r for r in told or () if first <= r.date <= last]
        minutes = [r.minutes or 0 for r in before]
        value = max(minutes, default=0) if longest else sum(minutes)
        if before and (typed is None or value > typed):
            more = f", more than the {typed} min you typed" if typed is not None else ""
            return Fact(value, f"{what}: {value} min in the runs you logged for {span}{more}.", "log+request")
        if before and typed is not None:
            return Fact(typed, f"{what}: {typed} min, as you told us (the runs you logged for {span}, from before "
                               f"your program began, make {value} min).", "log+request")
        if typed is None:
            return Fact(None, f"{what}: not known (no log for {span}, none typed).", "none")
        return Fact(typed, f"{what}: {typed} min, as you told us (no log for {span}).", "request")
    if longest:
        best = max(inside, key=lambda r: (r.minutes or 0, r.date), default=None)
        value = (best.minutes or 0) if best else 0
        text = (f"{what}: {value} min on {day_label(best.date)}" if best
                else f"{what}: no run logged {span}")
    else:
        value = sum(r.minutes or 0 for r in inside)
        text = f"{what} ({span}): {value} min logged{so_far} in {len(inside)} run{'s' * (len(inside) != 1)}"
    if covered_from > first and typed is not None and typed > value:
        return Fact(typed, f"{text}; your log began {day_label(covered_from)}, so the {typed} min you told us "
                           f"counts.", "log+request")
    return Fact(value, text + ".", "log")


def _days_since(runs: list[Checkin], covered_from: dt.date | None, ref: dt.date, early: bool,
                typed_last_week: int | None, told: list[Checkin] | None = None) -> Fact:
    """Whole days without running between the last run and `ref` (the Sunday before the week, or today). A run
    told for a day before the program counts where the typed week does not say the runner ran since."""
    before = [r for r in runs if r.date <= ref]
    recent = [r for r in told or () if r.date <= ref]
    if not before and recent and (not typed_last_week or (ref - recent[-1].date).days < 7):
        before = recent
    if before:
        last = before[-1].date
        days = (ref - last).days
        until = f"up to today ({day_label(ref)})" if early else f"before {day_label(ref + dt.timedelta(days=1))}"
        if days == 0:
            return Fact(0, f"Last run {day_label(last)}: no day without running {until}.", "log")
        return Fact(days, f"Last run {day_label(last)}: {days} day{'s' * (days != 1)} without running {until}.",
                    "log")
    if covered_from is not None and covered_from <= ref:
        days = (ref - covered_from).days + 1
        return Fact(days, f"No run logged since your log began on {day_label(covered_from)}: "
                          f"at least {days} days without running.", "log")
    if typed_last_week == 0:
        return Fact(7, "You ran 0 min last week: at least 7 days without running.", "request")
    if covered_from is not None:     # the log began after `ref`: it tells nothing of the days before
        return Fact(None, f"Days without running before {day_label(ref + dt.timedelta(days=1))}: not known (your "
                          f"log began on {day_label(covered_from)}).", "none")
    return Fact(None, "Days since the last run: not known (no log yet).", "none")


def _items(checkins: list[Checkin], status: str, first: dt.date, last: dt.date) -> tuple[tuple[dt.date, str], ...]:
    return tuple((c.date, c.item) for c in checkins if c.status == status and first <= c.date <= last)


def derive(request: PlanRequest, log: Log, today: dt.date, rules: Rules,
           settings: LogWindows | None = None, log_from: dt.date | None = None) -> Derived:
    """What the log tells about the week of `request.week_start`, as of `today` (check-ins after it ignored).
    `request` is the runner's request as typed (its history and pain are the fallback), not `Derived.apply`'s
    result; `settings` (the window lengths) default to data/ladder.toml [log]; `log_from` is the program's
    first Monday when there is one (planner.log.since_program)."""
    settings = settings or default_ladder().log
    window_days, pain_recent_days = settings.window_days, settings.pain_recent_days
    monday = request.week_start
    effective, told = since_program([c for c in log.effective() if c.date <= today], log_from)
    runs = [c for c in effective if c.run]
    first = min((c.date for c in effective), default=None)
    covered_from = monday_of(first) if first else None   # a program starts on a Monday: the log speaks from it
    hist = request.history
    day = dt.timedelta(days=1)
    sunday = monday - day
    longest = _period_fact(f"Longest run in the last {window_days} days", monday - window_days * day, sunday,
                           runs, covered_from, hist.longest_run_30d_minutes, today, longest=True, told=told)
    last_week = _period_fact("Last week's running", monday - 7 * day, sunday, runs, covered_from,
                             hist.last_week_run_minutes, today, longest=False, told=told)
    week_before = _period_fact("The week before's running", monday - 14 * day, monday - 8 * day, runs,
                               covered_from, hist.week_before_last_run_minutes, today, longest=False, told=told)
    since = _days_since(runs, covered_from, min(today, sunday), today < sunday, hist.last_week_run_minutes, told)
    pain, status, source, pain_reasons = pain_from_log(request, runs, today, rules, pain_recent_days)
    week = (monday, monday + 6 * day)
    before = (monday - 7 * day, sunday)
    return Derived(
        longest, last_week, week_before, since, pain, status, source, pain_reasons,
        skipped={"last_week": _items(effective, "skipped", *before), "this_week": _items(effective, "skipped", *week)},
        partly={"last_week": _items(effective, "partly", *before), "this_week": _items(effective, "partly", *week)},
    )
