"""The JSON API and its generated OpenAPI document; the app refuses to start on broken data files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planner.plan_schema import PlanResponse
from planner.request import PlanRequest
from planner.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.stem.startswith("log-")))
def test_every_example_answers_200_with_contract_2(client, name):
    response = client.post("/api/v1/plans", json=json.loads((EXAMPLES / f"{name}.json").read_text()))
    assert response.status_code == 200
    plan = PlanResponse.model_validate(response.json)   # extra keys forbidden: the schema matches the answer
    expected = {"red-flag-urgent": "referred", "infeasible-week": "infeasible"}.get(name)
    assert plan.status == expected if expected else plan.status in ("optimal", "feasible")


def test_bad_input_is_a_422_naming_each_field(client):
    response = client.post("/api/v1/plans", json={"runs": [{"day": "funday", "kind": "easy", "minutes": 900,
                                                            "start": "07:00"}], "level": 9, "colour": "red"})
    assert response.status_code == 422
    fields = response.json["fields"]
    assert set(fields) >= {"runs.0.day", "runs.0.minutes", "level", "colour"}
    assert "unknown field" in fields["colour"]


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 422),
    ("runs=[]", "application/x-www-form-urlencoded", 415),
])
def test_unreadable_bodies_get_json_errors(client, body, content_type, status):
    response = client.post("/api/v1/plans", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.is_json and response.json["error"]


def test_an_oversized_body_is_413_json(client):
    response = client.post("/api/v1/plans", data="x" * 70_000, content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_the_openapi_document_is_generated_from_the_models(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]
    assert set(PlanRequest.model_json_schema(mode="validation")["properties"]) == \
        set(schemas["PlanRequest"]["properties"])
    assert set(schemas["PlanResponse"]["properties"]) == set(PlanResponse.model_fields)
    post = doc["paths"]["/api/v1/plans"]["post"]
    assert {"200", "422", "429"} <= set(post["responses"])


def test_the_app_refuses_to_start_on_a_broken_data_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    text = (data / "exercises.toml").read_text().replace('level = 1', 'level = 7', 1)
    (data / "exercises.toml").write_text(text)
    with pytest.raises(SystemExit) as exc:
        create_app({"DATA_DIR": data, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "t"})
    assert "exercises.toml" in str(exc.value) and "dead_bug" in str(exc.value) and "level" in str(exc.value)
