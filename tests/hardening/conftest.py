"""Fixtures for the hardening tests: a real app on a temporary SQLite file, rate limits out of the way.

The fuzz tests share one app per module (Hypothesis runs many examples per test, and a function-scoped
fixture would be shared across them anyway); the other tests get a fresh app each.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.web.conftest import close_store, form_of
from tests.web.conftest import make_app as make_web_app

NO_LIMIT = "1000000/minute"


def make_app(db_dir: Path, **config: Any) -> Flask:
    """A real app on its own SQLite file, without a practical rate limit; `config` overrides (e.g. RATE_LIMIT)."""
    return make_web_app(f"sqlite:///{db_dir}/hardening.db",
                        **{"RATE_LIMIT": NO_LIMIT, "WRITE_LIMIT": NO_LIMIT, "CALENDAR_LIMIT": NO_LIMIT, **config})


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    close_store(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def example_form(client) -> MultiDict:
    """The form of `/` as a browser would submit it (CSRF token included)."""
    return form_of(client.get("/").get_data(as_text=True))


@pytest.fixture
def saved_link(client, example_form) -> str:
    """The path of a freshly saved example plan (/p/<token>)."""
    response = client.post("/save", data=example_form)
    assert response.status_code == 303
    return response.headers["Location"]


class Markup(HTMLParser):
    """What a page holds that a strict CSP would block or that an injection would add."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []  # attributes of each <script>
        self.script_bodies: list[str] = []
        self.styles = 0  # <style> elements
        self.style_attrs: list[str] = []  # tags with a style="..." attribute
        self.handlers: list[tuple[str, str]] = []  # (tag, on*-attribute)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self.scripts.append(a)
            self._in_script = True
            self.script_bodies.append("")
        if tag == "style":
            self.styles += 1
        if "style" in a:
            self.style_attrs.append(tag)
        self.handlers += [(tag, name) for name in a if name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies[-1] += data


def markup_of(html: str) -> Markup:
    reader = Markup()
    reader.feed(html)
    reader.close()
    return reader
