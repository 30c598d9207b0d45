"""TOML's scalar kinds: the one table every part of tmlcfg reads them from."""

from __future__ import annotations

import datetime as dt

#: The Python type of each TOML scalar kind, and the kind's name in messages and schemas.
TOML_KINDS: dict[type, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    dt.datetime: "datetime",
    dt.date: "date",
    dt.time: "time",
}
