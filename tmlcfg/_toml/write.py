"""Writing TOML that reads like a hand-written experiment file: ``[tables]`` and ``[[arrays of tables]]``.

tomli-w formats every value; this module only decides the layout, since tomli-w
writes an array of tables as an inline array.
"""

from __future__ import annotations

import os
from typing import Any

import tomli_w

from .._base.keypaths import basic_string, quote_key
from .._engine.converter import to_dict, unstructure

_INF = float("inf")
_SPECIAL = {"inf": "inf", "-inf": "-inf", "nan": "nan"}


def _is_table_array(value: Any) -> bool:
    return type(value) is list and bool(value) and all(type(v) is dict for v in value)


def write_toml(data: dict[str, Any], *, keep_references: bool = False) -> str:
    """TOML text of plain ``data``; every ``$`` in a string is written ``$$``.

    So a string reads back as it was in any environment: ``$${RUN}`` is the text
    ``${RUN}``, not a reference. ``keep_references`` writes strings as they are,
    for files whose ``${VAR}`` are meant as references (converted YAML, say).
    """
    out: list[str] = []
    _table(data, (), out, None, not keep_references)
    return "".join(out).lstrip("\n")


def _table(data: dict[str, Any], path: tuple[str, ...], out: list[str], header: str | None, escape: bool) -> None:
    inline = {k: v for k, v in data.items() if type(v) is not dict and not _is_table_array(v)}
    nested = [(k, v) for k, v in data.items() if k not in inline]
    if header is not None and (inline or not nested):
        out.append(f"\n{header}\n")
    for key, value in inline.items():
        out.append(f"{quote_key(key)} = {_inline(value, escape=escape)}\n")
    for key, value in nested:
        sub = (*path, quote_key(key))
        name = ".".join(sub)
        if type(value) is dict:
            _table(value, sub, out, f"[{name}]", escape)
        else:
            for item in value:
                out.append(f"\n[[{name}]]\n")
                _table(item, sub, out, None, escape)


_WIDTH = 88


def _inline(value: Any, one_line: bool = False, *, escape: bool = False) -> str:
    """A value as TOML writes it inline; ``escape`` doubles every ``$`` in strings, as files need."""
    if type(value) is list:
        items = [_inline(v, one_line, escape=escape) for v in value]
        flat = "[" + ", ".join(items) + "]"
        if one_line or (len(flat) <= _WIDTH and "\n" not in flat):
            return flat
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    if type(value) is dict:
        if not value:
            return "{}"
        # TOML 1.0 inline tables end at the line's end, so all of it stays on one line
        return "{ " + ", ".join(f"{quote_key(k)} = {_inline(v, True, escape=escape)}" for k, v in value.items()) + " }"
    kind = type(value)
    if kind is str:
        return basic_string(value.replace("$", "$$") if escape else value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        # repr is the shortest text that reads back to the same float; TOML spells the rest
        return repr(value) if value == value and value not in (_INF, -_INF) else _SPECIAL[repr(value)]
    # dates and times: tomli-w knows their TOML spelling
    return tomli_w.dumps({"v": value})[4:-1]


def dumps(config: Any) -> str:
    """TOML text of ``config``, laid out like a hand-written experiment file.

    Every ``$`` in a string is written ``$$``, which reads back as ``$`` with or
    without an environment: what ``dumps`` writes, ``loads`` and ``load`` read back equal.
    """
    return write_toml(to_dict(config))


def pretty_print(config: Any) -> str:
    """TOML text for logs: like :func:`dumps`, with every secret shown as ``'***'``."""
    return write_toml(unstructure(config, mask=True))


def dump(config: Any, path: str | os.PathLike[str]) -> None:
    """Write ``config`` as TOML to ``path`` atomically: a failure leaves the old file as it was.

    A symlink is followed and its target written; an existing file keeps its
    mode. A directory, FIFO, device or missing directory at ``path`` is a
    :class:`ConfigError` naming it, raised before anything is written.
    """
    from .._toml.atomic import check_target, write_atomic

    name = type(config).__name__
    check_target(path, target=name)
    write_atomic(path, dumps(config), target=name)
