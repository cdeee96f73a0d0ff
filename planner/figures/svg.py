"""The drawing: a pose's key positions as SVG — far limbs lighter, the target highlighted, props, the floor, a
motion arrow from one position to the next — at three sizes, and as a <symbol> to reuse on a page."""

from __future__ import annotations

import functools
import math

from planner.figures.grounding import Frame, frames
from planner.figures.poses import Pose, pose_for
from planner.figures.skeleton import (
    FLOOR_LINE,
    FLOOR_Y,
    GAP,
    HEAD_R,
    JOINTS,
    LIMB_W,
    PANEL_H,
    PANEL_W,
    PROP_SIZE,
    SEGMENTS,
    TRUNK_W,
    Point,
    direction,
)


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
    dx, dy = direction(toward)
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
        else:
            parts.append(_mat(fs))
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


def _mat(fs: list[Frame]) -> str:
    """Seen from above there is no floor line: the exercise mat under the body says "on the floor, from above".
    One size for every position of the pose (all their joints), so the mat stays put while the body moves."""
    xs = [x for f in fs for x, _ in f.joints.values()]
    ys = [y for f in fs for _, y in f.joints.values()]
    pad = HEAD_R + 6
    x0, y0 = max(2.0, min(xs) - pad), min(ys) - pad
    x1, y1 = min(PANEL_W - 2, max(xs) + pad), max(ys) + pad
    return (f'<rect class="fig-mat" x="{_f(x0)}" y="{_f(y0)}" width="{_f(x1 - x0)}" height="{_f(y1 - y0)}" rx="8" '
            f'fill="{FLOOR_INK}" fill-opacity=".16" stroke="{FLOOR_INK}" stroke-width="1.5"/>')


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
