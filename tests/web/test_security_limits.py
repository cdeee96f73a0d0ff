"""Rate limits: one solving budget per client across every solving route and every worker process (counted in
the database), a budget on every writing route, one on the .ics download, and Retry-After only on refusals."""

from __future__ import annotations

import pytest

from planner.knowledge import example_request
from planner.web.storage import store_for
from tests.web.conftest import close_store, form_of, make_app


@pytest.fixture
def workers(database_url):
    """Two apps on one database, as two worker processes of one server are."""
    def start(**config):
        apps = [make_app(database_url, **config) for _ in range(2)]
        store_for(apps[0]).clear_hits()  # a shared PostgreSQL keeps other tests' counters
        opened.extend(apps)
        return apps
    opened: list = []
    yield start
    for app in opened:
        close_store(app)


def _form(client):
    return form_of(client.get("/").get_data(as_text=True))


def test_one_client_has_one_solving_budget_across_routes_and_workers(workers):
    first, second = workers(RATE_LIMIT="6/minute")
    a, b = first.test_client(), second.test_client()
    form = _form(a)
    answers = [a.post("/plan", data=form).status_code for _ in range(2)]
    answers += [b.post("/api/v1/plans", json=example_request()).status_code for _ in range(2)]
    answers += [a.post("/save", data=form).status_code, b.post("/api/v1/plans", json=example_request()).status_code]
    assert answers == [200, 200, 200, 200, 303, 200]
    assert a.post("/plan", data=form).status_code == 429
    refused = b.post("/api/v1/plans", json=example_request())
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_every_writing_route_draws_on_one_write_budget(workers):
    (app, _) = workers(WRITE_LIMIT="3/minute")
    client = app.test_client()
    form = _form(client)
    link = client.post("/save", data=form).headers["Location"]
    csrf = {"csrf_token": form["csrf_token"]}
    assert client.post(f"{link}/feed", data=csrf).status_code == 303
    edited = form_of(client.get(link).get_data(as_text=True))
    assert client.post(link, data=edited).status_code == 303
    assert client.post("/save", data=form).status_code == 429
    assert client.post(link, data=edited).status_code == 429
    assert client.post(f"{link}/feed", data=csrf).status_code == 429
    assert client.post(f"{link}/delete", data=csrf).status_code == 429
    assert client.get(link).status_code == 200, "a refused delete deleted nothing"


def test_the_ics_download_has_its_own_budget(workers):
    first, second = workers(CALENDAR_LIMIT="3/minute")
    a, b = first.test_client(), second.test_client()
    link = a.post("/save", data=_form(a)).headers["Location"]
    assert [c.get(f"{link}/week.ics?weeks=1").status_code for c in (a, b, a)] == [200, 200, 200]
    refused = b.get(f"{link}/week.ics")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert a.get(link).status_code == 200, "the page itself is not on the calendar budget"


def test_retry_after_is_only_on_refusals_never_on_a_200(workers):
    (app, _) = workers(RATE_LIMIT="2/minute")
    client = app.test_client()
    ok = client.post("/api/v1/plans", json=example_request())
    assert ok.status_code == 200 and "Retry-After" not in ok.headers
    assert "X-RateLimit-Remaining" in ok.headers
    page = client.get("/")
    assert page.status_code == 200 and "Retry-After" not in page.headers
    client.post("/api/v1/plans", json=example_request())
    assert client.post("/api/v1/plans", json=example_request()).headers["Retry-After"]
