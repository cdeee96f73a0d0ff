"""The rules the request model checks in code, stated in its OpenAPI schema, so a schema-valid request plans
or is refused for a reason the document states: the Monday rule, HH:MM times, the ids that live in data/
(equipment, screening questions), the zone names, and the cross-field timeline rules (in words).
"""

from __future__ import annotations

import copy
from typing import Any

from planner.request import Vocabulary, _zone_names

HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
ONE_LINE = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"


def stated(document: dict[str, Any], vocab: Vocabulary) -> dict[str, Any]:
    """A copy of the generated document with the rules above added to the request schemas."""
    doc = copy.deepcopy(document)
    schemas = doc["components"]["schemas"]
    for name in ("PlanRequest", "Run", "Window"):
        for prop in schemas[name]["properties"].values():
            if prop.get("format") == "time":  # "format: time" allows seconds and offsets, which are refused
                prop.pop("format")
                prop["pattern"] = HH_MM
                if isinstance(prop.get("default"), str):
                    prop["default"] = prop["default"][:5]
    req = schemas["PlanRequest"]["properties"]
    req["week_start"].update(description=(
        "The Monday the planned week starts on (the week runs Monday to Sunday in `timezone`); any other "
        "weekday is refused (422), as is a Monday before 2000-01-03 or after 2100-12-27. Default: next Monday."),
        **{"x-weekday": "monday"})
    req["timezone"].update(enum=sorted(_zone_names()), description="An IANA time-zone name, e.g. Europe/Berlin")
    req["name"].update(pattern=ONE_LINE, description="One line of text: no control characters (C0, DEL, C1), "
                                                     "no line or paragraph separators (U+2028, U+2029)")
    req["equipment"]["items"]["enum"] = sorted(vocab.equipment_ids)
    req["runs"]["description"] = (
        f"At most one run a day. Each run with its {vocab.warm_up_minutes}-min warm-up before and "
        f"{vocab.cool_down_minutes}-min cool-down after must fit between 00:00 and 24:00 of its day, and the "
        f"warm-up may not start before `wake_time`.")
    req["available"]["description"] = (
        "Spare minutes per weekday for back-care sessions. A window must start at or after `wake_time`, end by "
        "24:00 and must not overlap that day's run with its warm-up and cool-down.")
    screening = schemas["Screening"]["properties"]
    tiers = vocab.screening_tiers
    screening["red_flags"]["items"]["enum"] = sorted(q for q, tier in tiers.items() if tier in ("1A", "1B"))
    screening["red_flags"]["description"] = "Ids of the STOP questions (tiers 1A, 1B) answered yes"
    screening["cautions"]["items"]["enum"] = sorted(q for q, tier in tiers.items() if tier == "1C")
    screening["cautions"]["description"] = "Ids of the caution questions (tier 1C) answered yes"
    responses = doc["paths"]["/api/v1/plans"]["post"]["responses"]
    responses["422"]["description"] = ("Invalid request, one message per field: a value breaks a rule this "
                                       "schema states (types, ranges, ids, the Monday rule, the timeline rules "
                                       "in the descriptions of runs and available)")
    return doc
