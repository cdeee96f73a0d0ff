"""Error answers: HTML pages or JSON (for the API or when asked), never a traceback."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, SecurityError

from planner.store import StoreUnavailable
from planner.web.limits import limiter

log = logging.getLogger("backstride")

TITLES = {
    400: "That request could not be read",
    403: "Not allowed",
    404: "Nothing here",
    405: "That method is not allowed here",
    413: "That request is too large",
    415: "Unsupported content type",
    422: "Some values need fixing",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "Briefly unavailable",
}


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _answer(status: int, message: str, retry_after: str | None = None) -> Response:
    if _wants_json():
        response = jsonify({"error": message, "fields": {}})
        response.status_code = status
    else:
        response = Response(render_template("error.html", status=status, title=TITLES.get(status, "Error"),
                                            message=message, retry_after=retry_after), status)
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Response:
        return _answer(400, "The form's security token is missing or expired. Reload the page and try again "
                            "(your browser must accept cookies from this site).")

    @app.errorhandler(StoreUnavailable)
    def _store(exc: StoreUnavailable) -> Response:
        log.warning('{"event":"store_unavailable"}')
        return _answer(503, "Saved plans are briefly unavailable. Nothing was lost; please try again in a "
                            "minute.", retry_after="30")

    @app.errorhandler(SecurityError)
    def _host(exc: SecurityError) -> Response:
        # Flask's TRUSTED_HOSTS refused the Host header: no URL can be built, so no page template either.
        message = ("This server does not answer for that host name. Its operator sets PUBLIC_URL (or "
                   "BACKSTRIDE_HOSTS) to the names it is reached by.")
        if _wants_json():
            response = jsonify({"error": message, "fields": {}})
            response.status_code = 400
            return response
        return Response(message + "\n", 400, content_type="text/plain; charset=utf-8")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 429:
            retry = _retry_after(exc)
            return _answer(429, f"Too many plans in a short time. Please wait {_in_words(int(retry))} and try "
                                f"again.", retry_after=retry)
        messages = {
            404: "There is no page here. A saved plan's link may have been deleted or mistyped.",
            405: "This address does not accept that kind of request.",
            413: "The request is larger than any plan needs (64 KB at most).",
        }
        message = messages.get(status) or (exc.description if status < 500 else TITLES[500])
        response = _answer(status, message or TITLES.get(status, "Error"))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:  # RFC 9110: a 405 lists what is allowed
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception('{"event":"unhandled_error"}')
        return _answer(500, "Something went wrong on our side; it has been logged. Your input was not "
                            "stored. Please try again.")

    @app.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> Response:
        return _answer(500, "Something went wrong on our side; it has been logged. Please try again.")


def _retry_after(exc: HTTPException) -> str:
    """Seconds until the breached limit resets (an hourly limit means up to an hour, not a minute)."""
    breached = limiter.current_limit
    if breached is not None:  # floored as flask-limiter floors the Retry-After it sets, so the two agree
        return str(max(1, int(breached.reset_at - time.time())))
    response = exc.get_response()
    value = response.headers.get("Retry-After") if response is not None else None
    return value if value and value.isdigit() else "60"


def _in_words(seconds: int) -> str:
    """'45 seconds', '1 minute', '12 minutes' — how long to wait, as a person would say it."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"
