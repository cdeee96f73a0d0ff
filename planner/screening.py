"""Red-flag screening (DOMAIN.md §1): questions as data, and the pure decision over the runner's answers.

1A (possible cauda equina) → refer urgently, no plan; 1B (possible cancer, infection, fracture) → see a
doctor within days, no plan — except an item marked `caution_alone`, which refers only together with
another 1B item; 1C → a conservative plan and a physiotherapist recommended.
Sources: Finucane et al., JOSPT 2020; NICE NG59 rec 1.1.1; Verhagen et al., Eur Spine J 2016.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from planner.datafile import DataError, DataModel, read_toml, validate

TierId = Literal["1A", "1B", "1C"]
Outcome = Literal["clear", "caution", "refer_soon", "refer_urgent"]


class Tier(DataModel):
    urgency: Literal["urgent", "soon", "caution"]
    title: str = Field(min_length=5, max_length=120)
    advice: str = Field(min_length=20, max_length=800)


class Question(DataModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    tier: TierId
    text: str = Field(min_length=10, max_length=300)
    caution_alone: bool = False
    source: str = Field(min_length=3, max_length=200)


class ScreeningData(DataModel):
    tiers: dict[TierId, Tier]
    question: tuple[Question, ...] = Field(min_length=1)

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.question

    def get(self, question_id: str) -> Question:
        return next(q for q in self.question if q.id == question_id)

    def ids(self, tier: str | None = None) -> tuple[str, ...]:
        return tuple(q.id for q in self.question if tier is None or q.tier == tier)


@dataclass(frozen=True)
class ScreeningResult:
    outcome: Outcome
    urgency: Literal["urgent", "soon", "caution", "none"]
    questions: tuple[Question, ...]
    title: str
    advice: str


def load_screening(path: Path) -> ScreeningData:
    """Read and validate data/screening.toml; every tier must be described and ids must be unique."""
    data = validate(path, read_toml(path), ScreeningData)
    ids = [q.id for q in data.question]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    problems = [f"duplicate question id(s): {', '.join(dupes)}"] if dupes else []
    missing = sorted({"1A", "1B", "1C"} - set(data.tiers))
    if missing:
        problems.append(f"tiers: missing {', '.join(missing)}")
    for i, q in enumerate(data.question):
        if q.caution_alone and q.tier != "1B":
            problems.append(f"question[{i}] ({q.id}).caution_alone: only a 1B question can be a caution alone")
    if problems:
        raise DataError("\n".join(f"{path.name}: {p}" for p in problems))
    return data


def screen(answered_yes: Iterable[str], data: ScreeningData) -> ScreeningResult:
    """Decide from the ids answered yes (unknown ids are the request model's job to reject)."""
    known = {q.id: q for q in data.question}
    yes = [known[i] for i in dict.fromkeys(answered_yes) if i in known]
    tier_a = [q for q in yes if q.tier == "1A"]
    tier_b = [q for q in yes if q.tier == "1B"]
    cautions = [q for q in yes if q.tier == "1C" or (q.tier == "1B" and q.caution_alone)]
    # a referral lists every answer, those that decide it first: the clinician needs them all
    if tier_a:
        t = data.tiers["1A"]
        others = [q for q in yes if q.tier != "1A"]
        return ScreeningResult("refer_urgent", "urgent", tuple(tier_a + others), t.title, t.advice)
    if any(not q.caution_alone for q in tier_b):
        t = data.tiers["1B"]
        return ScreeningResult("refer_soon", "soon", tuple(tier_b + [q for q in yes if q.tier == "1C"]), t.title,
                               t.advice)
    if cautions:
        t = data.tiers["1C"]
        return ScreeningResult("caution", "caution", tuple(cautions), t.title, t.advice)
    return ScreeningResult("clear", "none", (), "", "")
