"""CP-SAT parameters and model shape, measured: the week model's solve time (inside CP-SAT) under a few
parameter settings, and against a toy model of the same size (as many Boolean variables and linear
constraints, random coefficients) solved with the same settings in the same run.

    uv run --frozen python bench/solver_params.py [--n 200]

Prints p50/p99 of each setting and the ratio of the week model to the toy model: how close the week is to
what CP-SAT needs for any model of its size (the solver's own floor)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ortools.sat.python import cp_model  # noqa: E402

from bench.solve_bench import corpus, percentile  # noqa: E402
from planner.engine import build_instance  # noqa: E402
from planner.knowledge import default_knowledge  # noqa: E402
from planner.pain import pain_status  # noqa: E402
from planner.solver import WeekModel  # noqa: E402

SETTINGS = {"as configured (linearization 2, presolve)": {"linearization_level": 2},
            "linearization 1": {"linearization_level": 1},
            "linearization 0": {"linearization_level": 0},
            "no presolve": {"linearization_level": 2, "cp_model_presolve": False},
            "symmetry level 0": {"linearization_level": 2, "symmetry_level": 0}}


def timed_solve(model: cp_model.CpModel, base: cp_model.CpSolver, extra: dict) -> float:
    """Wall ms of one solve with the project's solver settings plus `extra`."""
    solver = cp_model.CpSolver()
    solver.parameters.copy_from(base.parameters)
    for key, value in extra.items():
        setattr(solver.parameters, key, value)
    started = time.perf_counter()
    solver.solve(model)
    return (time.perf_counter() - started) * 1000


def toy(n_bools: int, n_constraints: int, rng: random.Random) -> cp_model.CpModel:
    """A model of the same size: Booleans, random small linear constraints, a random linear objective."""
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(n_bools)]
    for _ in range(n_constraints):
        part = rng.sample(xs, min(len(xs), rng.randint(2, 6)))
        m.add(sum(part) <= rng.randint(1, len(part)))
    m.minimize(sum(rng.randint(-10, 10) * x for x in xs))
    return m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args(argv)
    knowledge = default_knowledge()
    rng = random.Random(7)
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    toys: list[float] = []
    for _, request in corpus(args.n, 20261130):
        pain = pain_status(request.pain, knowledge.rules)
        if pain.status == "STOP" or request.screening.red_flags:
            continue
        wm = WeekModel(build_instance(request, knowledge, pain.status, bool(request.screening.cautions)))
        base = wm.solver()
        for name, extra in SETTINGS.items():
            times[name].append(timed_solve(wm.model, base, extra))
        proto = wm.model.proto
        toys.append(timed_solve(toy(len(proto.variables), len(proto.constraints), rng), base,
                                SETTINGS["as configured (linearization 2, presolve)"]))
    configured = sorted(times["as configured (linearization 2, presolve)"])
    print(f"CP-SAT solve inside the week model, {len(configured)} weeks (ms)")
    for name, values in times.items():
        values.sort()
        print(f"  {name:<42} p50 {percentile(values, 50):6.2f} · p99 {percentile(values, 99):7.2f}")
    toys.sort()
    print(f"  {'toy model of the same size':<42} p50 {percentile(toys, 50):6.2f} · p99 {percentile(toys, 99):7.2f}")
    print(f"  week / toy p50: {percentile(configured, 50) / percentile(toys, 50):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
