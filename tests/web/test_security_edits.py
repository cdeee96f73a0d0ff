"""Two tabs on one saved plan: the second writer is told the plan changed and sees both versions; nothing is
lost. Scripts get the same guard through ETag / If-Match."""

from __future__ import annotations

import re

from tests.web.conftest import form_of


def _saved(client, example_form) -> str:
    response = client.post("/save", data=example_form)
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_stale_tab_never_overwrites_a_newer_save_and_sees_both_versions(client, example_form):
    link = _saved(client, example_form)
    tab_a = form_of(client.get(link).get_data(as_text=True))
    tab_b = form_of(client.get(link).get_data(as_text=True))
    assert tab_a["revision"] == tab_b["revision"] == "1"
    tab_a["name"], tab_b["name"] = "Edited in tab A", "Edited in tab B"
    assert client.post(link, data=tab_a).status_code == 303

    stale = client.post(link, data=tab_b)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "This plan changed since you opened it" in html
    row = re.search(r"<th scope=\"row\">Name</th><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert row and row.groups() == ("Edited in tab A", "Edited in tab B")
    assert form_of(client.get(link).get_data(as_text=True))["name"] == "Edited in tab A", "the newer save was kept"

    again = form_of(html)  # the form shown with the conflict holds tab B's values at the current revision
    assert again["name"] == "Edited in tab B" and again["revision"] == "2"
    assert client.post(link, data=again).status_code == 303, "saving again on purpose replaces the saved version"
    assert form_of(client.get(link).get_data(as_text=True))["name"] == "Edited in tab B"


def test_htmx_swaps_the_conflict_answer_in(client):
    meta = re.search(r'name="htmx-config" content=\'([^\']*)\'', client.get("/").get_data(as_text=True)).group(1)
    assert '{"code": "409", "swap": true}' in meta


def test_if_match_with_a_stale_etag_is_refused_and_the_current_etag_is_accepted(client, example_form):
    link = _saved(client, example_form)
    page = client.get(link)
    etag = page.headers["ETag"]
    form = form_of(page.get_data(as_text=True))
    del form["revision"]
    form["name"] = "By script"
    assert client.post(link, data=form, headers={"If-Match": '"r0"'}).status_code == 412
    assert form_of(client.get(link).get_data(as_text=True))["name"] != "By script"
    assert client.post(link, data=form, headers={"If-Match": etag}).status_code == 303
    changed = client.get(link)
    assert changed.headers["ETag"] != etag and form_of(changed.get_data(as_text=True))["name"] == "By script"
    assert client.post(link, data=form, headers={"If-Match": etag}).status_code == 412
