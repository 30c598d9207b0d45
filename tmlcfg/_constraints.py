"""``annotated-types`` metadata turned into checks, refused where it cannot apply."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import annotated_types as at

from ._nodes import (
    Check,
    ConstrainedNode,
    DateNode,
    DateTimeNode,
    FixedTupleNode,
    FloatNode,
    FrozenSetNode,
    IntNode,
    MappingNode,
    Node,
    RegisteredNode,
    StrNode,
    TimeNode,
    TupleNode,
    TypeNode,
)
from ._show import literal

_ORDERED = (IntNode, FloatNode, DateTimeNode, DateNode, TimeNode, RegisteredNode)
_SIZED = (StrNode, TupleNode, FixedTupleNode, FrozenSetNode, MappingNode)


class Bound(NamedTuple):
    """What one of annotated-types' order bounds means, for every place that reads bounds."""

    attr: str  # where the bound sits on the annotation: Gt(0).gt
    sign: str  # as messages say it
    op: Callable[[Any, Any], bool]  # value op bound must hold
    schema_key: str  # JSON Schema's keyword
    lower: bool  # a lower bound (Gt, Ge) rather than an upper one
    exclusive: bool  # the bound itself is refused


#: The one table of order bounds: checks, schemas, strategies and messages all read it.
BOUNDS: dict[type, Bound] = {
    at.Gt: Bound("gt", ">", operator.gt, "exclusiveMinimum", lower=True, exclusive=True),
    at.Ge: Bound("ge", ">=", operator.ge, "minimum", lower=True, exclusive=False),
    at.Lt: Bound("lt", "<", operator.lt, "exclusiveMaximum", lower=False, exclusive=True),
    at.Le: Bound("le", "<=", operator.le, "maximum", lower=False, exclusive=False),
}
SUPPORTED = "Gt, Ge, Lt, Le, Interval, MultipleOf, MinLen, MaxLen"


def _base(node: TypeNode) -> TypeNode:
    return node.inner if isinstance(node, ConstrainedNode) else node


def _bound_fits(node: Node, bound: Any) -> bool:
    if isinstance(node, (IntNode, FloatNode)):
        return type(bound) in (int, float)
    if isinstance(node, RegisteredNode):
        try:  # a registered type takes bounds of its own type, if its values can be ordered
            return type(bound) is node.tp and (bound <= bound) is True  # type: ignore[operator]
        except TypeError:
            return False
    want: dict[type[Node], type] = {DateTimeNode: dt.datetime, DateNode: dt.date, TimeNode: dt.time}
    return type(bound) is want[type(node)]


def constrain(node: TypeNode, metadata: tuple[Any, ...]) -> TypeNode | str:
    """The node with the checks added, or the reason it cannot take them."""
    base = _base(node)
    checks: list[Check] = list(node.checks) if isinstance(node, ConstrainedNode) else []
    flat: list[Any] = []
    for meta in metadata:
        flat.extend(meta if isinstance(meta, at.Interval) else [meta])
    for meta in flat:
        kind = type(meta)
        if kind in BOUNDS:
            attr, sign, op = BOUNDS[kind][:3]
            bound = getattr(meta, attr)
            if not isinstance(base, _ORDERED):
                return f"{kind.__name__} cannot apply to {base.describe()}"
            if not _bound_fits(base, bound):
                return f"the bound of {kind.__name__}({bound!r}) does not fit {base.describe()}"
            # values of a registered type are shown as the file holds them: "90s", not timedelta(seconds=90)
            shown = (
                (lambda v, to_toml=base.to_toml: literal(to_toml(v))) if isinstance(base, RegisteredNode) else literal
            )
            checks.append((_compare(op, bound), f"be {sign} {shown(bound)}", shown))
        elif kind is at.MultipleOf:
            if not isinstance(base, (IntNode, FloatNode)):
                return f"MultipleOf cannot apply to {base.describe()}"
            step = meta.multiple_of
            checks.append((_multiple(step), f"be a multiple of {literal(step)}", literal))
        elif kind in (at.MinLen, at.MaxLen):
            if not isinstance(base, _SIZED):
                return f"{kind.__name__} cannot apply to {base.describe()}"
            unit = "character" if isinstance(base, StrNode) else "item"
            if kind is at.MinLen:
                n = meta.min_length
                text = f"have at least {n} {unit}{'s' * (n != 1)}"
                checks.append((_compare(_longer, n), text, _length))
            else:
                n = meta.max_length
                text = f"have at most {n} {unit}{'s' * (n != 1)}"
                checks.append((_compare(_shorter, n), text, _length))
        else:
            return f"unsupported constraint {meta!r}; tmlcfg checks {SUPPORTED}"
    before = node.constraints if isinstance(node, ConstrainedNode) else ()
    return ConstrainedNode(base, checks, before + tuple(flat))


def _as_toml(to_toml: Callable[[Any], Any]) -> Callable[[Any], str]:
    return lambda v: literal(to_toml(v))


def _compare(op: Callable[[Any, Any], bool], bound: Any) -> Callable[[Any], bool]:
    return lambda v: op(v, bound)


def _length(value: Any) -> str:
    return f"{len(value)}"


def _multiple(step: Any) -> Callable[[Any], bool]:
    return lambda v: v % step == 0


def _longer(value: Any, n: int) -> bool:
    return len(value) >= n


def _shorter(value: Any, n: int) -> bool:
    return len(value) <= n
