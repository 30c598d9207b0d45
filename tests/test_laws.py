"""The laws (round-trip, defaults, immutability, strictness, every problem once, representable) over generated classes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg

from .strategies import Generated, classes_with_instances, config_classes, frozen_toml_values, keys


@given(classes_with_instances())
def test_dict_round_trip(case: tuple[Generated, Any]) -> None:
    """Law 1: from_dict(C, to_dict(c)) == c."""
    generated, config = case
    assert tmlcfg.from_dict(generated.cls, tmlcfg.to_dict(config)) == config


@given(classes_with_instances())
def test_toml_round_trip(case: tuple[Generated, Any]) -> None:
    """Law 1: loads(C, dumps(c)) == c."""
    generated, config = case
    assert tmlcfg.loads(generated.cls, tmlcfg.dumps(config)) == config


@given(config_classes().filter(lambda g: g.all_default))
def test_defaults_build_and_round_trip(generated: Generated) -> None:
    """Law 2: a class whose fields all have defaults builds with C() and round-trips."""
    config = generated.cls()
    assert tmlcfg.from_dict(generated.cls, tmlcfg.to_dict(config)) == config
    assert tmlcfg.loads(generated.cls, tmlcfg.dumps(config)) == config


@given(config_classes().filter(lambda g: not g.all_default))
def test_required_fields_or_groups_refuse_defaults_only(generated: Generated) -> None:
    """Law 2: a class with a required field or a required one_of group refuses C()."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        generated.cls()
    messages = " ".join(p.message for p in info.value.problems)
    assert "missing required key" in messages or "exactly one of" in messages


@given(classes_with_instances())
def test_hash_agrees_with_eq(case: tuple[Generated, Any]) -> None:
    """Law 3: configs are hashable, and equal configs hash equal."""
    _, config = case
    twin = tmlcfg.from_dict(type(config), tmlcfg.to_dict(config))
    assert twin == config
    assert hash(twin) == hash(config)
    assert {config: 1}[twin] == 1


@given(classes_with_instances())
def test_replace_without_changes_is_identity(case: tuple[Generated, Any]) -> None:
    """replace with no change gives an equal config."""
    _, config = case
    assert tmlcfg.replace(config) == config


def _reachable(value: Any) -> list[Any]:
    out = [value]
    if attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            out += _reachable(getattr(value, a.name))
    elif isinstance(value, (tuple, frozenset, tmlcfg.StrictFrozenSet)):
        for v in value:
            out += _reachable(v)
    elif isinstance(value, Mapping):
        for v in value.values():
            out += _reachable(v)
    return out


@given(classes_with_instances())
def test_nothing_reachable_can_change(case: tuple[Generated, Any]) -> None:
    """Law 3: no field, tuple element or mapping value can be changed after building."""
    _, config = case
    for value in _reachable(config):
        if attrs.has(type(value)):
            for a in attrs.fields(type(value)):
                with pytest.raises(attrs.exceptions.FrozenInstanceError):
                    setattr(value, a.name, None)
                with pytest.raises(attrs.exceptions.FrozenInstanceError):
                    delattr(value, a.name)
            with pytest.raises((AttributeError, TypeError)):
                value.__dict__  # noqa: B018 - slotted: no instance dict to edit behind attrs' back
        elif isinstance(value, Mapping):
            assert isinstance(value, tmlcfg.FrozenDict)
            with pytest.raises(TypeError):
                value["k"] = 1  # type: ignore[index]
            with pytest.raises(TypeError):
                value._data["k"] = 1  # type: ignore[index]
            with pytest.raises(AttributeError):
                value.update({"k": 1})  # type: ignore[attr-defined]
        else:
            assert not isinstance(value, (list, dict, set))


toml_documents = st.dictionaries(
    keys | st.sampled_from(["f0", "f1", "f2", "g0_0", "g0_1", "g1_0"]),
    frozen_toml_values | st.dictionaries(st.sampled_from(["f0", "f1", "g0_0", "x"]), frozen_toml_values, max_size=3),
    max_size=5,
)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@given(config_classes(), toml_documents)
def test_arbitrary_toml_gives_a_config_or_a_config_error(generated: Generated, document: dict[str, Any]) -> None:
    """Law 5: any TOML document gives a valid config or one ConfigError, nothing else."""
    text = tomli_w.dumps(_plain(document))
    try:
        config = tmlcfg.loads(generated.cls, text, source="fuzz.toml")
    except tmlcfg.ConfigError as e:
        assert e.problems
        assert all(p.source == "fuzz.toml" for p in e.problems)
    else:
        assert tmlcfg.loads(generated.cls, tmlcfg.dumps(config)) == config


@given(config_classes(), st.dictionaries(keys, st.none() | frozen_toml_values | st.builds(object), max_size=5))
def test_arbitrary_dicts_give_a_config_or_a_config_error(generated: Generated, data: dict[str, Any]) -> None:
    """Law 5: any dict, None and foreign objects included, gives a config or a ConfigError."""
    try:
        config = tmlcfg.from_dict(generated.cls, data)
    except tmlcfg.ConfigError as e:
        assert e.problems
    else:
        assert tmlcfg.from_dict(generated.cls, tmlcfg.to_dict(config)) == config


@given(config_classes(), st.text())
def test_arbitrary_text_gives_a_config_or_a_config_error(generated: Generated, text: str) -> None:
    """Law 5: any text at all, as TOML, gives a config or a ConfigError."""
    try:
        tmlcfg.loads(generated.cls, text)
    except tmlcfg.ConfigError as e:
        assert e.problems
