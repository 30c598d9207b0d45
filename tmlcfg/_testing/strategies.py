"""``configs(C)``: a Hypothesis strategy of valid instances, built from C's own field types."""

from __future__ import annotations

import datetime as dt
import math
import pathlib
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, assert_never

import annotated_types as at
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._base.errors import ConfigError, DefinitionError, Invalid
from .._base.frozen import FrozenDict, StrictFrozenSet, strict_key
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._engine.constraints import BOUNDS
from .._engine.converter import require_spec
from .._engine.nodes import (
    AnyNode,
    BoolNode,
    ConfigNode,
    ConstrainedNode,
    DateNode,
    DateTimeNode,
    EnumNode,
    FixedTupleNode,
    FloatNode,
    FrozenSetNode,
    IntNode,
    LiteralNode,
    MappingNode,
    PathNode,
    RegisteredNode,
    StrNode,
    TimeNode,
    TupleNode,
    TypeNode,
    UnionNode,
    VariantNode,
)
from .._engine.spec import ClassSpec, FieldSpec, field_at

#: collections stay small: a config holds many of them, and Hypothesis's buffer is finite
MAX_ITEMS = 3
#: refused draws after which a check that passes under one draw in ten is reported,
#: before Hypothesis's own filter_too_much health check (50 invalid draws) fails less clearly
MAX_REFUSALS = 20

_INT64 = (-(2**63), 2**63 - 1)
_offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_keys = st.text(max_size=8)
_toml_scalars = st.one_of(
    st.booleans(),
    st.integers(*_INT64),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.datetimes(timezones=st.none() | st.just(dt.UTC) | _offsets),
    st.dates(),
    st.times(),
)
_toml_values: st.SearchStrategy[Any] = st.recursive(
    _toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=MAX_ITEMS).map(tuple)
        | st.dictionaries(_keys, inner, max_size=MAX_ITEMS).map(FrozenDict)
    ),
    max_leaves=6,
)


def _bounded_number(node: ConstrainedNode) -> st.SearchStrategy[Any] | None:
    lo: Any = None
    hi: Any = None
    lo_open = hi_open = False
    step = None
    for c in node.constraints:
        bound = BOUNDS.get(type(c))
        if bound is not None:
            value = getattr(c, bound.attr)
            if bound.lower and (lo is None or value > lo or (value == lo and bound.exclusive)):
                lo, lo_open = value, bound.exclusive
            elif not bound.lower and (hi is None or value < hi or (value == hi and bound.exclusive)):
                hi, hi_open = value, bound.exclusive
        elif isinstance(c, at.MultipleOf):
            step = c.multiple_of
    if isinstance(node.inner, IntNode):
        # an infinite bound has no floor; past the 64-bit range every bound says the same
        lo = lo if lo is None else max(min(lo, _INT64[1] + 1), _INT64[0] - 1)
        hi = hi if hi is None else max(min(hi, _INT64[1] + 1), _INT64[0] - 1)
        low = _INT64[0] if lo is None else math.floor(lo) + 1 if lo_open else math.ceil(lo)
        high = _INT64[1] if hi is None else math.ceil(hi) - 1 if hi_open else math.floor(hi)
        low, high = max(low, _INT64[0]), min(high, _INT64[1])  # bounds wider than TOML's integers
        if step is not None and isinstance(step, int) and step > 0:
            return st.integers(-((-low) // step), high // step).map(lambda k: k * step)
        return st.integers(low, high)
    if isinstance(node.inner, FloatNode):
        return st.floats(
            min_value=lo, max_value=hi, exclude_min=lo_open and lo is not None, exclude_max=hi_open and hi is not None
        ).filter(lambda v: v == v)
    return None


_TOML_KINDS: dict[type, st.SearchStrategy[Any]] = {
    str: st.text(),
    int: st.integers(*_INT64),
    float: st.floats(allow_nan=False),
    bool: st.booleans(),
    dt.datetime: st.datetimes(timezones=st.none() | st.just(dt.UTC) | _offsets),
    dt.date: st.dates(),
    dt.time: st.times(),
}


def _registered(node: RegisteredNode) -> st.SearchStrategy[Any]:
    """The type's own strategy, or its TOML values kept where they structure."""
    strategy = node.strategy
    if strategy is None:
        return _TOML_KINDS[node.toml].map(lambda v: _structured_or_none(node, v)).filter(lambda v: v is not None)
    if not isinstance(strategy, st.SearchStrategy):
        strategy = strategy()  # a function that imports Hypothesis only when testing
    if not isinstance(strategy, st.SearchStrategy):
        raise DefinitionError(
            f"the strategy function registered for {node.name} returned {type(strategy).__name__}, "
            "not a Hypothesis strategy"
        )
    return strategy


def _structured_or_none(node: RegisteredNode, value: Any) -> Any:
    try:
        return node.structure(value)
    except Invalid:
        return None


def _sizes(node: ConstrainedNode) -> tuple[int, int | None]:
    low, high = 0, None
    for c in node.constraints:
        if isinstance(c, at.MinLen):
            low = max(low, c.min_length)
        elif isinstance(c, at.MaxLen):
            high = c.max_length if high is None else min(high, c.max_length)
    return low, high


#: Strategies for classes whose cross-field checks random values rarely pass, by class. Filled by
#: ``tmlcfg.testing`` with the shipped classes' (it sits above this package and imports them).
KNOWN: dict[type, Callable[[Builder, PathTuple], st.SearchStrategy[Any]]] = {}


class Builder:
    def __init__(self, root: type, overrides: dict[PathTuple, Any]) -> None:
        self.root = root
        self.overrides = overrides
        self.refusals: dict[type, tuple[int, int]] = {}
        self.hopeless: set[type] = set()
        self.last_error: dict[type, tuple[PathTuple, ConfigError]] = {}
        #: for each registered type drawn without a strategy, at each field: values refused, and kept
        self.type_refusals: dict[tuple[str, PathTuple], list[int]] = {}
        self.here: PathTuple = ()  # the field whose strategy is being built

    def report(self) -> str:
        """What refused draws, the likeliest cause first: the field of a registered type drawn without a
        strategy, or a class's cross-field check, each with how often it refused.

        The first is the one that refused the largest share of its draws; others are listed
        only when they, too, refused nearly all of theirs.
        """
        causes: list[tuple[float, str]] = []
        for (name, path), (refused, kept) in self.type_refusals.items():
            if refused:
                where = format_path(path) or "a field"
                text = (
                    f"{where}: {name}, registered without a strategy, refused {refused} of the {refused + kept} "
                    f"values drawn for it: register_type a strategy for {name}, or give an override for {where!r}"
                )
                causes.append((refused / (refused + kept), text))
        for cls, (refused, passed) in self.refusals.items():
            if refused:
                path, error = self.last_error[cls]
                text = _refused(self.root, require_spec(cls), path, error, refused, passed).args[0]
                causes.append((refused / (refused + passed), text))
        causes.sort(key=lambda c: -c[0])
        return "\n".join(text for i, (share, text) in enumerate(causes) if i == 0 or share >= 0.9)

    def node(self, node: TypeNode, sizes: tuple[int, int | None] = (0, None)) -> st.SearchStrategy[Any]:
        low, high = sizes
        most = max(low, MAX_ITEMS) if high is None else high
        match node:
            case ConstrainedNode():
                checks = node.checks
                base = _bounded_number(node) if isinstance(node.inner, (IntNode, FloatNode)) else None
                if base is None:
                    base = self.node(node.inner, _sizes(node))
                return base.filter(lambda v: all(ok(v) for ok, _, _ in checks))
            case BoolNode():
                return st.booleans()
            case IntNode():
                return st.integers(*_INT64)
            case FloatNode():
                return st.floats(allow_nan=False)
            case StrNode():
                return st.text(min_size=low, max_size=high if high is not None else 16)
            case PathNode():
                return st.text(max_size=16).filter(lambda s: "\x00" not in s).map(pathlib.Path)
            case DateTimeNode():
                return st.datetimes(timezones=st.none() | st.just(dt.UTC) | _offsets)
            case DateNode():
                return st.dates()
            case TimeNode():
                return st.times()
            case EnumNode():
                return st.sampled_from(list(node.cls))
            case LiteralNode():
                return st.sampled_from(node.values)
            case RegisteredNode():
                return self.registered(node)
            case ConfigNode():
                return self.config(node.spec, ())
            case TupleNode():
                return st.lists(self.node(node.item), min_size=low, max_size=most).map(tuple)
            case FixedTupleNode():
                return st.tuples(*(self.node(n) for n in node.items))
            case FrozenSetNode():
                if node.strict:  # 0 and false both, as such a field keeps them
                    items = st.lists(self.node(node.item), min_size=low, max_size=most, unique_by=strict_key)
                    return items.map(StrictFrozenSet)
                return st.frozensets(self.node(node.item), min_size=low, max_size=most)
            case MappingNode():
                values = _toml_values if isinstance(node.value, AnyNode) else self.node(node.value)
                return st.dictionaries(_keys, values, min_size=low, max_size=most).map(FrozenDict)
            case AnyNode():
                return _toml_values
            case UnionNode():
                return st.one_of([self.node(o) for o in node.options])
            case VariantNode():  # every variant
                return st.one_of([self.config(m.spec, ()) for m in node.members.values()])
            case _:
                assert_never(node)

    def registered(self, node: RegisteredNode) -> st.SearchStrategy[Any]:
        """A registered type's values; drawn without a strategy, the field's refusals are counted, for report."""
        if node.strategy is not None:
            return _registered(node)
        counts = self.type_refusals.setdefault((node.name, self.here), [0, 0])

        def kept(value: Any) -> bool:
            counts[value is not None] += 1
            return value is not None

        return _TOML_KINDS[node.toml].map(lambda v: _structured_or_none(node, v)).filter(kept)

    def field(self, spec: ClassSpec, name: str, path: PathTuple) -> st.SearchStrategy[Any]:
        here = (*path, name)
        if here in self.overrides:
            value = self.overrides[here]
            return value if isinstance(value, st.SearchStrategy) else st.just(value)
        f = spec.by_name[name]
        if isinstance(f.node, ConfigNode):
            values = self.config(f.node.spec, here)
        elif isinstance(f.node, VariantNode):
            values = st.one_of([self.config(m.spec, here) for m in f.node.members.values()])
        else:
            self.here = here
            values = self.node(f.node)
        if f.optional and f.group is None:
            return st.none() | values
        return values

    def config(self, spec: ClassSpec, path: PathTuple) -> st.SearchStrategy[Any]:
        known = KNOWN.get(spec.cls)
        if known is not None and not any(p[: len(path)] == path and len(p) > len(path) for p in self.overrides):
            strategy: st.SearchStrategy[Any] = known(self, path)
            return strategy
        grouped = {m for g in spec.groups for m in g.members}
        plain = {f.name: self.field(spec, f.name, path) for f in spec.fields if f.name not in grouped}
        groups = []
        for group in spec.groups:
            fixed = [m for m in group.members if (*path, m) in self.overrides]
            choices: list[str | None] = [*(fixed or group.members)]
            if not group.exactly_one and not fixed:
                choices = [None, *choices]
            members = {m: self.field(spec, m, path) for m in group.members}
            groups.append((group.members, choices, members))

        @st.composite
        def build(draw: st.DrawFn) -> Any:
            kwargs = {name: draw(values) for name, values in plain.items()}
            for names, choices, members in groups:
                chosen = draw(st.sampled_from(choices))
                for m in names:
                    kwargs[m] = draw(members[m]) if m == chosen else None
            try:
                instance = spec.cls(**kwargs)
            except ConfigError as e:
                self.refused(spec, path, e)
            refused, passed = self.refusals.get(spec.cls, (0, 0))
            self.refusals[spec.cls] = (refused, passed + 1)
            return instance

        return build()

    def refused(self, spec: ClassSpec, path: PathTuple, error: ConfigError) -> NoReturn:
        """Reject the draw; when a class refuses nearly every draw, say which override would help.

        A class once judged hopeless stays so, so that Hypothesis replaying the
        failing draw sees the same error again.
        """
        refused, passed = self.refusals.get(spec.cls, (0, 0))
        refused += 1
        self.refusals[spec.cls] = (refused, passed)
        self.last_error[spec.cls] = (path, error)
        if spec.cls in self.hopeless or (refused >= MAX_REFUSALS and refused > 9 * passed):
            self.hopeless.add(spec.cls)
            raise _refused(self.root, spec, path, error, refused, passed)
        reject()


def _refused(
    root: type, spec: ClassSpec, path: PathTuple, error: ConfigError, refused: int, passed: int
) -> InvalidArgument:
    where = format_path(path) or spec.cls.__name__
    involved = sorted({format_path((*path, *parse_path(p.path)[:1])) for p in error.problems if p.path})
    first = involved[0] if involved else "field.path"
    return InvalidArgument(
        f"the cross-field check of {spec.cls.__name__} (at {where}) refused {refused} draws and passed {passed}, "
        f"the last with:\n{error}\nRandom values rarely pass it: give configs() an override for "
        f"{', '.join(repr(p) for p in involved) or 'the fields it checks'}, "
        f"e.g. configs({root.__name__}, **{{{first!r}: st.just(...)}})"
    )


def _override_paths(spec: ClassSpec, overrides: Mapping[str, Any]) -> dict[PathTuple, Any]:
    out: dict[PathTuple, Any] = {}
    for text, value in overrides.items():
        try:
            path = parse_path(text)
        except PathSyntaxError as e:
            raise InvalidArgument(f"override {text!r}: {e}") from None
        found = _through_variants(spec, path)
        if isinstance(found, str):
            raise InvalidArgument(f"override {text!r}: {found}")
        out[path] = value
    return out


def _through_variants(spec: ClassSpec, path: PathTuple) -> FieldSpec | str:
    """:func:`field_at`, also through variant fields: a field of any of their variants (drawn where it is one)."""
    for depth in range(len(path) - 1):
        f = field_at(spec, path[: depth + 1])
        if isinstance(f, FieldSpec) and isinstance(f.node, VariantNode):
            rest = path[depth + 1 :]
            found = [field_at(m.spec, rest) for m in f.node.members.values()]
            fields = [x for x in found if isinstance(x, FieldSpec)]
            return fields[0] if fields else f"{format_path(path)} is a field of none of the variants of {f.type_text}"
    return field_at(spec, path)


def builder(cls: type, overrides: Mapping[str, Any]) -> tuple[Builder, st.SearchStrategy[Any]]:
    spec = require_spec(cls)
    built = Builder(cls, _override_paths(spec, overrides))
    return built, built.config(spec, ())


def configs(cls: type, **overrides: Any) -> st.SearchStrategy[Any]:
    """A strategy of valid ``cls`` instances: types, bounds, groups, enums and nesting honoured.

    ``overrides`` maps field paths (``"model.relations"``, passed as
    ``**{"model.relations": ...}``) to a strategy or a fixed value, for values
    that a cross-field check needs and random ones rarely give.
    """
    return builder(cls, overrides)[1]
