"""The log (Contract 5): the runner's check-ins — what happened to each plan item, as the runner reports it.

One validated model, like the request: unknown keys and impossible values (a date after today, more than 300
minutes, a run done without its minutes or pain) are rejected with the field named. A later check-in for the
same date and item replaces the earlier one; `Log.effective()` is the log after those replacements, in an
order that does not depend on the order of the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, ValidationInfo, field_validator, model_validator

from planner.request import FieldError, Int, RequestError, _message, _Strict, plain_date

CheckinStatus = Literal["done", "partly", "skipped"]
NextMorning = Literal["usual", "settles_within_24h", "persists"]
EXTRA_RUN = "extra-run"
# A plan item key (Contract 2): "<weekday>-<kind>", a second block of a day "-2"; "extra-run" for an unplanned run
# ("extra-run-2" for a second one the same day, so the two do not replace each other).
_KEY = re.compile(r"^(?:(mon|tue|wed|thu|fri|sat|sun)-[a-z][a-z_]{1,30}|extra-run)(?:-[2-9])?$")
MAX_CHECKINS = 2000   # about five years of daily check-ins; a bigger file is not a log

Note = Annotated[str, StringConstraints(max_length=500)]


class LogError(RequestError):
    """The log cannot be used as given; `errors` has one FieldError per bad field (a RequestError, so every
    entrance that reports request errors reports these the same way)."""


def is_run(item: str) -> bool:
    """Whether a plan item key names a run ("tue-run", "extra-run", "extra-run-2")."""
    return item.startswith(EXTRA_RUN) or item.split("-")[1:2] == ["run"]


class Checkin(_Strict):
    """One report: on `date`, the plan item `item` was done, partly done or skipped (runs: minutes and pain)."""

    date: dt.date
    item: str = Field(max_length=40)
    status: CheckinStatus
    minutes: Int | None = Field(default=None, ge=1, le=300)
    pain_during: Int | None = Field(default=None, ge=0, le=10)
    next_morning: NextMorning | None = None
    note: Note = ""

    @field_validator("item")
    @classmethod
    def _item_key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("must be a plan item key like tue-run or thu-core (weekday-kind), or extra-run")
        return value

    _plain = field_validator("date", mode="before")(plain_date)

    @field_validator("date")
    @classmethod
    def _not_in_future(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        today: dt.date | None = (info.context or {}).get("today")
        if today is not None and value > today:
            raise ValueError(f"is after today ({today.isoformat()}): only what already happened can be logged")
        if value.year < 2000:
            raise ValueError("must be a date after 2000")
        return value

    @field_validator("note")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any((ord(ch) < 32 and ch != "\n") or ord(ch) == 127 for ch in value):
            raise ValueError("must be text without control characters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Checkin:
        """Runs that happened carry their minutes and pain; skipped items carry neither."""
        # The key's weekday need not be the date's: a moved item keeps its key (Contract 6 `changes`), so
        # whether the week has the key is `check_keys`' job, against the week's plan.
        errors: list[tuple[str, str]] = []
        if self.status == "skipped":
            for name in ("minutes", "pain_during", "next_morning"):
                if getattr(self, name) is not None:
                    errors.append((name, "a skipped item has no minutes, pain or next-morning answer"))
        elif is_run(self.item):
            if self.minutes is None:
                errors.append(("minutes", f"is required for a run that was {self.status}"))
            if self.pain_during is None:
                errors.append(("pain_during", f"is required for a run that was {self.status} (0–10)"))
        if errors:
            raise _CheckinErrors(errors)
        return self

    @property
    def run(self) -> bool:
        """A run that happened (done or partly done): it counts for minutes and pain."""
        return self.status != "skipped" and is_run(self.item)

    def to_json_dict(self) -> dict[str, Any]:
        """Contract 5 entry as plain JSON data (unset fields left out)."""
        return self.model_dump(mode="json", exclude_defaults=True)


class Log(_Strict):
    """Contract 5: the list of check-ins, in the order they were reported."""

    checkins: list[Checkin] = Field(default_factory=list, max_length=MAX_CHECKINS)

    def effective(self) -> list[Checkin]:
        """One check-in per (date, item), the later report replacing the earlier, sorted by date then item."""
        latest: dict[tuple[dt.date, str], Checkin] = {}
        for checkin in self.checkins:
            latest[checkin.date, checkin.item] = checkin
        return [latest[k] for k in sorted(latest)]

    def runs(self, until: dt.date | None = None) -> list[Checkin]:
        """The runs that happened (done or partly), oldest first, up to and including `until`."""
        return [c for c in self.effective() if c.run and (until is None or c.date <= until)]

    def first_date(self) -> dt.date | None:
        """The earliest date the log reports on (any item), or None for an empty log."""
        return min((c.date for c in self.checkins), default=None)

    def to_json_dict(self) -> dict[str, Any]:
        """Contract 5 as plain JSON data."""
        return {"checkins": [c.to_json_dict() for c in self.checkins]}


class _CheckinErrors(ValueError):
    """Several located errors from the cross-field check of one check-in (unpacked in `_log_errors`)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("checkin")
        self.located = errors


def _log_errors(exc: ValidationError) -> list[FieldError]:
    """pydantic's errors in the request's plain words, each at its dotted path ("checkins.2.minutes")."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, _CheckinErrors):
            out.extend(FieldError(f"{where}.{name}", msg) for name, msg in original.located)
        else:
            out.append(FieldError(where or "log", _message(err)))
    return out


def parse_log(data: Any, today: dt.date | None = None) -> Log:
    """Validate Contract-5 data (parsed from JSON/TOML) into a Log, or raise LogError; no date after `today`
    (default: the machine's date)."""
    if not isinstance(data, Mapping):
        raise LogError([FieldError("log", 'must be a JSON object (or TOML table) like {"checkins": [...]}')])
    try:
        return Log.model_validate(data, context={"today": today or dt.date.today()})
    except ValidationError as exc:
        raise LogError(_log_errors(exc)) from None


def parse_log_json(text: str | bytes, today: dt.date | None = None) -> Log:
    """Parse a JSON document into a Log."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LogError([FieldError("log", f"not valid JSON: {exc}")]) from None
    return parse_log(data, today)


def parse_log_toml(text: str, today: dt.date | None = None) -> Log:
    """Parse a TOML document ([[checkins]] tables, same fields as the JSON) into a Log."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LogError([FieldError("log", f"not valid TOML: {exc}")]) from None
    return parse_log(data, today)


def day_label(day: dt.date) -> str:
    """'Sun 22 Nov', the short date the reasons use."""
    return f"{day:%a} {day.day} {day:%b}"


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week that holds `day`."""
    return day - dt.timedelta(days=day.weekday())


def since_program(checkins: list[Checkin], log_from: dt.date | None) -> tuple[list[Checkin], list[Checkin]]:
    """(the check-ins from the program's first Monday on, the runs told for days before it). A program's log
    speaks for every day from its first Monday; a run told for a day before the program began is not a log of
    that time (nothing says what else happened then): it can only raise what the runner typed."""
    if log_from is None:
        return checkins, []
    return [c for c in checkins if c.date >= log_from], [c for c in checkins if c.date < log_from and c.run]


def check_keys(log: Log, keys_by_week: Mapping[dt.date, Iterable[str]], since: dt.date | None = None) -> None:
    """Raise LogError naming each check-in whose item is not a key of its week's plan (weeks keyed by their
    Monday; extra runs are always allowed; weeks not in the mapping are not checked, except before `since`,
    a program's first Monday: nothing was planned then, so only extra runs can be told). With each week's
    keys mapped to their planned minutes, a "partly" done item must have fewer minutes than planned."""
    errors: list[FieldError] = []
    for i, checkin in enumerate(log.checkins):
        if since is not None and checkin.date < since and not checkin.item.startswith(EXTRA_RUN):
            errors.append(FieldError(f"checkins.{i}.item", f"nothing was planned before the program began on "
                                                            f"{since.isoformat()}: log a run from then as extra-run"))
            continue
        keys = keys_by_week.get(monday_of(checkin.date))
        if keys is None or checkin.item.startswith(EXTRA_RUN):
            continue
        planned = keys if isinstance(keys, Mapping) else {}
        if (checkin.status == "partly" and checkin.minutes is not None and planned.get(checkin.item)
                and checkin.minutes >= planned[checkin.item]):
            errors.append(FieldError(f"checkins.{i}.minutes", f"partly done means fewer than the "
                                                               f"{planned[checkin.item]} min planned; "
                                                               "a run done in full is done"))
        keys = set(keys)
        if checkin.item not in keys:
            known = ", ".join(sorted(k for k in keys if k.startswith(checkin.item.split("-")[0]))) or "none"
            errors.append(FieldError(f"checkins.{i}.item",
                                     f"the plan of the week of {monday_of(checkin.date).isoformat()} has no item "
                                     f"{checkin.item} (that day has: {known}); log an unplanned run as extra-run"))
    if errors:
        raise LogError(errors)
