"""The schema of data/rules.toml: thresholds, caps, budgets, weights, solver settings and rule texts.

The rule *functions* live beside it, one module per concern: pain.py (status), volume.py (run limits and
caps), frames.py (days, windows, real time), eligibility.py (which exercise may go where).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planner.datafile import DataError, DataModel, load_toml_model
from planner.request import AREAS

PainStatus = Literal["GREEN", "AMBER", "RED", "STOP"]


# --- schema of data/rules.toml --------------------------------------------------------------------------

class PainThresholds(DataModel):
    stop_at_rest_from: int = Field(ge=0, le=10)
    red_during_above: int = Field(ge=0, le=10)
    amber_during_from: int = Field(ge=0, le=10)
    stop_running_during_from: int = Field(ge=0, le=10)
    amber_at_rest_from: int = Field(ge=0, le=10)
    red_at_rest_from: int = Field(ge=0, le=10)
    green: PainPolicy
    amber: PainPolicy
    red: PainPolicy


class PainPolicy(DataModel):
    max_level: int = Field(ge=1, le=3)
    run_factor: float = Field(gt=0, le=1)
    drop_below_minimum: bool      # a cut run below the useful minimum is dropped (RED), or held (AMBER)
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
    single_run_min_step: int = Field(ge=0, le=15)
    unknown_single_run_minutes: int = Field(ge=15, le=300)
    unknown_weekly_minutes: int = Field(ge=15, le=2100)
    warn_single_run_minutes: int = Field(ge=30, le=300)


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
    same_set_max_days: int = Field(ge=1, le=7)
    second_stretch_gap_hours: int = Field(ge=0, le=16)
    default_window_start: dt.time


class Progression(DataModel):
    """Exercise progression over weeks (planner/exercise_steps.py) [H]."""

    window_days: int = Field(ge=7, le=56)
    back_after_skips: int = Field(ge=1, le=14)
    back_after_worse: int = Field(ge=1, le=14)
    ahead_after_weeks: int = Field(ge=1, le=8)


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
    same_set_repeat: int = Field(ge=0)


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
    progression: Progression
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
        return self.sources[rule_id]

    def text(self, rule_id: str) -> str:
        """A rule's plain text (data/rules.toml), e.g. to repeat its cue beside the item it applies to."""
        return next(r.text for r in self.rule if r.id == rule_id)

    @cached_property
    def sources(self) -> dict[str, str]:
        """Every rule's source line by id (worded once: every plan lists its rules' sources)."""
        return {r.id: f"{r.title}. {r.text} Source: {r.source}" for r in self.rule}

    def policy(self, status: PainStatus) -> PainPolicy:
        return {"GREEN": self.pain.green, "AMBER": self.pain.amber}.get(status, self.pain.red)


PainThresholds.model_rebuild()


def load_rules(path: Path) -> Rules:
    """Load and validate data/rules.toml."""
    rules = load_toml_model(path, Rules)
    cited = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
             "R16", "pain-amber", "pain-red", "screen-1C", "wish", "spread"}
    missing = cited - {r.id for r in rules.rule}
    if missing:
        raise DataError(f"{path.name}: rule: missing entries for {', '.join(sorted(missing))}")
    return rules


def pct(factor: float) -> int:
    """A factor as a whole percentage for the reason texts (1.10 → 110)."""
    return round(factor * 100)
