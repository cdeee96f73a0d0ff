"""A pose editor for developers (not part of the product, never linked): one slider per joint angle, the figure
re-drawn live through htmx, and the TOML of the position to paste into data/poses/<exercise>.toml.

    uv run --frozen python scripts/pose_editor.py [--port 5050]      then open http://127.0.0.1:5050/
"""

from __future__ import annotations

import argparse
import sys
from html import escape
from pathlib import Path

from flask import Flask, request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import figures as F  # noqa: E402
from planner.knowledge import default_knowledge  # noqa: E402

app = Flask(__name__, static_folder=str(ROOT / "static"))
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pose editor</title>
<link rel="stylesheet" href="/static/app.css"><script src="/static/vendor/htmx.min.js" defer></script></head>
<body><main><h1>Pose editor</h1>
<form method="get" action="/"><label>Exercise <select name="exercise">{options}</select></label>
<label>Position <select name="position">{positions}</select></label> <button>Load</button></form>
<form id="sliders" hx-get="/figure" hx-trigger="input delay:60ms" hx-target="#out">
<input type="hidden" name="exercise" value="{exercise}"><input type="hidden" name="position" value="{index}">
<div class="checks stacked">{sliders}</div></form><div id="out">{out}</div></main></body></html>"""


def _angles(pose: F.Pose, index: int) -> dict[str, float]:
    return {n: 0.0 for n in F.ANGLE_NAMES} | F.bases()[pose.base] | pose.position[index].angles


def _out(pose: F.Pose, index: int, angles: dict[str, float], name: str) -> str:
    """The figure with position `index` set to `angles`, and that position's TOML (changes from the base only)."""
    positions = list(pose.position)
    base = {n: 0.0 for n in F.ANGLE_NAMES} | F.bases()[pose.base]
    changed = {k: round(v) for k, v in angles.items() if round(v) != round(base[k])}
    positions[index] = positions[index].model_copy(update={"angles": changed})
    edited = pose.model_copy(update={"position": tuple(positions)})
    inline = ", ".join(f"{k} = {v}" for k, v in changed.items())
    toml = f'[[position]]\nname = "{positions[index].name}"\nangles = {{ {inline} }}'
    print(toml, flush=True)
    return f'<div class="panel">{F.render(edited, name)}</div><pre>{escape(toml)}</pre>'


@app.get("/")
def index() -> str:
    """The editor page for one exercise and key position."""
    catalogue = default_knowledge().catalogue
    exercise = request.args.get("exercise", catalogue.exercises[0].id)
    pose = F.load_pose(F.pose_path(exercise))
    i = min(int(request.args.get("position", 0)), len(pose.position) - 1)
    angles = _angles(pose, i)
    options = "".join(f'<option value="{e.id}"{" selected" if e.id == exercise else ""}>{escape(e.name)}</option>'
                      for e in catalogue.exercises)
    positions = "".join(f'<option value="{n}"{" selected" if n == i else ""}>{escape(p.name)}</option>'
                        for n, p in enumerate(pose.position))
    sliders = "".join(f'<label>{n} <input type="range" name="{n}" min="-180" max="180" step="1" '
                      f'value="{angles[n]:.0f}"></label>' for n in F.ANGLE_NAMES)
    return PAGE.format(options=options, positions=positions, exercise=exercise, index=i, sliders=sliders,
                       out=_out(pose, i, angles, catalogue.get(exercise).name))


@app.get("/figure")
def figure() -> str:
    """The re-drawn figure and TOML for the sliders' values (the htmx target)."""
    exercise = request.args["exercise"]
    pose = F.load_pose(F.pose_path(exercise))
    i = int(request.args.get("position", 0))
    angles = _angles(pose, i) | {n: float(request.args[n]) for n in F.ANGLE_NAMES if n in request.args}
    return _out(pose, i, angles, default_knowledge().catalogue.get(exercise).name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5050)
    app.run(host="127.0.0.1", port=parser.parse_args().port, debug=False)
