"""The public exercise library: every exercise with its figure, how-to, doses and cautions. No private data, so
the pages may be cached publicly and linked from anywhere (calendar events, the printed week)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from markupsafe import Markup

from planner.catalogue import CATEGORIES, Exercise
from planner.figures import figure_svg, figure_symbol, figure_use, pose_for

bp = Blueprint("library", __name__)

AREAS = {"core": "Core", "glutes": "Glutes", "hamstrings": "Hamstrings", "hip_mobility": "Hip mobility",
         "thoracic": "Thoracic", "warm_up": "Warm-up", "cool_down": "Cool-down"}
LEVELS = (1, 2, 3)
PUBLIC_CACHE = "public, max-age=3600"


@bp.record_once
def _validate_poses(state) -> None:  # type: ignore[no-untyped-def]
    """Pose files are checked at start like the other data files: a broken one stops the app with a DataError
    naming file and field (an exercise without a pose file only goes without a figure)."""
    for ex in state.app.extensions["backstride.knowledge"].catalogue.exercises:
        try:
            pose_for(ex.id)
        except KeyError:
            continue


def _catalogue():
    return current_app.extensions["backstride.knowledge"].catalogue


def _matches(ex: Exercise, area: str, level: str, equipment: str, flare_safe: bool) -> bool:
    """One exercise against the filter form; an empty field matches everything ("none": no equipment)."""
    if area and ex.category != area:
        return False
    if level and str(ex.level) != level:
        return False
    if equipment == "none" and ex.equipment:
        return False
    if equipment and equipment != "none" and equipment not in ex.equipment:
        return False
    return not (flare_safe and not ex.flare_safe)


def _public(body: str) -> Response:
    response = make_response(body)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.app_template_global("exercise_figure")
def figure(exercise_id: str, size: str = "large") -> Markup:
    """The exercise's SVG figure for any template, as `exercise_figure(id, "small")` (built from our own pose
    data with text escaped, so safe to embed); empty for an id without a figure."""
    try:
        return Markup(figure_svg(exercise_id, size))  # noqa: S704 - generated from data/poses, text escaped
    except KeyError:
        return Markup("")


@bp.app_template_global("exercise_figure_defs")
def figure_defs(exercise_ids: Iterable[str] | Mapping[str, Any]) -> Markup:
    """One hidden <svg> defining the small drawing of each exercise once, for pages that repeat exercises (the
    week view): each place then draws it with exercise_figure_use(id), about 170 bytes instead of 1–1.5 KB.
    Takes exercise ids, or a plan (Contract 2) whose items' exercises it collects."""
    if isinstance(exercise_ids, Mapping):
        exercise_ids = [ex["id"] for day in exercise_ids.get("days", []) for item in day.get("items", [])
                        for ex in item.get("exercises", [])]
    symbols = []
    for i in dict.fromkeys(exercise_ids):  # each once, in order
        try:
            symbols.append(figure_symbol(i))
        except KeyError:
            continue
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" '  # noqa: S704
                  f'focusable="false" class="figure-defs">{"".join(symbols)}</svg>')


@bp.app_template_global("exercise_figure_use")
def figure_ref(exercise_id: str, decorative: bool = False) -> Markup:
    """A small figure drawing the page's definition from exercise_figure_defs(); empty without a figure.
    `decorative` beside the exercise's name: hidden from screen readers, which read the name."""
    try:
        return Markup(figure_use(exercise_id, decorative))  # noqa: S704 - generated from data/poses, text escaped
    except KeyError:
        return Markup("")


@bp.get("/exercises")
def index() -> Response:
    """All exercises, filtered by area, level, equipment and flare safety (a plain GET form)."""
    catalogue = _catalogue()
    args = request.args
    area = args.get("area", "") if args.get("area", "") in CATEGORIES else ""
    level = args.get("level", "") if args.get("level", "") in {str(n) for n in LEVELS} else ""
    known = catalogue.equipment_ids() | {"none"}
    equipment = args.get("equipment", "") if args.get("equipment", "") in known else ""
    flare_safe = args.get("flare_safe") == "1"
    found = [e for e in catalogue.exercises if _matches(e, area, level, equipment, flare_safe)]
    body = render_template("exercises.html", exercises=found, areas=AREAS, levels=LEVELS,
                           equipment=catalogue.equipment, names={q.id: q.name for q in catalogue.equipment},
                           chosen={"area": area, "level": level, "equipment": equipment, "flare_safe": flare_safe})
    return _public(body)


@bp.get("/exercises/<exercise_id>")
def exercise(exercise_id: str) -> Response:
    """One exercise: figure, how-to, dose by level, cautions and source; 404 for an unknown id."""
    catalogue = _catalogue()
    try:
        ex = catalogue.get(exercise_id)
    except KeyError:
        abort(404, description="There is no exercise with that name in the library.")
    related = {i: catalogue.get(i) for i in (ex.easier, ex.harder) if i and i in {e.id for e in catalogue.exercises}}
    try:
        positions = len(pose_for(ex.id).position)
    except KeyError:
        positions = 0
    body = render_template("exercise.html", ex=ex, area=AREAS[ex.category], levels=LEVELS, related=related,
                           stack_on_phones=positions > 2,
                           names={q.id: q.name for q in catalogue.equipment})
    return _public(body)
