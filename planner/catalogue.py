"""The exercise catalogue (data/exercises.toml): schema, cross-checks and lookups.

DOMAIN.md §3 is the starting set. Each exercise carries what the rules need to decide where it may go:
level (R13), flare safety (R1/R13), equipment, flexion bias (R8), load group (R2) and the hours it must
stay clear of a long or quality run (R4).
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from planner.datafile import DataError, DataModel, read_toml, validate

CATEGORIES: tuple[str, ...] = ("core", "glutes", "hamstrings", "hip_mobility", "thoracic", "warm_up", "cool_down")
ID_PATTERN = r"^[a-z][a-z0-9_]{1,40}$"
# Every cue starts with the starting position (DOMAIN §3), so a runner reading one line knows how to set up.
CUE_START = re.compile(r"^(Lie|Lying|Kneel|Kneeling|Half-kneeling|Stand|Standing|Sit|Seated|Side-lying|Face down"
                       r"|In a (deep )?lunge|On (your back|your side|your front|hands and knees|your forearms))\b")
LEVELS = ("1", "2", "3")
Line = Annotated[str, Field(min_length=5, max_length=200)]


class Equipment(DataModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=2, max_length=60)


class HowTo(DataModel):
    """How to do an exercise, written for this project: second person, plain words (DOMAIN §5 claims aside)."""

    start: str = Field(min_length=10, max_length=300)           # the starting position
    steps: tuple[Line, ...] = Field(min_length=3, max_length=5)  # the movement, step by step
    breathing: str = Field(min_length=5, max_length=200)
    feel: str = Field(min_length=5, max_length=250)             # what you should feel, and where you should not
    mistakes: tuple[Line, ...] = Field(min_length=2, max_length=2)
    stop_if: str = Field(min_length=5, max_length=250)          # when to stop


class Exercise(DataModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=2, max_length=60)
    category: Literal["core", "glutes", "hamstrings", "hip_mobility", "thoracic", "warm_up", "cool_down"]
    target: str = Field(min_length=2, max_length=80)
    kind: Literal["strength", "stability", "stretch", "mobility", "activation", "cardio", "breathing"]
    load_group: Literal["core", "lower_limb", "none"]
    dose: str = Field(min_length=2, max_length=80)
    minutes: int = Field(ge=1, le=15)
    equipment: tuple[str, ...] = ()
    level: int = Field(ge=1, le=3)
    flare_safe: bool
    flexion: bool = False
    hours_before_hard_run: int = Field(default=0, ge=0, le=96)
    cautions: tuple[str, ...] = ()
    # 1C screening ids (data/screening.toml) or health facts (request.HEALTH_FACTS) that rule this item out
    avoid_with: tuple[str, ...] = ()
    cue: str = Field(min_length=5, max_length=200)     # begins with the starting position (CUE_START)
    source: str = Field(min_length=3, max_length=200)  # supports this item, or says "[Conv]"
    # Doses that grow with the runner's level (DOMAIN §3): level -> dose, for levels above this item's own;
    # `dose` is the dose at the item's own level.
    dose_by_level: dict[str, str] = Field(default_factory=dict)
    effort: str = ""                    # loaded items: how heavy ("a weight you could lift 3–4 more times")
    easier: str | None = None           # exercise id of the easier variant (progression goes back a step)
    harder: str | None = None           # exercise id of the harder variant (progression goes a step on)
    how: HowTo
    # A straight-knee hamstring stretch (finding 6): the engine allows one per session, since two are the same
    # stretch twice.
    straight_leg_stretch: bool = False
    # A warm-up item that prepares for running only (a jog, a running drill): left out before a brisk walk of
    # the return-to-run ladder.
    running_only: bool = False

    def dose_for(self, level: int) -> str:
        """The dose for a runner of `level`: the entry for the highest level <= theirs, else `dose`."""
        best = self.dose
        for key in sorted(self.dose_by_level, key=int):
            if int(key) <= level:
                best = self.dose_by_level[key]
        return best

    @property
    def loaded(self) -> bool:
        """Loaded strength for R2: level 2 or 3 work for a muscle group (core or lower limb)."""
        return self.level >= 2 and self.load_group != "none"

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        if self.flare_safe and self.level > 1:
            raise ValueError("only level-1 exercises can be flare-safe")
        if not CUE_START.match(self.cue):
            raise ValueError(f"cue must start with the starting position ({CUE_START.pattern}): {self.cue!r}")
        for key in self.dose_by_level:
            if key not in LEVELS or int(key) <= self.level:
                raise ValueError(f"dose_by_level: key {key!r} must be a level above this item's own "
                                 f"({self.level}), one of {', '.join(LEVELS)}; `dose` is the dose at its own level")
        if (self.loaded or "weight" in self.equipment) and not self.effort:
            raise ValueError("effort: a loaded item says how hard (e.g. 'a weight you could lift 3–4 more times')")
        if self.straight_leg_stretch and (self.kind != "stretch" or self.category != "hamstrings"):
            raise ValueError("straight_leg_stretch: only a hamstring stretch can be one")
        if self.running_only and self.category != "warm_up":
            raise ValueError("running_only: only a warm-up item can be one")
        if self.id in (self.easier, self.harder):
            raise ValueError("easier/harder: an exercise cannot be its own variant")
        return self


class CatalogueFile(DataModel):
    equipment: tuple[Equipment, ...] = Field(min_length=1)
    exercise: tuple[Exercise, ...] = Field(min_length=1)


class Catalogue:
    """Validated exercises and equipment, with the lookups the rules and the web form need."""

    def __init__(self, exercises: tuple[Exercise, ...], equipment: tuple[Equipment, ...]) -> None:
        self.exercises = exercises
        self.equipment = equipment
        self._by_id = {e.id: e for e in exercises}

    def get(self, exercise_id: str) -> Exercise:
        return self._by_id[exercise_id]

    @cached_property
    def _by_category(self) -> dict[str, tuple[Exercise, ...]]:
        return {c: tuple(e for e in self.exercises if e.category == c) for c in CATEGORIES}

    def in_category(self, category: str) -> tuple[Exercise, ...]:
        return self._by_category.get(category, ())

    def equipment_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.equipment)


def _variant_problems(data: CatalogueFile) -> list[str]:
    """easier/harder name a known exercise of the same category, no harder (easier) than this one."""
    by_id = {e.id: e for e in data.exercise}
    problems: list[str] = []
    for i, ex in enumerate(data.exercise):
        for field, other_id in (("easier", ex.easier), ("harder", ex.harder)):
            if other_id is None:
                continue
            other = by_id.get(other_id)
            where = f"exercise[{i}] ({ex.id}).{field}"
            if other is None:
                problems.append(f"{where}: unknown exercise id {other_id}")
            elif other.category != ex.category:
                problems.append(f"{where}: {other_id} is {other.category}, not {ex.category}")
            elif (field == "easier" and other.level > ex.level) or (field == "harder" and other.level < ex.level):
                problems.append(f"{where}: {other_id} is level {other.level}, this item level {ex.level}")
    return problems


def _cross_check(path: Path, data: CatalogueFile) -> None:
    """Ids unique, equipment known, variants valid, and every category usable on a flare-safe, no-equipment week
    whatever caution or health fact the runner has."""
    problems: list[str] = []
    for kind, ids in (("equipment", [e.id for e in data.equipment]), ("exercise", [e.id for e in data.exercise])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"duplicate {kind} id(s): {', '.join(dupes)}")
    known = {e.id for e in data.equipment}
    for i, ex in enumerate(data.exercise):
        unknown = [q for q in ex.equipment if q not in known]
        if unknown:
            problems.append(f"exercise[{i}] ({ex.id}).equipment: unknown id(s) {', '.join(unknown)}; "
                            f"declare them under [[equipment]]")
    problems += _variant_problems(data)
    for cat in CATEGORIES:
        # items any avoid_with id rules out do not count: a cautious week may have all of them at once
        basic = [e for e in data.exercise if e.category == cat and e.flare_safe and not e.equipment
                 and not e.flexion and not e.avoid_with]
        if len(basic) < 2:
            problems.append(f"category '{cat}' needs at least two level-1 flare-safe exercises without "
                            f"equipment, flexion or avoid_with (found {len(basic)}), or a cautious week cannot "
                            f"be planned")
    if problems:
        raise DataError("\n".join(f"{path.name}: {p}" for p in problems))


def load_catalogue(path: Path) -> Catalogue:
    """Read, validate and cross-check data/exercises.toml; DataError names file, entry and field."""
    data = validate(path, read_toml(path), CatalogueFile)
    _cross_check(path, data)
    return Catalogue(data.exercise, data.equipment)
