"""What the week model works on and what it answers, with no OR-Tools in sight: the instance (numbers and
allowed sets, already reduced by the rule modules), the candidate exercise sets of a session, and the
solution. `planner.solver` builds and solves the CP-SAT model of an instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from planner.catalogue import Exercise
from planner.context import Reference
from planner.eligibility import ExerciseLimits
from planner.frames import DayFrame
from planner.memo import Memo
from planner.request import PlanRequest
from planner.rules import Rules
from planner.volume import RunLimit

AREA_LABELS = {"core": "core", "glutes": "glutes", "hamstrings": "hamstrings", "hip_mobility": "hip mobility",
               "thoracic": "thoracic spine"}
LOAD_GROUPS: tuple[str, ...] = ("core", "lower_limb")


@dataclass(frozen=True)
class WeekInstance:
    """Everything the model needs, already reduced to numbers and allowed sets by planner.rules."""

    request: PlanRequest
    rules: Rules
    frames: tuple[DayFrame, ...]
    runs: tuple[RunLimit, ...]
    weekly_cap: int | None
    weekly_why: str | None   # the reason for weekly_cap, as the plan states it
    limits: ExerciseLimits
    options: dict[tuple[int, str], tuple[Exercise, ...]]   # (day index, session kind) -> allowed exercises
    weak: frozenset[str]
    dropped: tuple[RunLimit, ...] = ()   # requested runs the rules leave out this week (with their reasons)
    # re-planning and the week boundary (planner.context): sessions that must be exactly these exercises (days
    # before today, pins), the published week, and the earliest local start of loaded work per (day, group)
    fixed_sets: dict[tuple[int, str], tuple[Exercise, ...]] = field(default_factory=dict)
    reference: Reference | None = None
    earliest_loaded: dict[tuple[int, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Wish:
    """One thing the runner asked for, as the explanation names it."""

    id: str        # "run:tue" | "area:glutes" | "time:sat"
    text: str


@dataclass(frozen=True)
class SessionChoice:
    day: int
    kind: str
    exercises: tuple[Exercise, ...]

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.exercises)


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """One candidate exercise set of a session, with what the model asks of it worked out once."""

    exercises: tuple[Exercise, ...]
    minutes: int
    groups: frozenset[str]       # the muscle groups it loads (R2)
    ids: tuple[str, ...]         # its exercise ids, sorted (R16: the same set on several days)

    @staticmethod
    def of(exercises: tuple[Exercise, ...]) -> CandidateSet:
        return CandidateSet(exercises, sum(e.minutes for e in exercises),
                            frozenset(e.load_group for e in exercises if e.loaded),
                            tuple(sorted(e.id for e in exercises)))


@dataclass(frozen=True, slots=True)
class Candidates:
    """A session's candidate sets with what pruning reads: the groups any of them loads, the shortest and
    longest minutes (no set: shortest is larger than any day)."""

    sets: tuple[CandidateSet, ...]
    groups: frozenset[str]
    shortest: int
    longest: int

    @staticmethod
    def of(sets: tuple[CandidateSet, ...]) -> Candidates:
        minutes = [t.minutes for t in sets]
        return Candidates(sets, frozenset(g for t in sets for g in t.groups),
                          min(minutes, default=24 * 60 + 1), max(minutes, default=0))


# candidate sets by (the allowed exercises, day, budget) (planner.memo): the same few allowed lists recur in every
# week, and building their sets was a tenth of a plan's time. The week-wide lists of planner.eligibility are the
# same tuple from plan to plan, so most lookups are by that one identity; a list a day rule filtered is a new
# tuple, found by its items.
_BY_TUPLE: Memo[Candidates] = Memo(20_000)
_BY_ITEMS: Memo[Candidates] = Memo(20_000)


def candidate_sets(exercises: tuple[Exercise, ...], day: int, fewest: int, most: int, shortest: int,
                   longest: int) -> Candidates:
    """`session_templates` as Candidates, memoised (pure and deterministic, so a cache cannot change a plan)."""
    def by_items() -> Candidates:
        return _BY_ITEMS.get((*map(id, exercises), day, fewest, most, shortest, longest), exercises, lambda: (
            Candidates.of(tuple(CandidateSet.of(t)
                                for t in session_templates(exercises, day, fewest, most, shortest, longest)))))
    return _BY_TUPLE.get((id(exercises), day, fewest, most, shortest, longest), exercises, by_items)


def session_templates(exercises: tuple[Exercise, ...], day: int, fewest: int, most: int, shortest: int,
                      longest: int) -> list[tuple[Exercise, ...]]:
    """Candidate exercise sets for one session: at most one light set (no loaded strength) and one loaded set.

    Each set starts at an exercise chosen by the day (so different days start from different exercises:
    R16 variety by construction) and takes the next exercises in catalogue order until its minutes fit a
    session (R11). Offering two sets instead of every combination keeps minutes arithmetic out of the
    search, which is what lets the model prove optimality in milliseconds. Deterministic."""
    light = [e for e in exercises if not e.loaded]
    loaded = [e for e in exercises if e.loaded]
    out: list[tuple[Exercise, ...]] = []
    for first_pool, rest_pool in ((light, light), (loaded, list(exercises))):
        if not first_pool:
            continue
        position = {e.id: i for i, e in enumerate(rest_pool)}
        for shift in range(len(first_pool)):
            at = position[first_pool[(day + shift) % len(first_pool)].id]
            ring = _one_straight_leg_stretch(rest_pool[at:] + rest_pool[:at])
            chosen = _fit(ring, fewest, most, shortest, longest)
            if chosen:
                out.append(chosen)
                break
    return out


def _one_straight_leg_stretch(ring: list[Exercise]) -> list[Exercise]:
    """R7: one straight-leg hamstring stretch per session (the strap and the doorway stretch are the same
    stretch): later ones in the ring are skipped."""
    seen = False
    out = []
    for ex in ring:
        if ex.straight_leg_stretch:
            if seen:
                continue
            seen = True
        out.append(ex)
    return out


def _fit(ring: list[Exercise], fewest: int, most: int, shortest: int, longest: int) -> tuple[Exercise, ...] | None:
    """The shortest prefix of `ring` with fewest..most exercises whose minutes lie in [shortest, longest]."""
    for size in range(fewest, min(most, len(ring)) + 1):
        minutes = sum(e.minutes for e in ring[:size])
        if minutes > longest:
            return None
        if minutes >= shortest:
            return tuple(ring[:size])
    return None


@dataclass(frozen=True)
class PenaltyRecord:
    rule: str
    label: str
    cost: int


@dataclass(frozen=True)
class WeekSolution:
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    run_minutes: dict[str, int] = field(default_factory=dict)
    sessions: tuple[SessionChoice, ...] = ()      # by day, then in SESSION_KINDS order (the order a day holds them)
    objective: int | None = None
    penalties: tuple[PenaltyRecord, ...] = ()
    wall_ms: float = 0.0
