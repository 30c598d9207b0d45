"""Compound field types (configs, arrays, tables, unions, bounds), and :data:`TypeNode`, every kind.

A node's ``structure`` returns the frozen value or raises :class:`Invalid` with
paths relative to the value; containers prefix the index or key of each bad
element, so every problem below is reported, not only the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from .._base.errors import Invalid, RawProblem, prefixed
from .._base.foreign import held_value
from .._base.frozen import FrozenDict, StrictFrozenSet, strict_key
from .._base.keypaths import any_lone_surrogate, lone_surrogate
from .._base.limits import INT_MAX, INT_MIN, MAX_DEPTH
from .._base.sentinels import MISSING
from .._base.wording import got, literal

if TYPE_CHECKING:
    from .spec import ClassSpec

from .scalars import (
    KIND_NODES,
    TOML_KIND_NAMES,
    BoolNode,
    DateNode,
    DateTimeNode,
    EnumNode,
    FloatNode,
    IntNode,
    LiteralNode,
    Node,
    PathNode,
    RegisteredNode,
    StrNode,
    TimeNode,
    out_of_range,
)

__all__ = [
    "KIND_NODES",
    "TOML_KIND_NAMES",
    "AnyNode",
    "BoolNode",
    "ConfigNode",
    "ConstrainedNode",
    "DateNode",
    "DateTimeNode",
    "EnumNode",
    "FixedTupleNode",
    "FloatNode",
    "FrozenSetNode",
    "KIND_KEY",
    "IntNode",
    "LiteralNode",
    "MappingNode",
    "Node",
    "PathNode",
    "RegisteredNode",
    "StrNode",
    "TimeNode",
    "TupleNode",
    "TypeNode",
    "UnionNode",
    "needs_strict_key",
    "VariantNode",
    "out_of_range",
    "sort_key",
]


class ConfigNode(Node):
    """A nested config: a table in TOML, an instance (or a mapping) in Python."""

    __slots__ = ("cls", "spec")
    toml_kinds = ("table",)

    def __init__(self, spec: ClassSpec) -> None:
        self.spec = spec
        self.cls = spec.cls

    @property
    def accepts(self) -> tuple[type, ...]:
        return (self.cls,)

    def structure(self, value: Any) -> Any:
        cls = type(value)
        if cls is dict:  # a file's table: by far the most common, and isinstance of an ABC is slow
            return self.spec.build(value)
        if cls is self.cls:
            return value
        if isinstance(value, Mapping):
            return self.spec.build(value)
        raise Invalid.one(f"expected a table ({self.cls.__name__}), {got(value)}")

    def unstructure(self, value: Any, mask: bool) -> Any:
        return self.spec.unstructure(value, mask)

    def describe(self) -> str:
        return self.cls.__name__


def _is_array(value: Any) -> bool:
    return type(value) is list or type(value) is tuple


class TupleNode(Node):
    """``tuple[T, ...]``: a TOML array, every element checked and frozen."""

    __slots__ = ("_configs", "item")
    accepts = (list, tuple)
    toml_kinds = ("array",)

    def __init__(self, item: TypeNode) -> None:
        self.item = item
        self._configs = item if type(item) is ConfigNode else None

    def structure(self, value: Any) -> Any:
        if not _is_array(value):
            raise self.fail(value)
        if self._configs is not None:
            return self._tables(value, self._configs)
        item = self.item
        if isinstance(item, (IntNode, BoolNode)) or (isinstance(item, StrNode) and not any_lone_surrogate(value)):
            want = item.accepts[0]
            if all(type(v) is want for v in value) and (want is not int or all(INT_MIN <= v <= INT_MAX for v in value)):
                return tuple(value)
        out = []
        problems: list[RawProblem] = []
        structure = item.structure
        for i, v in enumerate(value):
            try:
                out.append(structure(v))
            except Invalid as e:
                problems += prefixed(i, e.problems)
        if problems:
            raise Invalid(problems)
        return tuple(out)

    @staticmethod
    def _tables(value: Any, item: ConfigNode) -> tuple[Any, ...]:
        """An array of tables, each built by its class's generated code directly: the common array."""
        build = item.spec.build
        cls = item.cls
        out = []
        problems: list[RawProblem] | None = None
        for i, v in enumerate(value):
            try:
                kind = type(v)
                out.append(build(v) if kind is dict else v if kind is cls else item.structure(v))
            except Invalid as e:
                problems = (problems or []) + prefixed(i, e.problems)
        if problems:
            raise Invalid(problems)
        return tuple(out)

    def unstructure(self, value: Any, mask: bool) -> Any:
        if self.item.plain:
            return list(value)
        un = self.item.unstructure
        return [un(v, mask) for v in value]

    def describe(self) -> str:
        return f"tuple[{self.item.describe()}, ...]"

    def children(self) -> tuple[Node, ...]:
        return (self.item,)


class FixedTupleNode(Node):
    """``tuple[A, B]``: an array of exactly that many values, each its own type."""

    __slots__ = ("items",)
    accepts = (list, tuple)
    toml_kinds = ("array",)

    def __init__(self, items: tuple[TypeNode, ...]) -> None:
        self.items = items

    def structure(self, value: Any) -> Any:
        if not _is_array(value):
            raise self.fail(value)
        if len(value) != len(self.items):
            n = len(self.items)
            raise Invalid.one(f"expected an array of {n} item{'s' * (n != 1)}, got {len(value)}")
        out = []
        problems: list[RawProblem] = []
        for i, (node, v) in enumerate(zip(self.items, value, strict=True)):
            try:
                out.append(node.structure(v))
            except Invalid as e:
                problems += prefixed(i, e.problems)
        if problems:
            raise Invalid(problems)
        return tuple(out)

    def unstructure(self, value: Any, mask: bool) -> Any:
        return [n.unstructure(v, mask) for n, v in zip(self.items, value, strict=True)]

    def describe(self) -> str:
        return "tuple[" + ", ".join(n.describe() for n in self.items) + "]"

    def children(self) -> tuple[Node, ...]:
        return self.items


def sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, repr(value))


class FrozenSetNode(Node):
    """``frozenset[T]``: an array in TOML, written sorted so files are stable.

    When ``T`` mixes bools, ints or floats the value is a :class:`StrictFrozenSet`,
    which keeps ``0`` and ``false`` both, as the array does.
    """

    __slots__ = ("_items", "item", "strict")
    accepts = (list, tuple, set, frozenset, StrictFrozenSet)
    toml_kinds = ("array",)

    def __init__(self, item: TypeNode) -> None:
        self.item = item
        self._items = TupleNode(item)  # checks the elements, with their indexes in problems
        self.strict = needs_strict_key(item)

    def structure(self, value: Any) -> Any:
        if not (_is_array(value) or isinstance(value, (set, frozenset, StrictFrozenSet))):
            raise self.fail(value)
        items = value if _is_array(value) else sorted(value, key=sort_key)
        if self.strict:
            return StrictFrozenSet(self._items.structure(items))
        return frozenset(self._items.structure(items))

    def unstructure(self, value: Any, mask: bool) -> Any:
        un = self.item.unstructure
        try:
            # bools, then ints, then floats, each in order; no two items tie, so the order
            # is the set's alone, never its hash order
            ordered = [un(v, mask) for v in sorted(value, key=strict_key)]
        except TypeError:  # configs, or mixed kinds such as int and str in a union
            from .._base.canonical import canonical_text

            # masked items that tie are written alike, so their order cannot show
            ordered = sorted((un(v, mask) for v in value), key=canonical_text)
        return ordered

    def describe(self) -> str:
        return f"frozenset[{self.item.describe()}]"

    def children(self) -> tuple[Node, ...]:
        return (self.item,)


class MappingNode(Node):
    """``Mapping[str, T]``: a TOML table with free keys, frozen into a FrozenDict."""

    __slots__ = ("value",)
    toml_kinds = ("table",)
    accepts = (dict, FrozenDict)

    def __init__(self, value: TypeNode) -> None:
        self.value = value

    def structure(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise self.fail(value)
        out = {}
        problems: list[RawProblem] = []
        structure = self.value.structure
        for k, v in value.items():
            if type(k) is not str:
                problems.append(((str(k),), f"keys must be strings, got {literal(k)}", ()))
                continue
            if not k.isascii() and (bad := lone_surrogate(k)) is not None:
                problems.append(((k,), f"the key {bad}", ()))
                continue
            try:
                out[k] = structure(v)
            except Invalid as e:
                problems += prefixed(k, e.problems)
        if problems:
            raise Invalid(problems)
        return FrozenDict._wrap(out)

    def unstructure(self, value: Any, mask: bool) -> Any:
        un = self.value.unstructure
        return {k: un(v, mask) for k, v in value.items()}

    def describe(self) -> str:
        return f"Mapping[str, {self.value.describe()}]"

    def children(self) -> tuple[Node, ...]:
        return (self.value,)


_ANY_SCALARS = frozenset({bool, int, str, dt.date})
#: The kinds an Any value holds that TOML writes only in part: held to their kind's rules
#: (no time with a timezone, offsets of whole minutes), so whatever is taken can be written.
_ANY_CHECKED: dict[type, Node] = {dt.datetime: DateTimeNode(), dt.time: TimeNode()}


class AnyNode(Node):
    """Any TOML value (inside a mapping): arrays become tuples, tables FrozenDicts.

    ``depth`` counts the arrays and tables around the value; one more than
    ``MAX_DEPTH`` is a problem at its path, not a ``RecursionError``.
    """

    __slots__ = ("_array", "_table", "depth")
    toml_kinds = ("bool", "int", "float", "str", "datetime", "date", "time", "array", "table")
    _float = FloatNode()
    _int = IntNode()

    def __init__(self, depth: int = 1) -> None:
        self.depth = depth
        self._array: TupleNode | None = None
        self._table: MappingNode | None = None

    def _deeper(self) -> tuple[TupleNode, MappingNode]:
        # built once, on first use, not per value: arrays and tables of Any hold Any one level down
        if self._array is None or self._table is None:
            inner = AnyNode(self.depth + 1)
            self._array = TupleNode(inner)
            self._table = MappingNode(inner)
        return self._array, self._table

    def structure(self, value: Any) -> Any:
        cls = type(value)
        if cls is int:
            return self._int.structure(value)
        if cls in _ANY_SCALARS:
            if cls is str and not value.isascii() and (bad := lone_surrogate(value)) is not None:
                raise Invalid.one(f"the text {bad}")
            return value
        if cls is float:
            return self._float.structure(value)
        if cls in _ANY_CHECKED:
            return _ANY_CHECKED[cls].structure(value)
        if cls is list or cls is tuple or isinstance(value, Mapping):
            if self.depth >= MAX_DEPTH:
                raise Invalid.one(f"nested deeper than {MAX_DEPTH} arrays and tables; flatten it")
            array, table = self._deeper()
            return array.structure(value) if cls is list or cls is tuple else table.structure(value)
        if (held := held_value(value)) is not MISSING:  # a numpy scalar: the Python value it holds
            return self.structure(held)
        raise Invalid.one(f"expected a TOML value (bool, number, str, date/time, array or table), {got(value)}")

    def unstructure(self, value: Any, mask: bool) -> Any:
        if type(value) is tuple:
            return [self.unstructure(v, mask) for v in value]
        if type(value) is FrozenDict:
            return {k: self.unstructure(v, mask) for k, v in value.items()}
        return value

    def describe(self) -> str:
        return "Any"


class UnionNode(Node):
    """A union of scalars, chosen by the value's own type; never by trying each in turn."""

    __slots__ = ("by_type", "options")

    def __init__(self, options: tuple[TypeNode, ...]) -> None:
        self.options = options
        by_type: dict[type, TypeNode] = {}
        widening: list[TypeNode] = []
        for option in options:
            base = option.base
            for t in option.accepts:
                if t is int and isinstance(base, FloatNode):
                    widening.append(option)
                else:
                    by_type.setdefault(t, option)
            if isinstance(base, RegisteredNode) and base.toml is float:
                widening.append(option)  # a registered float type takes an int as it does alone
        # int widens to float only when no option takes the int itself
        for option in widening:
            by_type.setdefault(int, option)
        self.by_type = by_type

    @property
    def accepts(self) -> tuple[type, ...]:
        return tuple(self.by_type)

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        return tuple(k for o in self.options for k in o.toml_kinds)

    def structure(self, value: Any) -> Any:
        option = self.by_type.get(type(value))
        if option is None:
            if (held := held_value(value)) is not MISSING:  # a numpy scalar: the Python value it holds
                return self.structure(held)
            raise self.fail(value)
        return option.structure(value)

    def unstructure(self, value: Any, mask: bool) -> Any:
        return self.by_type[type(value)].unstructure(value, mask)

    def describe(self) -> str:
        return " | ".join(o.describe() for o in self.options)

    def children(self) -> tuple[Node, ...]:
        return self.options


Check = tuple[Callable[[Any], bool], str, Any]


class ConstrainedNode(Node):
    """A node with ``annotated-types`` bounds: ``must be > 0, got -5``."""

    __slots__ = ("checks", "constraints", "inner")

    def __init__(self, inner: TypeNode, checks: list[Check], constraints: tuple[Any, ...]) -> None:
        self.inner = inner
        self.checks = checks
        self.constraints = constraints

    @property
    def accepts(self) -> tuple[type, ...]:
        return self.inner.accepts

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        return self.inner.toml_kinds

    @property
    def plain(self) -> bool:
        return self.inner.plain

    @property
    def base(self) -> TypeNode:
        return self.inner.base

    def structure(self, value: Any) -> Any:
        value = self.inner.structure(value)
        for ok, text, shown in self.checks:
            if not ok(value):
                raise Invalid.one(f"must {text}, got {shown(value)}")
        return value

    def unstructure(self, value: Any, mask: bool) -> Any:
        return self.inner.unstructure(value, mask)

    def describe(self) -> str:
        return self.inner.describe()

    def children(self) -> tuple[Node, ...]:
        return (self.inner,)


_NUMBERS = frozenset({"bool", "int", "float"})


def needs_strict_key(node: Node) -> bool:
    """Whether values of ``node`` may be ``==`` in Python yet differ in TOML (``False``, ``0``, ``0.0``)."""
    if isinstance(node, AnyNode):
        return True
    if isinstance(node, UnionNode):
        kinds = {
            k for option in node.options for k in option.toml_kinds if not isinstance(option, FloatNode) or k != "int"
        }
        if len(kinds & _NUMBERS) > 1:
            return True
    if isinstance(node, LiteralNode) and len({type(v) for v in node.values} & {bool, int}) > 1:
        return True
    if isinstance(node, ConfigNode):
        return False
    return any(needs_strict_key(child) for child in node.children())


#: The key of a variant's table that names its variant.
KIND_KEY = "kind"


class VariantNode(Node):
    """One of several config classes, chosen by the tag under ``kind`` in its table.

    ``default_tag`` is the variant meant where a table leaves ``kind`` out: the
    field's default's, or ``None`` where there is none (then ``kind`` is required).
    ``old_tags`` maps each tag a member used to have to its current one.
    """

    __slots__ = ("by_cls", "default_tag", "members", "old_tags")
    toml_kinds = ("table",)

    def __init__(self, members: dict[str, ConfigNode], old_tags: dict[str, str], default_tag: str | None = None):
        self.members = members
        self.old_tags = old_tags
        self.default_tag = default_tag
        self.by_cls = {m.cls: (tag, m) for tag, m in members.items()}

    def with_default(self, tag: str | None) -> VariantNode:
        return VariantNode(self.members, self.old_tags, tag)

    @property
    def accepts(self) -> tuple[type, ...]:
        return tuple(self.by_cls)

    def tag_of(self, data: Mapping[str, Any]) -> str | None:
        """The current tag a table names (old tags mapped), its default's when it names none, else ``None``."""
        kind = data.get(KIND_KEY)
        if kind is None:
            return self.default_tag
        if type(kind) is str:
            return kind if kind in self.members else self.old_tags.get(kind, kind)
        return None

    def member(self, data: Any) -> ConfigNode | None:
        """The variant a table (or an instance) is of, if it names a known one."""
        if isinstance(data, Mapping):
            tag = self.tag_of(data)
            return self.members.get(tag) if tag is not None else None
        found = self.by_cls.get(type(data))
        return found[1] if found is not None else None

    def structure(self, value: Any) -> Any:
        cls = type(value)
        if cls is dict or (cls not in self.by_cls and isinstance(value, Mapping)):
            kind = value.get(KIND_KEY, MISSING)
            if kind is MISSING:
                tag = self.default_tag
                if tag is None:
                    raise Invalid.one(f"missing kind; one of {self.tags()}")
                return self.members[tag].spec.build(value)
            member = self.members.get(kind) if type(kind) is str else None
            if member is None:
                member = self._old_or_fail(kind)
            return member.spec.build_variant(value)
        if cls in self.by_cls:
            return value
        raise Invalid.one(f"expected a table ({self.describe()}), {got(value)}")

    def tags(self) -> str:
        return ", ".join(repr(t) for t in self.members)

    def _old_or_fail(self, kind: Any) -> ConfigNode:
        if type(kind) is not str:
            raise Invalid.one(f"expected a str naming the variant, one of {self.tags()}; {got(kind)}", (KIND_KEY,))
        current = self.old_tags.get(kind)
        if current is not None:
            return self.members[current]
        import difflib

        close = difflib.get_close_matches(kind, list(self.members), n=1, cutoff=0.6) if len(kind) <= 200 else []
        hint = f"did you mean {close[0]!r}?" if close else f"one of {self.tags()}"
        raise Invalid.one(f"unknown kind {literal(kind)}; {hint}", (KIND_KEY,))

    def unstructure(self, value: Any, mask: bool) -> Any:
        tag, member = self.by_cls[type(value)]
        return {KIND_KEY: tag, **member.unstructure(value, mask)}

    def describe(self) -> str:
        return " | ".join(m.cls.__name__ for m in self.members.values())

    def children(self) -> tuple[Node, ...]:
        return tuple(self.members.values())


#: Every kind of field type. Code that branches over kinds matches on this union and
#: ends in ``assert_never``, so ``mypy --strict`` names any consumer that misses a kind.
TypeNode: TypeAlias = (
    BoolNode
    | IntNode
    | FloatNode
    | StrNode
    | PathNode
    | DateTimeNode
    | DateNode
    | TimeNode
    | EnumNode
    | LiteralNode
    | RegisteredNode
    | ConfigNode
    | TupleNode
    | FixedTupleNode
    | FrozenSetNode
    | MappingNode
    | AnyNode
    | UnionNode
    | VariantNode
    | ConstrainedNode
)
