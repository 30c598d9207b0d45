"""``annotated-types`` metadata turned into checks, refused where it cannot apply."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

import annotated_types as at

from .._base.errors import Invalid
from .._base.limits import INT_MAX, INT_MIN
from .._base.wording import MASKING, literal
from .nodes import (
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
_INF = float("inf")
SUPPORTED = "Gt, Ge, Lt, Le, Interval, MultipleOf, MinLen, MaxLen"


def _bound_fits(node: Node, bound: Any) -> bool:
    if isinstance(node, (IntNode, FloatNode)):
        return type(bound) in (int, float) and bound == bound  # nan compares false with everything
    if isinstance(node, RegisteredNode):
        try:  # a registered type takes bounds of its own type, if its values can be ordered
            return type(bound) is node.tp and (bound <= bound) is True  # type: ignore[operator]
        except TypeError:
            return False
    want: dict[type[Node], type] = {DateTimeNode: dt.datetime, DateNode: dt.date, TimeNode: dt.time}
    return type(bound) is want[type(node)]


def constrain(node: TypeNode, metadata: tuple[Any, ...]) -> TypeNode | str:
    """The node with the checks added, or the reason it cannot take them."""
    base = node.base
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
            shown = _as_toml(base.to_toml) if isinstance(base, RegisteredNode) else literal
            checks.append((_compare(op, bound), f"be {sign} {shown(bound)}", shown))
        elif kind is at.MultipleOf:
            if not isinstance(base, (IntNode, FloatNode)):
                return f"MultipleOf cannot apply to {base.describe()}"
            step = meta.multiple_of
            if type(step) not in (int, float) or step != step or step in (_INF, -_INF):
                return f"MultipleOf needs a finite int or float step, not {step!r}"
            if step == 0:
                return "MultipleOf(0) allows only 0; give a step other than 0"
            checks.append((_multiple(step), f"be a multiple of {literal(step)}", literal))
        elif kind in (at.MinLen, at.MaxLen):
            if not isinstance(base, _SIZED):
                return f"{kind.__name__} cannot apply to {base.describe()}"
            n = meta.min_length if kind is at.MinLen else meta.max_length
            if type(n) is not int or n < 0:
                return f"{kind.__name__} needs a length that is an int >= 0, not {n!r}"
            unit = "character" if isinstance(base, StrNode) else "item"
            if kind is at.MinLen:
                text = f"have at least {n} {unit}{'s' * (n != 1)}"
                checks.append((_compare(_longer, n), text, _length))
            else:
                text = f"have at most {n} {unit}{'s' * (n != 1)}"
                checks.append((_compare(_shorter, n), text, _length))
        else:
            return f"unsupported constraint {meta!r}; tmlcfg checks {SUPPORTED}"
    before = node.constraints if isinstance(node, ConstrainedNode) else ()
    constraints = before + tuple(flat)
    empty = _empty(base, constraints)
    if empty is not None:
        return empty
    return ConstrainedNode(base, checks, constraints)


def _empty(base: Node, constraints: tuple[Any, ...]) -> str | None:
    """Why no value can meet all of ``constraints``, when that is plain from the bounds alone."""
    if isinstance(base, _SIZED):
        low = max((c.min_length for c in constraints if type(c) is at.MinLen), default=0)
        high = min((c.max_length for c in constraints if type(c) is at.MaxLen), default=None)
        if high is not None and low > high:
            return f"no value is at least {low} and at most {high} long; the length bounds contradict"
        return None
    if not isinstance(base, (IntNode, FloatNode)):
        return None  # dates and times: a naive bound says nothing of aware values
    lows = [(getattr(c, BOUNDS[type(c)].attr), type(c) is at.Gt) for c in constraints if type(c) in (at.Gt, at.Ge)]
    highs = [(getattr(c, BOUNDS[type(c)].attr), type(c) is at.Lt) for c in constraints if type(c) in (at.Lt, at.Le)]
    if isinstance(base, IntNode):
        # the smallest and largest ints each bound allows, with TOML's 64-bit range
        lows = [(_clamp(b), strict) for b, strict in lows]
        highs = [(_clamp(b), strict) for b, strict in highs]
        least = max([INT_MIN, *(math.floor(b) + 1 if strict else math.ceil(b) for b, strict in lows)])
        most = min([INT_MAX, *(math.ceil(b) - 1 if strict else math.floor(b) for b, strict in highs)])
        if least > most:
            return "no int meets all of the bounds " + ", ".join(map(repr, constraints))
        return None
    for low, low_strict in lows:
        for high, high_strict in highs:
            if low > high or (low == high and (low_strict or high_strict)):
                return "no float meets all of the bounds " + ", ".join(map(repr, constraints))
    return None


def _clamp(bound: float) -> float:
    # inf has no floor; past the 64-bit range every bound says the same
    return max(min(bound, INT_MAX + 1), INT_MIN - 1)


def _as_toml(to_toml: Callable[[Any], Any]) -> Callable[[Any], str]:
    return lambda v: literal(to_toml(v))


def _compare(op: Callable[[Any, Any], bool], bound: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        try:
            return op(value, bound)
        except TypeError:
            # an aware datetime against a naive bound, or the other way round
            if isinstance(value, dt.datetime):
                have = "an aware" if value.tzinfo is not None else "a naive"
                bound_kind = "an aware" if bound.tzinfo is not None else "a naive"
                fix = "add its offset" if value.tzinfo is None else "drop its offset"
                raise Invalid.one(
                    f"{have} datetime cannot be compared with the bound {literal(bound)}, which is "
                    f"{bound_kind} datetime; {fix} to match the bound"
                ) from None
            raise Invalid.one(f"cannot be compared with the bound {literal(bound)}") from None

    return check


def _length(value: Any) -> str:
    return literal(value) if MASKING.get() else f"{len(value)}"  # a secret's length is not shown either


def _multiple(step: Any) -> Callable[[Any], bool]:
    if type(step) is int:
        exact = Fraction(step)
    else:
        exact = Fraction(repr(step))

    def check(value: Any) -> bool:
        if type(value) is int:
            return value % step == 0 if type(step) is int else Fraction(value) % exact == 0
        if value in (_INF, -_INF):
            return False
        # the decimal a user writes, not the binary float nearest it: 0.3 is a multiple of 0.1
        return Fraction(repr(value)) % exact == 0

    return check


def _longer(value: Any, n: int) -> bool:
    return len(value) >= n


def _shorter(value: Any, n: int) -> bool:
    return len(value) <= n
