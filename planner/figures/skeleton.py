"""The body of the figures: a planar stick skeleton with fixed bone lengths, its joints, joint ranges and the
surfaces it can rest on, and forward kinematics from joint angles (conventions: planner/figures/__init__.py)."""

from __future__ import annotations

import math
from typing import Literal

Point = tuple[float, float]


BONES = {"lumbar": 20.0, "thorax": 23.0, "neck": 6.0, "upper_arm": 23.0, "forearm": 22.0,
         "thigh": 36.0, "shin": 34.0, "foot": 12.0}
HEAD_R = 8.0
TRUNK_W, LIMB_W = 11.0, 7.0
HIP_HALF, SHOULDER_HALF, FRONT_FOOT = 6.0, 10.0, 6.0  # front view only: pelvis and shoulder half-widths
PANEL_W, PANEL_H, GAP = 240.0, 180.0, 28.0
FLOOR_Y = PANEL_H - 16.0                   # joint centres that touch the floor sit on this line
FLOOR_LINE = FLOOR_Y + LIMB_W / 2          # the drawn floor: a limb's edge touches it
SIDES = ("near", "far")
LIMB_ANGLES = ("shoulder", "elbow", "hip", "knee", "ankle")
ANGLE_NAMES = ("trunk", "spine", "neck") + tuple(f"{j}_{s}" for s in SIDES for j in LIMB_ANGLES)
# Joint ranges in degrees (relative angles), roughly the active range of an adult [H].
# The shoulder's -130: an arm turned up to the ceiling from a bent-forward, rotated trunk (thread the needle,
# world's greatest stretch) projects as extension in a side view. Kneeling on the tops of the feet needs -90 at
# the ankle (ankle and midfoot together).
RANGES = {"spine": (-35, 50), "neck": (-50, 70), "shoulder": (-130, 185), "elbow": (0, 155),
          "hip": (-35, 145), "knee": (0, 160), "ankle": (-90, 35)}
# Front view: hip angles are abduction. Top view (looking down on the floor plane): thighs and shins lie flat in
# directions a side view never shows, so hip and knee angles there are projections, not flexion.
# In the front view knees bend out of the drawing plane and the feet point towards you, so the drawn knee and
# ankle angles are projections too.
VIEW_RANGES = {"side": RANGES, "front": {**RANGES, "hip": (-30, 70), "knee": (-160, 160), "ankle": (-180, 180)},
               "top": {**RANGES, "hip": (-90, 145), "knee": (-160, 160), "shoulder": (-180, 185)}}
JOINTS = ("hip", "waist", "shoulder", "neck", "head") + tuple(
    f"{j}_{s}" for s in SIDES for j in ("shoulder", "elbow", "hand", "hip", "knee", "ankle", "toe"))
# How far below a joint centre its drawn edge reaches, beyond a limb's half-width (for contacts).
EDGE = {"head": HEAD_R - LIMB_W / 2, "hip": (TRUNK_W - LIMB_W) / 2, "waist": (TRUNK_W - LIMB_W) / 2,
        "shoulder": (TRUNK_W - LIMB_W) / 2}
# Surfaces a contact can rest on: height of a resting joint centre above FLOOR_Y.
PROP_SIZE = {"step": 24.0, "bench": 40.0, "ball": 24.0, "foam_roller": 8.0, "ab_wheel": 8.0}
SURFACES = {"floor": 0.0, "step": PROP_SIZE["step"], "bench": PROP_SIZE["bench"]} | {
    k: 2 * PROP_SIZE[k] for k in ("ball", "foam_roller", "ab_wheel")}  # a joint rests on top of a round prop
SEGMENTS = {"lumbar": ("hip", "waist"), "thorax": ("waist", "shoulder"), "neck": ("shoulder", "neck")} | {
    f"{name}_{s}": (f"{a}_{s}", f"{b}_{s}") for s in SIDES for name, a, b in (
        ("upper_arm", "shoulder", "elbow"), ("forearm", "elbow", "hand"), ("thigh", "hip", "knee"),
        ("shin", "knee", "ankle"), ("foot", "ankle", "toe"))}
PropKind = Literal["band", "mini_band", "ball", "step", "bench", "strap", "weight", "foam_roller", "ab_wheel",
                   "wall", "stick", "anchor"]



def direction(deg: float) -> Point:
    r = math.radians(deg)
    return math.sin(r), -math.cos(r)


def _step(p: Point, deg: float, length: float) -> Point:
    d = direction(deg)
    return p[0] + d[0] * length, p[1] + d[1] * length



def place(angles: dict[str, float], view: str) -> dict[str, Point]:
    """Forward kinematics: joint positions with the hip (pelvis centre) at the origin, facing right."""
    a = angles
    p: dict[str, Point] = {"hip": (0.0, 0.0)}
    t = a["trunk"]
    chest = t + a["spine"]
    p["waist"] = _step(p["hip"], t, BONES["lumbar"])
    p["shoulder"] = _step(p["waist"], chest, BONES["thorax"])
    p["neck"] = _step(p["shoulder"], chest + a["neck"], BONES["neck"])
    p["head"] = _step(p["neck"], chest + a["neck"], HEAD_R)
    front = view == "front"
    for side, sign in (("near", 1.0), ("far", -1.0)):
        s = sign if front else 1.0  # the front view mirrors the far limbs about the trunk
        hip = _step(p["hip"], t + 90 * sign, HIP_HALF) if front else p["hip"]
        sho = _step(p["shoulder"], chest + 90 * sign, SHOULDER_HALF) if front else p["shoulder"]
        upper = chest + 180 - s * a[f"shoulder_{side}"]
        fore = upper - s * a[f"elbow_{side}"]
        thigh = t + 180 - s * a[f"hip_{side}"]
        shin = thigh + s * a[f"knee_{side}"]
        foot = shin - s * (90 + a[f"ankle_{side}"])
        p[f"shoulder_{side}"], p[f"hip_{side}"] = sho, hip
        p[f"elbow_{side}"] = _step(sho, upper, BONES["upper_arm"])
        p[f"hand_{side}"] = _step(p[f"elbow_{side}"], fore, BONES["forearm"])
        p[f"knee_{side}"] = _step(hip, thigh, BONES["thigh"])
        p[f"ankle_{side}"] = _step(p[f"knee_{side}"], shin, BONES["shin"])
        p[f"toe_{side}"] = _step(p[f"ankle_{side}"], foot, FRONT_FOOT if front else BONES["foot"])
    return p


def bone_lengths(view: str) -> dict[str, float]:
    """The fixed length of every drawn segment in a view."""
    out = {name: BONES[name.rsplit("_", 1)[0] if name.endswith(SIDES) else name] for name in SEGMENTS}
    if view == "front":
        out |= {"foot_near": FRONT_FOOT, "foot_far": FRONT_FOOT}
    return out

