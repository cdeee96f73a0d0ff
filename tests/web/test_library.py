"""The public exercise library: list with filters, one page per exercise, public caching, strict CSP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from planner import figures as F
from planner.catalogue import Exercise, HowTo
from planner.knowledge import default_knowledge
from planner.web import library

CATALOGUE = default_knowledge().catalogue
SVG = "{http://www.w3.org/2000/svg}"


def _listed(html: str) -> list[str]:
    return re.findall(r'href="/exercises/([a-z0-9_]+)"', html)


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def test_the_library_lists_every_exercise_with_its_figure(client) -> None:
    r = client.get("/exercises")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert sorted(_listed(html)) == sorted(e.id for e in CATALOGUE.exercises)
    assert len(_svgs(html)) == len(CATALOGUE.exercises)


def test_library_pages_are_publicly_cacheable_and_keep_the_strict_csp(client) -> None:
    for url in ("/exercises", "/exercises/bird_dog"):
        r = client.get(url)
        assert r.headers["Cache-Control"] == "public, max-age=3600"
        assert "style-src 'self'" in r.headers["Content-Security-Policy"]
        assert "style=" not in r.get_data(as_text=True)


def test_an_unknown_exercise_answers_404(client) -> None:
    r = client.get("/exercises/superman_lift")
    assert r.status_code == 404
    assert "public" not in r.headers.get("Cache-Control", "")


@pytest.mark.parametrize(("query", "rule"), [
    ("area=glutes", lambda e: e.category == "glutes"),
    ("level=2", lambda e: e.level == 2),
    ("equipment=ball", lambda e: "ball" in e.equipment),
    ("equipment=none", lambda e: not e.equipment),
    ("flare_safe=1", lambda e: e.flare_safe),
    ("area=core&level=1&flare_safe=1", lambda e: e.category == "core" and e.level == 1 and e.flare_safe),
])
def test_the_filters_show_exactly_the_matching_exercises(client, query, rule) -> None:
    html = client.get(f"/exercises?{query}").get_data(as_text=True)
    expected = sorted(e.id for e in CATALOGUE.exercises if rule(e))
    assert expected and sorted(_listed(html)) == expected


def test_unknown_filter_values_are_ignored_rather_than_failing(client) -> None:
    r = client.get("/exercises?area=<script>&level=9&equipment=rocket")
    assert r.status_code == 200 and len(_listed(r.get_data(as_text=True))) == len(CATALOGUE.exercises)
    assert "<script>" not in r.get_data(as_text=True).split("<main", 1)[1]


def test_the_filter_form_is_a_plain_get_form_that_keeps_the_choices(client) -> None:
    html = client.get("/exercises?area=thoracic&flare_safe=1").get_data(as_text=True)
    assert re.search(r'<form[^>]*method="get"', html)
    assert '<option value="thoracic" selected>' in html and 'name="flare_safe" value="1" checked' in html


@pytest.mark.parametrize("exercise_id", [e.id for e in CATALOGUE.exercises])
def test_each_exercise_page_shows_its_figure_dose_cautions_and_source(client, exercise_id) -> None:
    ex = CATALOGUE.get(exercise_id)
    r = client.get(f"/exercises/{exercise_id}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    svgs = [ET.fromstring(svg) for svg in _svgs(html)]
    # three key positions come twice: side by side, and one under the other for a phone (CSS shows one)
    assert len(svgs) == (2 if len(F.pose_for(exercise_id).position) == 3 else 1)
    assert all(root.get("role") == "img" and root.find(f"{SVG}title").text == ex.name for root in svgs)
    assert ex.dose_for(ex.level) in html.replace("&#39;", "'").replace("&amp;", "&")
    assert ex.source.replace("&", "&amp;") in html
    for caution in ex.cautions:
        assert caution.replace("&", "&amp;").replace("'", "&#39;") in html


def test_the_how_to_is_shown_when_an_exercise_has_one(app, client) -> None:
    how = HowTo(start="Lie on your back, knees bent, feet flat.",
                steps=("Breathe out and brace gently.", "Lift the hips.", "Lower slowly."),
                breathing="Breathe out as you lift.", feel="Your buttocks working, not your lower back.",
                mistakes=("Arching the back at the top.", "Pushing through the toes."),
                stop_if="Pain rises above 5/10 or you feel anything in your legs.")
    catalogue = app.extensions["backstride.knowledge"].catalogue
    ex: Exercise = catalogue.get("glute_bridge")
    catalogue._by_id["glute_bridge"] = ex.model_copy(update={"how": how, "harder": "single_leg_bridge",
                                                             "dose_by_level": {"2": "3 × 15"}})
    html = client.get("/exercises/glute_bridge").get_data(as_text=True)
    assert "How to do it" in html and "Lift the hips." in html and "Pushing through the toes." in html
    assert 'href="/exercises/single_leg_bridge"' in html and "3 × 15" in html


def test_an_exercise_without_a_how_to_has_no_empty_how_to_section(app, client) -> None:
    catalogue = app.extensions["backstride.knowledge"].catalogue
    catalogue._by_id["bird_dog"] = catalogue.get("bird_dog").model_copy(update={"how": None})
    assert "How to do it" not in client.get("/exercises/bird_dog").get_data(as_text=True)


def test_the_figure_helper_gives_nothing_for_an_exercise_without_a_pose() -> None:
    assert library.figure("no_such_exercise") == ""


def test_any_template_can_draw_a_small_exercise_figure(app) -> None:
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string('{{ exercise_figure("bird_dog", "small") }}|{{ exercise_figure("nope") }}|')
    svg, missing, _ = html.split("|")
    assert ET.fromstring(svg).get("class") == "figure figure-small" and missing == ""


def test_a_broken_pose_file_stops_the_app_at_start_naming_the_file(database_url, monkeypatch, tmp_path) -> None:
    from planner import figures
    from planner.datafile import DataError
    from tests.web.conftest import make_app

    broken = tmp_path / "poses"
    broken.mkdir()
    for name in ("_bases.toml", "bird_dog.toml"):
        (broken / name).write_text((figures.POSES_DIR / name).read_text())
    (broken / "dead_bug.toml").write_text('view = "sideways"\n')
    monkeypatch.setattr(figures.poses, "POSES_DIR", broken)
    figures.pose_for.cache_clear()
    figures.bases.cache_clear()
    try:
        with pytest.raises(DataError, match=r"dead_bug\.toml: view"):
            make_app(database_url)
    finally:
        figures.pose_for.cache_clear()
        figures.bases.cache_clear()


def test_a_page_can_define_each_small_figure_once_and_use_it_many_times(app) -> None:
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            '{{ exercise_figure_defs(["bird_dog", "bird_dog", "dead_bug", "nope"]) }}'
            '{% for i in ["bird_dog", "dead_bug", "bird_dog"] %}{{ exercise_figure_use(i) }}{% endfor %}')
    root = ET.fromstring(f"<div>{html}</div>")
    defs, *uses = list(root)
    symbols = [s.get("id") for s in defs.iter("{http://www.w3.org/2000/svg}symbol")]
    assert symbols == ["fig-bird_dog", "fig-dead_bug"] and defs.get("aria-hidden") == "true"
    assert [u.find("{http://www.w3.org/2000/svg}use").get("href") for u in uses] == [
        "#fig-bird_dog", "#fig-dead_bug", "#fig-bird_dog"]


def test_the_figure_definitions_can_be_collected_from_a_planned_week(app, client, example_form) -> None:
    from flask import render_template_string

    from planner.web import service

    with app.test_request_context():
        plan = service.solve_form(example_form).plan
        html = render_template_string("{{ exercise_figure_defs(plan) }}", plan=plan)
    planned = {ex["id"] for day in plan["days"] for item in day["items"] for ex in item["exercises"]}
    symbols = {s.get("id") for s in ET.fromstring(html).iter(f"{SVG}symbol")}
    assert planned and symbols == {f"fig-{i}" for i in planned}
