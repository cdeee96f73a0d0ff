"""Contract 2 as pydantic models: the OpenAPI document is generated from these and PlanRequest.

`Plan.to_dict()` is the source of every answer; tests validate real answers against `PlanResponse`
(extra keys forbidden), so this schema cannot drift from what the API sends.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from planner.request import PlanRequest


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExerciseOut(_Closed):
    id: str
    name: str
    dose: str
    minutes: int
    cue: str
    cautions: list[str]
    effort: str = Field(description="For loaded items: how heavy to go; empty otherwise")


class ItemOut(_Closed):
    key: str = Field(description="Stable identity inside the plan, e.g. 'tue-run'")
    kind: Literal["run", "warm_up", "cool_down", "core", "glutes", "hamstrings", "hip_mobility", "thoracic"]
    start: str = Field(pattern=r"^\d\d:\d\d$", description="Local start time, HH:MM")
    minutes: int
    run_kind: Literal["easy", "long", "quality"] | None = None
    requested_minutes: int | None = None
    requested_run_kind: Literal["easy", "long", "quality"] | None = None
    intervals: list[list[int]] | None = Field(
        default=None, description="A return-to-run ladder session: (run, walk) minutes of each interval, in order")
    exercises: list[ExerciseOut]
    reasons: list[str]
    rules: list[str]


class BlockOut(_Closed):
    key: str = Field(description="Stable identity of a block of back-to-back items, e.g. 'tue-run', 'tue-care'")
    kind: Literal["run", "care"]
    start: str = Field(pattern=r"^\d\d:\d\d$")
    minutes: int
    title: str
    items: list[str] = Field(description="Keys of the items inside, in time order")


class DayOut(_Closed):
    date: str
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    items: list[ItemOut]
    blocks: list[BlockOut]


class SummaryOut(_Closed):
    requested_run_minutes: int = Field(description="Every run the request asks for, the ones not planned too")
    planned_run_minutes: int = Field(description="Running planned: a return-to-run session counts its running parts")
    sessions: dict[str, int]
    extra_minutes: int
    daily_extra_minutes: dict[str, int]


class RelaxationOut(_Closed):
    action: str = Field(description="Apply with the form's relax button, e.g. 'drop_run:tue'")
    label: str


class ExplanationOut(_Closed):
    conflicts: list[str]
    relaxations: list[RelaxationOut]
    rules: list[str]


class ReferralOut(_Closed):
    urgency: Literal["urgent", "soon"]
    title: str
    message: str
    reasons: list[str]


class PenaltyOut(_Closed):
    rule: str
    label: str
    cost: int


class ChangeOut(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    key: str
    change: Literal["moved", "shortened", "lengthened", "changed", "removed", "added"]
    from_: str | None = Field(alias="from")
    to: str | None
    reason: str


class PlanResponse(_Closed):
    """Contract 2: the planned week, or why there is none."""

    status: Literal["optimal", "feasible", "infeasible", "referred"]
    pain_status: Literal["GREEN", "AMBER", "RED", "STOP"]
    week_start: str
    timezone: str
    name: str
    days: list[DayOut]
    summary: SummaryOut | None
    explanation: ExplanationOut | None
    referral: ReferralOut | None
    notices: list[str]
    sources: dict[str, str]
    penalties: list[PenaltyOut]
    objective: int | None
    history: dict[str, Any] | None = Field(description="What the check-in log tells (Contract 6), with reasons")
    ladder: dict[str, Any] | None = Field(description="The return-to-run ladder level, when the runner is on it")
    changes: list[ChangeOut] = Field(description="Re-plans: what changed since the published week, and why")
    disclaimer: str


class ErrorResponse(_Closed):
    """4xx answers: a summary and, for bad input, one message per field (dotted Contract-1 path)."""

    error: str
    fields: dict[str, str] = Field(default_factory=dict)


def openapi_document(version: str) -> dict:
    """The OpenAPI 3.1 document of the JSON API, generated from the models."""
    from pydantic.json_schema import models_json_schema

    _, defs = models_json_schema([(PlanRequest, "validation"), (PlanResponse, "serialization"),
                                  (ErrorResponse, "serialization")], ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})

    def ref(name: str) -> dict:
        return {"$ref": f"#/components/schemas/{name}"}

    def body(name: str, description: str) -> dict:
        return {"description": description, "content": {"application/json": {"schema": ref(name)}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Backstride API", "version": version,
                 "description": "Plan a week of running and back-care sessions. Exercise guidance, not diagnosis."},
        "paths": {"/api/v1/plans": {"post": {
            "summary": "Plan a week (Contract 1 in, Contract 2 out)",
            "operationId": "createPlan",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("PlanRequest")}}},
            "responses": {
                "200": body("PlanResponse", "A plan, a referral (red flag) or an explanation (infeasible)"),
                "400": body("ErrorResponse", "Not JSON"),
                "413": body("ErrorResponse", "Body too large"),
                "415": body("ErrorResponse", "Not application/json"),
                "422": body("ErrorResponse", "Invalid request: one message per field"),
                "429": body("ErrorResponse", "Too many requests; see Retry-After"),
            }}}},
        "components": {"schemas": schemas},
    }
