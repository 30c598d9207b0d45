"""Reading TOML files and text: every failure a located :class:`ConfigError`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from .._base.errors import ConfigError, Invalid, Problem
from .._base.keypaths import format_path, shown_path
from .env import may_hold_dollar, substitute
from .reader import KeyTooLong, TOMLSyntaxError, parse, without_bom

__all__ = ["parse_located", "read_plain", "read_text", "without_bom"]


def parse_located(text: str, source: str | None, target: str) -> dict[str, Any]:
    """The document ``text`` holds; a syntax error is a :class:`ConfigError` at its line."""
    try:
        return parse(text)
    except KeyTooLong as e:  # TOML, but past a bound: said as the bound, not as a syntax error
        problem = Problem("", e.message, source, e.line)
    except TOMLSyntaxError as e:
        where = f" (column {e.column})" if e.column else ""
        what = f"TOML syntax error: {e.message[:1].lower()}{e.message[1:]}{where}"
        problem = Problem("", what, source, e.line)
    except RecursionError:
        problem = Problem("", "TOML syntax error: arrays or tables nested too deep to read", source)
    except ValueError as e:  # an integer longer than Python will convert
        problem = Problem("", f"TOML value error: {e}", source)
    raise ConfigError([problem], target=target) from None


def read_plain(text: str) -> dict[str, Any]:
    """The plain data of a file tmlcfg wrote, with ``$$`` read as ``$`` and no substitution.

    Raises the reader's ``TOMLSyntaxError`` (a ``ValueError``) on text that is not TOML.
    """
    data = parse(text)
    if not may_hold_dollar(text):
        return data
    try:
        return cast("dict[str, Any]", substitute(data, None, [], {}))
    except Invalid as e:  # nested too deep
        (path, message, _), *_ = e.problems
        raise ValueError(f"{shown_path(format_path(path))}: {message}") from None


def read_text(source: str, target: str) -> str:
    """The text of the file ``source`` as UTF-8 (a byte-order mark kept); what is wrong, located."""
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem("", "file not found; check the path", source)], target=target) from None
    except IsADirectoryError:
        raise ConfigError([Problem("", "is a directory, not a TOML file", source)], target=target) from None
    except OSError as e:
        problem = Problem("", f"cannot read: {e.strerror or e}", source)
        raise ConfigError([problem], target=target) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        problem = Problem("", f"not valid UTF-8 (byte {e.start}); save the file as UTF-8", source, line)
        raise ConfigError([problem], target=target) from None
