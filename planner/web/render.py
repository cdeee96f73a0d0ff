"""The one place that decides page or fragment (STYLE.md lesson 2), and the shared template context."""

from __future__ import annotations

import functools
from typing import Any
from zoneinfo import available_timezones

from flask import Flask, Response, make_response, render_template, request
from jinja2_fragments.flask import render_block

from planner.ical import repeatable
from planner.web import forms
from planner.web.feed import public_url

PAGE = "planner.html"


def wants_fragment() -> bool:
    """A fragment only for a plain htmx request: not boosted, not a history restore."""
    h = request.headers
    return (h.get("HX-Request") == "true" and h.get("HX-Boosted") != "true"
            and h.get("HX-History-Restore-Request") != "true")


def register(app: Flask) -> None:
    """What every template may use and that never changes while the app runs: set once, not per render."""
    knowledge = app.extensions["backstride.knowledge"]
    app.jinja_env.globals.update(
        forms=forms, field_names=forms.field_names(), zones=_zones(), chart=chart_bars, public_url=public_url,
        repeatable=repeatable,
        equipment_options=[(e.id, e.name) for e in knowledge.catalogue.equipment],
        screening_options=[(q.id, q.text) for q in knowledge.screening.questions])


def context(**extra: Any) -> dict[str, Any]:
    """The per-request part of the template context, with its defaults."""
    ctx: dict[str, Any] = {"errors": {}, "plan": None, "saved": None, **extra}
    ctx["robots_noindex"] = bool(ctx.get("saved")) or bool(ctx.get("deleted"))
    return ctx


def page_or_fragment(block: str, status: int = 200, template: str = PAGE, **extra: Any) -> Response:
    """Render the whole page, or only `block` of it for htmx; always `Vary: HX-Request`."""
    ctx = context(**extra)
    if wants_fragment():
        body = render_block(template, block, oob=block == "plan_area", **ctx)
    else:
        body = render_template(template, **ctx)
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


def chart_bars(plan: dict[str, Any], height: int = 120) -> list[dict[str, Any]]:
    """Per day: run (with warm-up/cool-down) and exercise minutes, scaled to an SVG bar chart's height."""
    days = []
    for day in plan.get("days", []):
        run = sum(i["minutes"] for i in day["items"] if i["kind"] in ("run", "warm_up", "cool_down"))
        extra = sum(i["minutes"] for i in day["items"] if i["kind"] not in ("run", "warm_up", "cool_down"))
        days.append({"weekday": day["weekday"], "run": run, "extra": extra})
    top = max([d["run"] + d["extra"] for d in days] + [30])
    for i, d in enumerate(days):
        d["x"] = 10 + i * 44
        d["run_h"] = round(d["run"] * height / top)
        d["extra_h"] = round(d["extra"] * height / top)
        d["run_y"] = 10 + height - d["run_h"]
        d["extra_y"] = d["run_y"] - d["extra_h"]
    return days
