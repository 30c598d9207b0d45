"""Generated structuring code: one function per config class for input that is valid.

It checks and freezes in one pass with the node checks inlined, and gives up
(raising anything) at the first thing it does not expect; the caller then runs
the general, error-collecting path of ``ClassSpec.fill``, which alone decides
what is valid and how it is reported. So the fast path may be incomplete, but
never more permissive: every value it accepts, the general path accepts too.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

import annotated_types as at

from ._nodes import (
    BoolNode,
    ConfigNode,
    ConstrainedNode,
    EnumNode,
    FloatNode,
    IntNode,
    LiteralNode,
    Node,
    StrNode,
    TupleNode,
)
from ._paths import any_lone_surrogate, lone_surrogate
from ._spec import MISSING, ClassSpec

_SIGNS = {at.Gt: ("gt", ">"), at.Ge: ("ge", ">="), at.Lt: ("lt", "<"), at.Le: ("le", "<=")}


class GiveUp(Exception):
    """The fast path met something it leaves to the general path."""


class _Source:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"GiveUp": GiveUp, "MISSING": MISSING}

    def const(self, value: Any, hint: str) -> str:
        name = f"{hint}_{len(self.names)}"
        self.names[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _scalar_check(node: Node, var: str, src: _Source, indent: int) -> bool:
    """Inline the check of a scalar node on ``var``; False when the node is not one of those."""
    if isinstance(node, StrNode):
        src.emit(indent, f"if type({var}) is not str: raise GiveUp")
        src.emit(indent, f"if not {var}.isascii() and {src.const(lone_surrogate, 'lone')}({var}): raise GiveUp")
    elif isinstance(node, IntNode):
        src.emit(indent, f"if type({var}) is not int: raise GiveUp")
    elif isinstance(node, BoolNode):
        src.emit(indent, f"if {var} is not True and {var} is not False: raise GiveUp")
    elif isinstance(node, FloatNode):
        src.emit(indent, f"if type({var}) is not float:")
        src.emit(indent + 1, f"if type({var}) is not int: raise GiveUp")
        src.emit(indent + 1, f"{var} = float({var})")
        src.emit(indent, f"elif {var} != {var}: raise GiveUp")
    elif isinstance(node, EnumNode):
        by_value = src.const(node.by_value, "by_value")
        cls = src.const(node.cls, "enum")
        kind = src.const(node.value_type, "value_type")
        src.emit(indent, f"if type({var}) is {kind}:")
        src.emit(indent + 1, f"{var} = {by_value}.get({var})")
        src.emit(indent + 1, f"if {var} is None: raise GiveUp")
        src.emit(indent, f"elif type({var}) is not {cls}: raise GiveUp")
    elif isinstance(node, LiteralNode):
        allowed = src.const(frozenset(node.allowed), "allowed")
        src.emit(indent, f"if (type({var}), {var}) not in {allowed}: raise GiveUp")
    elif isinstance(node, ConstrainedNode) and all(type(c) in _SIGNS for c in node.constraints):
        if not _scalar_check(node.inner, var, src, indent):
            return False
        tests = []
        for c in node.constraints:
            attr, sign = _SIGNS[type(c)]
            tests.append(f"{var} {sign} {src.const(getattr(c, attr), 'bound')}")
        src.emit(indent, f"if not ({' and '.join(tests)}): raise GiveUp")
    else:
        return False
    return True


def _value(node: Node, var: str, src: _Source, indent: int) -> None:
    """Code that checks and freezes ``var`` in place, giving up on anything unexpected."""
    if _scalar_check(node, var, src, indent):
        return
    if isinstance(node, ConfigNode):
        cls = src.const(node.cls, "cls")
        build = src.const(node.spec.fast_attempt(), "attempt")
        src.emit(indent, f"if type({var}) is dict: {var} = {build}({var})")
        src.emit(indent, f"elif type({var}) is not {cls}: raise GiveUp")
        return
    if isinstance(node, TupleNode) and isinstance(node.item, (StrNode, IntNode)):
        kind = "str" if isinstance(node.item, StrNode) else "int"
        src.emit(indent, f"if type({var}) is not list and type({var}) is not tuple: raise GiveUp")
        if kind == "str":
            src.emit(indent, f"if {src.const(any_lone_surrogate, 'surrogates')}({var}): raise GiveUp")
        src.emit(indent, f"for _x in {var}:")
        src.emit(indent + 1, f"if type(_x) is not {kind}: raise GiveUp")
        src.emit(indent, f"{var} = tuple({var})")
        return
    if isinstance(node, TupleNode) and isinstance(node.item, ConfigNode):
        cls = src.const(node.item.cls, "cls")
        build = src.const(node.item.spec.fast_attempt(), "attempt")
        src.emit(indent, f"if type({var}) is not list and type({var}) is not tuple: raise GiveUp")
        src.emit(indent, f"{var} = tuple([{build}(_x) if type(_x) is dict else _x for _x in {var}])")
        src.emit(indent, f"for _x in {var}:")
        src.emit(indent + 1, f"if type(_x) is not {cls}: raise GiveUp")
        return
    if isinstance(node, ConstrainedNode):
        _value(node.inner, var, src, indent)
        checks = src.const(tuple(ok for ok, _, _ in node.checks), "checks")
        src.emit(indent, f"for _ok in {checks}:")
        src.emit(indent + 1, f"if not _ok({var}): raise GiveUp")
        return
    structure = src.const(node.structure, "structure")
    src.emit(indent, f"{var} = {structure}({var})")


def _slot_setter(cls: type, name: str) -> Any:
    """The slot's own ``__set__``: faster than ``object.__setattr__``, which looks the slot up first."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name].__set__
    raise AttributeError(name)  # pragma: no cover - attrs gives every field a slot


def _body(spec: ClassSpec, src: _Source, indent: int) -> None:
    """The fast path's statements: fill ``inst`` from ``data`` or raise."""
    known = src.const(frozenset(spec.by_name), "known")
    src.emit(indent, f"if type(data) is not dict or not (data.keys() <= {known}): raise GiveUp")
    src.emit(indent, "get = data.get")
    names = {f.name: f"v{i}" for i, f in enumerate(spec.fields)}
    for f in spec.fields:
        var = names[f.name]
        key = src.const(f.name, "key")
        src.emit(indent, f"{var} = get({key}, MISSING)")
        missing = f"{var} is MISSING" + (f" or {var} is None" if f.optional else "")
        group_default = f.group is not None and f.group.default_member == f.name
        src.emit(indent, f"if {missing}:")
        if group_default:
            src.emit(indent + 1, f"{var} = MISSING")
        elif f.required:
            src.emit(indent + 1, "raise GiveUp")
        elif f.factory is not None:
            field_structure = src.const(f.structure, "field")
            factory = src.const(f.factory, "factory")
            src.emit(indent + 1, f"{var} = {field_structure}({factory}())")
        else:
            src.emit(indent + 1, f"{var} = {src.const(f.default, 'default')}")
        src.emit(indent, "else:")
        if f.validator is not None or f.secret:
            src.emit(indent + 1, f"{var} = {src.const(f.structure, 'field')}({var})")
        else:
            _value(f.node, var, src, indent + 1)
    for group in spec.groups:
        members = [names[m] for m in group.members]
        default = names[group.default_member] if group.default_member else None
        chosen = " + ".join(f"({v} is not None and {v} is not MISSING)" for v in members)
        src.emit(indent, f"_n = {chosen}")
        if default is not None:
            value = src.const(spec.by_name[group.default_member].default_value, "default")  # type: ignore[index]
            src.emit(indent, f"if {default} is MISSING:")
            src.emit(indent + 1, f"{default} = {value}() if _n == 0 else None")
            src.emit(indent + 1, "_n = _n or 1")
        test = "_n != 1" if group.exactly_one else "_n > 1"
        src.emit(indent, f"if {test}: raise GiveUp")
    for f in spec.fields:
        setter = src.const(_slot_setter(spec.cls, f.name), "set")
        src.emit(indent, f"{setter}(inst, {names[f.name]})")
    if spec.post_init is not None:
        src.emit(indent, f"{src.const(spec.post_init, 'post_init')}(inst)")


Compiled = tuple[Callable[[Any], Any], Callable[[Any, Any], None], Callable[[Any], Any]]


def compile_build(spec: ClassSpec) -> Compiled:
    """``build(data)``, ``fill(inst, data)`` and ``attempt(data)``.

    ``build`` runs the fast path and, when it gives up, ``spec.fill_checked``,
    which raises the detailed problems. ``fill`` and ``attempt`` only give up:
    nested configs use ``attempt``, so that a mistake deep inside is checked in
    detail once, from the top, not once more at every level above it.
    """
    src = _Source()
    src.emit(0, "def fill(inst, data):")
    _body(spec, src, 1)
    new = src.const(object.__new__, "new")
    cls = src.const(spec.cls, "cls")
    checked = src.const(spec.fill_checked, "checked")
    src.emit(0, "def build(data):")
    src.emit(1, f"inst = {new}({cls})")
    src.emit(1, "try:")
    _body(spec, src, 2)  # inlined rather than a call to fill: one call less per config
    src.emit(1, "except Exception:")
    src.emit(2, f"{checked}(inst, data)")
    src.emit(1, "return inst")
    src.emit(0, "def attempt(data):")
    src.emit(1, f"inst = {new}({cls})")
    _body(spec, src, 1)
    src.emit(1, "return inst")
    # Constants become closure variables of a maker: cell lookups on the hot path, not global ones.
    params = ", ".join(src.names)
    body = "".join(f"    {line}\n" for line in src.lines)
    text = f"def make({params}):\n{body}    return build, fill, attempt\n"
    filename = f"<tmlcfg generated build {spec.cls.__module__}.{spec.cls.__qualname__}>"
    # so tracebacks and profilers can show the generated lines
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(text, filename, "exec"), namespace)
    made: Compiled = namespace["make"](**src.names)
    return made
