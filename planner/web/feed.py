"""Calendar export of saved plans: the .ics download (1–12 weeks) and the subscription feeds.

Feeds answer ETag and Last-Modified, and 304 to a conditional GET that already holds the current body:
calendar clients poll every few minutes to hours, and most polls find nothing new. What identifies a
body is what changes it — the plan's revision, the token it is served under, the format (full or busy,
number of weeks) and the code's calendar format — never the request's Host: exercise links use
PUBLIC_URL only, so a forged Host header cannot change (or poison) a cached body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for

from planner.ical import FORMAT, Published, build_calendar, repeatable
from planner.web.storage import store

bp = Blueprint("feed", __name__)
CALENDAR_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE_CONTROL = "private, max-age=300"


def uid_base(token: str) -> str:
    """A stable, non-secret UID domain for a saved plan: a one-way hash of its token (UIDs never leak links)."""
    return hashlib.sha256(f"backstride-uid:{token}".encode()).hexdigest()[:20] + ".backstride"


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL, on PUBLIC_URL when set (behind a proxy), else on the request's own host."""
    base = current_app.config.get("PUBLIC_URL")
    path = url_for(endpoint, **values)
    return base.rstrip("/") + path if base else url_for(endpoint, _external=True, **values)


class _ProgramFeed:
    """A program as the feed serves it: the current week and the next, with the publication record."""

    def __init__(self, program: Any, *, ahead: bool = True) -> None:
        self.saved, self.program = program.saved, program
        self.later = [program.next_plan] if ahead and program.next_plan else []
        self.revision, self.updated_at, self.plan = program.saved.revision, program.saved.updated_at, program.saved.plan
        self.request, self.token, self.sequences = program.saved.request, program.saved.token, {}
        record = json.dumps([program.published, [p["week_start"] for p in self.later]], sort_keys=True)
        self.version = "program:" + hashlib.sha256(record.encode()).hexdigest()[:16]


def etag_of(saved: Any, token: str, *, weeks: int, busy_only: bool) -> str:
    """The entity tag of one calendar body (unquoted): a hash of everything that body depends on."""
    parts = (FORMAT, str(saved.revision), token, "busy" if busy_only else "full", str(weeks),
             current_app.config.get("PUBLIC_URL") or "", getattr(saved, "version", "saved"))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _calendar(saved: Any, token: str, *, weeks: int, busy_only: bool, tag: str) -> bytes:
    """The calendar body, cached per worker by its entity tag: feeds are polled again and again, and a
    12-week file costs ~100 ms of CPU (icalendar's line folding), far more than serving it from memory."""
    cached = _CACHE.get(tag)
    if cached is None:
        site = current_app.config.get("PUBLIC_URL")
        program = getattr(saved, "program", None)
        extra: dict[str, Any] = {}
        if program is not None:
            extra = {"published": {k: Published.from_dict(v) for k, v in program.published.items()},
                     "later": saved.later}
        elif weeks > 1:     # weeks ahead planned from the expected progression, not this week copied
            extra, weeks = {"later": _ahead(saved.request, weeks)}, 1
        cached = build_calendar(
            saved.plan, uid_base=uid_base(saved.token), stamp=saved.updated_at, weeks=weeks,
            sequences=saved.sequences, site_url=None if busy_only else site, busy_only=busy_only,
            reminder_minutes=None if busy_only else saved.request.get("reminder_minutes"), **extra)
        with _CACHE_LOCK:
            while _CACHE and (len(_CACHE) >= _CACHE_SIZE or sum(map(len, _CACHE.values())) + len(cached)
                              > _CACHE_BYTES):
                _CACHE.pop(next(iter(_CACHE)))   # oldest first
            _CACHE[tag] = cached
    return cached


def _ahead(raw_request: dict[str, Any], weeks: int) -> list[dict[str, Any]]:
    """The weeks after the saved one, each planned from the week before as if it went as planned (cached with
    the body: once per revision and worker)."""
    from planner.progression import plan_ahead
    from planner.request import parse_request
    from planner.web.service import knowledge
    known = knowledge()
    plans = plan_ahead(parse_request(raw_request, known.vocabulary), known, weeks)[1:]
    out = []
    for plan in plans:
        if not plan.has_week:
            break           # a week the expected progression cannot plan ends the export there
        out.append(plan.to_dict())
    return out


_CACHE: dict[str, bytes] = {}
_CACHE_SIZE = 256
_CACHE_BYTES = 8 * 1024 * 1024   # per worker; a 12-week body is ~280 KB
_CACHE_LOCK = threading.Lock()


def _not_modified(tag: str, modified: dt.datetime) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) decides when present, else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and modified.replace(microsecond=0) <= since


def _serve(saved: Any, token: str, *, weeks: int, busy_only: bool, headers: dict[str, str]) -> Response:
    """The calendar, or 304 without a body when the client's copy is current."""
    tag = etag_of(saved, token, weeks=weeks, busy_only=busy_only)
    if _not_modified(tag, saved.updated_at):
        response = Response(status=304)
    else:
        response = Response(_calendar(saved, token, weeks=weeks, busy_only=busy_only, tag=tag),
                            content_type=CALENDAR_TYPE)
    response.set_etag(tag)
    response.last_modified = saved.updated_at.replace(microsecond=0)
    response.headers.update(headers)
    return response


@bp.get("/p/<token>/week.ics")
def download(token: str) -> Response:
    """The week (or N weeks, each planned from the one before) as an .ics file to import once."""
    saved = store().get(token[:64])
    if saved is None:
        abort(404)
    raw = request.args.get("weeks", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 12:
        abort(400, description="weeks: must be a whole number from 1 to 12")
    if int(raw) > 1 and not repeatable(saved.plan, saved.request):
        abort(400, description="weeks: a week planned around pain or a caution answer is for this week only; "
                               "check your pain and plan again next week")
    name = f'attachment; filename="backstride-{saved.plan["week_start"]}.ics"'
    if raw == "1":   # this week as the program published it: the feed's SEQUENCEs, removed blocks cancelled
        from planner.web.program import current
        found = current(saved.token)
        if found is not None and found.published is not None:
            saved = _ProgramFeed(found, ahead=False)
    return _serve(saved, token, weeks=int(raw), busy_only=False, headers={"Content-Disposition": name})


def _feed(feed_token: str, busy_only: bool) -> Response:
    saved = store().get_by_feed(feed_token[:64])
    if saved is None:
        abort(404)
    from planner.web.program import current  # the feed follows the program: this week and the next
    found = current(saved.token)
    if found is not None and found.published is not None:
        saved = _ProgramFeed(found)
    return _serve(saved, feed_token, weeks=1, busy_only=busy_only,
                  headers={"Cache-Control": FEED_CACHE_CONTROL,
                           "Content-Disposition": 'inline; filename="backstride.ics"'})


@bp.get("/f/<feed_token>.ics")
def feed(feed_token: str) -> Response:
    """The live subscription feed: always the saved plan's current week."""
    return _feed(feed_token, busy_only=False)


@bp.get("/f/<feed_token>/busy.ics")
def busy_feed(feed_token: str) -> Response:
    """The same feed with 'Busy' titles and no health details, for a work calendar."""
    return _feed(feed_token, busy_only=True)
