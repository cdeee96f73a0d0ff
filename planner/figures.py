"""Exercise figures: a planar stick skeleton posed from data/poses/<id>.toml and drawn server-side as SVG.

The model is a physiotherapy-handout line drawing: pelvis, two spine segments, neck, head, upper and lower
arms, thighs, shins and feet with fixed bone lengths. A pose file names a view (side, front or top), a base
posture from data/poses/_bases.toml and 2–3 key positions as joint angles (degrees). Forward kinematics place
the joints; declared contacts ground the figure (a few named angles may be nudged so every contact touches its
surface); the renderer draws the positions side by side with a motion arrow, the target part highlighted.

Angles: `trunk` is the absolute direction of the lower spine, clockwise from straight up with the figure facing
right (0 standing, -90 lying on the back head-left, 90 face down head-right). Every other angle is relative:
spine and neck flexion, shoulder and hip flexion (abduction in the front view), elbow and knee flexion, ankle
dorsiflexion (negative: pointing the foot).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planner.datafile import DATA_DIR, DataError, DataModel, load_toml_model, read_toml

POSES_DIR = DATA_DIR / "poses"
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


def _dir(deg: float) -> Point:
    r = math.radians(deg)
    return math.sin(r), -math.cos(r)


def _step(p: Point, deg: float, length: float) -> Point:
    d = _dir(deg)
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


def _contact_y(pts: dict[str, Point], contact: str) -> tuple[float, float]:
    """(the contact's lowest drawn edge, minus the limb half-width, and its surface height)."""
    joint, _, surface = contact.partition("@")
    return pts[joint][1] + EDGE.get(joint, 0.0), SURFACES[surface or "floor"]


def _linsolve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting for the tiny normal equations of the grounding."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _clamp(name: str, value: float, view: str) -> float:
    """Keep a nudged angle inside its human range (the trunk's direction is free)."""
    if name == "trunk":
        return value
    low, high = VIEW_RANGES[view][name.split("_")[0]]
    return max(low, min(high, value))


def ground(angles: dict[str, float], view: str, contacts: tuple[str, ...], free: tuple[str, ...]) -> dict[str, float]:
    """Nudge `trunk` and the `free` angles (least squares, staying near the drawn values) so all contacts touch
    their surfaces at once; deterministic, a few dozen forward-kinematics passes."""
    if len(contacts) < 2:
        return dict(angles)
    names = ("trunk",) + tuple(f for f in free if f != "trunk")
    x0 = [angles[n] for n in names]
    # px per degree: how strongly a drawn angle resists being nudged; turning the whole body costs more, so the
    # free joints give first and a drawn trunk lean stays as drawn
    reg = [0.05 if n == "trunk" else 0.012 for n in names]

    def residuals(x: list[float]) -> list[float]:
        pts = place({**angles, **dict(zip(names, x, strict=True))}, view)
        levels = [y + h for y, h in (_contact_y(pts, c) for c in contacts)]
        return [lv - levels[0] for lv in levels[1:]] + [w * (xi - x0i) for w, xi, x0i in zip(reg, x, x0, strict=True)]

    x, mu = list(x0), 1e-3
    for _ in range(60):
        r = residuals(x)
        jac = []
        for i in range(len(x)):
            xp = x[:]
            xp[i] += 1e-3
            jac.append([(rp - r0) / 1e-3 for rp, r0 in zip(residuals(xp), r, strict=True)])
        jtj = [[sum(jac[i][k] * jac[j][k] for k in range(len(r))) + (mu if i == j else 0.0) for j in range(len(x))]
               for i in range(len(x))]
        jtr = [sum(jac[i][k] * r[k] for k in range(len(r))) for i in range(len(x))]
        step = [max(-15.0, min(15.0, v)) for v in _linsolve(jtj, [-v for v in jtr])]
        x = [_clamp(n, xi + si, view) for n, xi, si in zip(names, x, step, strict=True)]
        if max(abs(s) for s in step) < 1e-4:
            break
    return {**angles, **{n: round(v, 3) for n, v in zip(names, x, strict=True)}}


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


@dataclass
class Frame:
    """One key position, solved and placed in panel coordinates (before the panel's horizontal offset)."""

    name: str
    angles: dict[str, float]
    joints: dict[str, Point]
    contacts: tuple[str, ...]


def frames(pose: Pose) -> list[Frame]:
    """Solve every key position: angles from base + position, grounded on the floor, mirrored if asked, and
    shifted so all positions share one anchor (the first contact) centred in a panel."""
    out = []
    for pos in pose.position:
        angles = {n: 0.0 for n in ANGLE_NAMES} | bases()[pose.base] | pos.angles
        contacts = pos.contacts if pos.contacts is not None else pose.contacts
        angles = ground(angles, pose.view, contacts, pos.free if pos.free is not None else pose.free)
        pts = place(angles, pose.view)
        if pose.mirror:
            pts = {k: (-x, y) for k, (x, y) in pts.items()}
        if contacts:
            edge, height = _contact_y(pts, contacts[0])
            dy = FLOOR_Y - height - edge
        else:
            dy = PANEL_H / 2 - (max(y for _, y in pts.values()) + min(y for _, y in pts.values())) / 2
        anchor = pose.anchor or (contacts[0].partition("@")[0] if contacts else "hip")
        ax = pts[anchor][0]
        out.append(Frame(pos.name, angles, {k: (x - ax, y + dy) for k, (x, y) in pts.items()}, contacts))
    xs = [x for f in out for x, _ in f.joints.values()]
    shift = PANEL_W / 2 - (max(xs) + min(xs)) / 2
    for f in out:
        f.joints = {k: (x + shift, y) for k, (x, y) in f.joints.items()}
    return out


def contact_level(frame: Frame, contact: str) -> tuple[float, float]:
    """(where the contact's edge sits, where its surface is): equal when the contact touches."""
    edge, height = _contact_y(frame.joints, contact)
    return edge, FLOOR_Y - height


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


@functools.cache
def figure_svg(exercise_id: str, size: str = "large") -> str:
    """The exercise's figure as an SVG string (size "large": all key positions side by side; "stacked": one under
    the other, for a narrow screen; "small": the working position only).
    Raises KeyError for an id that is not in the catalogue or has no pose."""
    return render(pose_for(exercise_id), _exercise_name(exercise_id), size)


def _exercise_name(exercise_id: str) -> str:
    """The catalogue name (KeyError for an id not in the catalogue)."""
    from planner.knowledge import default_knowledge  # late: the figures do not need the rules to load

    return default_knowledge().catalogue.get(exercise_id).name


# --- drawing ------------------------------------------------------------------------------------------------
ACCENT, PROP_INK, FLOOR_INK = "#e0782f", "#7b8a92", "#9aa6ac"


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _poly(points: list[Point]) -> str:
    return "M" + " L".join(f"{_f(x)} {_f(y)}" for x, y in points)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _limbs(j: dict[str, Point], side: str) -> list[list[Point]]:
    return [[j[f"{k}_{side}"] for k in ("hip", "knee", "ankle", "toe")],
            [j[f"{k}_{side}"] for k in ("shoulder", "elbow", "hand")]]


def _static_props(pose: Pose, first: Frame, top: float) -> list[str]:
    """Props that stay put (step, bench, wall, band post), placed from the first position."""
    out = []
    for p in pose.props:
        x = first.joints[p.at][0] + p.dx
        if p.kind in ("step", "bench"):
            w, h = p.width or (40.0 if p.kind == "step" else 64.0), PROP_SIZE[p.kind]
            out.append(f'<rect x="{_f(x - w / 2)}" y="{_f(FLOOR_LINE - h)}" width="{_f(w)}" height="{_f(h)}" '
                       f'rx="3" fill="none" stroke="{PROP_INK}" stroke-width="2.5"/>')
        elif p.kind == "wall":
            out.append(f'<path d="{_poly([(x, FLOOR_LINE), (x, top + 4)])}" stroke="{PROP_INK}" stroke-width="4"/>')
        elif p.kind == "band":
            out.append(f'<path d="{_poly([(x, FLOOR_LINE), (x, FLOOR_Y - p.dy - 6)])}" stroke="{PROP_INK}" '
                       f'stroke-width="4" stroke-linecap="round"/>')
    return out


def _moving_props(pose: Pose, first: Frame, j: dict[str, Point]) -> tuple[list[str], list[str]]:
    """Props that move with the figure: (drawn behind it, drawn in front of it)."""
    behind, front = [], []
    line = f'stroke="{PROP_INK}" stroke-linecap="round" fill="none"'
    for p in pose.props:
        x, y = j[p.at]
        if p.kind in ("ball", "foam_roller", "ab_wheel"):
            r = PROP_SIZE[p.kind]
            behind.append(f'<circle cx="{_f(x + p.dx)}" cy="{_f(FLOOR_LINE - r)}" r="{_f(r)}" fill="none" '
                          f'stroke="{PROP_INK}" stroke-width="2.5"/>')
        elif p.kind == "weight":
            front.append(f'<path d="M{_f(x + p.dx - 9)} {_f(y + p.dy)} h18 M{_f(x + p.dx - 9)} {_f(y + p.dy - 6)} '
                         f'v12 M{_f(x + p.dx + 9)} {_f(y + p.dy - 6)} v12" stroke="{PROP_INK}" stroke-width="5" '
                         f'stroke-linecap="round"/>')
        elif p.kind == "anchor":
            front.append(f'<rect x="{_f(x + p.dx - 8)}" y="{_f(y + p.dy - 13)}" width="16" height="8" rx="2" '
                         f'fill="{PROP_INK}"/>')
        elif p.kind == "band":
            post = (first.joints[p.at][0] + p.dx, FLOOR_Y - p.dy)
            front.append(f'<path d="{_poly([post, (x, y)])}" {line} stroke-width="2.5"/>')
        elif p.kind in ("strap", "mini_band") and p.to:
            front.append(f'<path d="{_poly([(x, y), j[p.to]])}" {line} stroke-width="2.5"/>')
        elif p.kind == "stick" and p.to:
            (x2, y2), n = j[p.to], math.hypot(j[p.to][0] - x, j[p.to][1] - y) or 1.0
            ux, uy = (x2 - x) / n, (y2 - y) / n
            ox, oy = -uy * p.dy, ux * p.dy  # pushed off the body by dy, perpendicular to the stick
            a, b = (x - ux * 10 + ox, y - uy * 10 + oy), (x2 + ux * 12 + ox, y2 + uy * 12 + oy)
            front.append(f'<path d="{_poly([a, b])}" {line} stroke-width="3"/>')
    return behind, front


def _figure(pose: Pose, j: dict[str, Point]) -> list[str]:
    """The skeleton of one position: highlight, far limbs (lighter), trunk and head, near limbs."""
    out = []
    segments = " ".join(_poly([j[SEGMENTS[t][0]], j[SEGMENTS[t][1]]]) for t in pose.target if t in SEGMENTS)
    if segments:
        out.append(f'<path class="fig-target" d="{segments}" stroke="{ACCENT}" stroke-width="17" '
                   f'stroke-opacity=".45" stroke-linecap="round"/>')
    for t in pose.target:
        if t not in SEGMENTS:
            out.append(f'<circle class="fig-target" cx="{_f(j[t][0])}" cy="{_f(j[t][1])}" r="11" fill="{ACCENT}" '
                       f'fill-opacity=".45"/>')
    limb = f'fill="none" stroke="currentColor" stroke-width="{_f(LIMB_W)}" stroke-linecap="round" ' \
           f'stroke-linejoin="round"'
    far = "".join(f'<path d="{_poly(chain)}"/>' for chain in _limbs(j, "far"))
    out.append(f'<g {limb} stroke-opacity=".4">{far}</g>')
    spine = [j["hip"], j["waist"], j["shoulder"], j["neck"]]
    if pose.view == "front":  # the pelvis and the shoulders have a width seen from the front
        out.append(f'<path d="{_poly([j["hip_far"], j["hip_near"]])} {_poly([j["shoulder_far"], j["shoulder_near"]])}" '
                   f'stroke="currentColor" stroke-width="{_f(LIMB_W + 1)}" stroke-linecap="round"/>')
    out.append(f'<path d="{_poly(spine)}" fill="none" stroke="currentColor" stroke-width="{_f(TRUNK_W)}" '
               f'stroke-linecap="round" stroke-linejoin="round"/>')
    out.append(f'<circle cx="{_f(j["head"][0])}" cy="{_f(j["head"][1])}" r="{_f(HEAD_R)}" fill="currentColor"/>')
    near = "".join(f'<path d="{_poly(chain)}"/>' for chain in _limbs(j, "near"))
    out.append(f'<g {limb}>{near}</g>')
    return out


def _mover(pose: Pose, fs: list[Frame]) -> str:
    if pose.mover:
        return pose.mover
    a, b = fs[0].joints, fs[-1].joints
    return max(JOINTS, key=lambda k: (math.dist(a[k], b[k]), k))


def _arrowhead(tip: Point, ux: float, uy: float) -> list[Point]:
    """The two wings of an arrowhead at `tip` pointing along the unit vector (ux, uy)."""
    bx, by = tip[0] - ux * 7, tip[1] - uy * 7
    return [(bx - uy * 4.5, by + ux * 4.5), tip, (bx + uy * 4.5, by - ux * 4.5)]


def _motion_path(start: Point, end: Point, centre: Point) -> str:
    """A dashed arc from where the moving joint was to where it goes, bulging away from the body, arrow-tipped."""
    (x0, y0), (x1, y1) = start, end
    d = math.dist(start, end)
    if d < 8:
        return ""
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    nx, ny = -(y1 - y0) / d, (x1 - x0) / d
    if math.dist((mx + nx, my + ny), centre) < math.dist((mx - nx, my - ny), centre):
        nx, ny = -nx, -ny
    cx, cy = mx + nx * d * 0.3, my + ny * d * 0.3
    tx, ty = x1 - cx, y1 - cy
    tn = math.hypot(tx, ty) or 1.0
    tx, ty = tx / tn, ty / tn
    # stop the arc short of the joint, so the arrowhead sits beside the limb rather than on it
    ex, ey = x1 - tx * 7, y1 - ty * 7
    head = _arrowhead((ex, ey), tx, ty)
    return (f'<path class="fig-path" d="M{_f(x0)} {_f(y0)} Q{_f(cx)} {_f(cy)} {_f(ex)} {_f(ey)}" fill="none" '
            f'stroke="{ACCENT}" stroke-width="2.5" stroke-dasharray="4 4" stroke-linecap="round"/>'
            f'<path d="{_poly(head)}" fill="none" stroke="{ACCENT}" stroke-width="2.5" stroke-linecap="round" '
            f'stroke-linejoin="round"/>')


def _push_arrow(at: Point, toward: float, out: bool) -> str:
    """A short solid arrow beside a joint: the direction of effort in a hold that does not move."""
    dx, dy = _dir(toward)
    a, b = (at[0] - dx * 26, at[1] - dy * 26), (at[0] - dx * 9, at[1] - dy * 9)
    if out:
        a, b = (at[0] + dx * 9, at[1] + dy * 9), (at[0] + dx * 26, at[1] + dy * 26)
    wing = _arrowhead(b, dx, dy)
    return (f'<path d="{_poly([a, b])}" stroke="{ACCENT}" stroke-width="3" stroke-linecap="round"/>'
            f'<path d="{_poly(wing)}" fill="none" stroke="{ACCENT}" stroke-width="3" stroke-linecap="round" '
            f'stroke-linejoin="round"/>')


def view_box_rows(pose: Pose, fs: list[Frame]) -> tuple[float, float]:
    """(top, height) of the view box: the panel cropped to the figure's reach (on the floor: the floor stays the
    bottom edge), so a lying figure does not sit under a band of empty sky. In 20 px steps, so it is stable."""
    reach = min(y - (HEAD_R if k == "head" else LIMB_W) for f in fs for k, (_, y) in f.joints.items())
    top = max(0.0, math.floor((reach - 10) / 20) * 20)
    bottom = PANEL_H
    if pose.view == "top":
        low = max(y + LIMB_W for f in fs for _, y in f.joints.values())
        bottom = min(PANEL_H, math.ceil((low + 10) / 20) * 20)
    return top, bottom - top


def _drawing(pose: Pose, size: str) -> tuple[str, float, float, float, str]:
    """(view box, width, height, scale, the drawing's elements) of a pose at a size."""
    if size not in ("large", "stacked", "small"):
        raise ValueError(f"unknown figure size {size!r}")
    fs = frames(pose)
    shown = fs[-1:] if size == "small" else fs
    down = size == "stacked"  # the positions one under the other, for a narrow screen
    top, row = view_box_rows(pose, fs if size != "small" else shown)
    step = (0.0, row + GAP) if down else (PANEL_W + GAP, 0.0)
    width = PANEL_W if down else len(shown) * PANEL_W + (len(shown) - 1) * GAP
    height = len(shown) * row + (len(shown) - 1) * GAP if down else row
    scale = 0.5 if size == "small" else 1.0  # small: 120 px wide beside a name
    parts = []
    mover = _mover(pose, fs)
    for i, f in enumerate(shown):
        ox, oy = i * step[0], i * step[1]
        behind, front = _moving_props(pose, fs[0], f.joints)
        parts.append(f'<g transform="translate({_f(ox)} {_f(oy)})">' if i else "<g>")
        if pose.view != "top":  # under the gap too, so side by side the floor runs on
            reach = PANEL_W if down or i + 1 == len(shown) else PANEL_W + GAP + 2  # overlap: no seam
            parts.append(f'<path d="M0 {_f(FLOOR_LINE + 1.5)} H{_f(reach)}" stroke="{FLOOR_INK}" stroke-width="3"/>')
        parts += _static_props(pose, fs[0], top) + behind + _figure(pose, f.joints) + front
        if size != "small" and i > 0:
            parts.append(_motion_path(fs[i - 1].joints[mover], f.joints[mover], f.joints["hip"]))
        if size != "small" and i == len(shown) - 1 and pose.push_at:
            parts.append(_push_arrow(f.joints[pose.push_at], pose.push_toward, pose.push_out))
        parts.append("</g>")
        if i + 1 < len(shown):
            parts.append(_between_arrow((ox + PANEL_W + GAP / 2, top + row / 2) if not down else
                                        (PANEL_W / 2, oy + top + row + GAP / 2), down))
    return f"0 {_f(top)} {_f(width)} {_f(height)}", width, height, scale, "".join(parts)


def _between_arrow(at: Point, down: bool) -> str:
    """The plain arrow from one key position to the next: pointing right, or down when stacked."""
    pts = [(-9.0, 0.0), (8.0, 0.0), (3.0, -5.0), (9.0, 0.0), (3.0, 5.0)]
    x, y = at
    (a, b, c, d, e) = [(x + v, y + u) if down else (x + u, y + v) for u, v in pts]
    return (f'<path d="M{_f(a[0])} {_f(a[1])} L{_f(b[0])} {_f(b[1])} M{_f(c[0])} {_f(c[1])} L{_f(d[0])} {_f(d[1])} '
            f'L{_f(e[0])} {_f(e[1])}" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" '
            f'stroke-linejoin="round" stroke-opacity=".6"/>')


def render(pose: Pose, title: str, size: str = "large") -> str:
    """Draw a pose: key positions side by side with an arrow between them ("large"), or the last one ("small")."""
    box, width, height, scale, body = _drawing(pose, size)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" width="{_f(width * scale)}" '
            f'height="{_f(height * scale)}" role="img" class="figure figure-{size}">'
            f"<title>{_esc(title)}</title><desc>{_esc(pose.description)}</desc>{body}</svg>")


@functools.cache
def figure_symbol(exercise_id: str) -> str:
    """The small drawing as a <symbol id="fig-<id>">, to define once per page when an exercise appears many times
    (the week view); each place then shows it with figure_use(). KeyError for an unknown id."""
    _exercise_name(exercise_id)
    box, _, _, _, body = _drawing(pose_for(exercise_id), "small")
    return f'<symbol id="fig-{exercise_id}" viewBox="{box}">{body}</symbol>'


@functools.cache
def figure_use(exercise_id: str, decorative: bool = False) -> str:
    """A small figure that draws the page's figure_symbol(): about 150 bytes instead of about 1.3 KB.
    `decorative`: beside the exercise's name (which says it all), inside a wrapper that is hidden from screen
    readers and sizes it: no role, title, size or xmlns (inline SVG in HTML needs none), about 70 bytes."""
    name = _exercise_name(exercise_id)
    box, width, height, scale, _ = _drawing(pose_for(exercise_id), "small")
    # the <use> draws the symbol (which has its own viewBox) into a viewport at the origin: the outer
    # viewBox must start at 0 0, or a drawing whose box does not start at the origin falls outside it
    _, _, w, h = box.split()
    size = f'viewBox="0 0 {w} {h}" width="{_f(width * scale)}" height="{_f(height * scale)}"'
    if decorative:      # its wrapper hides it from screen readers and sets its size
        return f'<svg viewBox="0 0 {w} {h}"><use href="#fig-{exercise_id}"/></svg>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {size} role="img" class="figure figure-small">'
            f'<title>{_esc(name)}</title><use href="#fig-{exercise_id}"/></svg>')
