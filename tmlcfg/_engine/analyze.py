"""Annotations to nodes, refusing every type that could not round-trip (law 6)."""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from typing import Annotated, Any, Literal, Union

from .._base.limits import INT_MAX, INT_MIN
from .._base.tags import tag_problem

# tmlcfg's own registered types, taught through the same door as users' ones, known before any analysis
from . import timedelta as _timedelta  # noqa: F401
from .nodes import (
    KIND_KEY,
    AnyNode,
    ConfigNode,
    EnumNode,
    FixedTupleNode,
    FloatNode,
    FrozenSetNode,
    LiteralNode,
    MappingNode,
    TupleNode,
    TypeNode,
    UnionNode,
    VariantNode,
)
from .registry import registered
from .scalars import SCALAR_NODES
from .spec import spec_of


class Refused(Exception):
    """An annotation tmlcfg will not take; the message says why and what to use."""


_MUTABLE_FIX = {
    list: "use tuple[T, ...]",
    dict: "use Mapping[str, T]",
    set: "use frozenset[T]",
}
SUPPORTED = (
    "bool, int, float, str, Path, datetime, date, time, enums with str or int values, "
    "Literal, config classes, tuple[T, ...], tuple[A, B], frozenset[T], Mapping[str, T], "
    "T | None, unions of config classes (variants), unions of scalars and types registered with "
    "tmlcfg.register_type (timedelta is)"
)


def _name(tp: Any) -> str:
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "").replace("collections.abc.", "")


def _is_union(origin: Any) -> bool:
    return origin is Union or origin is types.UnionType


def analyze_field(tp: Any) -> tuple[TypeNode, bool]:
    """The node for a field's annotation, and whether the field is optional."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        node, optional = analyze_field(tp.__origin__)
        return _constrained(node, tp.__metadata__), optional
    if _is_union(origin):
        args = typing.get_args(tp)
        rest = [a for a in args if a is not type(None)]
        if len(rest) < len(args):
            if len(rest) == 1:
                return analyze(rest[0]), True
            return analyze(Union[tuple(rest)]), True  # noqa: UP007
    return analyze(tp), False


def _constrained(node: TypeNode, metadata: tuple[Any, ...]) -> TypeNode:
    from .constraints import constrain  # imports annotated-types: only for classes that use bounds

    result = constrain(node, metadata)
    if isinstance(result, str):
        raise Refused(result)
    return result


def analyze(tp: Any) -> TypeNode:
    """The node for a type that sits where ``None`` cannot (inside a collection)."""
    if tp in SCALAR_NODES:
        return SCALAR_NODES[tp]
    node = registered(tp)
    if node is not None:
        return node
    if tp is type(None) or tp is None:
        raise Refused("None cannot sit inside a tuple or mapping: TOML has no null")
    if tp is Any:
        raise Refused("Any is only allowed as the value type of Mapping[str, Any]")
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Annotated:
        return _constrained(analyze(tp.__origin__), tp.__metadata__)
    if isinstance(tp, type):
        spec = spec_of(tp)
        if spec is not None:
            return ConfigNode(spec)
        if issubclass(tp, enum.Enum):
            return _enum(tp)
        if tp in _MUTABLE_FIX:
            raise Refused(f"{tp.__name__} is mutable; {_MUTABLE_FIX[tp]} (configs are immutable)")
        if tp in (tuple, frozenset) or issubclass(tp, collections.abc.Mapping):
            raise Refused(f"bare {tp.__name__} says nothing of its items; add them, e.g. tuple[str, ...]")
        if hasattr(tp, "__attrs_attrs__"):
            raise Refused(f"{tp.__name__} is an attrs class but not a config; decorate it with @tmlcfg.config")
    if origin in _MUTABLE_FIX:
        raise Refused(f"{_name(tp)} is mutable; {_MUTABLE_FIX[origin]} (configs are immutable)")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return TupleNode(analyze(args[0]))
        if not args or args == ((),):
            raise Refused("an empty tuple type holds nothing; use tuple[T, ...]")
        return FixedTupleNode(tuple(analyze(a) for a in args))
    if origin is frozenset:
        return FrozenSetNode(analyze(args[0]))
    if origin is collections.abc.Mapping:
        key, value = args
        if key is not str:
            raise Refused(f"mapping keys must be str (TOML keys are strings), not {_name(key)}")
        return MappingNode(AnyNode() if value is Any else analyze(value))
    if origin is Literal:
        return _literal(args)
    if _is_union(origin):
        if type(None) in args:
            raise Refused("None cannot sit inside a tuple or mapping: TOML has no null")
        return _union(tuple(analyze(a) for a in args))
    raise Refused(
        f"unsupported type {_name(tp)}; supported: {SUPPORTED}; or teach tmlcfg the type first with "
        f"tmlcfg.register_type({_name(tp)}, toml=str, structure=..., unstructure=...)"
    )


def _enum(cls: type[enum.Enum]) -> TypeNode:
    kinds = {type(m.value) for m in cls}
    if not kinds:
        raise Refused(f"enum {cls.__name__} has no members")
    if kinds == {int}:
        for m in cls:
            if not INT_MIN <= m.value <= INT_MAX:
                raise Refused(f"enum {cls.__name__}.{m.name} = {m.value} is outside TOML's signed 64-bit integers")
    if kinds == {str} or kinds == {int}:
        return EnumNode(cls, kinds.pop())
    raise Refused(f"enum {cls.__name__} must have all str or all int values to be written in TOML")


def _literal(values: tuple[Any, ...]) -> TypeNode:
    for v in values:
        if type(v) not in (str, int, bool):
            raise Refused(f"Literal values must be str, int or bool, not {v!r}")
        if type(v) is int and not INT_MIN <= v <= INT_MAX:
            raise Refused(f"Literal value {v} is outside TOML's signed 64-bit integers")
    return LiteralNode(values)


def _union(options: tuple[TypeNode, ...]) -> TypeNode:
    configs = [o for o in options if isinstance(o, ConfigNode)]
    if configs:
        return _variant(options, configs)
    seen: dict[str, str] = {}
    for option in options:
        if isinstance(option, (TupleNode, FixedTupleNode, FrozenSetNode, MappingNode, VariantNode)):
            raise Refused(
                f"unions may only hold scalars or only config classes, not {option.describe()}; "
                "for a choice of configs use a union of config classes"
            )
        for kind in option.toml_kinds:
            if kind == "int" and isinstance(option, FloatNode):
                continue
            if kind in seen:
                raise Refused(
                    f"{seen[kind]} and {option.describe()} both read a TOML {kind}, so a value "
                    "could not say which it is; keep one of them"
                )
            seen[kind] = option.describe()
    return UnionNode(options)


def _variant(options: tuple[TypeNode, ...], configs: list[ConfigNode]) -> TypeNode:
    """A union of config classes: a variant field, chosen by its tag."""
    if len(configs) < len(options):
        others = ", ".join(o.describe() for o in options if not isinstance(o, ConfigNode))
        raise Refused(
            f"a union mixes config classes ({', '.join(c.cls.__name__ for c in configs)}) with {others}; "
            "a variant field holds config classes only (and None)"
        )
    node = _variant_node(configs)
    if isinstance(node, str):
        raise Refused(node)
    return node


def _variant_node(options: list[ConfigNode]) -> VariantNode | str:
    """The node of a union of config classes, or why the union cannot be one."""
    names = ", ".join(o.cls.__name__ for o in options)
    members: dict[str, ConfigNode] = {}
    old_tags: dict[str, str] = {}
    owner: dict[str, str] = {}
    for option in options:
        spec = option.spec
        name = option.cls.__name__
        bad = tag_problem(spec.tag)
        if bad is not None:
            return f"{name} in the union of {names} has no usable tag ({bad}); give it one: @tmlcfg.config(tag='...')"
        if KIND_KEY in spec.by_name:
            return (
                f"{name} in the union of {names} has a field named {KIND_KEY!r}, the key that names the variant "
                "in a file; rename the field"
            )
        for tag in (spec.tag, *spec.old_tags):
            if tag in owner:
                return (
                    f"{owner[tag]} and {name} in the union of {names} both answer to the tag {tag!r}, so a file "
                    "could not say which it means; give one of them another: @tmlcfg.config(tag='...')"
                )
            owner[tag] = name
        members[spec.tag] = option
        for old in spec.old_tags:
            old_tags[old] = spec.tag
    return VariantNode(members, old_tags)
