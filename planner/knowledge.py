"""The coaching knowledge bundle: catalogue, screening questions and rules, loaded and validated once."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.catalogue import Catalogue, load_catalogue
from planner.datafile import DATA_DIR, DataError
from planner.request import HEALTH_FACTS, Vocabulary
from planner.rules import Rules, load_rules
from planner.screening import ScreeningData, load_screening


@dataclass(frozen=True)
class Knowledge:
    """Everything in data/ the planner needs, already validated."""

    catalogue: Catalogue
    screening: ScreeningData
    rules: Rules
    data_dir: Path

    @property
    def vocabulary(self) -> Vocabulary:
        """What a request's ids and timings are checked against."""
        return Vocabulary(
            equipment_ids=self.catalogue.equipment_ids(),
            screening_tiers={q.id: q.tier for q in self.screening.questions},
            warm_up_minutes=self.rules.routine.warm_up_minutes,
            cool_down_minutes=self.rules.routine.cool_down_minutes,
        )


def load_knowledge(data_dir: Path | None = None) -> Knowledge:
    """Load every data file of `data_dir` (default: the repository's data/); DataError names what is wrong."""
    base = Path(data_dir) if data_dir is not None else DATA_DIR
    if not base.is_dir():
        raise DataError(f"data directory not found: {base}")
    knowledge = Knowledge(
        catalogue=load_catalogue(base / "exercises.toml"),
        screening=load_screening(base / "screening.toml"),
        rules=load_rules(base / "rules.toml"),
        data_dir=base,
    )
    cautions = set(knowledge.screening.ids("1C")) | set(HEALTH_FACTS)
    for i, ex in enumerate(knowledge.catalogue.exercises):
        unknown = sorted(set(ex.avoid_with) - cautions)
        if unknown:
            raise DataError(f"exercises.toml: exercise[{i}] ({ex.id}).avoid_with: {', '.join(unknown)} is not a "
                            f"1C question id of screening.toml nor a health fact ({', '.join(HEALTH_FACTS)})")
    return knowledge


@functools.cache
def default_knowledge() -> Knowledge:
    """The repository's knowledge, loaded on first use (no I/O at import time)."""
    return load_knowledge()


def example_request() -> dict[str, Any]:
    """A sensible example week (Contract 1) for a first visit: the half-marathoner's week with no pain (GREEN),
    so nobody's first plan starts from someone else's pain."""
    path = default_knowledge().data_dir / "examples" / "amber-half-marathoner.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pain"] = {"during_run": 0, "at_rest": 0, "next_morning": "usual", "trend": "flat"}
    return data
