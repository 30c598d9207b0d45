"""An immutable, hashable mapping: what ``Mapping[str, T]`` fields hold."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Set
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar

_V = TypeVar("_V", covariant=True)
_T = TypeVar("_T", bound=Hashable, covariant=True)


def _refuse_reinit(obj: object, slot: str) -> None:
    # a slot that is set means the object is built: __init__ again would change it
    try:
        object.__getattribute__(obj, slot)
    except AttributeError:
        return
    raise AttributeError(f"{type(obj).__name__} is immutable: __init__ cannot change one that is built")


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
        _refuse_reinit(self, "_data")
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

    # immutable all the way down, so a copy may be the object itself, as for tuples
    def __copy__(self) -> FrozenDict[_V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[_V]:
        return self


class StrictFrozenSet(Set[_T]):
    """A frozenset that tells ``False``, ``0`` and ``0.0`` apart, as TOML does.

    What ``frozenset[T]`` fields hold when ``T`` mixes bools, ints or floats
    (``frozenset[int | bool]``): a ``frozenset`` would keep one of ``0`` and
    ``false``. Equal to any set with the same values of the same types.

    >>> from tmlcfg import StrictFrozenSet
    >>> s = StrictFrozenSet([0, False, 1, True])
    >>> len(s), 0 in s, 0.0 in s, s == StrictFrozenSet([True, 1, False, 0]), s == {0, 1}
    (4, True, False, True, False)
    >>> StrictFrozenSet([0, 1]) == {1, 0}, StrictFrozenSet([0, 1]) == {False, True}
    (True, False)
    """

    __slots__ = ("_hash_value", "_items")  # not _hash: Set has a method of that name

    _items: MappingProxyType[Any, _T]
    _hash_value: int | None

    def __init__(self, values: Iterable[_T] = ()) -> None:
        _refuse_reinit(self, "_items")
        items: dict[Any, _T] = {}
        for v in values:
            items.setdefault(strict_key(v), v)
        object.__setattr__(self, "_items", MappingProxyType(items))
        object.__setattr__(self, "_hash_value", None)

    def __contains__(self, value: object) -> bool:
        try:
            return strict_key(value) in self._items
        except TypeError:  # unhashable: never an element
            return False

    def __iter__(self) -> Iterator[_T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StrictFrozenSet):
            return self._items.keys() == other._items.keys()
        if isinstance(other, Set):
            try:
                return self._items.keys() == {strict_key(v) for v in other}
            except TypeError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        # equal sets hold equal values of equal types, so they hash alike as plain frozensets do
        h = self._hash_value
        if h is None:
            h = hash(frozenset(self._items.values()))
            object.__setattr__(self, "_hash_value", h)
        return h

    def __repr__(self) -> str:
        return f"StrictFrozenSet({{{', '.join(repr(v) for v in self._items.values())}}})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (StrictFrozenSet, (tuple(self._items.values()),))

    def __copy__(self) -> StrictFrozenSet[_T]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> StrictFrozenSet[_T]:
        return self


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
    if kind is StrictFrozenSet:
        return frozenset(value._items)
    if kind is FrozenDict:
        return FrozenDict({k: strict_key(v) for k, v in value.items()})
    return value
