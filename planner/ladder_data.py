"""data/ladder.toml: the return-to-run ladder's levels, entry and progress rules, validated at load.

Each level's total and running minutes must match its intervals, so a typo in the data cannot give a session
that is not what its shape says. The numbers are DOMAIN §2's [Conv] ladder (Warden 2014) and our [H] choices.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planner.datafile import DATA_DIR, DataModel, load_toml_model

# --- schema of data/ladder.toml ---------------------------------------------------------------------------------


class Entry(DataModel):
    level: str
    max_pain: int = Field(ge=0, le=10)
    next_morning: Literal["usual", "settles_within_24h"]
    days_off: int = Field(ge=1, le=60)
    red_levels_down: int = Field(ge=0, le=6)


class Progress(DataModel):
    sessions_per_week: int = Field(ge=1, le=7)
    min_days_apart: int = Field(ge=1, le=3)
    greens_to_level_up: int = Field(ge=1, le=10)
    amber_resets: bool
    partly_counts: bool
    red_levels_down: int = Field(ge=0, le=6)
    quality_after_green_weeks: int = Field(ge=0, le=8)


class LogWindows(DataModel):
    window_days: int = Field(ge=7, le=90)
    pain_recent_days: int = Field(ge=1, le=60)


class Level(DataModel):
    id: str = Field(pattern=r"^L[0-9]$")
    name: str
    repeats: int = Field(ge=1, le=30)
    run: int = Field(ge=0, le=60)
    run_max: int | None = Field(default=None, ge=1, le=60)
    walk: int = Field(ge=0, le=60)
    walk_max: int | None = Field(default=None, ge=1, le=60)
    minutes: int = Field(ge=5, le=90)
    run_minutes: int = Field(ge=0, le=90)

    @model_validator(mode="after")
    def _adds_up(self) -> Level:
        if self.run + self.walk == 0:
            raise ValueError("a level needs running or walking minutes")
        if self.minutes != self.repeats * (self.run + self.walk):
            raise ValueError(f"minutes = {self.minutes}, but {self.repeats} × ({self.run} + {self.walk}) = "
                             f"{self.repeats * (self.run + self.walk)}")
        if self.run_minutes != self.repeats * self.run:
            raise ValueError(f"run_minutes = {self.run_minutes}, but {self.repeats} × {self.run} = "
                             f"{self.repeats * self.run}")
        for low, high, name in ((self.run, self.run_max, "run_max"), (self.walk, self.walk_max, "walk_max")):
            if high is not None and high <= low:
                raise ValueError(f"{name} must be above the level's lower value")
        return self

    @property
    def intervals(self) -> tuple[tuple[int, int], ...]:
        """The session as (run, walk) minute pairs, e.g. ((2, 2),) * 8; a walk is ((0, 30),)."""
        return ((self.run, self.walk),) * self.repeats

    @property
    def shape(self) -> str:
        """'8 × (run 2 min / walk 2 min)', 'Brisk walk 30–45 min', '20 min easy running'."""
        run = f"{self.run}–{self.run_max}" if self.run_max else str(self.run)
        walk = f"{self.walk}–{self.walk_max}" if self.walk_max else str(self.walk)
        if self.run == 0:
            return f"Brisk walk {walk} min"
        if self.walk == 0 and self.repeats == 1:
            return f"{run} min easy running"
        return f"{self.repeats} × (run {run} min / walk {walk} min)"


class LadderData(DataModel):
    """The whole of data/ladder.toml."""

    source: str
    entry: Entry
    progress: Progress
    log: LogWindows
    level: tuple[Level, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> LadderData:
        ids = [lv.id for lv in self.level]
        if ids != [f"L{i}" for i in range(len(ids))]:
            raise ValueError(f"levels must be L0, L1, … in order (found {', '.join(ids)})")
        if self.entry.level not in ids:
            raise ValueError(f"entry.level {self.entry.level} is not a level")
        return self

    def index(self, level_id: str) -> int:
        return [lv.id for lv in self.level].index(level_id)


def load_ladder(path: Path) -> LadderData:
    """Load and validate data/ladder.toml (DataError names file, entry and field)."""
    return load_toml_model(path, LadderData)


@functools.cache
def default_ladder() -> LadderData:
    """The repository's ladder, loaded on first use (no I/O at import time)."""
    return load_ladder(DATA_DIR / "ladder.toml")
