"""How values are named in messages: TOML's words, short, never a secret."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

_KIND = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "array",
    tuple: "array",
    dt.datetime: "datetime",
    dt.date: "date",
    dt.time: "time",
}


def kind_of(value: Any) -> str:
    kind = _KIND.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, Mapping):
        return "table"
    if value is None:
        return "nothing (None)"
    return type(value).__name__


def literal(value: Any, limit: int = 60) -> str:
    """A value as a user would recognise it, cut to ``limit`` characters."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    try:
        text = repr(value)
    except ValueError:  # an int too long for str() under Python's digit limit
        return f"<{value.bit_length()}-bit integer>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def got(value: Any) -> str:
    """``got int 5`` (or just the kind, for containers, whose content is noise)."""
    kind = kind_of(value)
    if isinstance(value, (Mapping, list, tuple, set, frozenset)) or value is None:
        return f"got {kind}"
    return f"got {kind} {literal(value)}"
