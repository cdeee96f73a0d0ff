"""Coaching rules as pure functions over data/rules.toml: pain status, run limits, budgets, eligibility.

Nothing here knows about the solver: these functions turn a request into numbers and allowed sets,
which the solver then combines. Each function cites the rule ids it applies (DOMAIN.md §2 and §4).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from planner.datafile import DataError, DataModel, load_toml_model
from planner.request import AREAS, DAY_NAMES, WEEKDAYS, PlanRequest, minutes_of

if TYPE_CHECKING:
    from planner.catalogue import Catalogue, Exercise

PainStatus = Literal["GREEN", "AMBER", "RED", "STOP"]


# --- schema of data/rules.toml --------------------------------------------------------------------------

class PainThresholds(DataModel):
    stop_at_rest_from: int = Field(ge=0, le=10)
    red_during_above: int = Field(ge=0, le=10)
    amber_during_from: int = Field(ge=0, le=10)
    green: PainPolicy
    amber: PainPolicy
    red: PainPolicy


class PainPolicy(DataModel):
    max_level: int = Field(ge=1, le=3)
    run_factor: float = Field(gt=0, le=1)
    quality_to_easy: bool
    flare_safe_only: bool
    weekly_hold: bool


class Caps(DataModel):
    single_run_factor: float = Field(gt=1, le=2)
    weekly_factor: float = Field(gt=1, le=2)
    two_week_factor: float = Field(gt=1, le=3)
    step_minutes: int = Field(ge=1, le=15)
    min_run_minutes: int = Field(ge=1, le=30)
    restart_week_minutes: int = Field(ge=0, le=600)


class Budget(DataModel):
    hard_day: int = Field(ge=0, le=240)
    easy_day: int = Field(ge=0, le=240)
    rest_day: int = Field(ge=0, le=240)
    weekly: int = Field(ge=0, le=1680)
    session_min: int = Field(ge=1, le=120)
    session_max: int = Field(ge=1, le=120)
    exercises_min: int = Field(ge=1, le=10)
    exercises_max: int = Field(ge=1, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.session_min > self.session_max:
            raise ValueError("session_min must not exceed session_max")
        if self.exercises_min > self.exercises_max:
            raise ValueError("exercises_min must not exceed exercises_max")
        return self


class Routine(DataModel):
    warm_up_minutes: int = Field(ge=0, le=30)
    cool_down_minutes: int = Field(ge=0, le=30)
    flexion_after_waking: int = Field(ge=0, le=600)
    weak_area_min_sessions: int = Field(ge=0, le=7)
    loaded_min_per_week: int = Field(ge=0, le=7)
    loaded_max_per_week: int = Field(ge=0, le=7)
    loaded_gap_days: int = Field(ge=1, le=7)
    loaded_gap_hours: int = Field(ge=0, le=168)
    max_running_days: int = Field(ge=0, le=7)
    max_loaded_days: int = Field(ge=0, le=7)
    core_min: int = Field(ge=0, le=7)
    core_max: int = Field(ge=0, le=7)
    tiring_core_gap_before_run: int = Field(ge=0, le=600)
    default_window_start: dt.time


class Targets(DataModel):
    weak: dict[Literal["core", "glutes", "hamstrings", "hip_mobility", "thoracic"], int]
    other: dict[Literal["core", "glutes", "hamstrings", "hip_mobility", "thoracic"], int]


class Weights(DataModel):
    volume_step: int = Field(ge=0)
    weak_area_short: int = Field(ge=0)
    other_area_short: int = Field(ge=0)
    core_above_max: int = Field(ge=0)
    loaded_short: int = Field(ge=0)
    strength_on_rest_day: int = Field(ge=0)
    strength_on_easy_day: int = Field(ge=0)
    tiring_core_before_run: int = Field(ge=0)
    stacked_session: int = Field(ge=0)


class SolverSettings(DataModel):
    linearization_level: int = Field(default=1, ge=0, le=2)
    max_time_seconds: float = Field(gt=0, le=60)
    max_deterministic_time: float = Field(gt=0, le=60)
    num_workers: int = Field(ge=1, le=8)
    random_seed: int = Field(ge=0)


class RuleText(DataModel):
    id: str
    kind: Literal["hard", "soft", "screen", "pain", "cap", "wish"]
    title: str
    text: str
    source: str


class Rules(DataModel):
    """The whole of data/rules.toml."""

    pain: PainThresholds
    caps: Caps
    budget: Budget
    routine: Routine
    targets: Targets
    weights: Weights
    solver: SolverSettings
    rule: tuple[RuleText, ...]

    @model_validator(mode="after")
    def _complete(self) -> Rules:
        for group in ("weak", "other"):
            missing = set(AREAS) - set(getattr(self.targets, group))
            if missing:
                raise ValueError(f"targets.{group} misses {', '.join(sorted(missing))}")
        ids = [r.id for r in self.rule]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return self

    def source(self, rule_id: str) -> str:
        """'R8 — title: source' for the plan's "why this?"."""
        for r in self.rule:
            if r.id == rule_id:
                return f"{r.title}. {r.text} Source: {r.source}"
        raise KeyError(rule_id)

    def policy(self, status: PainStatus) -> PainPolicy:
        return {"GREEN": self.pain.green, "AMBER": self.pain.amber}.get(status, self.pain.red)


PainThresholds.model_rebuild()


def load_rules(path: Path) -> Rules:
    """Load and validate data/rules.toml."""
    rules = load_toml_model(path, Rules)
    cited = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
             "R16", "pain-amber", "pain-red", "screen-1C", "wish"}
    missing = cited - {r.id for r in rules.rule}
    if missing:
        raise DataError(f"{path.name}: rule: missing entries for {', '.join(sorted(missing))}")
    return rules


# --- pain status (DOMAIN.md §2) -------------------------------------------------------------------------

@dataclass(frozen=True)
class PainAssessment:
    status: PainStatus
    reasons: tuple[str, ...]


def pain_status(request: PlanRequest, rules: Rules) -> PainAssessment:
    """GREEN/AMBER/RED/STOP from pain during runs, at rest, next morning and the trend (R13, §2 table)."""
    pain, t = request.pain, rules.pain
    if pain.at_rest >= t.stop_at_rest_from:
        return PainAssessment("STOP", (f"Pain {pain.at_rest}/10 at rest: no running this week; "
                                       "please see a clinician before planning training.",))
    if pain.limping:
        return PainAssessment("STOP", ("Limping because of the pain: no running this week; "
                                       "please see a clinician before planning training.",))
    red: list[str] = []
    if pain.during_run > t.red_during_above:
        red.append(f"pain {pain.during_run}/10 during runs")
    if pain.next_morning == "persists":
        red.append("pain not back to usual within 24 h")
    if pain.trend == "rising":
        red.append("pain rising over the last 3 runs")
    if red:
        red_policy = rules.policy("RED")
        return PainAssessment("RED", (f"RED: {'; '.join(red)}. Each run cut to at most "
                                      f"{_pct(red_policy.run_factor)} % and only flare-safe level-"
                                      f"{red_policy.max_level} exercises — reduce, don't rest.",))
    amber: list[str] = []
    if pain.during_run >= t.amber_during_from:
        amber.append(f"pain {pain.during_run}/10 during runs")
    if pain.next_morning == "settles_within_24h":
        amber.append("next-morning pain above usual that settles within 24 h")
    if amber:
        amber_policy = rules.policy("AMBER")
        return PainAssessment("AMBER", (f"AMBER: {'; '.join(amber)}. Volume held, quality runs made easy, "
                                        f"each run at most {_pct(amber_policy.run_factor)} % of what you asked, "
                                        f"exercises up to level {amber_policy.max_level}.",))
    return PainAssessment("GREEN", ("GREEN: pain is settled — you may progress within the caps.",))


# --- runs: planned kind and the most minutes allowed (R12, R13) -----------------------------------------

@dataclass(frozen=True)
class RunLimit:
    """One requested run after the pain and cap rules: its kind, and the most minutes it may have."""

    day: str
    requested_kind: str
    kind: str
    requested_minutes: int
    max_minutes: int
    reasons: tuple[str, ...]
    rules: tuple[str, ...]


def _floor_step(minutes: float, step: int) -> int:
    return int(math.floor(minutes / step + 1e-9)) * step


def _pct(factor: float) -> int:
    """A factor as a whole percentage for the reason texts (1.10 → 110)."""
    return round(factor * 100)


def run_limits(request: PlanRequest, status: PainStatus, rules: Rules, label: str | None = None) -> list[RunLimit]:
    """Per run: kind after pain rules, and max minutes from the pain factor and the single-run cap.
    `label` names why the policy applies in the reasons (default "<STATUS> pain")."""
    policy, caps = rules.policy(status), rules.caps
    label = label or f"{status} pain"
    limits: list[RunLimit] = []
    for run in sorted(request.runs, key=lambda r: WEEKDAYS.index(r.day)):
        reasons: list[str] = []
        rule_ids: list[str] = ["wish"]
        kind = run.kind
        if run.kind == "quality" and policy.quality_to_easy:
            kind = "easy"
            reasons.append(f"{label}: the quality session becomes an easy run (intensity is added last).")
            rule_ids += ["R13", f"pain-{status.lower()}"]
        most = run.minutes
        if policy.run_factor < 1:
            cut = _floor_step(run.minutes * policy.run_factor, caps.step_minutes)
            if max(cut, caps.min_run_minutes) < most:
                most = cut
                pct = round((1 - policy.run_factor) * 100)
                reasons.append(f"{label}: run held at least {pct} % shorter "
                               f"({run.minutes} → at most {max(most, caps.min_run_minutes)} min).")
                rule_ids += ["R13", f"pain-{status.lower()}"]
        longest = request.history.longest_run_30d_minutes
        if longest is not None:
            cap = _floor_step(longest * caps.single_run_factor, caps.step_minutes)
            if max(cap, caps.min_run_minutes) < most:
                most = cap
                reasons.append(f"No run above {_pct(caps.single_run_factor)} % of your longest run in 30 days "
                               f"({longest} min): "
                               f"at most {max(cap, caps.min_run_minutes)} min.")
                rule_ids.append("R12")
        most = max(most, caps.min_run_minutes)
        limits.append(RunLimit(run.day, run.kind, kind, run.minutes, most, tuple(reasons),
                               tuple(dict.fromkeys(rule_ids))))
    return limits


def weekly_run_cap(request: PlanRequest, status: PainStatus, rules: Rules,
                   label: str | None = None) -> tuple[int | None, str | None]:
    """The most running minutes this week from the weekly and two-week caps (R12), with the reason."""
    caps, hist = rules.caps, request.history
    label = label or f"{status} pain"
    best: tuple[int | None, str | None] = (None, None)

    def consider(value: int, why: str) -> None:
        nonlocal best
        if best[0] is None or value < best[0]:
            best = (value, why)

    if hist.last_week_run_minutes == 0:
        consider(caps.restart_week_minutes,
                 f"After a week without running, start back gently: at most {caps.restart_week_minutes} min "
                 f"of running this week.")
    elif hist.last_week_run_minutes is not None:
        if rules.policy(status).weekly_hold:
            consider(hist.last_week_run_minutes,
                     f"{label}: weekly running held at last week's {hist.last_week_run_minutes} min.")
        consider(int(hist.last_week_run_minutes * caps.weekly_factor + 1e-9),
                 f"Weekly running +{_pct(caps.weekly_factor) - 100} % at most over last week's "
                 f"{hist.last_week_run_minutes} min.")
    if hist.week_before_last_run_minutes:   # +30 % of nothing is no guide either (restart allowance above)
        consider(int(hist.week_before_last_run_minutes * caps.two_week_factor + 1e-9),
                 f"Never more than +{_pct(caps.two_week_factor) - 100} % over two weeks "
                 f"({hist.week_before_last_run_minutes} min two weeks ago).")
    return best


# --- days: type, time windows and budgets (R11) ---------------------------------------------------------

@dataclass(frozen=True)
class DayFrame:
    """One weekday as the solver sees it: its run, when extra sessions can start, and the minute budgets."""

    index: int
    day: str
    date: dt.date
    run_kind: str | None          # planned kind (after pain rules)
    run_start: int | None         # minutes after midnight
    run_end_max: int | None       # latest end of the run with the cool-down, at requested minutes
    window_start: int             # actual window start, or where a suggested one would go
    window_minutes: int           # the runner's spare minutes (0 = none)
    rule_budget: int              # R11 cap by day type

    @property
    def name(self) -> str:
        return DAY_NAMES[self.day]

    def instant(self, minutes: int, zone: ZoneInfo) -> dt.datetime:
        """The real (UTC) moment `minutes` after this day's local midnight; comparing these counts DST
        changes, which subtracting two datetimes of the same zone would not."""
        local = dt.datetime.combine(self.date, dt.time()) + dt.timedelta(minutes=minutes)
        return local.replace(tzinfo=zone).astimezone(dt.UTC)

    @property
    def hard(self) -> bool:
        return self.run_kind in ("long", "quality")


def suggested_window_start(request: PlanRequest, day: str, rules: Rules, minutes: int = 30) -> int:
    """Where extra time goes on a day without a window: the default evening time, moved clear of the run."""
    start = minutes_of(rules.routine.default_window_start)
    run = request.run_on(day)
    if run is not None:
        r_begin = minutes_of(run.start) - rules.routine.warm_up_minutes
        r_end = minutes_of(run.start) + run.minutes + rules.routine.cool_down_minutes
        if start < r_end and r_begin < start + minutes:
            start = r_end if r_end + minutes <= 24 * 60 else max(0, r_begin - minutes)
    return min(start, 24 * 60 - minutes)


def day_frames(request: PlanRequest, limits: list[RunLimit], rules: Rules) -> list[DayFrame]:
    """The seven days with their run kind, window and R11 budget."""
    kinds = {lim.day: lim.kind for lim in limits}
    frames: list[DayFrame] = []
    for i, day in enumerate(WEEKDAYS):
        run = request.run_on(day)
        kind = kinds.get(day)
        budget = rules.budget.rest_day if kind is None else (
            rules.budget.easy_day if kind == "easy" else rules.budget.hard_day)
        window = request.window_on(day)
        frames.append(DayFrame(
            index=i, day=day, date=request.date_of(day), run_kind=kind,
            run_start=minutes_of(run.start) if run else None,
            run_end_max=(minutes_of(run.start) + run.minutes + rules.routine.cool_down_minutes) if run else None,
            window_start=minutes_of(window.start) if window else suggested_window_start(request, day, rules),
            window_minutes=window.minutes if window else 0,
            rule_budget=budget,
        ))
    return frames


# --- which exercises a session may hold (R1, R4, R8, R13) -----------------------------------------------

@dataclass(frozen=True)
class ExerciseLimits:
    """The level cap and flare rule for the week, from pain status, screening and the runner's level."""

    max_level: int
    flare_safe_only: bool
    why: tuple[str, ...]


def exercise_limits(request: PlanRequest, status: PainStatus, caution: bool, rules: Rules) -> ExerciseLimits:
    """R1 (caution → level-1 flare-safe), R13 (pain caps), and the runner's own experience level."""
    policy = rules.policy(status)
    level = min(request.level, policy.max_level)
    flare = policy.flare_safe_only
    why: list[str] = []
    if caution:
        level, flare = 1, True
        why.append("screen-1C")
    if policy.max_level < request.level:
        why.append(f"pain-{status.lower()}")
    return ExerciseLimits(level, flare, tuple(why))


def hours_until_next_hard_run(frames: list[DayFrame], day_index: int, start: int,
                              timezone: str = "UTC") -> float | None:
    """Real hours (DST-aware, in the runner's zone) from a session start to the next long or quality run
    later this week (None if none)."""
    zone = ZoneInfo(timezone)
    begin = frames[day_index].instant(start, zone)
    for frame in frames[day_index:]:
        if frame.hard and frame.run_start is not None:
            gap = (frame.instant(frame.run_start, zone) - begin).total_seconds() / 3600
            if gap > 0:
                return gap
    return None


def allowed(ex: Exercise, request: PlanRequest, limits: ExerciseLimits, frames: list[DayFrame],
            day_index: int, start: int, rules: Rules) -> bool:
    """Whether an exercise may be done on a day from a start time: equipment, level, flare, R4, R8."""
    if ex.level > limits.max_level:
        return False
    if limits.flare_safe_only and not ex.flare_safe:
        return False
    if not set(ex.equipment) <= set(request.equipment):
        return False
    # R1: an item marked as unsuitable with a caution answer (e.g. straight-leg stretches with sciatica) or a
    # health fact (no foam-roller spinal work with osteoporosis, no pigeon with knee pain)
    if set(ex.avoid_with) & {*request.screening.cautions, *request.health}:
        return False
    # R8: no flexion-biased items within 1–2 h of waking (Snook 1998).
    if ex.flexion and start < minutes_of(request.wake_time) + rules.routine.flexion_after_waking:
        return False
    # R4: no level-3 lower-limb work the day before a long or quality run; Nordic-type items >= N h before.
    if ex.load_group == "lower_limb":
        if ex.level >= 3 and day_index + 1 < 7 and frames[day_index + 1].hard:
            return False
        # R5: on a long or quality day, loaded leg work comes after the run, never before it
        today = frames[day_index]
        if ex.loaded and today.hard and today.run_start is not None and start < today.run_start:
            return False
        if ex.hours_before_hard_run:
            # the session may start anywhere in the day's window: count from its latest possible start
            latest = start + frames[day_index].window_minutes
            hours = hours_until_next_hard_run(frames, day_index, latest, request.timezone)
            if hours is not None and hours < ex.hours_before_hard_run:
                return False
    return True


def eligible(catalogue: Catalogue, category: str, request: PlanRequest, limits: ExerciseLimits,
             frames: list[DayFrame], day_index: int, start: int, rules: Rules) -> list[Exercise]:
    """The exercises of a category allowed in a session on a day starting at `start`."""
    return [ex for ex in catalogue.in_category(category)
            if allowed(ex, request, limits, frames, day_index, start, rules)]
