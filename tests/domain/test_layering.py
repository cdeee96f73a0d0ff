"""The domain core never imports Flask (or the web or storage layers): checked in a fresh interpreter."""

import subprocess
import sys
from pathlib import Path

DOMAIN = ["planner.request", "planner.catalogue", "planner.screening", "planner.rules", "planner.pain",
          "planner.volume", "planner.frames", "planner.eligibility", "planner.instance", "planner.solver",
          "planner.solver.hard", "planner.solver.soft", "planner.solver.model", "planner.explain",
          "planner.engine", "planner.plan", "planner.plan_schema", "planner.ical", "planner.knowledge",
          "planner.cli", "planner.notices", "planner.log", "planner.history", "planner.log_pain",
          "planner.ladder", "planner.ladder_data", "planner.exercise_steps"]


def test_importing_and_using_the_domain_core_loads_no_flask_and_no_sqlalchemy():
    code = ("import importlib, sys\n"
            f"for name in {DOMAIN!r}: importlib.import_module(name)\n"
            "from planner.cli import main\n"
            "main(['plan', 'data/examples/green-novice.json', '--format', 'ics', '--output', '/dev/null'])\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')"
            " or m.startswith(('planner.web', 'planner.store')))\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == ""
