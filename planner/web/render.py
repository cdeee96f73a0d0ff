"""The one place that decides page or fragment (STYLE.md lesson 2), and the shared template context."""

from __future__ import annotations

import functools
from typing import Any
from zoneinfo import available_timezones

from flask import Flask, Response, make_response, render_template, request
from jinja2_fragments.flask import render_block

from planner.ical import repeatable
from planner.plan import run_label
from planner.request import HEALTH_FACTS
from planner.web import forms
from planner.web.feed import public_url

PAGE = "planner.html"


# The safety questions in three groups a runner can scan (DOMAIN §1A, §1B, §1C), in plain words.
SCREENING_HEADINGS = (("1A", "Changes in feeling, bladder, bowel or legs"), ("1B", "Other signs a doctor should check"),
                      ("1C", "Signs that call for a gentler week"))


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
        repeatable=repeatable, day_blocks=day_blocks, tradeoffs=tradeoffs, source_groups=source_groups,
        rule_info=rule_info, run_label=run_label,
        exercise_glossary=exercise_glossary, pain_badges=PAIN_BADGES, status_badges=STATUS_BADGES,
        session_min=knowledge.rules.budget.session_min,
        pain_ceiling=knowledge.rules.pain.red_during_above, health_options=list(HEALTH_FACTS.items()),
        equipment_options=[(e.id, e.name) for e in knowledge.catalogue.equipment],
        screening_options=[(q.id, q.text) for q in knowledge.screening.questions],
        screening_groups=[(heading, [(q.id, q.text) for q in knowledge.screening.questions if q.tier == tier])
                          for tier, heading in SCREENING_HEADINGS])


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


# --- the week view: blocks, plain-word reasons, trade-offs and sources (read from a Contract-2 dict) -----------

# Rule ids by the topic a runner would look them up under; ids not listed land in "Other rules".
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Safety and pain", ("R1", "R13", "screen-", "pain-")),
    ("Running volume", ("R12", "R10", "ladder")),
    ("Strength and core", ("R2", "R3", "R4", "R16")),
    ("Mobility and stretching", ("R6", "R7", "R8")),
    ("The shape of each day", ("R5", "R9", "R11", "R14", "R15", "spread")),
    ("Your own wishes", ("wish",)),
)
_HEURISTIC = ("Backstride heuristic [H] — to be reviewed by a clinician", "a Backstride heuristic [H]")
_STARTING_VALUES = "our starting values [H], adjustable (a clinician may set them differently)"


def _rule_order(rid: str) -> tuple[str, int, str]:
    """R2 before R11: the letters, then the number, then the rest."""
    head = rid.rstrip("0123456789")
    tail = rid[len(head):]
    return (head, int(tail) if tail else -1, rid)


def rule_info(plan: dict[str, Any], rid: str) -> dict[str, str]:
    """A rule of the plan as title, plain text and readable source ('Daily time budget', …, 'our starting values')."""
    raw = plan.get("sources", {}).get(rid, "")
    body, _, source = raw.rpartition(" Source: ") if " Source: " in raw else (raw, "", "")
    title, _, text = body.partition(". ")
    for phrase in _HEURISTIC:
        source = source.replace(phrase, _STARTING_VALUES)
    # the R-numbers of DOMAIN §4 are shown as citations a physiotherapist can look up; slugs such as "wish" or
    # "pain-amber" are the program's own names and stay out of sight
    cite = rid if rid[:1] == "R" and rid[1:].isdigit() else ""
    return {"id": rid, "title": title or rid, "text": text, "source": source, "cite": cite}


def source_groups(plan: dict[str, Any]) -> list[tuple[str, list[dict[str, str]]]]:
    """The plan's sources grouped by topic, in a fixed topic order and R-number order inside each topic."""
    groups: dict[str, list[dict[str, str]]] = {name: [] for name, _ in TOPICS}
    groups["Other rules"] = []
    for rid in sorted(plan.get("sources", {}), key=_rule_order):
        topic = next((name for name, ids in TOPICS if any(rid == i or (i.endswith("-") and rid.startswith(i))
                                                            for i in ids)), "Other rules")
        groups[topic].append(rule_info(plan, rid))
    return [(name, rules) for name, rules in groups.items() if rules]


def _minutes(clock_text: str) -> int:
    hours, _, mins = clock_text.partition(":")
    return int(hours) * 60 + int(mins)


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def day_blocks(day: dict[str, Any]) -> list[dict[str, Any]]:
    """A day's blocks (Contract 2 `blocks`) with their items, time range, and one deduplicated list of reasons
    and rule ids for the block's single "why". A plan saved before blocks existed shows one block per item."""
    items = {i["key"]: i for i in day.get("items", [])}
    raw = day.get("blocks") or [{"key": i["key"], "kind": "run" if i["kind"] == "run" else "care",
                                 "start": i["start"], "minutes": i["minutes"], "title": "", "items": [i["key"]]}
                                for i in day.get("items", [])]
    blocks = []
    for b in raw:
        parts = [items[k] for k in b["items"] if k in items]
        if not parts:
            continue
        run = next((i for i in parts if i["kind"] == "run"), None)
        changed = run is not None and (run.get("requested_run_kind") or
                                       run.get("requested_minutes") not in (None, run["minutes"]))
        start = _minutes(b["start"])
        blocks.append({
            "key": b["key"], "kind": b["kind"], "start": b["start"], "end": _clock(start + b["minutes"]),
            "minutes": b["minutes"], "title": b.get("title") or "", "items": parts, "run": run,
            "care_minutes": sum(i["minutes"] for i in parts),
            # on paper the "why" is folded away: a changed run keeps the reason it was changed
            "run_notes": [r for r in run.get("reasons", []) if not r.startswith("You asked")] if changed else [],
            "reasons": list(dict.fromkeys(r for i in parts for r in i.get("reasons", []))),
            "rules": list(dict.fromkeys(r for i in parts for r in i.get("rules", []))),
        })
    return blocks


def exercise_glossary(plan: dict[str, Any]) -> list[dict[str, str]]:
    """Each exercise of the week once, with its cue, in order of first appearance (the printed how-to)."""
    seen: dict[str, dict[str, str]] = {}
    for day in plan.get("days", []):
        for item in day.get("items", []):
            for ex in item.get("exercises", []):
                if ex.get("cue") and ex["id"] not in seen:
                    seen[ex["id"]] = {"name": ex["name"], "cue": ex["cue"]}
    return list(seen.values())


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Preferences the plan names in its penalties without a source entry (finding 13 of issue 8 asks for them).
_PREFERENCE_TITLES = {"spread": "sessions spread evenly over the week", "R15": "run, then strength, then mobility"}


def tradeoffs(plan: dict[str, Any]) -> list[str]:
    """The plan's penalties as sentences, each said once, days gathered:
    'Loaded strength on easy days Tuesday and Friday (preference: hard days hard, easy days easy).'"""
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in plan.get("penalties", []):
        label = p.get("label", "").strip()
        head, _, day = label.rpartition(" ")
        key, place = ((p.get("rule", ""), head), day) if day in _WEEKDAY_NAMES and head else \
            ((p.get("rule", ""), label), "")
        places = grouped.setdefault(key, [])
        if place and place not in places:
            places.append(place)
    sentences = []
    for (rid, what), places in grouped.items():
        if len(places) > 1 and what.endswith(" day"):
            what += "s"
        text = what[:1].upper() + what[1:] + (f" {_join(places)}" if places else "")
        title = rule_info(plan, rid)["title"] if rid in plan.get("sources", {}) else _PREFERENCE_TITLES.get(rid, "")
        sentences.append(text + (f" (preference: {title[:1].lower() + title[1:]})." if title else "."))
    return sentences


PAIN_BADGES = {"GREEN": "Pain settled (GREEN)", "AMBER": "Pain needs care (AMBER): hold, don't build",
               "RED": "Pain flaring (RED): running cut back", "STOP": "Stop running (STOP)"}
STATUS_BADGES = {
    "optimal": "Every safety and timing rule is kept; within them, this is the closest fit to your wishes.",
    "feasible": "Every safety and timing rule is kept; a closer fit to your wishes may exist (the search "
                "stopped at its time limit).",
}
