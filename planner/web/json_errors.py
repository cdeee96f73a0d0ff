"""The one shape of a JSON error answer (ErrorResponse in planner/plan_schema.py), for every API blueprint."""

from __future__ import annotations

from flask import Response, jsonify


def error(status: int, message: str, fields: dict[str, str] | None = None) -> Response:
    """A 4xx answer: a summary and, for bad input, one message per field."""
    response = jsonify({"error": message, "fields": fields or {}})
    response.status_code = status
    return response
