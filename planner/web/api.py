"""The JSON API: POST /api/v1/plans (Contract 1 → Contract 2) and its generated OpenAPI document."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request

from planner import __version__
from planner.plan_schema import openapi_document
from planner.request import RequestError
from planner.web import contract, service
from planner.web.json_errors import error
from planner.web.limits import solving

bp = Blueprint("api", __name__, url_prefix="/api/v1")




@bp.post("/plans")
@solving
def create_plan() -> Response:
    """Plan a week: 200 with Contract 2 (also for referred/infeasible), 422 naming each bad field."""
    if not request.is_json:
        return error(415, "send the request as application/json (Contract 1)")
    raw = request.get_data(cache=False)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return error(400, f"the body is not valid JSON: {exc}")
    except RecursionError:  # json.loads gives up on deep nesting (a few thousand brackets fit in 64 KB)
        return error(400, "the body is not valid JSON: nested too deeply")
    try:
        plan_request = service.parse_api(data)
    except RequestError as exc:
        return error(422, "the request has invalid fields", exc.as_dict())
    return jsonify(service.plan_for(plan_request))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document, generated from the request and plan models (once per worker)."""
    ext = current_app.extensions
    if "backstride.openapi" not in ext:
        from planner.web.programs_api import openapi_paths
        document = contract.stated(openapi_document(__version__), service.knowledge().vocabulary)
        paths, schemas = openapi_paths()
        document["paths"].update(paths)
        document["components"]["schemas"].update({k: v for k, v in schemas.items()
                                                  if k not in document["components"]["schemas"]})
        ext["backstride.openapi"] = document
    return jsonify(ext["backstride.openapi"])
