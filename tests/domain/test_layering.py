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


def test_the_import_graph_of_planner_has_no_circles():
    """Every import between planner modules, at module level or inside a function, points one way (imports
    under `if TYPE_CHECKING:` never run and do not count)."""
    import ast

    root = Path(__file__).resolve().parents[2]
    graph: dict[str, set[str]] = {}
    for path in (root / "planner").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and getattr(block.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue      # imports for type checkers only never run
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planner"):
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("planner"))
        graph[module] = targets
    graph = {m: {t for t in ts if t in graph and t != m} for m, ts in graph.items()}
    # a package's __init__ re-exporting its own modules is not a circle
    graph = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            assert state.get(t) != 1, "import circle: " + " → ".join([*path, m, t])
            if t not in state:
                visit(t, [*path, m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
