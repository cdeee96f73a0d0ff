"""The planner pages through Flask's test client: page vs fragment, errors beside fields, saving."""

from __future__ import annotations

import json
import re
from pathlib import Path

from werkzeug.datastructures import MultiDict

from planner.web import forms
from tests.web.conftest import error_of, form_of

ROOT = Path(__file__).resolve().parents[2]

HX = {"HX-Request": "true"}


def days_in(html: str) -> int:
    return len(re.findall(r'<li class="day"', html))


def test_the_form_opens_prefilled_with_an_example_week(client):
    html = client.get("/").get_data(as_text=True)
    form = form_of(html)
    assert form["run_sun_kind"] == "long"
    assert form["csrf_token"]
    assert "Exercise guidance, not a diagnosis" in html


def test_a_plain_post_answers_a_full_page_with_seven_days(client, example_form):
    response = client.post("/plan", data=example_form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert days_in(html) == 7
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_post_answers_only_the_plan_fragment(client, example_form):
    response = client.post("/plan", data=example_form, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="plan"')
    assert days_in(html) == 7
    assert 'hx-swap-oob="true"' in html  # clears or sets the error slots beside the fields
    assert "HX-Request" in response.headers["Vary"]


def test_a_boosted_request_and_a_history_restore_get_the_full_page(client, example_form):
    boosted = client.post("/plan", data=example_form, headers={**HX, "HX-Boosted": "true"})
    restore = client.get("/", headers={**HX, "HX-History-Restore-Request": "true"})
    for response in (boosted, restore):
        assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
        assert "HX-Request" in response.headers["Vary"]


def test_a_bad_value_is_kept_and_explained_beside_its_field(client, example_form):
    example_form["run_tue_minutes"] = "abc"
    example_form["timezone"] = "Mars/Olympus"
    response = client.post("/plan", data=example_form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(html, "run_tue_minutes") == "must be a whole number"
    assert "unknown time zone" in error_of(html, "timezone")
    assert 'value="abc"' in html and 'value="Mars/Olympus"' in html
    assert days_in(html) == 0


def test_a_cross_field_error_lands_on_the_input_that_causes_it(client, example_form):
    example_form["avail_tue_start"] = "07:10"   # inside the Tuesday run (07:00, 40 min)
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert "overlaps the Tuesday run" in error_of(html, "avail_tue_start")


def test_a_red_flag_answer_shows_urgent_advice_and_no_plan(client, example_form):
    example_form.add("flags", "saddle_numbness")
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert "urgent medical care" in html
    assert "No training plan has been made" in html
    assert days_in(html) == 0


def infeasible_form(form):
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        form[f"avail_{day}_minutes"] = "0"
    form["avail_sat_minutes"] = "15"
    form.setlist("weak_areas", ["core", "glutes", "hamstrings", "hip_mobility", "thoracic"])
    return form


def test_an_infeasible_week_offers_relaxations_that_apply_and_resolve(client, example_form):
    html = client.post("/plan", data=infeasible_form(example_form)).get_data(as_text=True)
    assert "cannot be planned as asked" in html
    actions = re.findall(r'name="relax" value="([^"]+)"', html)
    assert actions
    example_form["relax"] = actions[0]
    after = client.post("/plan", data=example_form).get_data(as_text=True)
    # the relaxation changed the runner's wishes: the form shows them, and the answer differs
    assert form_of(after) != form_of(html) or days_in(after) == 7


def test_an_unknown_relaxation_is_a_clear_error(client, example_form):
    example_form["relax"] = "drop_everything"
    response = client.post("/plan", data=example_form)
    assert response.status_code == 422
    assert "not a change this planner suggested" in error_of(response.get_data(as_text=True), "form")


def test_a_post_without_the_csrf_token_is_rejected(client, example_form):
    del example_form["csrf_token"]
    response = client.post("/plan", data=example_form)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_save_redirects_to_an_unguessable_link_that_reopens_edits_and_deletes(client, example_form):
    response = client.post("/save", data=example_form)
    assert response.status_code == 303
    link = response.headers["Location"]
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22   # >= 128 bits of URL-safe base64
    page = client.get(link)
    assert page.status_code == 200 and days_in(page.get_data(as_text=True)) == 7
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    edit = form_of(page.get_data(as_text=True))
    edit["run_tue_minutes"] = "30"
    edit["pain_during_run"] = "0"
    edit["pain_next_morning"] = "usual"
    assert client.post(link, data=edit).status_code == 303
    tuesday = re.search(r'data-key="tue-run".*?(\d+) min</span>', client.get(link).get_data(as_text=True), re.S)
    assert tuesday and tuesday.group(1) == "30"   # the re-solved week (now GREEN) plans the edited 30 min
    assert form_of(client.get(link).get_data(as_text=True))["run_tue_minutes"] == "30"
    deleted = client.post(f"{link}/delete", data={"csrf_token": edit["csrf_token"]})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/?deleted=1"
    assert "were deleted" in client.get(deleted.headers["Location"]).get_data(as_text=True)
    assert client.get(link).status_code == 404


def test_an_unknown_token_is_404(client):
    assert client.get("/p/not-a-real-token").status_code == 404
    assert client.get("/f/not-a-real-token.ics").status_code == 404


def test_htmx_save_navigates_with_hx_redirect(client, example_form):
    response = client.post("/save", data=example_form, headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/p/")


def test_health_and_readiness(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_wrong_method_and_unknown_page_get_friendly_pages_without_tracebacks(client):
    for response, status in ((client.get("/plan"), 405), (client.get("/nope"), 404)):
        html = response.get_data(as_text=True)
        assert response.status_code == status
        assert "Traceback" not in html and "Backstride" in html


def test_a_second_app_instance_on_the_same_database_sees_saved_plans(database_url, client, example_form):
    from tests.web.conftest import close_store, make_app
    link = client.post("/save", data=example_form).headers["Location"]
    other_app = make_app(database_url)   # another worker or machine, same database
    try:
        page = other_app.test_client().get(link)
        assert page.status_code == 200 and days_in(page.get_data(as_text=True)) == 7
    finally:
        close_store(other_app)


def test_ticking_limping_stops_planning_and_advises_a_clinician(client, example_form):
    example_form["pain_limping"] = "on"
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert "limping because of the pain" in html and days_in(html) == 0
    assert 'name="pain_limping" checked' in html


# --- the form asks plainly; the week reads plainly (issue 12 build items 1-6, issue 8 findings 1 and 9) ---------

def _amber(form):
    """The AMBER half-marathoner of data/examples (the form opens with the same week without pain)."""
    example = json.loads((ROOT / "data" / "examples" / "amber-half-marathoner.json").read_text(encoding="utf-8"))
    pain = example["pain"]
    form["pain_during_run"], form["pain_at_rest"] = str(pain["during_run"]), str(pain["at_rest"])
    form["pain_next_morning"], form["pain_trend"] = pain["next_morning"], pain["trend"]
    return form, {r["day"] for r in example["runs"]}


def _day_html(html: str) -> dict[str, str]:
    parts = re.split(r'<li class="day" data-weekday="(\w+)">', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_first_visit_opens_with_no_pain_and_plans_a_green_week(client, example_form):
    assert (example_form["pain_during_run"], example_form["pain_at_rest"]) == ("0", "0")
    assert example_form["pain_next_morning"] == "usual"
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert 'class="badge pain-green">Pain settled (GREEN)' in html and "badge pain-amber" not in html


def test_the_amber_example_shows_at_most_two_blocks_on_a_run_day_and_one_on_a_day_without(client, example_form):
    form, run_days = _amber(example_form)
    html = client.post("/plan", data=form).get_data(as_text=True)
    assert "AMBER" in html
    days = _day_html(html)
    assert len(days) == 7
    for day, part in days.items():
        blocks = part.count('<article class="block ')
        assert blocks <= (2 if day in run_days else 1), f"{day}: {blocks} blocks"
        assert blocks >= (1 if day in run_days else 0)
    assert html.count('<details class="why">') == html.count('<article class="block ')  # one "why" per block


def test_health_facts_map_from_the_form_to_the_request_and_back():
    form = MultiDict([("level", "2"), ("health", "knee_pain"), ("health", "osteoporosis")])
    data, errors = forms.request_from_form(form, {})
    assert data["health"] == ["knee_pain", "osteoporosis"] and errors == []
    assert forms.form_from_request({"health": ["hip_pinch"], "runs": []})["health"] == ["hip_pinch"]
    assert forms.form_from_submission(form)["health"] == ["knee_pain", "osteoporosis"]
    assert forms.form_from_submission(MultiDict())["health"] == []


def test_a_ticked_health_fact_reaches_the_request_and_stays_ticked(app, client, example_form):
    from planner.web import service
    example_form.add("health", "knee_pain")
    with app.test_request_context("/plan", method="POST", data=example_form):
        out = service.solve_form(example_form)
    assert out.ok and out.request.health == ["knee_pain"]
    after = client.post("/plan", data=example_form).get_data(as_text=True)
    assert days_in(after) == 7
    assert re.search(r'name="health" value="knee_pain" checked', after)
    assert "Knee pain" in after.split('id="s-health"')[1].split("</summary>")[0]  # the folded section names it


def test_an_unknown_health_fact_is_explained_beside_the_health_boxes(client, example_form):
    example_form.add("health", "broken_toe")
    response = client.post("/plan", data=example_form)
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), "health")


def test_the_history_numbers_are_asked_up_front_and_map_both_ways(client):
    html = client.get("/").get_data(as_text=True)
    assert html.index('name="history_longest"') < html.index('class="days-table"')
    assert "Optional; caps" not in html
    data, _ = forms.request_from_form(MultiDict([("history_longest", "60"), ("history_last_week", "150")]), {})
    assert data["history"] == {"longest_run_30d_minutes": 60, "last_week_run_minutes": 150}
    assert forms.request_from_form(MultiDict([("history_longest", ""), ("history_last_week", "")]), {})[0][
        "history"] == {}
    back = forms.form_from_request({"history": {"longest_run_30d_minutes": 60}, "runs": []})
    assert (back["history_longest"], back["history_last_week"]) == ("60", "")


def test_the_form_asks_the_pain_trend_over_the_last_3_runs_and_states_the_shortest_session(client):
    html = client.get("/").get_data(as_text=True)
    assert "Over your last 3 runs, pain is" in html and "Over the last week" not in html
    assert "at least 8 minutes" in html


def test_a_stored_week_folds_answered_safety_questions_and_opens_ticked_ones(client):
    assert forms.form_from_request({"runs": []})["screening_answer"] == "none"
    assert forms.form_from_request({"runs": [], "screening": {"cautions": ["sciatica"]}})["screening_answer"] == "some"
    html = client.get("/").get_data(as_text=True)   # a first visit answers nothing for the visitor
    assert 'value="none" id="f-screening_none" checked' not in html


def test_the_week_keeps_rule_ids_inside_its_why_disclosures_and_has_no_tooltips(client, example_form):
    form, _ = _amber(example_form)
    html = client.post("/plan", data=form, headers=HX).get_data(as_text=True)
    assert "title=" not in html and "<abbr" not in html
    assert "Rules: wish" not in html
    outside = re.sub(r'<details class="(why|sources)">.*?</details>', "", html, flags=re.S)
    assert "(R11)" not in outside
    assert "(R11)" in html and "(pain-amber)" not in html and "(wish)" not in html   # only R-numbers are cited


def test_the_badge_says_plainly_what_the_status_means(client, example_form):
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert "best trade-off found" not in html and "every rule met" not in html
    assert "Every safety and timing rule is kept" in html


def test_trade_offs_are_sentences_each_said_once(client, example_form):
    form, _ = _amber(example_form)
    html = client.post("/plan", data=form, headers=HX).get_data(as_text=True)
    block = re.search(r'<details class="tradeoffs">(.*?)</details>', html, re.S).group(1)
    sentences = re.findall(r"<li>(.*?)</li>", block, re.S)
    assert sentences and len(sentences) == len(set(sentences))
    assert all(s[0].isupper() and s.rstrip().endswith(".") for s in sentences)
    assert sum("Tuesday" in s for s in sentences if s.startswith("Loaded strength")) == 1


def test_sources_are_grouped_by_topic_and_heuristics_read_as_our_starting_values(client, example_form):
    form, _ = _amber(example_form)
    html = client.post("/plan", data=form, headers=HX).get_data(as_text=True)
    sources = re.search(r'<details class="sources">(.*?)</details>', html, re.S).group(1)
    assert "to be reviewed by a clinician" not in html
    assert "our starting values" in sources
    topics = re.findall(r"<h3>(.*?)</h3>", sources)
    assert topics[0] == "Safety and pain" and len(topics) == len(set(topics)) >= 3
    strength = sources.split("<h3>Strength and core</h3>")[1].split("<h3>")[0]
    assert strength.index("(R2)") < strength.index("(R16)")   # R2 before R16, not as text sorts


def test_saving_and_saving_changes_are_confirmed_once_and_delete_takes_a_second_step(client, example_form):
    link = client.post("/save", data=example_form).headers["Location"]
    page = client.get(link).get_data(as_text=True)
    assert "Saved." in page
    assert "Saved." not in client.get(link).get_data(as_text=True)
    assert re.search(r'<details class="confirm-delete">\s*<summary>Delete this plan…</summary>.*?'
                     r'Yes, delete this plan', page, re.S)
    edit = form_of(page)
    assert client.post(link, data=edit).status_code == 303
    assert "Your changes are saved" in client.get(link).get_data(as_text=True)
    assert client.post(f"{link}/feed", data={"csrf_token": edit["csrf_token"]}).status_code == 303
    assert "new address" in client.get(link).get_data(as_text=True)
    assert f'id="f-private" type="text" readonly value="http://localhost{link}"' in page


def test_a_plan_saved_before_blocks_existed_shows_one_block_per_item():
    from planner.web.render import day_blocks
    day = {"weekday": "tue", "items": [
        {"key": "tue-run", "kind": "run", "start": "07:00", "minutes": 35, "run_kind": "easy",
         "requested_minutes": 40, "reasons": ["Held shorter."], "rules": ["R13"], "exercises": []},
        {"key": "tue-core", "kind": "core", "start": "19:00", "minutes": 8, "reasons": [], "rules": ["R3"],
         "exercises": []}]}
    blocks = day_blocks(day)
    assert [(b["key"], b["start"], b["end"]) for b in blocks] == [("tue-run", "07:00", "07:35"),
                                                                 ("tue-core", "19:00", "19:08")]
    assert blocks[0]["run_notes"] == ["Held shorter."] and blocks[1]["run_notes"] == []


def test_a_relaxation_keeps_the_safety_questions_as_the_runner_left_them(client, example_form):
    example_form.poplist("screening_answer")   # the form reader of conftest submits every radio; a browser none
    html = client.post("/plan", data=infeasible_form(example_form)).get_data(as_text=True)
    example_form["relax"] = re.findall(r'name="relax" value="([^"]+)"', html)[0]
    after = client.post("/plan", data=example_form).get_data(as_text=True)   # never answered on the first visit
    assert 'id="f-screening_none" checked' not in after
    example_form["screening_answer"] = "none"
    after = client.post("/plan", data=example_form).get_data(as_text=True)
    assert 'id="f-screening_none" checked' in after


def test_a_caution_week_does_not_call_itself_settled_without_saying_it_is_careful(client, example_form):
    example_form.add("flags", "sciatica")
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    assert days_in(html) == 7
    assert "Pain settled (GREEN)" not in html
    assert "A careful week" in html and "physiotherapist" in html


def test_a_planned_week_with_a_figure_beside_every_exercise_stays_under_150_kb(client, example_form):
    html = client.post("/plan", data=example_form).get_data(as_text=True)
    exercises = html.count('class="ex-link"')
    assert exercises >= 20 and html.count("<use ") >= exercises      # every exercise has its figure
    assert len(html.encode("utf-8")) <= 150_000, len(html.encode("utf-8"))
