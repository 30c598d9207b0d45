"""Small helpers shared by the tests."""

from __future__ import annotations

from typing import Any


def without_nulls(value: Any) -> Any:
    """What a TOML file can hold of a parsed YAML or JSON document: nulls dropped."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
