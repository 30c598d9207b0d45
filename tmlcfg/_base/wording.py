"""How values are named in messages: TOML's words, short, never a secret."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from .kinds import TOML_KINDS

#: True while a secret field's value (and everything below it) is structured: no
#: message made then shows a value. Set by the field, read only when a message is made.
MASKING: ContextVar[bool] = ContextVar("tmlcfg_masking", default=False)
SHOWN_FOR_SECRET = "***"

_KIND = {**TOML_KINDS, list: "array", tuple: "array"}


def kind_of(value: Any) -> str:
    kind = _KIND.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, Mapping):
        return "table"
    if value is None:
        return "nothing (None)"
    return type(value).__name__


def literal(value: Any, limit: int = 60, *, public: bool = False) -> str:
    """A value as a user would recognise it, cut to ``limit`` characters.

    ``***`` below a secret, unless the value is ``public``: part of the class,
    such as the values an enum allows.
    """
    if MASKING.get() and not public:
        return SHOWN_FOR_SECRET
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()  # as TOML writes it
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
    if MASKING.get():
        return f"got {kind} (the value is secret and not shown)"
    return f"got {kind} {literal(value)}"


def _texts(value: Any, out: set[str]) -> None:
    """Every text a scalar inside ``value`` could be shown as."""
    import attrs

    if attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            _texts(getattr(value, a.name), out)
    elif isinstance(value, Mapping):
        for v in value.values():
            _texts(v, out)
    elif isinstance(value, (list, tuple, set, frozenset)) or (
        isinstance(value, Iterable) and not isinstance(value, (str, bytes))
    ):
        for v in value:
            _texts(v, out)
    elif value is not None:
        if isinstance(value, enum.Enum):
            value = value.value
        for text in (str(value), repr(value)):
            if text:
                out.add(text)


#: What stands for a user's message too long to search for pieces of a long secret in.
HIDDEN_MESSAGE = "the message is not shown, as it may quote a secret value"
#: How many characters ``scrub`` compares at most (message length times secret length) before it
#: hides the message whole: ample for a token and any message that quotes it.
_SCRUB_BUDGET = 20_000_000

#: The shortest piece of a secret's text that ``scrub`` finds inside a message: shorter texts are
#: replaced only whole, or every ``e`` of a message would go with a secret holding one.
PIECE = 6


def scrub(message: str, secrets: Iterable[Any]) -> str:
    """``message`` with every text of every value in ``secrets``, and every piece of one, replaced by ``***``.

    For messages tmlcfg does not write itself (a validator's, a cross-field
    check's), which may quote a secret they were given, whole or cut short
    (``int()`` quotes at most 200 characters): any run of ``PIECE`` or more
    characters that a secret's text holds is hidden.
    """
    texts: set[str] = set()
    for value in secrets:
        _texts(value, texts)
    for text in sorted(texts, key=len, reverse=True):
        message = message.replace(text, SHOWN_FOR_SECRET)
    long = [text for text in texts if len(text) >= PIECE]
    if not long or len(message) < PIECE:
        return message
    if len(message) * sum(len(text) for text in long) > _SCRUB_BUDGET:
        # a long message about a long secret: finding every piece would take time in proportion to both
        return HIDDEN_MESSAGE
    starts = range(len(message) - PIECE + 1)
    pieces = {message[i : i + PIECE] for i in starts}
    shown = {p for p in pieces if any(p in text for text in long)}
    if not shown:
        return message
    hidden = bytearray(len(message))
    for i in starts:
        if message[i : i + PIECE] in shown:
            hidden[i : i + PIECE] = b"\x01" * PIECE
    out: list[str] = []
    for i, ch in enumerate(message):
        if not hidden[i]:
            out.append(ch)
        elif i == 0 or not hidden[i - 1]:
            out.append(SHOWN_FOR_SECRET)
    return "".join(out)


def failure(error: Exception, refusals: tuple[type[Exception], ...] = (ValueError,)) -> str:
    """What a user's function that raised ``error`` said: its message for the ways it is told to refuse
    a value (``refusals``), else the exception's type and message (``KeyError: 'f16'``).

    ``RecursionError`` and ``MemoryError`` are tmlcfg's to handle, not the user's: they are raised again.
    """
    if isinstance(error, (RecursionError, MemoryError)):
        raise error
    text = str(error)
    if isinstance(error, refusals) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
