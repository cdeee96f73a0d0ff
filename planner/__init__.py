"""Backstride: a weekly routine for runners with lower-back pain, planned by a constraint solver.

The domain core (request, catalogue, rules, solver, plan) never imports Flask or SQLAlchemy.
"""

__version__ = "0.1.0"
