"""Pose files (data/poses/<exercise>.toml): their schema, the base postures they start from, and loading."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planner.datafile import DATA_DIR, DataError, DataModel, load_toml_model, read_toml
from planner.figures.skeleton import ANGLE_NAMES, JOINTS, SEGMENTS, SURFACES, PropKind

POSES_DIR = DATA_DIR / "poses"


class Prop(DataModel):
    kind: PropKind
    at: str                      # the joint it sits under, is held by or is placed from (first position)
    to: str | None = None        # the other end: strap to a foot, mini band to the other knee, stick to a joint
    dx: float = 0.0              # offset from `at` (band: anchor post; wall, step, bench: placement)
    dy: float = 0.0
    width: float | None = None


class Position(DataModel):
    name: str = Field(min_length=2, max_length=20)
    angles: dict[str, float] = Field(default_factory=dict)
    contacts: tuple[str, ...] | None = None  # overrides the pose's contacts for this position
    free: tuple[str, ...] | None = None      # angles the grounding may nudge (overrides the pose's)


class Pose(DataModel):
    view: Literal["side", "front", "top"]
    base: str
    mirror: bool = False                      # face left instead of right
    description: str = Field(min_length=20, max_length=240)
    target: tuple[str, ...] = Field(min_length=1)
    contacts: tuple[str, ...] = ()            # "joint" (floor) or "joint@surface"
    free: tuple[str, ...] = ()
    mover: str | None = None                  # the joint whose path the motion arrow follows
    anchor: str | None = None                 # the joint that stays put across positions (default: 1st contact)
    push_at: str | None = None                # a hold (no visible motion): an arrow at this joint ...
    push_toward: float = 0.0                  # ... pointing this way (degrees clockwise from up)
    push_out: bool = False                    # the arrow starts at the joint (rising) instead of ending at it
    props: tuple[Prop, ...] = ()
    position: tuple[Position, ...] = Field(min_length=2, max_length=3)

    @model_validator(mode="after")
    def _names_known(self) -> Pose:
        for pos in self.position:
            for key in list(pos.angles) + list(pos.free or ()) + list(self.free):
                if key not in ANGLE_NAMES:
                    raise ValueError(f"position {pos.name!r}: unknown angle {key!r}")
            for c in pos.contacts if pos.contacts is not None else self.contacts:
                joint, _, surface = c.partition("@")
                if joint not in JOINTS or (surface or "floor") not in SURFACES:
                    raise ValueError(f"position {pos.name!r}: unknown contact {c!r}")
                if surface and surface not in {p.kind for p in self.props}:
                    raise ValueError(f"position {pos.name!r}: contact {c!r} needs a [[props]] {surface}")
        for t in self.target:
            if t not in SEGMENTS and t not in JOINTS:
                raise ValueError(f"unknown target {t!r} (a segment such as thigh_near, or a joint)")
        for p in self.props:
            for j in (p.at, p.to):
                if j is not None and j not in JOINTS:
                    raise ValueError(f"prop {p.kind}: unknown joint {j!r}")
        for name in ("mover", "anchor", "push_at"):
            if getattr(self, name) is not None and getattr(self, name) not in JOINTS:
                raise ValueError(f"unknown {name} joint {getattr(self, name)!r}")
        if self.view == "top" and (self.contacts or any(p.contacts for p in self.position)):
            raise ValueError("a top view has no floor line, so no contacts")
        return self


@functools.cache
def bases() -> dict[str, dict[str, float]]:
    """Base postures (data/poses/_bases.toml): named angle sets a pose starts from."""
    path = POSES_DIR / "_bases.toml"
    raw = read_toml(path)
    for name, angles in raw.items():
        unknown = sorted(set(angles) - set(ANGLE_NAMES))
        if unknown:
            raise DataError(f"{path.name}: {name}: unknown angle(s) {', '.join(unknown)}")
    return {name: {k: float(v) for k, v in angles.items()} for name, angles in raw.items()}


def load_pose(path: Path) -> Pose:
    """Read and validate one pose file; DataError names file and field."""
    pose = load_toml_model(path, Pose)
    if pose.base not in bases():
        raise DataError(f"{path.name}: base: unknown base posture {pose.base!r}")
    return pose



def pose_path(exercise_id: str) -> Path:
    """Where an exercise's pose file lives."""
    return POSES_DIR / f"{exercise_id}.toml"


@functools.cache
def pose_for(exercise_id: str) -> Pose:
    """The validated pose of a catalogue exercise; KeyError when there is none."""
    path = pose_path(exercise_id)
    if not path.is_file():
        raise KeyError(exercise_id)
    return load_pose(path)

