"""The web shell: HTTP in, one domain call, HTML/JSON/iCalendar out. See planner.web.app.create_app."""

from planner.web.app import create_app

__all__ = ["create_app"]
