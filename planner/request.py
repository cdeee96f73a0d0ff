"""PlanRequest (Contract 1): one validated model of what the runner asks for, from JSON, TOML or form data.

Every entrance (form, API, CLI) ends in `parse_request`, so a rule is checked once and a bad value gets
the same message everywhere. Errors come back as `RequestError` with one `FieldError` per bad field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from planner.localtime import zone_info

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))
AREAS: tuple[str, ...] = ("core", "hip_mobility", "hamstrings", "glutes", "thoracic")
RUN_KINDS: tuple[str, ...] = ("easy", "long", "quality")
# Yes/no health facts that some exercises' cautions need (DOMAIN §3): an exercise's `avoid_with` names them.
HEALTH_FACTS: dict[str, str] = {
    "osteoporosis": "Osteoporosis, or long-term steroid tablets",
    "knee_pain": "Knee pain",
    "hip_pinch": "A pinching pain at the front of the hip when you bend it deeply",
}

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Area = Literal["core", "hip_mobility", "hamstrings", "glutes", "thoracic"]
HealthFact = Literal["osteoporosis", "knee_pain", "hip_pinch"]
RunKind = Literal["easy", "long", "quality"]
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Vocabulary:
    """What the request is checked against that lives in data/: ids and the fixed warm-up/cool-down lengths."""

    equipment_ids: frozenset[str]
    screening_tiers: Mapping[str, str]  # question id -> "1A" | "1B" | "1C"
    warm_up_minutes: int = 8
    cool_down_minutes: int = 6


@dataclass(frozen=True)
class FieldError:
    """One bad value: `field` is the dotted JSON path (or the form field name), `message` says what is allowed."""

    field: str
    message: str


@dataclass
class RequestError(Exception):
    """The request cannot be planned as given; `errors` has one entry per bad field."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)

    def as_dict(self) -> dict[str, str]:
        """Field → message (first message per field), the shape the API and the form use."""
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err.field, err.message)
        return out


def minutes_of(t: dt.time) -> int:
    """Minutes after midnight of a wall-clock time."""
    return t.hour * 60 + t.minute


def clock(minutes: int) -> str:
    """'HH:MM' for minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def next_monday(today: dt.date | None = None) -> dt.date:
    """The Monday of next week (the usual week to plan)."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def _check_clock_time(value: dt.time) -> dt.time:
    if value.second or value.microsecond or value.tzinfo is not None:
        raise ValueError("must be a local time like 07:30 (hours and minutes, no seconds or offset)")
    return value


ClockTime = Annotated[
    dt.time,
    Field(description="Local wall-clock time, HH:MM", json_schema_extra={"format": "time", "example": "07:00"}),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
# JSON `true` or `5.0` is not a whole number of minutes: no silent coercion of numbers and booleans.
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Run(_Strict):
    """One planned run: weekday, kind, requested minutes, local start time."""

    day: Weekday
    kind: RunKind
    minutes: Int = Field(ge=5, le=300)
    start: ClockTime

    _clock = field_validator("start")(_check_clock_time)


class Window(_Strict):
    """The time a runner can spare on one weekday for extra sessions, and when it starts."""

    minutes: Int = Field(ge=0, le=240)
    start: ClockTime = dt.time(18, 0)

    _clock = field_validator("start")(_check_clock_time)


class Pain(_Strict):
    """The pain-monitoring inputs of DOMAIN.md §2."""

    during_run: Int = Field(default=0, ge=0, le=10)
    at_rest: Int = Field(default=0, ge=0, le=10)
    next_morning: Literal["usual", "settles_within_24h", "persists"] = "usual"
    trend: Literal["falling", "flat", "rising"] = "flat"
    limping: Bool = False   # DOMAIN §2 STOP: limping because of the back pain


class Screening(_Strict):
    """Ids of the screening questions (data/screening.toml) answered yes."""

    red_flags: list[str] = Field(default_factory=list, max_length=40)
    cautions: list[str] = Field(default_factory=list, max_length=40)

    @field_validator("red_flags", "cautions")
    @classmethod
    def _known_ids(cls, value: list[str], info: ValidationInfo) -> list[str]:
        vocab: Vocabulary | None = (info.context or {}).get("vocabulary")
        if vocab is None:
            return value
        wanted = ("1A", "1B") if info.field_name == "red_flags" else ("1C",)
        for qid in value:
            tier = vocab.screening_tiers.get(qid)
            if tier is None:
                raise ValueError(f"unknown screening question '{qid}'")
            if tier not in wanted:
                other = "cautions" if info.field_name == "red_flags" else "red_flags"
                raise ValueError(f"'{qid}' is a tier {tier} question: list it under screening.{other}")
        return list(dict.fromkeys(value))


class History(_Strict):
    """Recent running, for the progression caps of DOMAIN.md §2 (unknown values leave that cap unapplied)."""

    longest_run_30d_minutes: Int | None = Field(default=None, ge=0, le=600)
    last_week_run_minutes: Int | None = Field(default=None, ge=0, le=2100)
    week_before_last_run_minutes: Int | None = Field(default=None, ge=0, le=2100)


Name = Annotated[str, StringConstraints(max_length=80)]


def plain_date(cls: Any, value: Any) -> Any:
    """A date as the schema says (format: date): not a date-time that happens to be midnight, not a number
    (pydantic would read one as a Unix timestamp: a typo, not a date)."""
    if isinstance(value, int | float) or (isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("must be a date like 2026-11-30 (YYYY-MM-DD)")
    return value


class PlanRequest(_Strict):
    """Contract 1: everything the planner needs; sensible defaults for all but `runs`."""

    week_start: dt.date = Field(default_factory=next_monday)
    timezone: str = "UTC"
    wake_time: ClockTime = dt.time(6, 30)
    runs: list[Run] = Field(max_length=7)
    available: dict[Weekday, Window] = Field(default_factory=dict)
    weak_areas: list[Area] = Field(default_factory=list, max_length=5)
    pain: Pain = Field(default_factory=Pain)
    screening: Screening = Field(default_factory=Screening)
    history: History = Field(default_factory=History)
    equipment: list[str] = Field(default_factory=list, max_length=30)
    health: list[HealthFact] = Field(default_factory=list, max_length=3)
    level: Int = Field(default=1, ge=1, le=3)
    hamstring_twice_daily: Bool = False
    returning: Bool = False   # coming back from a break or a flare: start on the return-to-run ladder
    name: Name = ""
    reminder_minutes: Int | None = Field(default=None, ge=0, le=240)

    _wake = field_validator("wake_time")(_check_clock_time)

    _plain = field_validator("week_start", mode="before")(plain_date)

    @field_validator("week_start")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            monday = value - dt.timedelta(days=value.weekday())
            raise ValueError(f"must be a Monday (the week of {value.isoformat()} starts on {monday.isoformat()})")
        if not dt.date(2000, 1, 3) <= value <= dt.date(2100, 12, 27):
            raise ValueError("must be a Monday between 2000 and 2100")
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        if value not in _zone_names():
            raise ValueError(f"unknown time zone '{value[:60]}': use an IANA name such as Europe/Berlin")
        return value

    @field_validator("name")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(ch) < 32 or 127 <= ord(ch) <= 159 or ch in "\u2028\u2029" for ch in value):
            raise ValueError("must be one line of text without control characters")
        return value

    @field_validator("weak_areas", "health")
    @classmethod
    def _unique_areas(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: list[str], info: ValidationInfo) -> list[str]:
        vocab: Vocabulary | None = (info.context or {}).get("vocabulary")
        if vocab is not None:
            for item in value:
                if item not in vocab.equipment_ids:
                    allowed = ", ".join(sorted(vocab.equipment_ids))
                    raise ValueError(f"unknown equipment '{item[:40]}'; allowed: {allowed}")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _timeline(self, info: ValidationInfo) -> PlanRequest:
        """At most one run a day; runs (with warm-up and cool-down) and spare-time windows fit the day apart."""
        vocab: Vocabulary | None = (info.context or {}).get("vocabulary")
        warm = vocab.warm_up_minutes if vocab else 8
        cool = vocab.cool_down_minutes if vocab else 6
        errors: list[tuple[tuple[Any, ...], str]] = []
        seen: dict[str, int] = {}
        for i, run in enumerate(self.runs):
            if run.day in seen:
                errors.append((("runs", i, "day"),
                               f"a second run on {DAY_NAMES[run.day]}: at most one run a day"))
                continue
            seen[run.day] = i
            begin = minutes_of(run.start) - warm
            end = minutes_of(run.start) + run.minutes + cool
            if begin < 0 or end > MINUTES_PER_DAY:
                errors.append((("runs", i, "start"),
                               f"the {DAY_NAMES[run.day]} run with its {warm}-min warm-up and {cool}-min "
                               f"cool-down must fit between 00:00 and 24:00"))
            elif begin < minutes_of(self.wake_time):
                errors.append((("runs", i, "start"),
                               f"the {DAY_NAMES[run.day]} run's {warm}-min warm-up would start at {clock(begin)}, "
                               f"before your wake time ({self.wake_time:%H:%M}): start at "
                               f"{clock(minutes_of(self.wake_time) + warm)} or later, or change the wake time"))
        for day, window in self.available.items():
            if window.minutes == 0:
                continue
            w_begin = minutes_of(window.start)
            w_end = w_begin + window.minutes
            if w_begin < minutes_of(self.wake_time):
                errors.append((("available", day, "start"),
                               f"{window.start:%H:%M} is before your wake time ({self.wake_time:%H:%M})"))
                continue
            if w_end > MINUTES_PER_DAY:
                errors.append((("available", day, "start"),
                               f"{window.minutes} min from {window.start:%H:%M} crosses midnight; "
                               f"start by {clock(MINUTES_PER_DAY - window.minutes)}"))
                continue
            if day in seen:
                run = self.runs[seen[day]]
                r_begin = minutes_of(run.start) - warm
                r_end = minutes_of(run.start) + run.minutes + cool
                if w_begin < r_end and r_begin < w_end:
                    errors.append((("available", day, "start"),
                                   f"overlaps the {DAY_NAMES[day]} run ({clock(r_begin)}–{clock(r_end)} with "
                                   f"warm-up and cool-down); choose a time before or after it"))
        if errors:
            raise _TimelineErrors(errors)
        return self

    def run_on(self, day: str) -> Run | None:
        """The run planned on a weekday, if any."""
        return next((r for r in self.runs if r.day == day), None)

    def window_on(self, day: str) -> Window | None:
        """The spare-time window of a weekday, if it has any minutes."""
        window = self.available.get(day)  # type: ignore[call-overload]
        return window if window is not None and window.minutes > 0 else None

    def date_of(self, day: str) -> dt.date:
        """The calendar date of a weekday in the planned week."""
        return self.week_start + dt.timedelta(days=WEEKDAYS.index(day))

    def to_json_dict(self) -> dict[str, Any]:
        """Contract 1 as plain JSON data (what saved plans store)."""
        return self.model_dump(mode="json", exclude_none=False)


class _TimelineErrors(ValueError):
    """Several located errors from the cross-field check (raised inside pydantic, unpacked below)."""

    def __init__(self, errors: list[tuple[tuple[Any, ...], str]]):
        super().__init__("timeline")
        self.located = errors


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        names = set(available_timezones())
        names.add("UTC")
        _ZONES = frozenset(names)
    return _ZONES


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of a validated time-zone name."""
    try:
        return zone_info(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - validated before
        raise KeyError(name) from exc


# --- turning pydantic's errors into plain words -------------------------------------------------------

def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; unknown keys are not ignored)"
    if kind == "missing":
        return "is required"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind in ("literal_error", "enum"):
        return f"must be one of: {ctx.get('expected', '').replace(chr(39), '')}"
    if kind.startswith("time"):
        return "must be a time like 07:30"
    if kind.startswith("date"):
        return "must be a date like 2026-11-30"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind in ("too_long", "string_too_long"):
        limit = ctx.get("max_length")
        return f"too many entries (at most {limit})" if kind == "too_long" else f"at most {limit} characters"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return {"list_type": "must be a list", "dict_type": "must be an object keyed by weekday"}.get(
            kind, "must be an object")
    if kind == "string_type":
        return "must be text"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "is not valid")))
    return str(err.get("msg", "is not valid"))


def _path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) if loc else "request"


def _errors_from(exc: ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, _TimelineErrors):
            out.extend(FieldError(_path(loc), msg) for loc, msg in original.located)
            continue
        loc = tuple(err["loc"])
        # pydantic appends the literal/union tag to some locations; keep the user's path only
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        out.append(FieldError(_path(loc), _message(err)))
    return out


def parse_request(data: Any, vocabulary: Vocabulary | None = None) -> PlanRequest:
    """Validate Contract-1 data (already parsed from JSON/TOML) into a PlanRequest, or raise RequestError."""
    if not isinstance(data, Mapping):
        raise RequestError([FieldError("request", "must be a JSON object (or TOML table) of Contract 1")])
    if "runs" not in data:
        raise RequestError([FieldError("runs", "is required (an empty list means a week without runs)")])
    try:
        return PlanRequest.model_validate(data, context={"vocabulary": vocabulary})
    except ValidationError as exc:
        raise RequestError(_errors_from(exc)) from None


def parse_json(text: str | bytes, vocabulary: Vocabulary | None = None) -> PlanRequest:
    """Parse a JSON document into a PlanRequest."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError([FieldError("request", f"not valid JSON: {exc}")]) from None
    return parse_request(data, vocabulary)


def parse_toml(text: str, vocabulary: Vocabulary | None = None) -> PlanRequest:
    """Parse a TOML document (same shape as the JSON) into a PlanRequest."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RequestError([FieldError("request", f"not valid TOML: {exc}")]) from None
    return parse_request(data, vocabulary)
