"""Without PUBLIC_URL, links are built on the request's host: only local and configured hosts are answered, so
`Host: evil.example` never reaches the feed link or the calendar's plan link."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import close_store, form_of, make_app


@pytest.fixture
def hosted(database_url, monkeypatch):
    opened = []

    def start(**config):
        app = make_app(database_url, **config)
        opened.append(app)
        client = app.test_client()
        link = client.post("/save", data=form_of(client.get("/").get_data(as_text=True))).headers["Location"]
        return client, link
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("BACKSTRIDE_HOSTS", raising=False)
    yield start, monkeypatch
    for app in opened:
        close_store(app)


def _feed_host(html: str) -> str:
    return re.search(r'id="f-feed" type="text" readonly value="https?://([^/"]+)/f/', html).group(1)


def test_an_unknown_host_is_refused_and_never_appears_in_a_link(hosted):
    start, _ = hosted
    client, link = start()
    for path in (link, f"{link}/week.ics", "/"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert "evil.example" not in response.get_data(as_text=True)
    assert _feed_host(client.get(link).get_data(as_text=True)) == "localhost"
    assert _feed_host(client.get(link, headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)) == "127.0.0.1:5000"


def test_hosts_named_in_backstride_hosts_are_answered(hosted):
    start, env = hosted
    env.setenv("BACKSTRIDE_HOSTS", "plans.example.org, .runners.example")
    client, link = start()
    assert _feed_host(client.get(link, headers={"Host": "plans.example.org"}).get_data(as_text=True)) == \
        "plans.example.org"
    assert client.get(link, headers={"Host": "eu.runners.example"}).status_code == 200
    assert client.get(link, headers={"Host": "evil.example"}).status_code == 400


def test_with_public_url_links_use_it_whatever_the_host_header(hosted):
    start, _ = hosted
    client, link = start(PUBLIC_URL="https://backstride.example")
    page = client.get(link, headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert _feed_host(page.get_data(as_text=True)) == "backstride.example"
    calendar = client.get(f"{link}/week.ics", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in calendar and "backstride.example" in calendar.replace("\r\n ", "")
