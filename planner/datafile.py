"""Reading the coaching knowledge in data/*.toml, with errors that name file, entry and field."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

M = TypeVar("M", bound=BaseModel)


class DataError(Exception):
    """A data file is missing, not valid TOML, or breaks its schema; the message names file, entry and field."""


class DataModel(BaseModel):
    """Base for data-file schemas: frozen, and unknown keys are an error (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning I/O and syntax errors into DataError naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataError(f"{path.name}: file not found at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path.name}: not valid TOML: {exc}") from None


def _entry_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """Describe where an error sits: 'exercise[3] (CO04)' for list entries, the key path otherwise."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
            label = f"[{step}]"
            if isinstance(node, dict) and "id" in node:
                label += f" ({node['id']})"
            parts.append(label)
        elif isinstance(node, dict) and step in node:
            node = node[step]
            parts.append(f".{step}" if parts else str(step))
        else:
            parts.append(f".{step}" if parts else str(step))
    return "".join(parts)


def validate(path: Path, raw: dict[str, Any], model: type[M]) -> M:
    """Validate parsed TOML against a schema; the first errors are reported with file, entry and field."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:5]:
            where = _entry_name(raw, tuple(err["loc"]))
            lines.append(f"{path.name}: {where}: {err['msg']}")
        raise DataError("\n".join(lines)) from None


def load_toml_model(path: Path, model: type[M]) -> M:
    """Read and validate one data file."""
    return validate(path, read_toml(path), model)
