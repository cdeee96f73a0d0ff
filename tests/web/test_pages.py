"""The planner pages through Flask's test client: page vs fragment, errors beside fields, saving."""

from __future__ import annotations

import re

from tests.web.conftest import error_of, form_of

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
