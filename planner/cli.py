"""The `planner` command (Contract 3): plan a week from a JSON or TOML request file.

Exit codes: 0 a plan (optimal or feasible) · 2 invalid input · 3 referred (red flag) · 4 infeasible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import textwrap
from pathlib import Path

from planner.context import PlanContext
from planner.datafile import DataError
from planner.plan import DISCLAIMER, Plan
from planner.request import DAY_NAMES, PlanRequest, RequestError, clock, parse_json, parse_toml

EXIT_OK, EXIT_INVALID, EXIT_REFERRED, EXIT_INFEASIBLE = 0, 2, 3, 4


def render_table(plan: Plan, library: str | None = None) -> str:
    """The week as a runner reads it in a terminal: notices, day by day times, minutes, exercises with dose,
    cue and cautions, reasons; then trade-offs, sources and the notices again. `library`: the public URL of
    the exercise pages (PUBLIC_URL), when set."""
    out: list[str] = []
    title = f"Backstride plan — week of {plan.week_start:%a %d %b %Y} ({plan.timezone})"
    if plan.name:
        title += f" — {plan.name}"
    out += [title, "=" * min(len(title), 100), f"Status: {plan.status} · pain status: {plan.pain_status}"]
    if not plan.has_week:
        out += [textwrap.fill(n, 100, subsequent_indent="  ") for n in plan.notices]
    if plan.referral:
        r = plan.referral
        out += ["", f"!! {r.title} ({'urgent — today' if r.urgency == 'urgent' else 'within days'})",
                textwrap.fill(r.advice, 100)]
        out += [f"  - because you told us: {reason}" for reason in r.reasons]
    if plan.explanation:
        out += ["", "This week cannot be planned as asked:"]
        out += [textwrap.fill(c, 100, initial_indent="  ", subsequent_indent="    ")
                for c in plan.explanation.conflicts]
        out += ["Try one of:"] + [f"  - {r.label}   [{r.action}]" for r in plan.explanation.relaxations]
    for day in plan.days:
        out += ["", f"{DAY_NAMES[day.weekday]} {day.date:%d %b}" + ("" if day.items else " — rest")]
        for item in day.items:
            mins = f"{item.minutes} min"
            if item.kind == "run" and item.was_cut:
                mins = f"{item.minutes} min (asked {item.requested_minutes})"
            out.append(f"  {clock(item.start)}–{clock(item.end)}  {item.label:<14} {mins}")
            for ex in item.exercises:
                out.append(f"      · {ex.name} — {ex.dose}" + (f" ({ex.effort})" if ex.effort else ""))
                out.append(textwrap.fill(ex.cue, 100, initial_indent="          how: ",
                                         subsequent_indent="               "))
                for caution in ex.cautions:
                    out.append(textwrap.fill(caution, 100, initial_indent="          caution: ",
                                             subsequent_indent="                   "))
                if library:
                    out.append(f"          see: {library}/exercises/{ex.id}")
            for reason in item.reasons:
                out.append(textwrap.fill(reason, 100, initial_indent="      why: ",
                                         subsequent_indent="           "))
    if plan.has_week:
        s = plan.summary()
        out += ["", f"Running: {s['planned_run_minutes']} min planned of {s['requested_run_minutes']} asked · "
                    "sessions: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s["sessions"].items())]
    if plan.penalties:
        out += ["", "Trade-offs this week:"]
        out += [f"  - {label}" for label in dict.fromkeys(p.label for p in plan.penalties)]
    if plan.sources:
        out += ["", "Sources of the rules applied:"]
        out += [textwrap.fill(text, 100, initial_indent="  - ", subsequent_indent="    ")
                for text in plan.sources.values()]
    if plan.notices and plan.has_week:
        out += ["", "Notes:"] + [textwrap.fill(n, 100, initial_indent="  - ", subsequent_indent="    ")
                                 for n in plan.notices]
    out += ["", textwrap.fill(DISCLAIMER, 100)]
    return "\n".join(out) + "\n"


def _context(args: argparse.Namespace, request: PlanRequest) -> PlanContext:
    """--log, --previous, --today, --pin and --move as the engine's PlanContext (Contract 6)."""
    from planner.log import parse_log_json, parse_log_toml
    log = None
    if args.log is not None:
        text = args.log.read_text(encoding="utf-8")
        parse = parse_log_toml if args.log.suffix.lower() == ".toml" else parse_log_json
        log = parse(text, today=args.today)
    published = before = None
    if args.previous is not None:
        previous = json.loads(args.previous.read_text(encoding="utf-8"))
        if not isinstance(previous, dict) or "week_start" not in previous:
            raise ValueError(f"{args.previous}: not a plan (Contract 2)")
        monday = dt.date.fromisoformat(previous["week_start"])
        if monday == request.week_start:
            published = previous
        elif monday == request.week_start - dt.timedelta(days=7):
            before = previous
        else:
            raise ValueError(f"--previous: the plan is for the week of {monday}, neither this week nor the one "
                             "before")
    moves = []
    for text in args.move:
        key, _, day = text.partition("=")
        if day not in DAY_NAMES:
            raise ValueError(f"--move {text}: use KEY=DAY, DAY one of {', '.join(DAY_NAMES)}")
        moves.append((key, day))
    if (args.pin or moves) and published is None:
        raise ValueError("--pin and --move need --previous with this week's published plan")
    return PlanContext(log=log, today=args.today, published=published, before=before, pins=tuple(args.pin),
                       moves=tuple(moves))


def _uid_base(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:20] + ".cli.backstride"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `planner` command."""
    parser = argparse.ArgumentParser(prog="planner", description="Plan a week for a runner with back pain.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plan", help="plan a week from a JSON or TOML request (Contract 1)")
    p.add_argument("request", type=Path, help="REQUEST.json or REQUEST.toml")
    p.add_argument("--format", choices=("table", "json", "ics"), default="table")
    p.add_argument("--output", type=Path, help="write here instead of standard output")
    p.add_argument("--weeks", type=int, default=1,
                   help="with --format ics: N weeks (1–12), each planned from the expected progression")
    p.add_argument("--log", type=Path, help="LOG.json or LOG.toml: check-ins (Contract 5)")
    p.add_argument("--previous", type=Path,
                   help="PLAN.json: this week's published plan (re-plan from --today) or the week before's")
    p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: the day before the week)")
    p.add_argument("--pin", action="append", default=[], metavar="KEY", help="keep this item as it is")
    p.add_argument("--move", action="append", default=[], metavar="KEY=DAY", help="move a session or run")
    args = parser.parse_args(argv)

    try:
        from planner.engine import make_plan
        from planner.knowledge import default_knowledge
        knowledge = default_knowledge()
    except DataError as exc:
        print(f"planner: the coaching data is broken:\n{exc}", file=sys.stderr)
        return 1
    try:
        raw = args.request.read_bytes()
    except OSError as exc:
        print(f"planner: cannot read {args.request}: {exc.strerror}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.request.suffix.lower() == ".toml":
            request = parse_toml(raw.decode("utf-8", errors="replace"), knowledge.vocabulary)
        else:
            request = parse_json(raw, knowledge.vocabulary)
    except RequestError as exc:
        print(f"planner: {args.request} is not a valid request:", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err.field}: {err.message}", file=sys.stderr)
        return EXIT_INVALID
    if not 1 <= args.weeks <= 12:
        print("planner: --weeks: must be between 1 and 12", file=sys.stderr)
        return EXIT_INVALID

    try:
        context = _context(args, request)
    except (RequestError, ValueError, OSError) as exc:
        print(f"planner: {exc}", file=sys.stderr)
        return EXIT_INVALID
    from planner.weekly import Refusal
    try:
        plan = make_plan(request, knowledge, context)
    except Refusal as exc:
        print(f"planner: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        text: str | bytes = json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "ics":
        from planner.ical import build_calendar, repeatable
        week = plan.to_dict()
        if args.weeks > 1 and not repeatable(week, request.to_json_dict()):
            print("planner: --weeks: a week planned around pain or a caution answer is for this week only; "
                  "check your pain and plan again next week", file=sys.stderr)
            return EXIT_INVALID
        later = []
        if args.weeks > 1:
            from planner.progression import plan_ahead
            later = [p.to_dict() for p in plan_ahead(request, knowledge, args.weeks, context.log, context.today)[1:]]
        text = build_calendar(week, uid_base=_uid_base(raw), stamp=dt.datetime.now(dt.UTC),
                              reminder_minutes=request.reminder_minutes, later=later)
    else:
        text = render_table(plan, (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None)
    if args.output:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        args.output.write_bytes(data)
    elif isinstance(text, bytes):
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text)
    if plan.status == "referred":
        if args.format != "table":
            print(f"planner: referred — {plan.referral.title if plan.referral else ''}", file=sys.stderr)
        return EXIT_REFERRED
    if plan.status == "infeasible":
        if args.format != "table" and plan.explanation:
            print("planner: infeasible — " + " ".join(plan.explanation.conflicts), file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
