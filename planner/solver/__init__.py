"""The CP-SAT week model (see model.py); the instance and solution types live in planner.instance."""

from planner.instance import AREA_LABELS, SessionChoice, WeekInstance, WeekSolution
from planner.solver.model import WeekModel

__all__ = ["AREA_LABELS", "SessionChoice", "WeekInstance", "WeekModel", "WeekSolution"]
