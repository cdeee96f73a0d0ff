"""One JSON line per request and per solve, with route patterns only: no request contents, no tokens."""

from __future__ import annotations

import io
import json
import logging

from tests.web.conftest import close_store, make_app


def test_logs_are_json_lines_without_tokens_or_request_contents(database_url, tmp_path):
    app = make_app(database_url, QUIET_LOGS=False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger("backstride").addHandler(handler)
    try:
        client = app.test_client()
        from tests.web.conftest import form_of
        form = form_of(client.get("/").get_data(as_text=True))
        form["name"] = "Secret Name 42"
        link = client.post("/save", data=form).headers["Location"]
        token = link.rsplit("/", 1)[1]
        client.get(link)
        client.get(f"{link}/week.ics")
    finally:
        logging.getLogger("backstride").removeHandler(handler)
        close_store(app)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {line["event"] for line in lines} >= {"request", "solve"}
    assert any(line.get("route") == "/p/<token>" and line["status"] == 200 for line in lines)
    solve = next(line for line in lines if line["event"] == "solve")
    assert {"status", "ms", "objective"} <= set(solve)
    text = stream.getvalue()
    assert token not in text and "Secret Name" not in text and "csrf" not in text.lower()
