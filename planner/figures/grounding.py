"""Grounding: nudge a few named angles so every declared contact touches its surface, and place the key
positions of a pose in panel coordinates around one anchor."""

from __future__ import annotations

from dataclasses import dataclass

from planner.figures.poses import Pose, bases
from planner.figures.skeleton import (
    ANGLE_NAMES,
    EDGE,
    FLOOR_Y,
    PANEL_H,
    PANEL_W,
    SURFACES,
    VIEW_RANGES,
    Point,
    place,
)


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
