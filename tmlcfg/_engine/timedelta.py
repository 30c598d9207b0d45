"""``datetime.timedelta`` fields, written ``"1h30m"``: registered like any user's type.

tmlcfg teaches itself this type through the public ``register_type``, so the
mechanism users rely on is the one its own field types take.
"""

from __future__ import annotations

import datetime as dt
import re

from .registry import register_type

#: Units largest first, in microseconds; ``m`` is minutes, ``ms`` milliseconds.
_UNITS = (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000), ("us", 1))
# ASCII digits only, at most 18 of them per unit: no unit needs more to reach timedelta's range
_FORM = re.compile(
    r"(-?)(?:([0-9]{1,18})d)?(?:([0-9]{1,18})h)?(?:([0-9]{1,18})m(?!s))?(?:([0-9]{1,18})s)?"
    r"(?:([0-9]{1,18})ms)?(?:([0-9]{1,18})us)?",
    re.ASCII,
)
_HOW = 'write whole units, largest first, as in "1h30m", "90s", "250ms" or "-5s" (units d, h, m, s, ms, us)'
_ONE_US = dt.timedelta(microseconds=1)


def parse_timedelta(text: str) -> dt.timedelta:
    """``"1h30m"`` as a timedelta; ``ValueError`` naming the form for anything else.

    >>> parse_timedelta("1d12h")
    datetime.timedelta(days=1, seconds=43200)
    >>> parse_timedelta("1.5h")
    Traceback (most recent call last):
    ...
    ValueError: write whole units, largest first, as in "1h30m", "90s", "250ms" or "-5s" (units d, h, m, s, ms, us)
    """
    match = _FORM.fullmatch(text)
    if match is None or not any(match.groups()[1:]):
        raise ValueError(_HOW)
    total = sum(int(amount) * size for amount, (_, size) in zip(match.groups()[1:], _UNITS, strict=True) if amount)
    try:
        return dt.timedelta(microseconds=-total if match.group(1) else total)
    except OverflowError:
        raise ValueError("beyond the range of a timedelta (999999999 days)") from None


def format_timedelta(value: dt.timedelta) -> str:
    """The canonical text: largest units first, zero units left out, ``"0s"`` for zero.

    >>> format_timedelta(dt.timedelta(hours=1, minutes=30))
    '1h30m'
    >>> format_timedelta(-dt.timedelta(milliseconds=250))
    '-250ms'
    """
    total = value // _ONE_US
    if total == 0:
        return "0s"
    sign, rest = ("-", -total) if total < 0 else ("", total)
    parts = []
    for unit, size in _UNITS:
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return sign + "".join(parts)


def _strategy() -> object:
    from hypothesis import strategies as st  # only when testing: hypothesis is not a dependency

    return st.timedeltas()


register_type(dt.timedelta, toml=str, structure=parse_timedelta, unstructure=format_timedelta, strategy=_strategy)
