"""The OpenAPI document states the request's rules: every request its schema allows either plans or is refused
for a rule the document states in words (the Monday rule, one run a day, timelines that fit the day).

The cases are drawn from the served document itself (a small JSON-Schema → Hypothesis translation covering
the keywords the document uses), so a rule the code checks but the schema does not state shows up as a 422
on a field outside STATED_IN_WORDS. Before the rules were stated, 2,692 of 2,769 schema-valid cases got 422.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import close_store, make_app

EXAMPLES = int(os.environ.get("BACKSTRIDE_FUZZ_EXAMPLES", "150"))
# Fields whose rule the document states in a description, not in a keyword (see planner/web/contract.py),
# and the refusal that rule gives.
STATED_IN_WORDS = {r"week_start": "Monday", r"runs\.\d+\.day": "at most one run a day",
                   r"runs\.\d+\.start": "must fit between 00:00 and 24:00|before your wake time",
                   r"available\.\w{3}\.start": "crosses midnight|overlaps the|before your wake time"}


def from_schema(schema: dict, schemas: dict) -> st.SearchStrategy:
    """Values valid under `schema` (the subset of JSON Schema the generated document uses)."""
    if "$ref" in schema:
        return st.deferred(lambda: from_schema(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas))
    if "anyOf" in schema:
        return st.one_of([from_schema(option, schemas) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if kind == "string":
        if schema.get("format") == "date":
            return st.dates(dt.date(1990, 1, 1), dt.date(2110, 12, 31)).map(dt.date.isoformat)
        if "pattern" in schema:
            pattern = schema["pattern"]
            return st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= schema.get("maxLength", 10**6))
        return st.text(max_size=schema.get("maxLength", 40))
    if kind == "array":
        return st.lists(from_schema(schema["items"], schemas), max_size=schema.get("maxItems", 5))
    if kind == "object":
        if "properties" not in schema:  # a map: keys from propertyNames, values from additionalProperties
            keys = st.sampled_from(schema["propertyNames"]["enum"])
            return st.dictionaries(keys, from_schema(schema["additionalProperties"], schemas), max_size=7)
        required = set(schema.get("required", []))
        props = schema["properties"]
        return st.fixed_dictionaries(
            {k: from_schema(v, schemas) for k, v in props.items() if k in required},
            optional={k: from_schema(v, schemas) for k, v in props.items() if k not in required})
    raise AssertionError(f"the test's schema translation lacks {schema}")


_app = make_app(Path(tempfile.mkdtemp()))
_client = _app.test_client()
DOC = _client.get("/api/v1/openapi.json").get_json()
SCHEMAS = DOC["components"]["schemas"]
OUTCOMES: dict[str, int] = {}


def teardown_module() -> None:
    print(f"schema-valid cases: {OUTCOMES}")
    close_store(_app)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=from_schema(SCHEMAS["PlanRequest"], SCHEMAS))
def test_every_schema_valid_request_plans_or_is_refused_for_a_rule_the_document_states(case):
    response = _client.post("/api/v1/plans", json=case)
    assert response.status_code in (200, 422), (response.status_code, case)
    body = response.get_json()
    if response.status_code == 200:
        OUTCOMES[body["status"]] = OUTCOMES.get(body["status"], 0) + 1
        return
    OUTCOMES["422"] = OUTCOMES.get("422", 0) + 1
    unstated = {field: message for field, message in body["fields"].items()
                if not any(re.fullmatch(p, field) and re.search(m, message) for p, m in STATED_IN_WORDS.items())}
    assert not unstated, (unstated, case)


def test_the_document_states_the_monday_rule_hh_mm_times_and_the_id_lists():
    request = SCHEMAS["PlanRequest"]["properties"]
    assert "Monday" in request["week_start"]["description"]
    assert re.fullmatch(request["wake_time"]["pattern"], "07:30") and not re.fullmatch(
        request["wake_time"]["pattern"], "07:30:00")
    assert SCHEMAS["Run"]["properties"]["start"]["pattern"] == request["wake_time"]["pattern"]
    assert "band" in request["equipment"]["items"]["enum"]
    assert "saddle_numbness" in SCHEMAS["Screening"]["properties"]["red_flags"]["items"]["enum"]
    assert "sciatica" in SCHEMAS["Screening"]["properties"]["cautions"]["items"]["enum"]
    assert "sciatica" not in SCHEMAS["Screening"]["properties"]["red_flags"]["items"]["enum"]
    assert set(request["weak_areas"]["items"]["enum"]) == {"core", "hip_mobility", "hamstrings", "glutes", "thoracic"}
    assert "Europe/Berlin" in request["timezone"]["enum"]
