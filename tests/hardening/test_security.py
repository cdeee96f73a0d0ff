"""Security properties of the running app: headers, a strict CSP the pages live by, cookies, CSRF, limits,
an unreachable database, and tokens that are only ever looked up by their hash."""

from __future__ import annotations

import hashlib
import re
import sqlite3

import pytest

from planner.knowledge import example_request
from planner.web import create_app
from tests.hardening.conftest import close_store, make_app, markup_of
from tests.web.conftest import form_of

HX = {"HX-Request": "true"}


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def feed_path_of(html: str) -> str:
    """The https feed address on a saved page, as a path (/f/<feed token>.ics)."""
    match = re.search(r'id="f-feed" type="text" readonly value="https?://[^/"]+(/f/[^"]+\.ics)"', html)
    assert match, "no feed address on the saved page"
    return match.group(1)


# --- headers ---------------------------------------------------------------------------------------------

@pytest.fixture
def answers(client, example_form, saved_link):
    """One answer of each kind: the form, a plan page, a saved page, the API, an error page."""
    return {
        "index": client.get("/"),
        "plan page": client.post("/plan", data=example_form),
        "saved page": client.get(saved_link),
        "api": client.post("/api/v1/plans", json=example_request()),
        "error page": client.get("/no-such-page"),
    }


KINDS = ["index", "plan page", "saved page", "api", "error page"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_answer_carries_the_security_headers(answers, kind):
    response = answers[kind]
    assert response.status_code == (404 if kind == "error page" else 200)
    h = response.headers
    csp = h["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in h["Permissions-Policy"] and "geolocation=()" in h["Permissions-Policy"]
    assert len(h.getlist("Content-Security-Policy")) == 1


def test_saved_pages_and_their_calendars_are_private_and_not_indexed(client, saved_link):
    page = client.get(saved_link)
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex' in page.get_data(as_text=True)
    download = client.get(f"{saved_link}/week.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert download.headers["X-Robots-Tag"].startswith("noindex")
    assert download.headers["Cache-Control"] == "private, no-store"
    feed = feed_path_of(page.get_data(as_text=True))
    for path in (feed, feed.replace(".ics", "/busy.ics")):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        assert response.headers["X-Robots-Tag"].startswith("noindex")
        assert response.headers["Cache-Control"].startswith("private")
    missing = client.get("/p/not-a-real-token")
    assert missing.status_code == 404 and missing.headers["X-Robots-Tag"].startswith("noindex")


# --- what the pages hold: nothing a strict CSP would block ------------------------------------------------

def _pages(client, example_form, saved_link) -> dict[str, str]:
    bad = example_form.copy()
    bad["run_tue_minutes"] = "abc"
    return {
        "index": client.get("/").get_data(as_text=True),
        "plan page": client.post("/plan", data=example_form).get_data(as_text=True),
        "plan fragment": client.post("/plan", data=example_form, headers=HX).get_data(as_text=True),
        "422 page": client.post("/plan", data=bad).get_data(as_text=True),
        "422 fragment": client.post("/plan", data=bad, headers=HX).get_data(as_text=True),
        "saved page": client.get(saved_link).get_data(as_text=True),
        "error page": client.get("/no-such-page").get_data(as_text=True),
        "405 page": client.get("/plan").get_data(as_text=True),
    }


def test_pages_have_no_inline_scripts_styles_or_event_handlers(client, example_form, saved_link):
    for name, html in _pages(client, example_form, saved_link).items():
        found = markup_of(html)
        for attrs, body in zip(found.scripts, found.script_bodies, strict=True):
            assert attrs.get("src", "").startswith("/static/"), (name, attrs)
            assert not body.strip(), (name, body[:200])
        assert found.styles == 0, name
        assert found.style_attrs == [], (name, found.style_attrs)
        assert found.handlers == [], (name, found.handlers)
        hrefs = [a.get("href") or "" for _, a in found.tags] + [a.get("src") or "" for _, a in found.tags]
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:text"))], name
    index = markup_of(_pages(client, example_form, saved_link)["index"])
    assert len(index.scripts) == 2  # htmx and app.js, both from /static/


# --- cookies ---------------------------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_samesite_lax_and_secure_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKSTRIDE_INSECURE_COOKIES", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/c.db", "SECRET_KEY": "test",
                      "QUIET_LOGS": True})
    response = app.test_client().get("/")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookies[0].split(";")[1:]}
    assert "httponly" in attributes
    assert "secure" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    close_store(app)


# --- CSRF ------------------------------------------------------------------------------------------------

def test_every_form_post_without_the_csrf_token_is_a_400_page(client, example_form, saved_link):
    without = example_form.copy()
    del without["csrf_token"]
    for path in ("/plan", "/save", saved_link, f"{saved_link}/delete", f"{saved_link}/feed"):
        for headers in ({}, HX):
            response = client.post(path, data=without, headers=headers)
            html = response.get_data(as_text=True)
            assert response.status_code == 400, path
            assert "security token" in html and "<h1" in html, path
    assert client.get(saved_link).status_code == 200  # nothing was deleted


def test_a_csrf_token_from_another_session_or_a_forged_one_is_refused(app, client, example_form, saved_link):
    other = form_of(app.test_client().get("/").get_data(as_text=True))["csrf_token"]
    for forged in (other, example_form["csrf_token"][:-2] + "xx", "", "x" * 5000):
        response = client.post(f"{saved_link}/delete", data={"csrf_token": forged})
        assert response.status_code == 400, forged[:20]
    assert client.get(saved_link).status_code == 200


def test_a_multipart_part_without_a_name_is_a_400_not_a_crash(client, example_form):
    body = (b"--X\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--X\r\n"
            b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n' + example_form["csrf_token"].encode()
            + b"\r\n--X--\r\n")
    for data in (body, body.replace(example_form["csrf_token"].encode(), b"")):
        response = client.post("/plan", data=data, content_type="multipart/form-data; boundary=X")
        assert response.status_code == 400
        assert "must have a name" in response.get_data(as_text=True)


# --- rate limits -----------------------------------------------------------------------------------------

@pytest.fixture
def limited(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="3/minute")
    yield app
    close_store(app)


def test_the_fourth_plan_in_a_minute_gets_a_429_page_that_says_when_to_retry(limited):
    client = limited.test_client()
    form = form_of(client.get("/").get_data(as_text=True))
    statuses = [client.post("/plan", data=form).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.post("/plan", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    retry = response.headers["Retry-After"]
    assert retry.isdigit() and 0 < int(retry) <= 60
    said = re.search(r"wait (\d+) seconds? and try again", html)
    assert said and abs(int(said.group(1)) - int(retry)) <= 1
    assert response.headers["Content-Security-Policy"]


def test_the_api_answers_a_429_in_json_with_retry_after(limited):
    client = limited.test_client()
    statuses = [client.post("/api/v1/plans", json=example_request()).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.post("/api/v1/plans", json=example_request())
    assert response.status_code == 429 and response.mimetype == "application/json"
    retry = response.headers["Retry-After"]
    assert retry.isdigit() and 0 < int(retry) <= 60
    answer = response.get_json()
    assert "seconds" in answer["error"] and answer["fields"] == {}


def test_an_hourly_limit_tells_the_runner_the_real_wait_not_a_minute(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="2/hour")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/v1/plans", json=example_request()).status_code == 200
    response = client.post("/api/v1/plans", json=example_request())
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    said = int(re.search(r"wait (\d+) minutes", response.get_json()["error"]).group(1))
    assert retry > 60 and abs(said * 60 - retry) <= 30, (said, retry)
    close_store(app)


# --- body size -------------------------------------------------------------------------------------------

def test_a_body_over_64_kb_is_a_413_page_and_json_for_the_api(client, example_form):
    big = example_form.copy()
    big["name"] = "x" * (65 * 1024)
    page = client.post("/plan", data=big)
    assert page.status_code == 413 and "64 KB" in page.get_data(as_text=True)
    many = example_form.copy()
    for i in range(500):
        many.add(f"k{i}", "v")
    assert client.post("/plan", data=many, content_type="multipart/form-data").status_code == 413
    body = b'{"runs": [], "name": "' + b"x" * (65 * 1024) + b'"}'
    api = client.post("/api/v1/plans", data=body, content_type="application/json")
    assert api.status_code == 413 and api.mimetype == "application/json"
    assert "64 KB" in api.get_json()["error"]


def test_the_api_wants_json_and_says_so_in_json(client):
    response = client.post("/api/v1/plans", data="runs=[]", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.get_json()["error"]


# --- an unreachable database -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["sqlite:///{tmp}/missing-dir/sub/x.db", "postgresql+psycopg://x:y@127.0.0.1:1/db"],
                         ids=["sqlite in a missing directory", "postgres on a closed port"])
def test_an_unreachable_database_gives_503s_while_the_form_still_works(tmp_path, url):
    app = make_app(tmp_path, DATABASE_URL=url.format(tmp=tmp_path))
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "database unavailable"
    assert client.get("/healthz").status_code == 200
    index = client.get("/")
    assert index.status_code == 200
    form = form_of(index.get_data(as_text=True))
    assert client.post("/plan", data=form).status_code == 200  # planning needs no database
    assert client.post("/api/v1/plans", json=example_request()).status_code == 200
    saved = client.post("/save", data=form)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 503
    assert "Saved plans are briefly unavailable" in html and "Traceback" not in html
    assert saved.headers["Retry-After"].isdigit()
    assert client.get("/p/some-token").status_code == 503
    assert client.get("/p/some-token", headers={"Accept": "application/json"}).get_json()["error"]
    close_store(app)


# --- tokens ----------------------------------------------------------------------------------------------

def test_tokens_are_stored_and_looked_up_only_by_their_hash(app, client, saved_link, tmp_path):
    token = token_of(saved_link)
    feed_token = token_of(feed_path_of(client.get(saved_link).get_data(as_text=True))).removesuffix(".ics")
    close_store(app)
    with sqlite3.connect(tmp_path / "hardening.db") as db:
        rows = db.execute("SELECT * FROM saved_plans").fetchall()
        hashes = db.execute("SELECT token_hash, feed_hash FROM saved_plans").fetchall()
    db.close()
    dump = repr(rows)
    assert token not in dump and feed_token not in dump
    assert hashes == [(hashlib.sha256(token.encode()).hexdigest(), hashlib.sha256(feed_token.encode()).hexdigest())]


def test_unknown_near_and_overlong_tokens_are_404(client, example_form, saved_link):
    token = token_of(saved_link)
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    csrf = {"csrf_token": example_form["csrf_token"]}
    for candidate in (near, token.upper() if token.upper() != token else token.lower(), token + "x", "x" * 65,
                      "%00", "é"):
        assert client.get(f"/p/{candidate}").status_code == 404, candidate
        assert client.get(f"/p/{candidate}/week.ics").status_code == 404, candidate
        assert client.get(f"/f/{candidate}.ics").status_code == 404, candidate
        assert client.post(f"/p/{candidate}/delete", data=csrf).status_code == 404, candidate
        assert client.post(f"/p/{candidate}/feed", data=csrf).status_code == 404, candidate
    assert client.get(f"/f/{token}.ics").status_code == 404  # the page token is not a feed token
    assert client.get(saved_link).status_code == 200
