"""Fuzzing the real app (Flask test client, real solver, a temporary SQLite file) with Hypothesis.

Whatever arrives — a mangled form, mutated or broken JSON, odd paths and methods — the app answers without
a 5xx: the form explains every 422 beside a field, the API's 4xx are JSON naming the bad request paths,
and every plan the API answers with matches Contract 2.

Example counts: BACKSTRIDE_FUZZ_EXAMPLES=N (default 300, for CI) gives N form posts, N JSON requests,
N/3 raw bodies and N/3 paths. The full run is BACKSTRIDE_FUZZ_EXAMPLES=4000 (over 10,000 inputs).
"""

from __future__ import annotations

import copy
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from planner.knowledge import example_request
from planner.plan_schema import PlanResponse
from planner.web.app import MAX_BODY_BYTES
from planner.web.forms import field_names
from tests.hardening.conftest import close_store, make_app
from tests.web.conftest import form_of

N = int(os.environ.get("BACKSTRIDE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=max(1, N // 3))

SLOT = re.compile(r'id="err-([^"]+)"[^>]*>([^<]*)<')
SUMMARY_LINK = re.compile(r'<a href="#f-([^"]+)">')
FIELD_NAMES = frozenset(field_names())
BASE_REQUEST = example_request()


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One app for the module (Hypothesis runs every example against it), with a saved plan whose real
    page and feed tokens the path fuzzer mixes in."""
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    client = app.test_client()
    form = form_of(client.get("/").get_data(as_text=True))
    saved = client.post("/save", data=form)
    assert saved.status_code == 303
    token = saved.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        from planner.web.storage import store
        feed = store().get(token).feed_token
    yield {"client": client, "form": list(form.items(multi=True)), "token": token, "feed": feed}
    close_store(app)


# --- values ------------------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\u0085\u2028\u2029\ufeff"),
                  min_size=1, max_size=8)
ODD = st.sampled_from([
    "", " ", "0", "-0", "-1", "00007", "+5", "1e3", "1.5", "NaN", "inf", "-inf", "٣٠", "１２", "0x1f", "5 5",
    "24:00", "23:59:59", "7:5", "07:00Z", "07:00+01:00", "T07:00", "99:99", "-01:00", "23:50", "00:00",
    "2026-02-30", "0001-01-01", "9999-12-31", "2026-11-30", "2026-12-01", "30/11/2026", "2100-12-27",
    "UTC", "Europe/Berlin", "Etc/GMT+5", "europe/berlin", "../../etc/passwd", "Mars/Olympus",
    "on", "off", "true", "1", "rest", "easy", "long", "quality", "sprint", "usual", "persists", "rising",
    "core", "glutes", "band", "mini_band", "saddle_numbness", "night_pain", "{{7*7}}", "${jndi:x}",
    "%00", "&amp;", "<b>", "'", '"', "\\", "a" * 199, "ß" * 120, "👍" * 60,
])
NUMBERS = st.one_of(st.integers(-1000, 1000), st.integers(), st.integers(-(10**60), 10**60)).map(str)
HUGE = st.integers(1, 5000).map(lambda n: "9" * n)
TIMES = st.times().map(lambda t: t.isoformat(timespec=("minutes", "seconds", "microseconds")[t.microsecond % 3]))
DATES = st.dates().map(lambda d: d.isoformat())
VALUE = st.one_of(TEXT, CONTROL, ODD, NUMBERS, HUGE, TIMES, DATES, (TEXT | CONTROL).map(lambda s: f" {s} "))


# --- (a) the planner form ----------------------------------------------------------------------------

FORM_KEYS = sorted(FIELD_NAMES | {"relax", "saved_token", "csrf_token"})
FORM_OP = st.tuples(st.sampled_from(["replace", "replace", "replace", "delete", "multi", "duplicate"]),
                    st.sampled_from(FORM_KEYS), st.lists(VALUE, min_size=1, max_size=4))
UNKNOWN_OP = st.tuples(st.just("unknown"), TEXT | CONTROL, st.lists(VALUE, min_size=1, max_size=2))


@st.composite
def form_posts(draw) -> dict[str, Any]:
    """Edits to the example form: a random subset of fields replaced, deleted, repeated, or unknown keys."""
    return {
        "ops": draw(st.lists(FORM_OP, min_size=1, max_size=8) | st.lists(FORM_OP | UNKNOWN_OP, max_size=10)),
        "shuffle": draw(st.none() | st.randoms(use_true_random=False)),
        "path": draw(st.sampled_from(["/plan", "/plan", "/plan", "/save"])),
        "htmx": draw(st.booleans()),
        "encoding": draw(st.sampled_from(["urlencoded", "urlencoded", "multipart"])),
        "raw_name": draw(st.none() | st.binary(min_size=1, max_size=20)),  # bytes that may not be UTF-8
    }


def apply_ops(pairs: list[tuple[str, str]], ops: list[tuple[str, str, list[str]]]) -> list[tuple[str, str]]:
    for op, key, values in ops:
        kept = [(k, v) for k, v in pairs if k != key]
        if op == "replace":
            pairs = [*kept, (key, values[0])]
        elif op == "delete":
            pairs = kept
        elif op == "multi":
            pairs = kept + [(key, v) for v in values]
        else:  # duplicate, unknown: one more value besides those there
            pairs = [*pairs, (key, values[0])]
    return pairs


def _body(pairs: list[tuple[str, str]], post: dict[str, Any]) -> dict[str, Any]:
    if post["encoding"] == "multipart":
        return {"data": MultiDict(pairs), "content_type": "multipart/form-data"}
    fields: list[tuple[str, str | bytes]] = list(pairs)
    if post["raw_name"] is not None:
        fields = [(k, v) for k, v in fields if k != "name"] + [("name", post["raw_name"])]
    return {"data": urllib.parse.urlencode(fields).encode("ascii"),
            "content_type": "application/x-www-form-urlencoded"}


def _slots(html: str) -> dict[str, str]:
    return {name: text.strip() for name, text in SLOT.findall(html) if text.strip()}


@given(post=form_posts())
@FUZZ
def test_a_mangled_form_never_fails_and_every_422_says_beside_a_field_what_is_wrong(fuzz, post):
    pairs = apply_ops(list(fuzz["form"]), post["ops"])
    if post["shuffle"] is not None:
        post["shuffle"].shuffle(pairs)
    csrf_intact = [v for k, v in pairs if k == "csrf_token"][:1] == [dict(fuzz["form"])["csrf_token"]]
    headers = {"HX-Request": "true"} if post["htmx"] else {}
    response = fuzz["client"].post(post["path"], headers=headers, **_body(pairs, post))
    html = response.get_data(as_text=True)
    status = response.status_code
    event(f"{post['path']} {status}")
    assert status < 500, html[-3000:]
    assert "Traceback" not in html
    if status == 400 and "must have a name" in html:  # a multipart part whose name the parser cannot read
        assert post["encoding"] == "multipart" and any(set(k) & set('\r\n"\\') for k, _ in pairs), pairs
        return
    if not csrf_intact:
        assert status == 400 and "security token" in html
        return
    assert status in (200, 204, 303, 422), status
    slots = _slots(html)
    if status == 422:
        assert slots, "a 422 without any message beside a field"
        assert set(slots) <= FIELD_NAMES, slots
        for name in SUMMARY_LINK.findall(html):  # every field the summary names has its message beside it
            assert name in slots, (name, slots)
    elif status == 200:
        assert not slots, slots
    else:
        assert post["path"] == "/save"
        location = response.headers.get("HX-Redirect" if status == 204 else "Location", "")
        assert location.startswith("/p/")


# --- (b) the JSON API ---------------------------------------------------------------------------------

LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.integers(), st.integers(-(2**200), 2**200),
    st.floats(), st.text(max_size=30), ODD, TIMES, DATES,
)
JSON = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)
KEY = TEXT.filter(lambda k: "." not in k) | st.sampled_from(
    ["runs", "day", "kind", "minutes", "start", "mon", "sun", "during_run", "red_flags", "cautions", "extra",
     "longest_run_30d_minutes", "week_before_last_run_minutes", "name", "timezone"])
DEEP = "__deep_{}_{}__"


def paths_in(node: Any, here: tuple = ()) -> Iterator[tuple]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_in(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths_in(value, (*here, i))


def _get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


@st.composite
def api_documents(draw) -> dict[str, Any]:
    """A Contract-1 request mutated in a few places: wrong types, keys gone or added, huge or deep values."""
    doc: Any = copy.deepcopy(BASE_REQUEST)
    for _ in range(draw(st.integers(1, 5))):
        path = draw(st.sampled_from(list(paths_in(doc))))
        target = _get(doc, path)
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "huge", "wrap", "deep", "null",
                                   "retype"]))
        if op == "replace":
            doc = _set(doc, path, draw(JSON))
        elif op == "delete" and path:
            del _get(doc, path[:-1])[path[-1]]
        elif op == "add" and isinstance(target, dict):
            target[draw(KEY)] = draw(JSON)
        elif op == "add" and isinstance(target, list):
            target.append(draw(JSON))
        elif op == "huge":
            doc = _set(doc, path, draw(st.sampled_from([10**30, -(10**30), 2**63, -(2**64), 1e308, -1e308,
                                                          float("inf"), float("nan"), 10**4000, 0.5, -0.0])))
        elif op == "wrap":
            doc = _set(doc, path, draw(st.sampled_from([[target], {"value": target}, [[target, target]]])))
        elif op == "deep":
            kind = draw(st.sampled_from("[{"))
            depth = draw(st.integers(1, 200) | st.integers(900, 40_000))
            doc = _set(doc, path, DEEP.format(depth, kind))
        elif op == "null":
            doc = _set(doc, path, None)
        elif op == "retype" and isinstance(target, int | float) and not isinstance(target, bool):
            doc = _set(doc, path, str(target))
        elif op == "retype" and isinstance(target, str):
            doc = _set(doc, path, draw(st.integers() | st.floats() | st.booleans()))
    return {"doc": doc, "ascii": draw(st.booleans())}


def encode(doc: Any, ascii_only: bool) -> bytes:
    text = json.dumps(doc, ensure_ascii=ascii_only, allow_nan=True, default=str)  # NaN/Infinity: Python's JSON
    for depth, kind in re.findall(r'"__deep_(\d+)_([\[{])__"', text):
        nested = "[" * int(depth) + "]" * int(depth) if kind == "[" else '{"a":' * int(depth) + "1" + "}" * int(depth)
        text = text.replace(f'"{DEEP.format(depth, kind)}"', nested, 1)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


def resolves(path: str, doc: Any) -> bool:
    """Whether a dotted error path points into the sent document (an absent last key is fine: it was
    required, or a default was checked; `[key]` is pydantic's mark for a bad dictionary key)."""
    return path == "request" or _walk(doc, path.split("."))


def _walk(node: Any, parts: list[str]) -> bool:
    if not parts or parts == ["[key]"]:
        return True
    if isinstance(node, dict):
        for i in range(1, len(parts) + 1):  # keys may hold dots themselves
            key = ".".join(parts[:i])
            if key in node and _walk(node[key], parts[i:]):
                return True
        return len(parts) == 1
    if isinstance(node, list) and parts[0].isdigit() and int(parts[0]) < len(node):
        return _walk(node[int(parts[0])], parts[1:])
    return False


def check_api_answer(response, body: bytes, sent: Any = None) -> None:
    status = response.status_code
    text = response.get_data(as_text=True)
    event(f"status {status}")
    assert status < 500, text[:3000]
    assert response.mimetype == "application/json", (status, text[:500])
    answer = json.loads(text)
    if status == 200:
        PlanResponse.model_validate(answer)
        return
    if status == 413:
        assert len(body) > MAX_BODY_BYTES
    assert status in (400, 413, 422), status
    assert isinstance(answer.get("error"), str) and answer["error"]
    assert isinstance(answer.get("fields"), dict)
    if status == 422:
        fields = answer["fields"]
        assert fields, "a 422 that names no field"
        for key, message in fields.items():
            assert isinstance(message, str) and message, (key, message)
            if sent is not None:
                assert resolves(key, sent), (key, fields)


@given(req=api_documents())
@FUZZ
def test_mutated_api_requests_get_a_plan_or_json_naming_the_bad_request_paths(fuzz, req):
    body = encode(req["doc"], req["ascii"])
    response = fuzz["client"].post("/api/v1/plans", data=body, content_type="application/json")
    sent = json.loads(body) if response.status_code == 422 else None
    check_api_answer(response, body, sent)


RAW = st.one_of(
    st.binary(max_size=400),
    st.tuples(st.sampled_from([b"{", b"[", b'{"runs": ', b'{"runs": [], "name": "', b"\xef\xbb\xbf{", b'"']),
              st.binary(max_size=200)).map(b"".join),
    st.tuples(st.binary(max_size=40), st.just(json.dumps(BASE_REQUEST).encode()), st.binary(max_size=40))
    .map(b"".join),
    st.text().map(lambda s: s.encode("utf-16")),
)
JSON_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8",
                              "application/json; charset=latin-1", "application/problem+json",
                              "application/json; charset=nonsense"])


@given(body=RAW, content_type=JSON_TYPES)
@FEW
def test_raw_bytes_sent_as_json_get_a_json_answer_and_never_a_server_error(fuzz, body, content_type):
    response = fuzz["client"].post("/api/v1/plans", data=body, content_type=content_type)
    check_api_answer(response, body)


# --- (c) paths and methods -----------------------------------------------------------------------------

PREFIXES = ["/", "/plan", "/save", "/healthz", "/readyz", "/p/", "/f/", "/api/", "/api/v1/", "/api/v1/plans",
            "/api/v1/openapi.json", "/static/", "/static/app.css", "/p/{token}", "/p/{token}/week.ics",
            "/p/{token}/delete", "/p/{token}/feed", "/f/{feed}.ics", "/f/{feed}/busy.ics", "/p/{token}x",
            "/f/{token}.ics", "//", "/P/{token}"]
SEGMENT = st.one_of(TEXT.map(lambda s: urllib.parse.quote(s, safe="")), st.sampled_from(
    ["..", ".", "%2e%2e", "%2F", "%00", "%ff", "%zz", "%", "week.ics", "busy.ics", "delete", "feed", "plans",
     "openapi.json", "app.css", "vendor", "htmx.min.js", "x" * 70, "a;b", "~", "'", "%3Cscript%3E"]))
QUERY = st.lists(st.tuples(st.sampled_from(["weeks", "x", "", "next"]), VALUE), max_size=3)
METHODS = st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
                           "PROPFIND", "TRACE"])
ACCEPT = st.sampled_from([None, "text/html", "application/json", "*/*", "application/json;q=0.9,text/html;q=0.1",
                          "image/png", "garbage///;;q=x"])


@given(prefix=st.sampled_from(PREFIXES), segments=st.lists(SEGMENT, max_size=3), query=QUERY, method=METHODS,
       accept=ACCEPT, htmx=st.booleans(), body=st.none() | st.binary(max_size=200),
       content_type=st.none() | JSON_TYPES | st.just("application/x-www-form-urlencoded"))
@FEW
def test_random_paths_and_methods_never_get_a_server_error(fuzz, prefix, segments, query, method, accept, htmx,
                                                           body, content_type):
    path = prefix.format(token=fuzz["token"], feed=fuzz["feed"])
    if segments:
        path = path.rstrip("/") + "/" + "/".join(segments)
    if query:
        path += "?" + urllib.parse.urlencode(query)
    # "//segment…" is a network-path reference: the test client reads the segment as a host name (and fails on
    # one too long for a label) before anything reaches the app — a browser would not send it either
    path = "/" + path.lstrip("/")
    headers = {k: v for k, v in (("Accept", accept), ("HX-Request", "true" if htmx else None)) if v}
    with fuzz["client"].open(path, method=method, headers=headers, data=body, content_type=content_type) as response:
        status = response.status_code
        text = response.get_data(as_text=True)
    event(f"status {status}")
    assert status < 500, (path, method, text[:3000])
    assert "Traceback" not in text
    if status >= 400 and method != "HEAD" and response.request.path.startswith("/api/"):
        answer = json.loads(text)
        assert isinstance(answer["error"], str) and answer["error"]

