"""Reading TOML text: the compiled ``tomli`` where its compiled build is installed, else ``tomllib``.

``tomli`` is the standard library's parser, maintained apart and shipped as
mypyc-compiled wheels that parse about three times faster. Its newer releases
also read TOML 1.1 (newlines and trailing commas in inline tables, ``\\e`` and
``\\xHH`` escapes, times without seconds), which ``tomllib`` refuses. So that a
document means the same whichever reader is installed, the compiled reader's
answer is kept only when the text cannot hold a TOML 1.1 construct; otherwise,
and for every syntax error, ``tomllib`` gives the answer. Neither is imported
until the first document is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .._base.limits import MAX_DEPTH, MAX_KEY_PARTS

_Loads = Callable[[str], dict[str, Any]]


class TOMLSyntaxError(ValueError):
    """A document that is not TOML 1.0: the reader's message, and the line and column where it stopped."""

    def __init__(self, message: str, line: int, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class KeyTooLong(TOMLSyntaxError):
    """A key of more than ``MAX_KEY_PARTS`` parts, refused before the document is parsed: TOML, but too deep."""


_UNSET: Any = object()
_compiled: Any = _UNSET  # the compiled tomli module, None when there is none; looked up once


def _compiled_tomli() -> Any:
    global _compiled
    if _compiled is _UNSET:
        _compiled = None
        try:
            import tomli
            import tomli._parser
        except ImportError:  # pragma: no cover - tomli is a dependency
            return None
        # mypyc builds the parser as an extension module; the pure-Python wheel has a .py file
        if str(tomli._parser.__file__).endswith((".so", ".pyd")):
            _compiled = tomli
    return _compiled


def reader() -> str:
    """Which reader parses documents in this process, e.g. ``"tomli 2.5.0 (compiled)"`` or ``"tomllib"``."""
    tomli = _compiled_tomli()
    if tomli is None:
        return "tomllib"
    from importlib.metadata import version

    return f"tomli {version('tomli')} (compiled)"


# Text that may hold a TOML 1.1 construct. Each test may fire on text that holds none
# (in a string or a comment, say): that costs a second parse, never a wrong answer.
_NEW_ESCAPES = ("\\e", "\\x")
# The minutes of a time of day without seconds: ':MM' not followed by ':', and not itself
# the seconds (':SS' after ':MM') or the minutes of an offset (after '+HH' or '-HH').
# Starting at the ':' lets the regex engine skip to each colon instead of trying every character.
_SHORT_TIME = re.compile(r":(?<!:[0-9]{2}:)(?<![+\-][0-9]{2}:)[0-9]{2}(?!:)")
# Every line that holds a '{', whole; then strings and comments, which may hold any brace
_BRACE_LINES = re.compile(r"^[^\n{]*\{[^\n]*", re.MULTILINE)
_STRINGS_AND_COMMENTS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_TRAILING_COMMA = re.compile(r",[ \t]*\}")
_INNERMOST_TABLE = re.compile(r"\{[^{}\n]*\}")


def _inline_tables_are_toml_1_0(text: str) -> bool:
    """Whether every inline table closes on the line it opens, with no comma before its ``}``.

    Works on the lines that hold a ``{`` only, with whole-text regular expressions
    (no Python loop per line): strings and comments are cut out, then innermost
    ``{...}`` pairs on one line are cut out until none is left; a brace left over
    is a table that goes on past its line.
    """
    lines = "\n".join(_BRACE_LINES.findall(text))
    if not lines:
        return True
    if '"""' in lines or "'''" in lines:
        return False  # a multi-line string starts or ends on such a line: leave it to tomllib
    bare = _STRINGS_AND_COMMENTS.sub("", lines)
    if '"' in bare or "'" in bare or _TRAILING_COMMA.search(bare):
        return False  # a string that does not end on its line, or a trailing comma
    while True:
        fewer = _INNERMOST_TABLE.sub("", bare)
        if fewer == bare:
            return "{" not in bare and "}" not in bare
        bare = fewer


def may_be_toml_1_1(text: str) -> bool:
    """Whether ``text`` may use something TOML 1.1 added; False means it certainly does not."""
    if "\\" in text and any(e in text for e in _NEW_ESCAPES):
        return True
    if ":" in text and _SHORT_TIME.search(text):
        return True
    return not _inline_tables_are_toml_1_0(text)


def _position(error: ValueError, text: str) -> TOMLSyntaxError:
    """The message, line and column of a ``TOMLDecodeError``, from its attributes where it has them."""
    message = str(error)
    m = _AT.search(message)
    if getattr(error, "lineno", None) is not None and getattr(error, "doc", None) is not None:
        at_end = error.pos >= len(error.doc)  # type: ignore[attr-defined]
        line, column = error.lineno, error.colno  # type: ignore[attr-defined]
        message = error.msg  # type: ignore[attr-defined]
    else:
        at_end = bool(m and not m.group(1))
        line = int(m.group(1)) if m and m.group(1) else 0
        column = int(m.group(2)) if m and m.group(2) else None
        message = message[: m.start()] if m else message
    if at_end:
        # "at end of document" names the last line that holds anything, not the one past it
        line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        column = None
    return TOMLSyntaxError(message, line, column)


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def parse_with(loads: _Loads, error: type[ValueError], text: str) -> dict[str, Any]:
    """``loads(text)`` with a syntax error as :class:`TOMLSyntaxError`; for tests that compare readers."""
    try:
        return loads(text)
    except error as e:
        raise _position(e, text) from None


# One part of a key, bare or quoted, and a key of more than MAX_KEY_PARTS of them where a key can
# start (at a line's start (after '[' or '[[' for a header), or after '{' or ',' in an inline table)...
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_LONG_KEY = re.compile(
    rf"(?:^[ \t]*\[{{0,2}}|(?<=[{{,]))[ \t]*{_PART}(?:[ \t]*\.[ \t]*{_PART}){{{MAX_KEY_PARTS}}}"
    # ...that goes on to its '=' or ']' (a line of dotted words in a multi-line string does not)
    rf"(?=(?:[ \t]*\.[ \t]*{_PART})*+[ \t]*[=\]])",
    re.MULTILINE,
)


def _check_key_parts(text: str) -> None:
    """Refuse a dotted key of more than ``MAX_KEY_PARTS`` parts before a reader sees it.

    ``tomllib`` takes time quadratic in a key's parts, and such a key nests deeper than
    ``MAX_DEPTH`` anyway. The search starts only where a key can start and goes on only
    while a key goes on, so it is linear in the text.
    """
    if text.count(".") < MAX_KEY_PARTS:
        return
    m = _LONG_KEY.search(text)
    if m is not None:
        line = text.count("\n", 0, m.start()) + 1
        message = (
            f"a key of more than {MAX_KEY_PARTS} parts (each part opens a table, and tables nest at most "
            f"{MAX_DEPTH} deep); flatten it"
        )
        raise KeyTooLong(message, line, None)


def without_bom(text: str) -> str:
    """``text`` without a leading byte-order mark, which is not part of a TOML document."""
    return text[1:] if text.startswith("\ufeff") else text


def parse(text: str) -> dict[str, Any]:
    """The document ``text`` holds, as TOML 1.0 reads it; a leading byte-order mark is skipped.

    Raises :class:`TOMLSyntaxError` (:class:`KeyTooLong` for a key of more than
    ``MAX_KEY_PARTS`` parts); ``RecursionError`` for nesting too deep to read, and ``ValueError`` for
    an integer too long to convert, as ``tomllib`` does.
    """
    text = without_bom(text)
    _check_key_parts(text)
    tomli = _compiled_tomli()
    if tomli is not None:
        try:
            data: dict[str, Any] = tomli.loads(text)
        except (ValueError, RecursionError):
            pass  # tomllib gives the error, so it reads the same with either reader
        else:
            if not may_be_toml_1_1(text):
                return data
    import tomllib

    return parse_with(tomllib.loads, tomllib.TOMLDecodeError, text)
