"""Scalar field types: each node structures one TOML value strictly and unstructures it.

A node's ``structure`` returns the value or raises :class:`Invalid`; the
compound nodes (tables, arrays, unions, bounds) in :mod:`.nodes` build on these.
"""

from __future__ import annotations

import datetime as dt
import enum
import pathlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from .._base.errors import DefinitionError, Invalid
from .._base.foreign import held_value
from .._base.keypaths import lone_surrogate
from .._base.kinds import TOML_KINDS
from .._base.limits import INT_MAX, INT_MIN
from .._base.sentinels import MISSING
from .._base.wording import MASKING, failure, got, literal, scrub

if TYPE_CHECKING:
    from .nodes import TypeNode


class Node:
    """One field type. ``accepts`` lists the exact Python types it takes."""

    __slots__ = ()

    # Read-only properties here, so that a node may give each as a class attribute or compute it.
    @property
    def accepts(self) -> tuple[type, ...]:
        """The exact Python types the node takes."""
        return ()

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        """The TOML value kinds this node reads, to refuse ambiguous unions."""
        return ()

    @property
    def plain(self) -> bool:
        """True when ``unstructure`` is the identity (a speed-up for plain scalars)."""
        return False

    def structure(self, value: Any) -> Any:
        raise NotImplementedError

    def unstructure(self, value: Any, mask: bool) -> Any:
        return value

    def describe(self) -> str:
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    @property
    def base(self) -> TypeNode:
        """The node without its bounds: the node itself, or a bounded node's inner one."""
        return cast("TypeNode", self)

    def fail(self, value: Any) -> Invalid:
        return Invalid.one(f"expected {self.describe()}, {got(value)}")


def out_of_range(value: int, hint: str = "") -> Invalid:
    """The problem with an integer that TOML cannot hold: outside signed 64-bit."""
    return Invalid.one(f"{literal(value)} is outside the signed 64-bit range TOML integers have{hint}")


class BoolNode(Node):
    __slots__ = ()
    accepts = (bool,)
    toml_kinds = ("bool",)
    plain = True

    def structure(self, value: Any) -> Any:
        if value is True or value is False:
            return value
        if type(held := held_value(value)) is bool:  # numpy.bool_
            return held
        raise self.fail(value)

    def describe(self) -> str:
        return "bool"


class IntNode(Node):
    __slots__ = ()
    accepts = (int,)
    toml_kinds = ("int",)
    plain = True

    def structure(self, value: Any) -> Any:
        if type(value) is int:
            if INT_MIN <= value <= INT_MAX:
                return value
            raise out_of_range(value)
        if type(held := held_value(value)) is int:  # numpy.integer
            return self.structure(held)
        raise self.fail(value)

    def describe(self) -> str:
        return "int"


class FloatNode(Node):
    """Floats, and ints widened to floats: the one widening law 4 allows."""

    __slots__ = ()
    accepts = (float, int)
    toml_kinds = ("float", "int")
    plain = True

    def structure(self, value: Any) -> Any:
        cls = type(value)
        if cls is float:
            if value != value:
                # nan != nan would break equality, hashing and the round-trip law
                raise Invalid.one("nan is not allowed; use inf or a number")
            return value
        if cls is int:
            if INT_MIN <= value <= INT_MAX:
                return float(value)
            raise out_of_range(value, "; write it as a float, such as 1e30")
        if type(held := held_value(value)) is float or type(held) is int:  # numpy.floating, numpy.integer
            return self.structure(held)
        raise self.fail(value)

    def describe(self) -> str:
        return "float"


class StrNode(Node):
    __slots__ = ()
    accepts = (str,)
    toml_kinds = ("str",)
    plain = True

    def structure(self, value: Any) -> Any:
        if type(value) is str:
            if value.isascii() or (bad := lone_surrogate(value)) is None:
                return value
            raise Invalid.one(f"the text {bad}")
        raise self.fail(value)

    def describe(self) -> str:
        return "str"


class PathNode(Node):
    __slots__ = ()
    accepts = (str, pathlib.PosixPath, pathlib.WindowsPath)
    toml_kinds = ("str",)

    def structure(self, value: Any) -> Any:
        if type(value) is str or isinstance(value, pathlib.PurePath):
            if (bad := lone_surrogate(str(value))) is not None:
                raise Invalid.one(f"the path {bad}")
            return pathlib.Path(value)
        raise self.fail(value)

    def unstructure(self, value: Any, mask: bool) -> Any:
        return str(value)

    def describe(self) -> str:
        return "path (str)"


class _TemporalNode(Node):
    __slots__ = ()
    name = ""

    def structure(self, value: Any) -> Any:
        if type(value) is self.accepts[0]:
            return self.check(value)
        raise self.fail(value)

    def check(self, value: Any) -> Any:
        offset = value.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            raise Invalid.one("TOML offsets are whole minutes; got an offset with seconds")
        return value

    def describe(self) -> str:
        return self.name


class DateTimeNode(_TemporalNode):
    __slots__ = ()
    accepts = (dt.datetime,)
    toml_kinds = ("datetime",)
    plain = True
    name = "datetime"


class DateNode(_TemporalNode):
    __slots__ = ()
    accepts = (dt.date,)
    toml_kinds = ("date",)
    plain = True
    name = "date"

    def check(self, value: Any) -> Any:
        return value


class TimeNode(_TemporalNode):
    __slots__ = ()
    accepts = (dt.time,)
    toml_kinds = ("time",)
    plain = True
    name = "time"

    def check(self, value: Any) -> Any:
        if value.tzinfo is not None:
            raise Invalid.one("a TOML time has no timezone; drop the tzinfo")
        return value


class EnumNode(Node):
    """An enum read from its values (as TOML holds them), never its names."""

    __slots__ = ("by_value", "cls", "value_type")

    def __init__(self, cls: type[enum.Enum], value_type: type) -> None:
        self.cls = cls
        self.value_type = value_type
        self.by_value = {m.value: m for m in cls}

    @property
    def accepts(self) -> tuple[type, ...]:
        return (self.value_type, self.cls)

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        return ("str",) if self.value_type is str else ("int",)

    def structure(self, value: Any) -> Any:
        if type(value) is self.cls:
            return value
        if type(value) is self.value_type:
            member = self.by_value.get(value)
            if member is not None:
                return member
        elif type(held := held_value(value)) is self.value_type:  # numpy.integer for an int enum
            return self.structure(held)
        allowed = ", ".join(literal(v, public=True) for v in self.by_value)
        raise Invalid.one(f"expected one of {allowed}, {got(value)}")

    def unstructure(self, value: Any, mask: bool) -> Any:
        return value.value

    def describe(self) -> str:
        return self.cls.__name__


class LiteralNode(Node):
    __slots__ = ("allowed", "values")

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values
        self.allowed = {(type(v), v) for v in values}

    @property
    def accepts(self) -> tuple[type, ...]:
        return tuple(dict.fromkeys(type(v) for v in self.values))

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        names = {bool: "bool", int: "int", str: "str"}
        return tuple(dict.fromkeys(names[type(v)] for v in self.values))

    plain = True

    def structure(self, value: Any) -> Any:
        try:
            if (type(value), value) in self.allowed:
                return value
        except TypeError:  # unhashable input
            pass
        if (held := held_value(value)) is not MISSING:  # numpy.integer or numpy.bool_
            return self.structure(held)
        allowed = ", ".join(literal(v, public=True) for v in self.values)
        raise Invalid.one(f"expected one of {allowed}, {got(value)}")

    def describe(self) -> str:
        return "Literal[" + ", ".join(literal(v, public=True) for v in self.values) + "]"


#: How a registered type's structure function refuses a value, whose message alone is shown; ArithmeticError
#: is what Decimal("x") (InvalidOperation) and Fraction("1/0") raise for bad text.
_REFUSALS = (ValueError, TypeError, ArithmeticError)


class RegisteredNode(Node):
    """A type taught to tmlcfg with ``register_type``: read from one TOML kind by the user's function.

    Everything else tmlcfg knows of the type (its name in messages, its schema,
    its strategy) sits here too, so every consumer handles every registered type
    the same way.
    """

    __slots__ = ("from_toml", "name", "strategy", "to_toml", "toml", "tp")

    def __init__(
        self,
        tp: type,
        toml: type,
        from_toml: Callable[[Any], Any],
        to_toml: Callable[[Any], Any],
        strategy: Any,
    ) -> None:
        self.tp = tp
        self.toml = toml
        self.from_toml = from_toml
        self.to_toml = to_toml
        self.strategy = strategy
        self.name = tp.__name__

    @property
    def accepts(self) -> tuple[type, ...]:
        return (self.toml, self.tp)

    @property
    def toml_kinds(self) -> tuple[str, ...]:
        return (TOML_KIND_NAMES[self.toml],)

    def structure(self, value: Any) -> Any:
        cls = type(value)
        if cls is self.tp:
            # given in Python (a default, a constructor's argument): accepted only if it can be written back
            self.written(value)
            return value
        if cls is self.toml or (self.toml is float and cls is int):
            # held to its TOML kind's rules first (64-bit ints, no nan, no lone surrogate; ints
            # widened to float), so the user's function sees what a file can hold, and writing it back can
            text = value
            value = KIND_NODES[self.toml].structure(value)
            try:
                result = self.from_toml(value)
            except Exception as e:  # the user's function may fail any way (a KeyError of a dict lookup, say)
                # the user's message may quote the value, which below a secret must not be shown
                reason = failure(e, _REFUSALS)
                reason = scrub(reason, [text]) if MASKING.get() else reason
                raise Invalid.one(f"invalid {self.name} {literal(text)}: {reason}") from None
            if type(result) is not self.tp:
                raise Invalid.one(
                    f"the structure function registered for {self.name} returned {type(result).__name__}, "
                    f"not {self.name}"
                )
            self.written(result)
            return result
        if (held := held_value(value)) is not MISSING:  # a numpy scalar: the Python value it holds
            return self.structure(held)
        expected = f"expected {self.name} (a TOML {TOML_KIND_NAMES[self.toml]}), {got(value)}"
        raise Invalid.one(expected + self._as_text_hint(value))

    def _as_text_hint(self, value: Any) -> str:
        """For a number where text is wanted (``timeout = 90``): what the same digits, quoted, would do.

        Either the way to write it (``"90"``), or the type's own reason to refuse the text too,
        which names the form it is written in.
        """
        if self.toml is not str or type(value) not in (int, float) or MASKING.get():
            return ""
        text = repr(value)
        try:
            result = self.from_toml(text)
        except Exception as e:  # text the file never held: whatever the function does with it is only a hint
            return f"; as text it would be refused too: {failure(e, _REFUSALS)}"
        return f"; write it as text: {literal(text)}" if type(result) is self.tp else ""

    def written(self, value: Any) -> Any:
        """What ``value`` is written as, checked: :class:`Invalid` unless a file can hold it and read it back.

        Called on every value a field takes, so that a value once accepted can always be
        saved: ``dumps``, ``to_dict``, ``fingerprint`` and ``json_schema`` never find it cannot.
        """
        try:
            out = self.to_toml(value)
        except Exception as e:
            # below a secret the function's message may quote the value, in any form: only its type is shown
            reason = type(e).__name__ if MASKING.get() else failure(e, ())
            raise Invalid.one(f"the unstructure function registered for {self.name} failed: {reason}") from None
        if type(out) is not self.toml:
            raise Invalid.one(
                f"the unstructure function registered for {self.name} returned {type(out).__name__}, "
                f"not {self.toml.__name__}"
            )
        try:
            KIND_NODES[self.toml].structure(out)
        except Invalid as e:  # a file written with it could not be read back
            reason = "; ".join(p[1] for p in e.problems)
            raise Invalid.one(f"the unstructure function registered for {self.name} returned {reason}") from None
        return out

    def unstructure(self, value: Any, mask: bool) -> Any:
        try:
            return self.written(value)
        except Invalid as e:  # a value never checked by a field: one given to the converter's unstructure
            raise DefinitionError(e.problems[0][1]) from None

    def describe(self) -> str:
        return self.name


#: The built-in scalar nodes, as their own kinds (an analysis returns them as field types).
BuiltInScalar: TypeAlias = BoolNode | IntNode | FloatNode | StrNode | PathNode | DateTimeNode | DateNode | TimeNode

#: The node of every built-in scalar field type.
SCALAR_NODES: dict[type, BuiltInScalar] = {
    bool: BoolNode(),
    int: IntNode(),
    float: FloatNode(),
    str: StrNode(),
    pathlib.Path: PathNode(),
    dt.datetime: DateTimeNode(),
    dt.date: DateNode(),
    dt.time: TimeNode(),
}

#: The name of each TOML scalar kind, by its Python type.
TOML_KIND_NAMES = TOML_KINDS

#: The node of each TOML kind: a registered type's representation is held to its rules.
KIND_NODES: dict[type, BuiltInScalar] = {tp: SCALAR_NODES[tp] for tp in TOML_KINDS}
