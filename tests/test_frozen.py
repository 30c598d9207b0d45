"""Frozen means frozen: no public method changes a built config, FrozenDict or StrictFrozenSet."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg

from .strategies import frozen_toml_values, keys


@tmlcfg.config
class Inner:
    flags: frozenset[int | bool] = frozenset()
    free: Mapping[str, Any] = tmlcfg.field(factory=dict)


@tmlcfg.config
class Outer:
    x: int = 1
    name: str = "a"
    token: str = tmlcfg.field(default="", secret=True)
    inner: Inner = Inner()
    inners: tuple[Inner, ...] = ()


outers = st.builds(
    Outer,
    x=st.integers(-(2**63), 2**63 - 1),
    name=st.text(max_size=5),
    token=st.text(max_size=5),
    inner=st.builds(
        Inner,
        flags=st.frozensets(st.integers(-2, 2) | st.booleans()),
        free=st.dictionaries(keys, frozen_toml_values, max_size=3),
    ),
)


def _snapshot(config: Outer) -> tuple[Any, ...]:
    return (config.x, config.name, config.token, config.inner, config.inners, hash(config))


@given(outers)
def test_init_and_setstate_cannot_change_a_built_config(config: Outer) -> None:
    """Calling __init__ or __setstate__ again on a built config raises and leaves it as it was."""
    before = _snapshot(config)
    with pytest.raises(attrs.exceptions.FrozenInstanceError, match=r"__init__ would change it; use tmlcfg\.replace"):
        config.__init__(x=2)  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError, match="__setstate__ would change it"):
        config.__setstate__((2, "b", "t", Inner(), ()))  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.__init__(**tmlcfg.to_dict(config))  # type: ignore[misc]  # even to the same values
    assert _snapshot(config) == before
    assert config in {config}


@given(outers)
def test_pickle_and_copies_give_equal_configs(config: Outer) -> None:
    """pickle round-trips to an equal config with an equal hash; copy and deepcopy are the config itself."""
    back = pickle.loads(pickle.dumps(config))
    assert back == config
    assert hash(back) == hash(config)
    assert type(back.inner.flags) is tmlcfg.StrictFrozenSet
    assert sorted(map(repr, back.inner.flags)) == sorted(map(repr, config.inner.flags))
    assert copy.copy(config) is config
    assert copy.deepcopy(config) is config
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        back.__init__(x=2)  # type: ignore[misc]  # an unpickled config is as frozen


def test_every_pickle_protocol() -> None:
    """Each pickle protocol gives back an equal config."""
    config = Outer(x=5, token="t", inner=Inner(flags=frozenset({0}), free={"a": (1, {"b": 2.5})}))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(config, protocol)) == config


def test_a_config_without_fields_is_frozen_too() -> None:
    """A config with no fields has nothing to change, and __init__ again is harmless."""

    @tmlcfg.config
    class Empty:
        pass

    empty = Empty()
    empty.__init__()  # type: ignore[misc]
    assert empty == Empty()


def test_frozen_dict_init_cannot_change_it() -> None:
    """FrozenDict.__init__ on a built mapping raises; the mapping and its hash stay."""
    d = tmlcfg.FrozenDict({"a": 1})
    h = hash(d)
    with pytest.raises(AttributeError, match="immutable"):
        d.__init__({"b": 2})  # type: ignore[misc]
    assert dict(d) == {"a": 1}
    assert hash(d) == h
    assert copy.copy(d) is d
    assert copy.deepcopy(d) is d
    assert pickle.loads(pickle.dumps(d)) == d


def test_strict_frozen_set_cannot_change() -> None:
    """StrictFrozenSet refuses __init__ again, attribute writes and deletes; pickles to an equal set."""
    s = tmlcfg.StrictFrozenSet([0, False])
    h = hash(s)
    with pytest.raises(AttributeError, match="immutable"):
        s.__init__([5])  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        s._items = {}  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del s._items
    with pytest.raises(TypeError):
        s._items["x"] = 1  # type: ignore[index]
    assert len(s) == 2
    assert hash(s) == h
    back = pickle.loads(pickle.dumps(s))
    assert back == s
    assert sorted(map(repr, back)) == ["0", "False"]
