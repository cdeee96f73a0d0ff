"""A real app per test module on a temporary SQLite database; a helper that fills the form like a browser."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from planner.web import create_app


@pytest.fixture
def database_url(tmp_path) -> str:
    """PostgreSQL when BACKSTRIDE_PG_URL is set (the second pass of `make test`), else a fresh SQLite file."""
    return os.environ.get("BACKSTRIDE_PG_URL") or f"sqlite:///{tmp_path}/web.db"


def make_app(database_url: str, **config):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                       "RATE_LIMIT": "10000/minute", "WRITE_LIMIT": "10000/minute", "CALENDAR_LIMIT": "10000/minute",
                       "QUIET_LOGS": True, "SESSION_COOKIE_SECURE": False, **config})


def close_store(app) -> None:
    store = app.extensions.get("backstride.store")
    if store is not None:
        store.close()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    close_store(app)


@pytest.fixture
def client(app):
    return app.test_client()


class _FormReader(HTMLParser):
    """Collects what a browser would submit for the form #planner (checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._first: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "planner":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
            else:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._first, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._chosen = True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first is not None:
                self.fields.append((self._select, self._first))
            self._select = None
        if tag == "form":
            self._in_form = False


def form_of(html: str) -> MultiDict:
    reader = _FormReader()
    reader.feed(html)
    return MultiDict(reader.fields)


@pytest.fixture
def example_form(client) -> MultiDict:
    """The form of `/` as a browser would submit it (CSRF token included)."""
    return form_of(client.get("/").get_data(as_text=True))


def error_of(html: str, field: str) -> str:
    m = re.search(rf'id="err-{re.escape(field)}"[^>]*>([^<]*)<', html)
    return m.group(1).strip() if m else ""
