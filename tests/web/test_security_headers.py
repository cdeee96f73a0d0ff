"""Answers' headers: 405 lists what is allowed, token-bearing answers are never stored by a cache, and a plan's
name is one line (no C1 controls, no line or paragraph separators)."""

from __future__ import annotations

import pytest

from planner.knowledge import example_request


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/plan", {"POST"}), ("GET", "/save", {"POST"}), ("GET", "/api/v1/plans", {"POST"}),
    ("PUT", "/", {"GET", "HEAD"}), ("DELETE", "/api/v1/openapi.json", {"GET", "HEAD"})])
def test_a_405_answer_lists_the_allowed_methods(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_answers_that_carry_a_saved_token_are_not_stored_by_caches(client, example_form):
    saved = client.post("/save", data=example_form)
    assert saved.status_code == 303 and saved.headers["Cache-Control"] == "no-store"
    by_htmx = client.post("/save", data=example_form, headers={"HX-Request": "true"})
    assert by_htmx.headers["HX-Redirect"].startswith("/p/") and by_htmx.headers["Cache-Control"] == "no-store"
    form = example_form.copy()
    form["saved_token"] = saved.headers["Location"].rsplit("/", 1)[1]
    preview = client.post("/plan", data=form)  # the whole page, with the saved panel and its links
    assert preview.status_code == 200 and form["saved_token"] in preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("separator", ["\u0085", "\u2028", "\u2029", "\u009b"])
def test_a_name_with_a_line_separator_or_c1_control_is_refused(client, separator):
    request = {**example_request(), "name": f"Week{separator}two"}
    response = client.post("/api/v1/plans", json=request)
    assert response.status_code == 422
    assert "one line" in response.get_json()["fields"]["name"]
