"""The plan (Contract 2): Plan / Day / Item result objects, their summary and their JSON form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from planner.request import clock

Status = Literal["optimal", "feasible", "infeasible", "referred"]
PainStatus = Literal["GREEN", "AMBER", "RED", "STOP"]
# The session kinds in the order a day's sessions follow each other (R15: strength, then mobility).
SESSION_KINDS: tuple[str, ...] = ("core", "glutes", "hamstrings", "hip_mobility", "thoracic")
ITEM_KINDS: tuple[str, ...] = ("warm_up", "run", "cool_down", *SESSION_KINDS)
KIND_LABELS = {
    "run": "Run", "warm_up": "Warm-up", "cool_down": "Cool-down", "core": "Core",
    "glutes": "Glutes", "hamstrings": "Hamstrings", "hip_mobility": "Hip mobility", "thoracic": "Thoracic",
}


def run_label(run_kind: str | None, intervals: list | tuple | None) -> str:
    """A run item's title: 'Easy run', or for a return-to-run ladder session 'Brisk walk' (no running in it) or
    'Walk-run' (running and walking)."""
    if intervals:
        if not any(run for run, _ in intervals):
            return "Brisk walk"
        if any(walk for _, walk in intervals):
            return "Walk-run"
    return f"{(run_kind or 'easy').capitalize()} run"


def running_minutes(minutes: int, intervals: list | tuple | None) -> int:
    """The minutes of running in a run item: all of them, or a ladder session's running intervals only."""
    return sum(run for run, _ in intervals) if intervals else minutes


def item_words(key: str) -> str:
    """An item key in words, without its day: "thu-core" → "core session", "tue-run" → "run", "extra-run-2" →
    "extra run"."""
    if key.startswith("extra-run"):
        return "extra run"
    kind = key.split("-", 1)[1] if "-" in key else key
    if kind[-2:-1] == "-" and kind[-1].isdigit():
        kind = kind[:-2]        # a day's second block of one kind: "sat-core-2"
    label = KIND_LABELS.get(kind, kind.replace("_", " ")).lower()
    return label if kind in ("run", "warm_up", "cool_down") else f"{label} session"


DISCLAIMER = ("Exercise guidance, not a diagnosis or treatment. Shorten or stop a run, and stop any exercise, "
              "that brings pain above 5/10 or any leg symptoms; see a clinician if pain is not improving after "
              "4–6 weeks.")


@dataclass(frozen=True)
class ExerciseDose:
    """One exercise of a session, with the dose to do and how to do it."""

    id: str
    name: str
    dose: str
    minutes: int
    cue: str = ""
    cautions: tuple[str, ...] = ()
    effort: str = ""     # loaded items: how heavy ("a weight you could lift 3–4 more times")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "dose": self.dose, "minutes": self.minutes,
                "cue": self.cue, "cautions": list(self.cautions), "effort": self.effort}


@dataclass(frozen=True)
class Item:
    """One thing to do on a day: a run, its warm-up or cool-down, or an exercise session."""

    key: str            # stable identity inside a plan, e.g. "tue-run", "thu-core" (calendar UIDs use it)
    kind: str
    start: int          # minutes after local midnight
    minutes: int
    exercises: tuple[ExerciseDose, ...] = ()
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    run_kind: str | None = None
    requested_minutes: int | None = None
    requested_run_kind: str | None = None
    intervals: tuple[tuple[int, int], ...] | None = None   # a ladder session's (run, walk) minutes, in order

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def label(self) -> str:
        """Human title: 'Easy run', 'Brisk walk', 'Core', 'Warm-up'."""
        if self.kind == "run" and self.run_kind:
            return run_label(self.run_kind, self.intervals)
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def was_cut(self) -> bool:
        return self.requested_minutes is not None and self.requested_minutes != self.minutes

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "start": clock(self.start),
                               "minutes": self.minutes}
        if self.kind == "run":
            out["run_kind"] = self.run_kind
            out["requested_minutes"] = self.requested_minutes
            if self.requested_run_kind and self.requested_run_kind != self.run_kind:
                out["requested_run_kind"] = self.requested_run_kind
            if self.intervals:
                out["intervals"] = [list(pair) for pair in self.intervals]
        out["exercises"] = [e.to_dict() for e in self.exercises]
        out["reasons"] = list(self.reasons)
        out["rules"] = list(self.rules)
        return out


@dataclass(frozen=True)
class Block:
    """Back-to-back items shown and exported as one thing: a run with its warm-up and cool-down, or a day's
    back-care sessions at one time. The items inside keep their own reasons."""

    key: str            # "tue-run" for a run block, "tue-care" (then "tue-care-2") for back-care sessions
    kind: Literal["run", "care"]
    items: tuple[Item, ...]

    @property
    def start(self) -> int:
        return self.items[0].start

    @property
    def end(self) -> int:
        return self.items[-1].end

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def run(self) -> Item | None:
        return next((i for i in self.items if i.kind == "run"), None)

    @property
    def title(self) -> str:
        """'Easy run · 35 min' or 'Back care · 16 min'."""
        run = self.run
        if run is not None:
            return f"{run.label} · {run.minutes} min"
        return f"Back care · {sum(i.minutes for i in self.items)} min"

    @property
    def parts(self) -> str:
        """'with warm-up and cool-down' or 'core, hamstrings'."""
        if self.run is not None:
            extras = [KIND_LABELS[i.kind].lower() for i in self.items if i.kind != "run"]
            return ("with " + " and ".join(extras)) if extras else ""
        return ", ".join(KIND_LABELS[i.kind].lower() for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "start": clock(self.start), "minutes": self.minutes,
                "title": self.title, "items": [i.key for i in self.items]}


def group_blocks(weekday: str, items: tuple[Item, ...]) -> tuple[Block, ...]:
    """Items in time order → blocks: a run with the warm-up and cool-down touching it; back-care sessions
    that follow one another without a gap. A run block never absorbs a back-care session."""
    groups: list[list[Item]] = []
    for item in sorted(items, key=lambda i: i.start):
        care = item.kind in SESSION_KINDS
        if groups:
            last = groups[-1]
            last_care = all(i.kind in SESSION_KINDS for i in last)
            if item.start == last[-1].end and care == last_care:
                last.append(item)
                continue
        groups.append([item])
    blocks: list[Block] = []
    care_count = 0
    for group in groups:
        if any(i.kind == "run" for i in group):
            blocks.append(Block(f"{weekday}-run", "run", tuple(group)))
        else:
            care_count += 1
            suffix = "" if care_count == 1 else f"-{care_count}"
            blocks.append(Block(f"{weekday}-care{suffix}", "care", tuple(group)))
    return tuple(blocks)


@dataclass(frozen=True)
class Day:
    """One calendar day of the plan and its items in time order."""

    date: dt.date
    weekday: str
    items: tuple[Item, ...] = ()

    @property
    def extra_minutes(self) -> int:
        """Minutes of exercise sessions (not runs, warm-ups or cool-downs)."""
        return sum(i.minutes for i in self.items if i.kind in SESSION_KINDS)

    @property
    def run(self) -> Item | None:
        return next((i for i in self.items if i.kind == "run"), None)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return group_blocks(self.weekday, self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "weekday": self.weekday,
                "items": [i.to_dict() for i in self.items], "blocks": [b.to_dict() for b in self.blocks]}


@dataclass(frozen=True)
class Referral:
    """Why no plan was made: a red flag or STOP pain, with how urgently to see whom."""

    urgency: Literal["urgent", "soon"]
    title: str
    advice: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"urgency": self.urgency, "title": self.title, "message": self.advice,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Relaxation:
    """One concrete change to the request that removes a conflict; `action` is applied by `explain.relax`."""

    action: str         # e.g. "drop_run:tue", "more_time:sat:10", "drop_weak_area:hip_mobility"
    label: str          # "Allow 10 more minutes on Saturday"

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "label": self.label}


@dataclass(frozen=True)
class Explanation:
    """Why an infeasible week cannot be planned: the wishes that conflict, and what to relax."""

    conflicts: tuple[str, ...]
    relaxations: tuple[Relaxation, ...]
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"conflicts": list(self.conflicts), "relaxations": [r.to_dict() for r in self.relaxations],
                "rules": list(self.rules)}


@dataclass(frozen=True)
class Penalty:
    """A soft rule the plan does not fully meet, and what it cost in the objective."""

    rule: str
    label: str
    cost: int

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label, "cost": self.cost}


@dataclass(frozen=True)
class Change:
    """One difference between a re-planned week and the week as it was published (Contract 6)."""

    key: str
    change: Literal["moved", "shortened", "lengthened", "changed", "removed", "added"]
    before: str | None    # "Tue 19:00, 16 min" (None when added)
    after: str | None     # (None when removed)
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "change": self.change, "from": self.before, "to": self.after,
                "reason": self.reason}


@dataclass(frozen=True)
class Plan:
    """Contract 2: the planned week, or why there is none."""

    status: Status
    pain_status: PainStatus
    week_start: dt.date
    timezone: str
    days: tuple[Day, ...] = ()
    explanation: Explanation | None = None
    referral: Referral | None = None
    notices: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    penalties: tuple[Penalty, ...] = ()
    objective: int | None = None
    name: str = ""
    history: dict[str, Any] | None = None      # what the log tells, with reasons (Contract 6)
    ladder: dict[str, Any] | None = None       # the return-to-run ladder level, when on it
    changes: tuple[Change, ...] = ()           # re-plans: what moved since the published week, and why
    asked_run_minutes: int | None = None       # every run asked for, those not planned too (the summary says it)
    solve_ms: float = field(default=0.0, compare=False)   # time inside CP-SAT's solve (benchmarks; not in JSON)

    @property
    def has_week(self) -> bool:
        return self.status in ("optimal", "feasible")

    def items(self) -> list[tuple[Day, Item]]:
        """Every item of the week with its day, in time order."""
        return [(day, item) for day in self.days for item in day.items]

    def summary(self) -> dict[str, Any]:
        """Requested vs planned running and the number of sessions per kind."""
        runs = [item for _, item in self.items() if item.kind == "run"]
        sessions: dict[str, int] = {k: 0 for k in SESSION_KINDS}
        for _, item in self.items():
            if item.kind in sessions:
                sessions[item.kind] += 1
        return {
            "requested_run_minutes": (self.asked_run_minutes if self.asked_run_minutes is not None
                                      else sum(r.requested_minutes or 0 for r in runs)),
            "planned_run_minutes": sum(running_minutes(r.minutes, r.intervals) for r in runs),
            "sessions": sessions,
            "extra_minutes": sum(d.extra_minutes for d in self.days),
            "daily_extra_minutes": {d.weekday: d.extra_minutes for d in self.days},
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of Contract 2."""
        return {
            "status": self.status,
            "pain_status": self.pain_status,
            "week_start": self.week_start.isoformat(),
            "timezone": self.timezone,
            "name": self.name,
            "days": [d.to_dict() for d in self.days],
            "summary": self.summary() if self.has_week else None,
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "referral": self.referral.to_dict() if self.referral else None,
            "notices": list(self.notices),
            "sources": dict(self.sources),
            "penalties": [p.to_dict() for p in self.penalties],
            "objective": self.objective,
            "history": self.history,
            "ladder": self.ladder,
            "changes": [c.to_dict() for c in self.changes],
            "disclaimer": DISCLAIMER,
        }


def days_from_dict(days: list[dict[str, Any]]) -> tuple[Day, ...]:
    """The days of a Contract-2 plan back as Day objects (a published week, kept as it was)."""
    out = []
    for day in days:
        items = []
        for i in day.get("items", []):
            h, m = (int(x) for x in i["start"].split(":"))
            items.append(Item(
                key=i["key"], kind=i["kind"], start=h * 60 + m, minutes=i["minutes"],
                exercises=tuple(ExerciseDose(e["id"], e["name"], e["dose"], e["minutes"], e.get("cue", ""),
                                             tuple(e.get("cautions", [])), e.get("effort", ""))
                                for e in i.get("exercises", [])),
                reasons=tuple(i.get("reasons", [])), rules=tuple(i.get("rules", [])), run_kind=i.get("run_kind"),
                requested_minutes=i.get("requested_minutes"), requested_run_kind=i.get("requested_run_kind"),
                intervals=tuple(tuple(p) for p in i["intervals"]) if i.get("intervals") else None))
        out.append(Day(dt.date.fromisoformat(day["date"]), day["weekday"], tuple(items)))
    return tuple(out)
