"""``check_config_class``: the laws of round-trip, defaults and immutability, for any config class."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import FailedHealthCheck, InvalidArgument

from .._base.errors import ConfigError
from .._base.frozen import FrozenDict, StrictFrozenSet
from .._engine.converter import from_dict, require_spec, to_dict
from .._load.layers import loads
from .._load.replace import replace
from .._testing.strategies import builder
from .._toml.write import dumps


class LawBroken(AssertionError):
    """A config class breaks one of tmlcfg's laws; the message names it and shows the instance."""


def _law(holds: bool, law: str, cls: type, instance: Any, detail: str = "") -> None:
    if not holds:
        raise LawBroken(
            f"{cls.__name__} breaks the {law} law\n  instance: {instance!r}" + (f"\n  {detail}" if detail else "")
        )


def _immutable(value: Any, cls: type, root: Any) -> None:
    if attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            try:
                setattr(value, a.name, getattr(value, a.name))
            except attrs.exceptions.FrozenInstanceError:
                pass
            else:
                _law(False, "immutability", cls, root, f"{type(value).__name__}.{a.name} could be assigned")
            _immutable(getattr(value, a.name), cls, root)
    elif isinstance(value, (tuple, frozenset, StrictFrozenSet)):
        for v in value:
            _immutable(v, cls, root)
    elif isinstance(value, Mapping):
        _law(isinstance(value, FrozenDict), "immutability", cls, root, f"a mutable {type(value).__name__} inside")
        for v in value.values():
            _immutable(v, cls, root)
    else:
        _law(
            not isinstance(value, (list, dict, set, bytearray)),
            "immutability",
            cls,
            root,
            f"a mutable {type(value).__name__} inside",
        )


def _round_trips(cls: type, config: Any) -> None:
    back: Any = from_dict(cls, to_dict(config))
    _law(back == config, "dict round-trip", cls, config, f"from_dict(C, to_dict(c)) gave {back!r}")
    text = dumps(config)
    again: Any = loads(cls, text)
    _law(again == config, "TOML round-trip", cls, config, f"loads(C, dumps(c)) gave {again!r} from:\n{text}")
    _law(hash(back) == hash(config), "hash agrees with ==", cls, config, "an equal config hashed differently")
    _old_names_load(cls, config)


def _old_names_load(cls: type, config: Any) -> None:
    """For each rename without a convert: the config written under the old name loads equal, with a warning."""
    import warnings

    from .._base.keypaths import format_path
    from .._migrate.apply import get_path, has_path, pop_path, put_path
    from .._migrate.plan import MigrationWarning, declared_paths
    from .._toml.write import write_toml

    for old, new, rule in declared_paths(cls):
        if new is None or rule.converts:
            continue
        data = to_dict(config)
        found, value = get_path(data, new)
        if not found:
            continue
        data = pop_path(data, new)
        if has_path(data, old):
            continue  # another old path stands there (a move out of a table that is still given)
        data = put_path(data, old, value)
        readers: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
            ("dict", lambda d: from_dict(cls, d)),
            ("TOML", lambda d: loads(cls, write_toml(d))),
        ]
        for how, read in readers:
            law = f"renamed-key ({format_path(old)} -> {format_path(new)})"
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always", MigrationWarning)
                try:
                    back = read(data)
                except ConfigError as e:
                    _law(False, law, cls, config, f"{how} under the old name {format_path(old)} failed:\n{e}")
            _law(back == config, law, cls, config, f"{how} under the old name {format_path(old)} gave {back!r}")
            warned = [w for w in seen if issubclass(w.category, MigrationWarning)]
            _law(bool(warned), "renamed-key warning", cls, config, f"no MigrationWarning for {format_path(old)}")


def check_config_class(cls: type, *, max_examples: int = 100, **overrides: Any) -> None:
    """Assert tmlcfg's laws for ``cls``: round-trips, ``hash``/``==``, immutability, ``replace``, defaults.

    A failure raises :class:`LawBroken` naming the law, with the shrunk instance.
    ``overrides`` are passed to :func:`configs`, for cross-field checks.
    """
    spec = require_spec(cls)
    if not any(f.required for f in spec.fields):
        try:
            default = cls()
        except ConfigError as e:
            if not any(g.exactly_one and g.default_member is None for g in spec.groups):
                raise LawBroken(f"{cls.__name__} breaks the defaults law: {cls.__name__}() failed\n{e}") from None
        else:
            _immutable(default, cls, default)
            _round_trips(cls, default)

    built, strategy = builder(cls, overrides)

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(strategy)
    def laws(config: Any) -> None:
        _immutable(config, cls, config)  # first: a mutable value would also break hashing
        _round_trips(cls, config)
        _law(replace(config) == config, "replace identity", cls, config, "replace(c) != c")

    try:
        laws()
    except InvalidArgument as e:  # configs() judged a cross-field check hopeless
        raise LawBroken(str(e)) from None
    except FailedHealthCheck:
        raise LawBroken(
            f"Hypothesis could not draw enough valid {cls.__name__} instances; what refused the most of its "
            f"draws:\n{built.report()}\n"
            "Give check_config_class overrides for the fields named, "
            f"e.g. check_config_class({cls.__name__}, **{{'field.path': st.just(...)}}), "
            "or register_type a strategy for a type named."
        ) from None
