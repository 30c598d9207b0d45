"""Hypothesis strategies for *config classes* and their instances.

Independent of tmlcfg's own nodes on purpose: each field kind pairs an
annotation with a strategy of values written here from the TOML rules, so the
laws are checked against an outside description of what is valid.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import pathlib
import string
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

import annotated_types as at
import attrs
from hypothesis import strategies as st

import tmlcfg

_counter = itertools.count()


@attrs.frozen
class Millis:
    """A user's own field type, written in TOML as an int: registered once, for every test."""

    value: int


tmlcfg.register_type(
    Millis,
    toml=int,
    structure=Millis,
    unstructure=lambda m: m.value,
    strategy=st.builds(Millis, st.integers(-(2**63), 2**63 - 1)),
)

#: 64-bit, as TOML integers are
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False)
#: pieces of text that look like environment references, so every law meets them
DOLLAR_PIECES = ["$", "$$", "{", "}", ":-", "A", "RUN_ID", "${A}", "${RUN_ID:-d}", "${", "$${USER}", " ", "é"]
dollar_texts = st.lists(st.sampled_from(DOLLAR_PIECES), max_size=6).map("".join)
texts = st.text(max_size=12) | dollar_texts
keys = st.text(max_size=6) | st.sampled_from(["a.b", "", "x y", "ü", 'q"t', "${A}"])
_offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
datetimes = st.datetimes(timezones=st.none() | st.just(dt.UTC) | _offsets)
paths = st.text(alphabet=string.ascii_letters + "/._-", max_size=12).map(pathlib.Path)

toml_scalars = st.one_of(st.booleans(), ints, floats, texts, datetimes, st.dates(), st.times())
#: what a Mapping[str, Any] holds after structuring: tuples and FrozenDicts, no None
frozen_toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3).map(tuple) | st.dictionaries(keys, inner, max_size=3).map(tmlcfg.FrozenDict)
    ),
    max_leaves=8,
)


@attrs.frozen
class Kind:
    """A field type: its annotation, a strategy of valid values, and how to read it."""

    annotation: Any
    values: st.SearchStrategy[Any]
    hashable: bool = True
    scalar: bool = False


def _enum_kind(draw: st.DrawFn) -> Kind:
    names = draw(st.lists(st.sampled_from(string.ascii_lowercase), min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        values: list[Any] = draw(st.lists(texts, min_size=len(names), max_size=len(names), unique=True))
    else:
        values = draw(st.lists(ints, min_size=len(names), max_size=len(names), unique=True))
    cls = enum.Enum(f"E{next(_counter)}", dict(zip(names, values, strict=True)))  # type: ignore[misc]
    return Kind(cls, st.sampled_from(list(cls)), scalar=True)


def _literal_kind(draw: st.DrawFn) -> Kind:
    values = tuple(draw(st.lists(st.one_of(st.booleans(), ints, texts), min_size=1, max_size=4, unique=True)))
    # True == 1 for set purposes, so keep only one value per (type, value)
    unique = tuple({(type(v), v): v for v in values}.values())
    return Kind(Literal.__getitem__(unique), st.sampled_from(unique), scalar=True)  # type: ignore[attr-defined]


SCALARS: list[Kind] = [
    Kind(bool, st.booleans(), scalar=True),
    Kind(int, ints, scalar=True),
    Kind(float, floats, scalar=True),
    Kind(str, texts, scalar=True),
    Kind(pathlib.Path, paths, scalar=True),
    Kind(dt.datetime, datetimes, scalar=True),
    Kind(dt.date, st.dates(), scalar=True),
    Kind(dt.time, st.times(), scalar=True),
    Kind(tmlcfg.PositiveInt, st.integers(min_value=1, max_value=2**63 - 1), scalar=True),
    Kind(tmlcfg.NonNegativeFloat, st.floats(min_value=0, allow_nan=False), scalar=True),
    Kind(Annotated[float, at.Ge(0), at.Lt(1)], st.floats(min_value=0, max_value=1, exclude_max=True), scalar=True),
    Kind(Annotated[int, at.Interval(ge=-5, le=5)], st.integers(-5, 5), scalar=True),
    Kind(Annotated[int, at.MultipleOf(4)], st.integers(-1000, 1000).map(lambda i: i * 4), scalar=True),
    Kind(Annotated[str, at.MinLen(1), at.MaxLen(5)], st.text(min_size=1, max_size=5), scalar=True),
    Kind(dt.timedelta, st.timedeltas(), scalar=True),
    Kind(Millis, st.builds(Millis, ints), scalar=True),
    Kind(Annotated[dt.timedelta, at.Ge(dt.timedelta(0))], st.timedeltas(min_value=dt.timedelta(0)), scalar=True),
    Kind(Union[int, str], ints | texts, scalar=True),  # noqa: UP007
    Kind(float | str | bool, floats | texts | st.booleans(), scalar=True),
]


@st.composite
def scalar_kinds(draw: st.DrawFn) -> Kind:
    choice = draw(st.integers(0, len(SCALARS) + 1))
    if choice == len(SCALARS):
        return _enum_kind(draw)
    if choice == len(SCALARS) + 1:
        return _literal_kind(draw)
    return SCALARS[choice]


@st.composite
def kinds(draw: st.DrawFn, depth: int = 0, secrets: bool = True) -> Kind:
    """Any supported field type, config classes nested up to three deep."""
    options = ["scalar"] * 6 + ["tuple", "fixed", "frozenset", "mapping", "any"]
    if depth < 3:
        options += ["config", "config", "configs", "variant", "variants", "variant_map"]
    which = draw(st.sampled_from(options))
    if which == "scalar":
        return draw(scalar_kinds())
    if which == "tuple":
        item = draw(kinds(3, secrets)) if depth < 2 else draw(scalar_kinds())
        sized = draw(st.booleans())
        ann = Annotated[tuple[item.annotation, ...], at.MinLen(1)] if sized else tuple[item.annotation, ...]
        return Kind(ann, st.lists(item.values, min_size=int(sized), max_size=3).map(tuple), item.hashable)
    if which == "fixed":
        items = draw(st.lists(scalar_kinds(), min_size=1, max_size=3))
        ann = tuple.__class_getitem__(tuple(k.annotation for k in items))
        return Kind(ann, st.tuples(*(k.values for k in items)))
    if which == "frozenset":
        item = draw(scalar_kinds())
        if _mixes_numbers(item.annotation):
            # TOML keeps 0, false and 0.0 apart, so such a set may hold them all
            strict = st.lists(item.values, max_size=4, unique_by=lambda v: (type(v), v)).map(tmlcfg.StrictFrozenSet)
            return Kind(frozenset[item.annotation], strict)  # type: ignore[name-defined]
        return Kind(frozenset[item.annotation], st.frozensets(item.values, max_size=4))  # type: ignore[name-defined]
    if which == "mapping":
        value = draw(kinds(3, secrets)) if depth < 2 else draw(scalar_kinds())
        return Kind(
            Mapping[str, value.annotation],  # type: ignore[name-defined]
            st.dictionaries(keys, value.values, max_size=3).map(tmlcfg.FrozenDict),
        )
    if which == "any":
        return Kind(Mapping[str, Any], st.dictionaries(keys, frozen_toml_values, max_size=3).map(tmlcfg.FrozenDict))
    if which.startswith("variant"):
        return _variant_kind(draw, depth, secrets, which)
    generated = draw(config_classes(depth + 1, secrets))
    if which == "config":
        return Kind(generated.cls, generated.instances)
    return Kind(tuple[generated.cls, ...], st.lists(generated.instances, max_size=2).map(tuple))  # type: ignore[name-defined]


def _variant_kind(draw: st.DrawFn, depth: int, secrets: bool, which: str) -> Kind:
    """A variant field (a union of two or three generated classes), alone, in a tuple or in a mapping."""
    members = draw(st.lists(config_classes(depth + 1, secrets), min_size=2, max_size=3))
    annotation = Union[tuple(m.cls for m in members)]  # noqa: UP007
    values = st.one_of([m.instances for m in members])
    if which == "variants":
        return Kind(tuple[annotation, ...], st.lists(values, max_size=2).map(tuple))  # type: ignore[valid-type]
    if which == "variant_map":
        return Kind(
            Mapping[str, annotation],  # type: ignore[valid-type]
            st.dictionaries(keys, values, max_size=2).map(tmlcfg.FrozenDict),
        )
    return Kind(annotation, values)


def _mixes_numbers(annotation: Any) -> bool:
    """Whether values of ``annotation`` may be two of bool, int and float, which Python holds equal."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is Literal:
        kinds = {type(a) for a in args}
    else:
        kinds = set(args) if args else {annotation}
    return len(kinds & {bool, int, float}) > 1


@attrs.frozen
class Generated:
    """A generated config class, a strategy of its instances, and whether ``cls()`` works."""

    cls: type
    instances: st.SearchStrategy[Any]
    all_default: bool
    groups: Mapping[str, tuple[str, ...]]


@st.composite
def config_classes(draw: st.DrawFn, depth: int = 0, secrets: bool = True) -> Generated:
    """A new ``@tmlcfg.config`` class: random fields, defaults, optionals and groups."""
    n = draw(st.integers(0, 5 - depth))
    tag = next(_counter)  # names unique to this class, so a subclass never redefines a base's field
    namespace: dict[str, Any] = {"__annotations__": {}}
    annotations = namespace["__annotations__"]
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    all_default = True
    for i in range(n):
        name = f"f{i}_{tag}"
        kind = draw(kinds(depth, secrets))
        shape = draw(st.sampled_from(["required", "default", "default", "optional", "factory"]))
        # flags that must not change what is valid: a validator that accepts everything, a secret
        secret = secrets and draw(st.integers(0, 3)) == 0
        flags: dict[str, Any] = {"secret": secret, "validator": draw(st.sampled_from([None, _accept]))}
        if shape == "optional":
            annotations[name] = Union[kind.annotation, None]  # noqa: UP007
            namespace[name] = tmlcfg.field(default=None, **flags)
            strategies[name] = st.none() | kind.values
        else:
            annotations[name] = kind.annotation
            strategies[name] = kind.values
            if shape == "default":
                namespace[name] = tmlcfg.field(default=draw(kind.values), doc=f"field {i}", **flags)
            elif shape == "factory":
                value = draw(kind.values)
                namespace[name] = tmlcfg.field(factory=lambda value=value: value, **flags)
            else:
                namespace[name] = tmlcfg.field(**flags)
                all_default = False
    groups: dict[str, tuple[str, ...]] = {}
    group_instances: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
    for g in range(draw(st.integers(0, 2 - min(depth, 2)))):
        exactly_one = draw(st.booleans())
        members = []
        default_member = draw(st.booleans()) and exactly_one
        for m in range(draw(st.integers(1, 3))):  # one member too: a group may start alone
            name = f"g{g}_{m}_{tag}"
            kind = draw(kinds(depth + 1, secrets)) if depth < 2 else draw(scalar_kinds())
            annotations[name] = Union[kind.annotation, None]  # noqa: UP007
            strategies[name] = kind.values
            if default_member and m == 0:
                namespace[name] = tmlcfg.field(default=draw(kind.values), one_of=f"group{g}_{tag}")
            else:
                namespace[name] = tmlcfg.field(
                    default=None, **{"one_of" if exactly_one else "at_most_one_of": f"group{g}_{tag}"}
                )
            members.append(name)
        if exactly_one and not default_member:
            all_default = False
        groups[f"group{g}_{tag}"] = tuple(members)
        group_instances[f"group{g}_{tag}"] = _group_values(
            members, {m: strategies.pop(m) for m in members}, exactly_one
        )
    if draw(st.booleans()):
        namespace["__attrs_post_init__"] = _post_init
    base: tuple[type, ...] = ()
    if depth < 2 and draw(st.booleans()):
        # a subclass adds its fields to a generated base's
        parent = draw(config_classes(depth + 1, secrets))
        base = (parent.cls,)
        strategies = {**_base_fields(parent), **strategies}
        all_default = all_default and parent.all_default
        groups = {**parent.groups, **groups}
        group_instances = {**_base_groups(parent), **group_instances}
    cls = tmlcfg.config(type(f"Generated{next(_counter)}", base, namespace))
    instances = _instances(cls, strategies, group_instances)
    return Generated(cls, instances, all_default, groups)


def _accept(value: Any) -> None:
    """A validator that refuses nothing, so that generated values stay valid."""


def _post_init(self: Any) -> None:
    """A cross-field check that passes: its presence must change nothing."""


def _base_fields(parent: Generated) -> dict[str, st.SearchStrategy[Any]]:
    grouped = {m for members in parent.groups.values() for m in members}
    return {
        a.name: parent.instances.map(lambda inst, name=a.name: getattr(inst, name))
        for a in attrs.fields(parent.cls)
        if a.name not in grouped
    }


def _base_groups(parent: Generated) -> dict[str, st.SearchStrategy[dict[str, Any]]]:
    return {
        g: parent.instances.map(lambda inst, members=members: {m: getattr(inst, m) for m in members})
        for g, members in parent.groups.items()
    }


def _group_values(
    members: list[str], values: dict[str, st.SearchStrategy[Any]], exactly_one: bool
) -> st.SearchStrategy[dict[str, Any]]:
    choices: list[str | None] = list(members) if exactly_one else [None, *members]
    return st.sampled_from(choices).flatmap(
        lambda chosen: (
            st.just(dict.fromkeys(members))
            if chosen is None
            else values[chosen].map(lambda v: {**dict.fromkeys(members), chosen: v})
        )
    )


def _instances(
    cls: type, fields: dict[str, st.SearchStrategy[Any]], groups: dict[str, st.SearchStrategy[dict[str, Any]]]
) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs = {name: draw(values) for name, values in fields.items()}
        for group in groups.values():
            kwargs.update(draw(group))
        return cls(**kwargs)

    return build()


def classes_with_instances(secrets: bool = True) -> st.SearchStrategy[tuple[Generated, Any]]:
    """Generated classes (with secret fields unless ``secrets`` is false) and an instance of each."""
    return config_classes(secrets=secrets).flatmap(lambda g: st.tuples(st.just(g), g.instances))
