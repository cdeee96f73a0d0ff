"""The Flask app factory: configuration, extensions (htmx, CSRF, rate limits), security headers, logs, errors."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

from planner.datafile import DataError
from planner.knowledge import load_knowledge
from planner.web.limits import CALENDAR_LIMIT, WRITE_LIMIT
from planner.web.logs import json_log, log

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_BODY_BYTES = 64 * 1024  # a full form or Contract-1 request is under 4 KB

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")



class StartupError(Exception):
    """The app cannot start as configured; the message is one line that says why and what to change."""


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/.

    Created atomically: the key is written and fsync'd under a temporary name, then hard-linked into place
    (link fails if another process got there first), so no process ever reads a missing or half-written key.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    try:
        if not path.exists():
            temp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
                    handle.flush()
                    os.fsync(handle.fileno())
                with contextlib.suppress(FileExistsError):  # another process won the race: use its key
                    os.link(temp, path)
            finally:
                temp.unlink(missing_ok=True)
        key = path.read_text().strip()
    except OSError as error:
        raise StartupError(f"cannot keep a secret key in {instance} ({error.strerror}); set SECRET_KEY, or "
                           f"BACKSTRIDE_INSTANCE to a writable folder") from None
    if not key:
        raise StartupError(f"{path} is empty; delete it (a new key is made) or set SECRET_KEY")
    return key


LOCAL_HOSTS = ["localhost", "127.0.0.1"]


def _trusted_hosts(public_url: str | None) -> list[str] | None:
    """Without PUBLIC_URL links are built on the request's Host, so only local and configured hosts are
    answered (BACKSTRIDE_HOSTS, comma-separated; '.example.org' allows its subdomains). With PUBLIC_URL links
    never use the Host header, so any host is answered (a proxy may pass its own)."""
    if public_url:
        return None
    extra = [h.strip() for h in os.environ.get("BACKSTRIDE_HOSTS", "").split(",") if h.strip()]
    return LOCAL_HOSTS + extra


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides (tests pass TESTING, DATABASE_URL, limits, ...)."""
    app = Flask("planner.web", template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=os.environ.get("BACKSTRIDE_INSTANCE", str(ROOT / "instance")))
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
        MAX_FORM_PARTS=400,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("BACKSTRIDE_INSECURE_COOKIES") != "1"
        and os.environ.get("FLASK_DEBUG") != "1",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session cookie
        WTF_CSRF_SSL_STRICT=False,  # Referer is never sent (Referrer-Policy: no-referrer); the token is the check
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        RATE_LIMIT=os.environ.get("BACKSTRIDE_RATE_LIMIT", "60/minute;600/hour"),
        WRITE_LIMIT=os.environ.get("BACKSTRIDE_WRITE_LIMIT", WRITE_LIMIT),
        CALENDAR_LIMIT=os.environ.get("BACKSTRIDE_CALENDAR_LIMIT", CALENDAR_LIMIT),
        RATELIMIT_STORAGE_URI=os.environ.get("BACKSTRIDE_RATELIMIT_STORAGE", "backstride://"),
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,  # a database hiccup must not turn every solve into a 500
        PUBLIC_URL=os.environ.get("PUBLIC_URL"),
    )
    if config:
        app.config.update(config)
    if "TRUSTED_HOSTS" not in (config or {}):
        app.config["TRUSTED_HOSTS"] = _trusted_hosts(app.config["PUBLIC_URL"])
    app.config.setdefault("SECRET_KEY", None)
    # The instance folder holds only the generated secret key and the default SQLite file: it is made (and
    # must be writable) only when one of them is needed, so a read-only install runs with both set.
    if not app.config["SECRET_KEY"] or not app.config.get("DATABASE_URL"):
        try:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StartupError(f"cannot create the instance folder {app.instance_path} ({error.strerror}); "
                               f"set BACKSTRIDE_INSTANCE to a writable folder, or set both SECRET_KEY and "
                               f"DATABASE_URL") from None
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))

    # Data files are validated at start: a broken file stops the app with the message naming file/entry/field.
    try:
        app.extensions["backstride.knowledge"] = load_knowledge(app.config.get("DATA_DIR"))
    except DataError as exc:
        message = f"Backstride cannot start: a data file is broken.\n{exc}"
        print(message, file=sys.stderr)
        raise SystemExit(message) from None

    HTMX(app)
    _unnamed_form_parts(app)  # before CSRFProtect: its token lookup fails on such a part
    csrf = CSRFProtect(app)
    _retry_after_only_when_refused(app)  # registered before the limiter: runs after its header injection
    from planner.web import api, errors, feed, limits, pages, render, storage
    limits.init(app, lambda: storage.store_for(app))
    _logging(app)
    _security_headers(app)

    render.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(__import__("planner.web.program_pages", fromlist=["bp"]).bp)  # check-ins, re-plans
    app.register_blueprint(__import__("planner.web.library", fromlist=["bp"]).bp)  # the public exercise library
    app.register_blueprint(feed.bp)
    limits.limit_view(app, "feed.download", limits.calendar)
    csrf.exempt(api.bp)  # JSON API: no cookies, no session, so no cross-site request to forge
    app.register_blueprint(api.bp)
    from planner.web import programs_api
    csrf.exempt(programs_api.bp)
    app.register_blueprint(programs_api.bp)
    errors.register(app)
    return app


def _retry_after_only_when_refused(app: Flask) -> None:
    """flask-limiter adds Retry-After to every answer; it only means something on a 429 or 503."""
    @app.after_request
    def _strip(response):  # type: ignore[no-untyped-def]
        if response.status_code not in (429, 503):
            response.headers.pop("Retry-After", None)
        return response


def _unnamed_form_parts(app: Flask) -> None:
    """A multipart part without a name lands in request.form under the key None: refuse it as unreadable (400)
    instead of letting Flask-WTF's CSRF lookup crash on `None.endswith` (a 500)."""
    @app.before_request
    def _refuse() -> None:
        if request.mimetype == "multipart/form-data" and None in request.form:
            abort(400, description="Every part of the form must have a name.")


def _logging(app: Flask) -> None:
    """One JSON line per request: method, route pattern (never the path: it may hold a token), status, ms."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):  # type: ignore[no-untyped-def]
        started = g.get("started")
        if started is not None and not app.config.get("QUIET_LOGS"):
            rule = request.url_rule.rule if request.url_rule else "(no route)"
            json_log("request", method=request.method, route=rule, status=response.status_code,
                      ms=round((time.perf_counter() - started) * 1000, 1), htmx=bool(request.headers.get("HX-Request")))
        return response


def _security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.method == "POST":  # answers to posts may carry a saved plan's token (its page, a redirect)
            h.setdefault("Cache-Control", "no-store")
        if request.path.startswith(("/p/", "/f/")):
            h["X-Robots-Tag"] = "noindex, nofollow"
            h["Cache-Control"] = "private, no-store" if request.path.startswith("/p/") else h.get(
                "Cache-Control", "private, max-age=300")
        return response

