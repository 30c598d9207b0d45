"""One text per value: what ``fingerprint`` digests and what orders the items of a frozenset.

The text is a function of the value alone (no hash order, no platform) and
tells apart every two values that ``==`` on configs tells apart: plain JSON
keeps ``true``, ``1`` and ``"1"`` apart, and floats, dates and times become
one-key objects whose key starts with ``$``. A table's own keys that start
with ``$`` get one more ``$``, so no table can pass for a tagged value.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _instant(value: dt.datetime) -> str:
    # equal instants are equal datetimes, whatever their offsets: they read as one
    try:
        return value.astimezone(dt.UTC).isoformat()
    except OverflowError:
        # the instant falls outside years 1-9999 in UTC (0001-01-01 at +01:00, say);
        # a difference of aware datetimes cannot overflow, and '@' keeps it apart from ISO text
        return f"@{(value - _EPOCH) // _MICROSECOND}"


def canonical(value: Any) -> Any:
    """A plain value (as ``to_dict`` gives) as JSON-ready data with every type told apart."""
    kind = type(value)
    if kind is dict:
        return {("$" + k if k.startswith("$") else k): canonical(v) for k, v in value.items()}
    if kind is list:
        return [canonical(v) for v in value]
    if kind is float:
        # repr is the shortest round-tripping form, the same on every platform and Python;
        # + 0.0 makes -0.0 read 0.0, as == does
        return {"$float": repr(value + 0.0)}
    if kind is dt.datetime:
        if value.tzinfo is not None:
            return {"$datetime": _instant(value)}
        return {"$datetime": value.isoformat()}
    if kind is dt.date or kind is dt.time:
        return {"$" + kind.__name__: value.isoformat()}
    return value


def canonical_text(value: Any) -> str:
    """:func:`canonical` as compact ASCII JSON with sorted keys."""
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
