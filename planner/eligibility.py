"""Which exercises a session may hold (R1, R4, R5, R8, R13, R15, equipment, health facts): pure filters
before the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.frames import DayFrame, hours_until_next_hard_run
from planner.memo import Memo
from planner.request import PlanRequest, minutes_of
from planner.rules import PainStatus, Rules

if TYPE_CHECKING:
    from planner.catalogue import Catalogue, Exercise

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
    # the pain status is cited where its cap binds: a caution week (level 1) is held by R1, not by AMBER's level 2
    if policy.max_level < request.level and (not caution or policy.max_level <= level):
        why.append(f"pain-{status.lower()}")
    return ExerciseLimits(level, flare, tuple(why))


def _static_refusal(ex: Exercise, request: PlanRequest, limits: ExerciseLimits) -> str | None:
    """What rules an exercise out for the whole week: level, flare, equipment, R1."""
    if ex.level > limits.max_level:
        return "level"
    if limits.flare_safe_only and not ex.flare_safe:
        return "flare"
    if ex.equipment and not set(ex.equipment) <= set(request.equipment):
        return "equipment"
    # R1: an item marked as unsuitable with a caution answer (e.g. straight-leg stretches with sciatica) or a
    # health fact (no foam-roller spinal work with osteoporosis, no pigeon with knee pain)
    if ex.avoid_with and set(ex.avoid_with) & {*request.screening.cautions, *request.health}:
        return "R1"
    return None


@dataclass(frozen=True, slots=True)
class _Moment:
    """What the day-dependent rules read about a session start on one day."""

    early: bool              # within the flexion gap after waking (R8)
    before_run: bool         # before the day's run (R5)
    before_hard_run: bool    # before the day's long or quality run (R15)
    next_day_hard: bool      # the day before a long or quality run (R4)
    hours_ahead: float | None   # real hours from the latest start to the next hard run (R4), when asked


def _day_refusal(ex: Exercise, at: _Moment) -> str | None:
    """What rules an exercise out on one day from a start time: R8, R15, R4, R5."""
    # R8: no flexion-biased items within 1–2 h of waking (Snook 1998).
    if ex.flexion and at.early:
        return "R8"
    # R15: no static hamstring stretching shortly before a long or quality run the same day
    if at.before_hard_run and ex.kind == "stretch" and ex.category == "hamstrings":
        return "R15"
    # R4: no level-3 lower-limb work the day before a long or quality run; Nordic-type items >= N h before.
    if ex.load_group == "lower_limb":
        if ex.level >= 3 and at.next_day_hard:
            return "R4"
        # R5/R15: run, then strength — loaded leg work comes after the day's run, never before it
        if ex.loaded and at.before_run:
            return "R5"
        if ex.hours_before_hard_run and at.hours_ahead is not None and at.hours_ahead < ex.hours_before_hard_run:
            return "R4"
    return None


def refusal(ex: Exercise, request: PlanRequest, limits: ExerciseLimits, frames: Sequence[DayFrame],
            day_index: int, start: int, rules: Rules) -> str | None:
    """Why an exercise may not be done on a day from a start time (a rule id, or "level", "flare",
    "equipment"), or None when it may."""
    return _static_refusal(ex, request, limits) or _day_refusal(
        ex, ExerciseFilter(None, request, limits, frames, rules).moment(day_index, start,
                                                                       bool(ex.hours_before_hard_run)))


def allowed(ex: Exercise, request: PlanRequest, limits: ExerciseLimits, frames: Sequence[DayFrame],
            day_index: int, start: int, rules: Rules) -> bool:
    """Whether an exercise may be done on a day from a start time: equipment, level, flare, R1, R4, R5, R8."""
    return refusal(ex, request, limits, frames, day_index, start, rules) is None


# The exercises of a category the whole week allows, by (catalogue, category, what its items can be ruled out
# by), with which day rules can refuse any of them (planner.memo): a week asks for each category on every day,
# and requests that differ in equipment or answers no item of the category reads share one entry (and one tuple).
_WEEK_ALLOWED: Memo[tuple[tuple[Exercise, ...], _Reads]] = Memo(10_000)
_CATEGORY_READS: Memo[tuple[frozenset[str], frozenset[str]]] = Memo(1_000)


def _week_allowed(catalogue: Catalogue, category: str, request: PlanRequest,
                  limits: ExerciseLimits) -> tuple[tuple[Exercise, ...], _Reads]:
    items = catalogue.in_category(category)
    equipment, avoid = _CATEGORY_READS.get((id(catalogue), category), catalogue, lambda: (
        frozenset(e for ex in items for e in ex.equipment), frozenset(a for ex in items for a in ex.avoid_with)))
    key = (id(catalogue), category, limits.max_level, limits.flare_safe_only,
           *sorted(e for e in request.equipment if e in equipment), "|",
           *sorted(a for a in (*request.screening.cautions, *request.health) if a in avoid))

    def make() -> tuple[tuple[Exercise, ...], _Reads]:
        found = tuple(ex for ex in items if _static_refusal(ex, request, limits) is None)
        return found, _Reads.of(found)
    return _WEEK_ALLOWED.get(key, catalogue, make)


@dataclass(frozen=True, slots=True)
class _Reads:
    """Which day rules can refuse any item of a list at all (so a day none of them applies to keeps it whole)."""

    flexion: bool            # R8
    hamstring_stretch: bool  # R15
    level3_legs: bool        # R4, the day before a hard run
    loaded_legs: bool        # R5, before the day's run
    most_hours: int          # R4, hours before a hard run

    @staticmethod
    def of(items: tuple[Exercise, ...]) -> _Reads:
        legs = [ex for ex in items if ex.load_group == "lower_limb"]
        return _Reads(any(ex.flexion for ex in items),
                      any(ex.kind == "stretch" and ex.category == "hamstrings" for ex in items),
                      any(ex.level >= 3 for ex in legs), any(ex.loaded for ex in legs),
                      max((ex.hours_before_hard_run for ex in legs), default=0))

    def may_refuse(self, at: _Moment) -> bool:
        """Whether any day rule (_day_refusal) can refuse an item of the list at this moment."""
        return ((self.flexion and at.early) or (self.hamstring_stretch and at.before_hard_run)
                or (self.level3_legs and at.next_day_hard) or (self.loaded_legs and at.before_run)
                or (at.hours_ahead is not None and at.hours_ahead < self.most_hours))


class ExerciseFilter:
    """`eligible` for one week: the wake time, and each category's week-wide list, read once."""

    def __init__(self, catalogue: Catalogue | None, request: PlanRequest, limits: ExerciseLimits,
                 frames: Sequence[DayFrame], rules: Rules) -> None:
        self.catalogue, self.request, self.limits, self.frames = catalogue, request, limits, frames
        self.flexion_from = minutes_of(request.wake_time) + rules.routine.flexion_after_waking
        self._week: dict[str, tuple[tuple[Exercise, ...], _Reads]] = {}
        self._ahead: dict[tuple[int, int], float | None] = {}

    def moment(self, day_index: int, start: int, hours: bool) -> _Moment:
        """The day rules' view of a session start (`hours`: also the real hours to the next hard run)."""
        frames = self.frames
        today = frames[day_index]
        before_run = today.run_start is not None and start < today.run_start
        return _Moment(start < self.flexion_from, before_run, before_run and today.hard,
                       day_index + 1 < 7 and frames[day_index + 1].hard,
                       self._hours_ahead(day_index, start) if hours else None)

    def _hours_ahead(self, day_index: int, start: int) -> float | None:
        # the session may start anywhere in the day's window: count from its latest possible start
        key = (day_index, start)
        if key not in self._ahead:
            self._ahead[key] = hours_until_next_hard_run(
                self.frames, day_index, start + self.frames[day_index].window_minutes, self.request.timezone)
        return self._ahead[key]

    def eligible(self, category: str, day_index: int, start: int) -> tuple[Exercise, ...]:
        """The exercises of a category allowed in a session on a day starting at `start`, in catalogue order.
        When no day rule applies, the week's own tuple (the same object from plan to plan)."""
        hit = self._week.get(category)
        if hit is None:
            assert self.catalogue is not None
            hit = self._week[category] = _week_allowed(self.catalogue, category, self.request, self.limits)
        week, reads = hit
        at = self.moment(day_index, start, reads.most_hours > 0)
        if not reads.may_refuse(at):
            return week     # no day rule refuses any of the week's items here
        kept = tuple(ex for ex in week if _day_refusal(ex, at) is None)
        return week if len(kept) == len(week) else kept


def eligible(catalogue: Catalogue, category: str, request: PlanRequest, limits: ExerciseLimits,
             frames: Sequence[DayFrame], day_index: int, start: int, rules: Rules) -> tuple[Exercise, ...]:
    """The exercises of a category allowed in a session on a day starting at `start`, in catalogue order
    (pure: the memo of the week-wide rules cannot change an answer). A week asking many: ExerciseFilter."""
    return ExerciseFilter(catalogue, request, limits, frames, rules).eligible(category, day_index, start)
