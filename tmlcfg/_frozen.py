"""An immutable, hashable mapping: what ``Mapping[str, T]`` fields hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

_V = TypeVar("_V", covariant=True)


class FrozenDict(Mapping[str, _V]):
    """A read-only ``dict``: equal to any mapping with the same items, and hashable.

    >>> from tmlcfg import FrozenDict
    >>> d = FrozenDict({"a": 1})
    >>> d["a"], hash(d) == hash(FrozenDict(a=1)), d == {"a": 1}
    (1, True, True)
    """

    __slots__ = ("_data", "_hash")

    # a read-only view, so not even the private attribute can be edited in place
    _data: MappingProxyType[str, _V]
    _hash: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_data", MappingProxyType(dict(*args, **kwargs)))
        object.__setattr__(self, "_hash", None)

    @classmethod
    def _wrap(cls, data: dict[str, Any]) -> FrozenDict[Any]:
        # Skips the copy in __init__: only for dicts nobody else holds.
        new = object.__new__(cls)
        object.__setattr__(new, "_data", MappingProxyType(data))
        object.__setattr__(new, "_hash", None)
        return new

    def __getitem__(self, key: str) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(frozenset(self._data.items()))
            object.__setattr__(self, "_hash", h)
        return h

    def __repr__(self) -> str:
        return f"FrozenDict({dict(self._data)!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self._data),))


_TAGGED = (bool, int, float)


def strict_key(value: Any) -> Any:
    """``value`` with bools, ints and floats told apart, for ``==`` and ``hash``.

    Python holds ``False == 0 == 0.0``; TOML writes them as three different
    values, so a field that may hold more than one of them compares by this key.
    """
    kind = type(value)
    if kind in _TAGGED:
        return (kind.__name__, value)
    if kind is tuple:
        return tuple(strict_key(v) for v in value)
    if kind is frozenset:
        return frozenset(strict_key(v) for v in value)
    if kind is FrozenDict:
        return FrozenDict({k: strict_key(v) for k, v in value.items()})
    return value
