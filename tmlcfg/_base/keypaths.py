"""The one path language: ``model.relations[3].lhs``, ``tasks."a.b".weight``."""

from __future__ import annotations

import functools
import re
from typing import Any

from .._base.limits import MAX_INDEX_DIGITS, MAX_SHOWN

PathTuple = tuple["str | int", ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


# Compiled on first use: these two cost more to compile than the rest of `import tmlcfg`'s own code
# runs, and most processes never show a quoted key or meet a non-ASCII string.
@functools.cache
def _plain() -> re.Pattern[str]:
    return re.compile(r'[^"\\\x00-\x1f\x7f\ud800-\udfff]*\Z')


@functools.cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> str | None:
    """Why ``text`` is not Unicode text (it holds a lone surrogate), or None when it is.

    Such text comes from bytes decoded with ``surrogateescape`` (a command line
    in a non-UTF-8 locale, say); TOML forbids it and no file could hold it.
    """
    if text.isascii():  # O(1) in CPython: the common case costs nothing
        return None
    m = _surrogate().search(text)
    if m is None:
        return None
    return (
        f"holds the lone surrogate U+{ord(m.group()):04X} at character {m.start()}, which is not Unicode text "
        "and TOML cannot hold; decode the input as UTF-8"
    )


def any_lone_surrogate(values: Any) -> bool:
    """Whether any str among ``values`` holds a lone surrogate (other items are not looked at)."""
    return any(type(v) is str and not v.isascii() and lone_surrogate(v) is not None for v in values)


def basic_string(text: str) -> str:
    """``text`` as a TOML basic string, with quotes, backslashes, control characters and surrogates escaped."""
    if _plain().match(text):
        return f'"{text}"'
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def quote_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, a basic string otherwise."""
    return key if _BARE_KEY.match(key) else basic_string(key)


def format_path(path: PathTuple) -> str:
    parts: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        else:
            parts.append(("." if parts else "") + quote_key(seg))
    return "".join(parts)


def shown_path(path: str) -> str:
    """``path`` for a message: each key longer than ``MAX_SHOWN`` cut to its two ends.

    >>> shown_path("a." + "k" * 1000 + "[2]")
    'a."kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"[2]'
    """
    if len(path) <= MAX_SHOWN:
        return path
    try:
        # a problem of the converter's list[C] starts with an index, which the path language
        # (rooted at a table) does not: parsed under a stand-in key, then without it
        segments = parse_path("_" + path)[1:] if path.startswith("[") else parse_path(path)
    except PathSyntaxError:
        segments = (path,)
    half = (MAX_SHOWN - 3) // 2
    cut = [s if isinstance(s, int) or len(s) <= MAX_SHOWN else f"{s[:half]}...{s[-half:]}" for s in segments]
    return format_path(tuple(cut))


class PathSyntaxError(ValueError):
    """A path that does not parse; the message says where."""


_HEX = frozenset("0123456789abcdefABCDEF")
_INDEX = re.compile("[0-9]+")


def _shown(text: str) -> str:
    """``text`` for a message: its repr, shortened to ``MAX_SHOWN`` characters."""
    shown = repr(text)
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 3] + "..."


_KEY_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_UNESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def parse_path(text: str) -> PathTuple:
    """Parse the path language back into keys and indexes.

    >>> parse_path('model.tasks."a.b".w[2]')
    ('model', 'tasks', 'a.b', 'w', 2)
    """
    path: list[str | int] = []
    i, n = 0, len(text)
    expect_key = True
    while i < n:
        ch = text[i]
        if ch == "[":
            end = text.find("]", i)
            digits = text[i + 1 : end] if end != -1 else ""
            # ASCII digits only: str.isdigit() also takes superscripts, which int() refuses, and full-width digits
            if not _INDEX.fullmatch(digits) or not path:
                raise PathSyntaxError(f"bad index at column {i + 1} of {_shown(text)}; write [0], [1], ...")
            if len(digits) > MAX_INDEX_DIGITS:
                raise PathSyntaxError(f"index at column {i + 1} has more than {MAX_INDEX_DIGITS} digits")
            path.append(int(digits))
            i = end + 1
            expect_key = False
        elif ch == "." and not expect_key:
            i += 1
            expect_key = True
        elif expect_key and ch == '"':
            key, i = _quoted(text, i + 1)
            path.append(key)
            expect_key = False
        elif expect_key:
            m = _KEY_CHARS.match(text, i)
            if not m:
                raise PathSyntaxError(f"expected a key at column {i + 1} of {_shown(text)}")
            path.append(m.group())
            i = m.end()
            expect_key = False
        else:
            raise PathSyntaxError(f"unexpected {ch!r} at column {i + 1} of {_shown(text)}")
    if expect_key:
        raise PathSyntaxError(f"path {_shown(text)} ends where a key was expected")
    return tuple(path)


def _quoted(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            width = {"u": 4, "U": 8}.get(nxt, 0)
            digits = text[i + 2 : i + 2 + width]
            if width and len(digits) == width and all(c in _HEX for c in digits):
                code = int(digits, 16)
                if code <= 0x10FFFF:
                    out.append(chr(code))
                    i += 2 + width
                    continue
            if nxt in _UNESCAPES:
                out.append(_UNESCAPES[nxt])
                i += 2
                continue
            raise PathSyntaxError(f"bad escape at column {i + 1} of {_shown(text)}")
        out.append(ch)
        i += 1
    raise PathSyntaxError(f"unterminated quoted key in {_shown(text)}")
