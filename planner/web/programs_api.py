"""The programs API (Contract 6): start a program, read its current week and history, check in, read a week.

A check-in through the API applies at once: the answer is the re-planned week with its `changes`, already
published (the feed follows). A concurrent check-in is never lost: both are stored, and the later re-plan is
made from both. Bad input is a 422 naming each field; an unknown token a 404.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from pydantic.json_schema import models_json_schema

from planner.log import Log
from planner.request import RequestError
from planner.web import program, service
from planner.web.feed import public_url
from planner.web.json_errors import error
from planner.web.limits import solving, writing
from planner.web.storage import fingerprints, store

bp = Blueprint("programs_api", __name__, url_prefix="/api/v1/programs")
PLANNED = ("optimal", "feasible")


def _json() -> Any:
    """The body as JSON, or abort with 415/400 in the API's error shape."""
    if not request.is_json:
        abort(error(415, "send the body as application/json"))
    try:
        return json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        abort(error(400, f"the body is not valid JSON: {str(exc)[:200]}"))


def _program(token: str):
    found = program.current(token[:64]) if len(token) <= 64 else None
    if found is None:
        abort(error(404, "no program under this token"))
    return found


def links(token: str, feed_token: str) -> dict[str, str]:
    """Where a program's parts live (absolute URLs)."""
    return {"self": public_url("programs_api.show", token=token),
            "checkins": public_url("programs_api.checkins", token=token),
            "page": public_url("pages.saved", token=token),
            "feed": public_url("feed.feed", feed_token=feed_token),
            "busy_feed": public_url("feed.busy_feed", feed_token=feed_token),
            "week": public_url("programs_api.week", token=token, monday="YYYY-MM-DD")}


@bp.post("")
@solving
@writing
def create() -> Response:
    """Start a program from Contract 1: 201 with its token, first week and links; 422 naming bad fields."""
    data = _json()
    try:
        plan_request = service.parse_api(data)
    except RequestError as exc:
        return error(422, "the request has invalid fields", exc.as_dict())
    plan = service.plan_for(plan_request)
    if plan["status"] not in PLANNED:
        response = jsonify({"error": "only a planned week can start a program", "fields": {}, "plan": plan})
        response.status_code = 422
        return response
    saved = store().save(plan_request.to_json_dict(), plan, fingerprints(plan))
    started = program.current(saved.token)
    response = jsonify({"token": saved.token, "week": started.saved.plan,
                        "links": links(saved.token, saved.feed_token)})
    response.status_code = 201
    response.headers["Location"] = url_for("programs_api.show", token=saved.token)
    return response


def _summary(found) -> dict[str, Any]:
    told = program.latest(found)
    return {"token": found.token, "monday": found.monday, "revision": found.revision,
            "week": found.weeks[found.monday], "next_week": found.next_plan,
            "history": told.get("history"), "ladder": told.get("ladder"), "pain_status": told.get("pain_status"),
            "weeks": sorted(found.weeks), "checkins": found.checkins,
            "links": links(found.token, found.saved.feed_token)}


@bp.get("/<token>")
def show(token: str) -> Response:
    """The current week (planned from the log on the first visit of a new week), next week and the history."""
    return jsonify(_summary(_program(token)))


@bp.post("/<token>/checkins")
@solving
@writing
def checkins(token: str) -> Response:
    """Check in (Contract 5 entries): 200 with the re-planned week and its `changes`, applied at once."""
    _program(token)
    data = _json()
    entries = data.get("checkins") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries or set(data) - {"checkins"}:
        return error(422, "the log has invalid fields",
                     {"checkins": 'send {"checkins": [...]} with at least one check-in and no other keys'})
    try:
        outcome = program.apply(token, program.check_in(token, entries))
    except RequestError as exc:
        return error(422, "the log has invalid fields", exc.as_dict())
    body = _summary(outcome.program)
    # what the log tells comes from the re-plan just made (the program read before it still holds the old one)
    body.update(week=outcome.plan, changes=outcome.plan.get("changes") or [],
                **{k: outcome.plan.get(k) for k in ("history", "ladder", "pain_status")})
    return jsonify(body)


@bp.get("/<token>/weeks/<monday>")
def week(token: str, monday: str) -> Response:
    """One week of the program as it was last published, or next week as planned ahead (`ahead`: true, as the
    page shows it); 404 for a week the program has not had."""
    found = _program(token)
    try:
        key = dt.date.fromisoformat(monday).isoformat()
    except ValueError:
        return error(422, "not a date", {"monday": "must be a Monday like 2026-11-30"})
    ahead = found.next_plan if found.next_plan and found.next_plan.get("week_start") == key else None
    if key not in found.weeks and ahead is None:
        return error(404, f"the program has no week starting {key}", {"monday": "not a week of this program"})
    return jsonify({"monday": key, "week": ahead or found.weeks[key], "current": key == found.monday,
                    "ahead": ahead is not None})


def openapi_paths() -> tuple[dict[str, Any], dict[str, Any]]:
    """The programs' paths and the log's schemas, for the generated OpenAPI document."""
    _, defs = models_json_schema([(Log, "validation")], ref_template="#/components/schemas/{model}")

    def body(name: str, description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    plain = {"description": "A program: token, current week (Contract 2), history and links",
             "content": {"application/json": {"schema": {"type": "object"}}}}
    token = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}]
    failures = {"404": body("ErrorResponse", "No program under this token"),
                "422": body("ErrorResponse", "Invalid input: one message per field"),
                "429": body("ErrorResponse", "Too many requests; see Retry-After")}
    paths = {
        "/api/v1/programs": {"post": {
            "summary": "Start a program (Contract 1 in; 201 with token, week, links)", "operationId": "createProgram",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PlanRequest"}}}},
            "responses": {"201": plain, **failures}}},
        "/api/v1/programs/{token}": {"get": {
            "summary": "The current week, next week and the history the log tells", "operationId": "getProgram",
            "parameters": token, "responses": {"200": plain, "404": failures["404"]}}},
        "/api/v1/programs/{token}/checkins": {"post": {
            "summary": "Check in (Contract 5): the week re-planned with its changes, applied at once",
            "operationId": "checkIn", "parameters": token,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Log"}}}},
            "responses": {"200": plain, **failures}}},
        "/api/v1/programs/{token}/weeks/{monday}": {"get": {
            "summary": "One week of the program as last published, or next week as planned ahead",
            "operationId": "getProgramWeek",
            "parameters": [*token, {"name": "monday", "in": "path", "required": True,
                                    "schema": {"type": "string", "format": "date"}}],
            "responses": {"200": plain, "404": failures["404"], "422": failures["422"]}}},
    }
    return paths, defs.get("$defs", {})
