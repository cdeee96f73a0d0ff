"""The calendar routes over HTTP: ETag / Last-Modified and 304 on the feeds, keyed by what changes the
body (plan revision, token, format) and never by the Host header; no private token in any export."""

from __future__ import annotations

import re

import icalendar
import pytest

from tests.web.conftest import close_store, form_of, make_app

PUBLIC = "https://backstride.example"


@pytest.fixture
def client(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/feed.db", PUBLIC_URL=PUBLIC)
    yield app.test_client()
    close_store(app)


@pytest.fixture
def saved(client):
    """(page link, full feed path, busy feed path) of the example week, saved."""
    form = form_of(client.get("/").get_data(as_text=True))
    response = client.post("/save", data=form)
    assert response.status_code == 303
    link = response.headers["Location"]
    html = client.get(link).get_data(as_text=True)
    feeds = [re.search(rf'id="{i}"[^>]*value="([^"]+)"', html).group(1) for i in ("f-feed", "f-busy")]
    return (link, *("/" + url.split("/", 3)[3] for url in feeds))


def test_both_feeds_answer_an_etag_and_last_modified_and_differ_from_each_other(client, saved):
    _, full, busy = saved
    answers = [client.get(path) for path in (full, busy)]
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["ETag"].startswith('"')
        assert answer.headers["Last-Modified"].endswith("GMT")
        assert answer.headers["Cache-Control"] == "private, max-age=300"
    assert answers[0].headers["ETag"] != answers[1].headers["ETag"]


@pytest.mark.parametrize("which", [1, 2])
def test_a_conditional_get_with_the_current_etag_is_answered_304_without_a_body(client, saved, which):
    path = saved[which]
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    weak = client.get(path, headers={"If-None-Match": f'"other", W/{first.headers["ETag"]}'})
    assert weak.status_code == 304
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_if_modified_since_gives_304_from_the_last_modification_on_and_200_before(client, saved):
    path = saved[1]
    first = client.get(path)
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    earlier = client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert earlier.status_code == 200 and earlier.data == first.data
    # If-None-Match decides when both are sent (RFC 9110 §13.2.2)
    both = client.get(path, headers={"If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]})
    assert both.status_code == 200


def test_editing_the_plan_changes_the_etag_and_the_old_one_gets_the_new_body(client, saved):
    link, full, _ = saved
    before = client.get(full)
    edit = form_of(client.get(link).get_data(as_text=True))
    edit["run_sun_start"] = "09:30"
    assert client.post(link, data=edit).status_code == 303
    after = client.get(full, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data


def test_rotating_the_feed_gives_a_new_etag(client, saved):
    link, full, _ = saved
    old = client.get(full).headers["ETag"]
    token = form_of(client.get(link).get_data(as_text=True))["csrf_token"]
    assert client.post(f"{link}/feed", data={"csrf_token": token}).status_code == 303
    html = client.get(link).get_data(as_text=True)
    new_path = "/" + re.search(r'id="f-feed"[^>]*value="([^"]+)"', html).group(1).split("/", 3)[3]
    assert client.get(new_path).headers["ETag"] != old


def test_the_host_header_changes_neither_the_body_nor_the_etag(client, saved):
    _, full, busy = saved
    for path in (full, busy):
        plain = client.get(path)
        forged = client.get(path, headers={"Host": "evil.example"})
        assert forged.status_code == 200
        assert forged.headers["ETag"] == plain.headers["ETag"] and forged.data == plain.data
        assert b"evil.example" not in forged.data


def test_no_export_carries_the_page_or_feed_token_and_exercises_link_public_pages(client, saved):
    link, full, busy = saved
    page_token = link.rsplit("/", 1)[1]
    feed_token = full.rsplit("/", 1)[1].removesuffix(".ics")
    for path in (f"{link}/week.ics", full, busy):
        body = client.get(path).data
        assert page_token.encode() not in body and feed_token.encode() not in body
        for event in icalendar.Calendar.from_ical(body).events:
            assert "URL" not in event
            assert "/p/" not in str(event.get("DESCRIPTION", ""))
    description = " ".join(str(e["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(client.get(full).data).events)
    assert f"{PUBLIC}/exercises/" in description
