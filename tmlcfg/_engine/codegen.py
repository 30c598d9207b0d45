"""Generated structuring code: one ``build`` and one ``fill`` per config class.

There is one way a mapping becomes a config, and this is it. For each field the
code first tries an inlined check of the common case (``type(v) is int``, a
nested table built by the nested class's own generated code, ...); anything
else goes to the field's checked structuring (``FieldSpec.check``), which alone
decides what is valid and words every problem. The inlined checks only ever
accept what the checked path accepts (the tests hold them to that,
type-exactly), and they have no side effects, so redoing a value the slow way
costs time, never correctness. Validators, groups and the user's
``__attrs_post_init__`` run once, after every field, whichever way a value came.

``inline=False`` generates the same code with no inlined checks: the tests
compare the two. ``probe`` counts the values that took the slow way, so the
tests can assert that valid input never does.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, assert_never

from .._base.errors import Invalid, RawProblem, prefixed
from .._base.keypaths import lone_surrogate
from .._base.limits import INT_MAX, INT_MIN
from .._base.sentinels import FAILED, GROUP_DEFAULT, MISSING
from .._base.wording import got
from .nodes import (
    KIND_KEY,
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

_serial = itertools.count()

if TYPE_CHECKING:
    from .spec import ClassSpec, FieldSpec


#: Names the generated code uses for itself, and the builtins it calls: no field's local or
#: constant may take one.
_RESERVED = frozenset(
    {
        "data", "get", "inst", "problems", "e", "n", "chosen", "group_problems", "out", "make",
        "build", "fill", "unstructure", "type", "float", "str", "list", "dict", "object", "None",
        "True", "False", "_x",
    }
)  # fmt: skip


class _Source:
    """Lines of generated code and the constants they name, each bound once, under a readable name.

    Names follow the fields (``steps_check``, ``set_steps``), as attrs and cattrs name
    theirs, so that a traceback through generated code says which field it was at.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "Invalid": Invalid,
            "MISSING": MISSING,
            "FAILED": FAILED,
            "failed": _failed,
            "as_dict": _as_dict,
        }
        self.locals: set[str] = set()

    def const(self, value: Any, name: str) -> str:
        """The name ``value`` is bound to: ``name`` if free (or already ``value``'s), else ``name_2``..."""
        candidate, n = name, 1
        while candidate in self.names or candidate in self.locals or candidate in _RESERVED:
            if self.names.get(candidate, MISSING) is value:
                return candidate
            n += 1
            candidate = f"{name}_{n}"
        self.names[candidate] = value
        return candidate

    def local(self, field: str) -> str:
        """The local variable holding ``field``'s value: the field's own name where it is free."""
        name, n = field, 1
        # GROUP_DEFAULT: a constant bound only when the class has groups, so kept free for it
        while name in self.names or name in self.locals or name in _RESERVED or name == "GROUP_DEFAULT":
            n += 1
            name = f"{field}_value" if n == 2 else f"{field}_value_{n - 1}"
        self.locals.add(name)
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _failed(problems: list[RawProblem] | None, key: str, error: Invalid) -> list[RawProblem]:
    """Add a field's problems, under its key, to the problems of the config so far."""
    found = prefixed(key, error.problems)
    if problems is None:
        return found
    problems += found
    return problems


def _as_dict(data: Any, cls: type) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return dict(data)
    raise Invalid.one(f"expected a table ({cls.__name__}), {got(data)}")


def _inline_check(node: TypeNode, var: str, src: _Source) -> str | None:
    """A condition under which ``var`` is valid as it is, or ``None`` when no cheap one exists.

    Only for nodes whose checked ``structure`` returns the value itself when it is valid.
    """
    match node:
        case StrNode():
            # a lone surrogate (not Unicode, no TOML can hold it) goes the checked way, which words it
            ascii_or_clean = f"({var}.isascii() or {src.const(lone_surrogate, 'lone_surrogate')}({var}) is None)"
            return f"type({var}) is str and {ascii_or_clean}"
        case IntNode():
            return f"type({var}) is int and {INT_MIN} <= {var} <= {INT_MAX}"
        case BoolNode():
            return f"({var} is True or {var} is False)"
        case FloatNode():
            return f"type({var}) is float and {var} == {var}"
        case EnumNode():
            return f"type({var}) is {src.const(node.cls, node.cls.__name__)}"
        case LiteralNode():
            kinds = src.const(frozenset(type(v) for v in node.values), f"{var}_kinds")  # only hashable kinds reach it
            allowed = src.const(frozenset(node.allowed), f"{var}_allowed")
            return f"type({var}) in {kinds} and (type({var}), {var}) in {allowed}"
        case DateTimeNode() | DateNode() | TimeNode() | PathNode() | RegisteredNode():
            return None
        case ConfigNode():
            return f"type({var}) is {src.const(node.cls, node.cls.__name__)}"
        case TupleNode() | FixedTupleNode() | FrozenSetNode() | MappingNode() | AnyNode() | UnionNode():
            return None
        case VariantNode():  # the tag chooses the class: its own structure looks it up
            return None
        case ConstrainedNode():
            inner = _inline_check(node.inner, var, src)
            if inner is None:
                return None
            return " and ".join([inner, *_bound_checks(node, var, var, src)])
        case _:
            assert_never(node)


def _common(node: TypeNode) -> bool:
    """Kinds every valid document is full of: valid values of these must never take the slow way."""
    if isinstance(node, ConstrainedNode):
        return _common(node.inner)
    return isinstance(node, (StrNode, IntNode, FloatNode, BoolNode, EnumNode, LiteralNode, ConfigNode))


def _bound_checks(node: ConstrainedNode, expr: str, var: str, src: _Source) -> list[str]:
    """Conditions for the node's constraints on ``expr``: an order bound on a number is a comparison
    written out, anything else a call of its check."""
    from .constraints import BOUNDS  # annotated-types: only for classes with bounds

    numeric = isinstance(node.inner, (IntNode, FloatNode))
    out = []
    for constraint, (ok, _, _) in zip(node.constraints, node.checks, strict=True):
        bound = BOUNDS.get(type(constraint))
        if bound is not None and numeric:
            out.append(f"{expr} {bound.sign} {src.const(getattr(constraint, bound.attr), f'{var}_{bound.attr}')}")
        else:
            out.append(f"{src.const(ok, f'{var}_{type(constraint).__name__.lower()}')}({expr})")
    return out


def _value(
    f: FieldSpec, var: str, src: _Source, indent: int, inline: bool, probe: str | None, lead: str = "if"
) -> None:
    """Code that turns the given ``var`` into the field's value, or records its problems.

    ``lead="elif"`` continues the caller's ``if`` (the value was not given) instead of opening one.
    """
    key = repr(f.name)
    # a secret's checked path words its problems without values; any other field's is its node's
    check = src.const(f.check if f.secret else f.node.structure, f"{var}_check")
    node = f.node
    # the tests count slow-way values of the common kinds, which valid input must never produce
    slow = [f"{probe}[0] += 1"] if probe is not None and _common(node) and not f.secret else []
    slow += ["try:", f"    {var} = {check}({var})", "except Invalid as e:"]
    slow += [f"    problems = failed(problems, {key}, e)", f"    {var} = FAILED"]
    inline = inline and not f.secret  # a secret's problems are worded by its checked path alone
    test = _inline_check(node, var, src) if inline else None
    if test is None:  # the node's own structure is the only way for this type
        if lead == "elif":
            src.emit(indent, "else:")
        for line in slow:
            src.emit(indent + (lead == "elif"), line)
    else:
        # valid as it is, or one of the conversions that change a valid value: a table to a
        # nested config (first: the common case when loading), int to float, a value to its member
        conversions: list[tuple[str, list[str]]] = []
        if isinstance(node, ConfigNode):
            build = src.const(node.spec.generated()[0], f"{var}_build")
            made = ["try:", f"    {var} = {build}({var})", "except Invalid as e:"]
            made += [f"    problems = failed(problems, {key}, e)", f"    {var} = FAILED"]
            src.emit(indent, f"{lead} type({var}) is dict:")
            for line in made:
                src.emit(indent + 1, line)
            src.emit(indent, f"elif not ({test}):")
        else:
            src.emit(indent, f"{lead} not ({test}):")
        if isinstance(node.base, FloatNode):
            bounds = _bound_checks(node, f"float({var})", var, src) if isinstance(node, ConstrainedNode) else []
            in_range = f"type({var}) is int and {INT_MIN} <= {var} <= {INT_MAX}"
            conversions.append((" and ".join([in_range, *bounds]), [f"{var} = float({var})"]))
        if isinstance(node, EnumNode):
            kind = src.const(node.value_type, node.value_type.__name__)
            members = src.const(node.by_value, f"{var}_members")
            conversions.append((f"type({var}) is {kind} and {var} in {members}", [f"{var} = {members}[{var}]"]))
        branch = "if"
        for condition, body in conversions:
            src.emit(indent + 1, f"{branch} {condition}:")
            for line in body:
                src.emit(indent + 2, line)
            branch = "elif"
        if conversions:
            src.emit(indent + 1, "else:")
        for line in slow:
            src.emit(indent + (2 if conversions else 1), line)
    if f.validator is not None:
        assert lead == "if", "a validated value is checked apart from the missing case"
        src.emit(indent, f"if {var} is not FAILED:")
        src.emit(indent + 1, "try:")
        src.emit(indent + 2, f"{src.const(f.validate, f'{var}_validate')}({var})")
        src.emit(indent + 1, "except Invalid as e:")
        src.emit(indent + 2, f"problems = failed(problems, {key}, e)")


_MISSING_KEY = Invalid.one("missing required key")


def _missing(f: FieldSpec, var: str, src: _Source, indent: int) -> None:
    """Code for a field that was not given."""
    if f.group is not None and f.group.default_member == f.name:
        src.emit(indent, f"{var} = {src.const(GROUP_DEFAULT, 'GROUP_DEFAULT')}")
    elif f.required:
        src.emit(indent, f"problems = failed(problems, {f.name!r}, {src.const(_MISSING_KEY, 'missing_key')})")
        src.emit(indent, f"{var} = FAILED")
    else:
        src.emit(indent, f"{var} = {src.const(f.default, f'{var}_default')}")


def _body(spec: ClassSpec, src: _Source, indent: int, inline: bool, probe: str | None, tagged: bool = False) -> None:
    """Statements that fill ``inst`` from ``data`` or raise :class:`Invalid` with every problem.

    ``tagged``: ``data`` is a variant's table, whose ``kind`` (already read) is passed over.
    """
    cls = src.const(spec.cls, "cls")
    known = src.const(frozenset(spec.by_name) | ({KIND_KEY} if tagged else set()), "known_keys")
    names = {f.name: src.local(f.name) for f in spec.fields}
    src.emit(indent, "if type(data) is not dict:")
    src.emit(indent + 1, f"data = as_dict(data, {cls})")
    src.emit(indent, "problems = None")
    src.emit(indent, f"if not (data.keys() <= {known}):")
    unknown = spec.unknown_keys_of_variant if tagged else spec.unknown_keys
    src.emit(indent + 1, f"problems = {src.const(unknown, 'unknown_keys')}(data)")
    src.emit(indent, "get = data.get")
    for f in spec.fields:
        var = names[f.name]
        src.emit(indent, f"{var} = get({f.name!r}, MISSING)")
        missing = f"if {var} is MISSING" + (f" or {var} is None:" if f.optional else ":")
        grouped = f.group is not None and f.group.default_member == f.name
        if f.factory is not None and not grouped:
            # what the factory makes is checked as a given value is, by the same code
            src.emit(indent, missing)
            src.emit(indent + 1, f"{var} = {src.const(f.factory, f'{var}_factory')}()")
            _value(f, var, src, indent, inline, probe)
            continue
        src.emit(indent, missing)
        _missing(f, var, src, indent + 1)
        if f.validator is None:
            _value(f, var, src, indent, inline, probe, lead="elif")
        else:
            src.emit(indent, "else:")
            _value(f, var, src, indent + 1, inline, probe)
    if spec.groups:
        _groups(spec, names, src, indent)
    src.emit(indent, "if problems is not None:")
    src.emit(indent + 1, "raise Invalid(problems)")
    for f in spec.fields:
        src.emit(indent, f"{src.const(_slot(spec.cls, f.name).__set__, f'set_{f.name}')}(inst, {names[f.name]})")
    if spec.post_init is not None:
        # the user's check called directly: a wrapper would cost a call per config built
        src.emit(indent, "try:")
        src.emit(indent + 1, f"{src.const(spec.post_init, 'post_init')}(inst)")
        src.emit(indent, "except Exception as e:")  # a user's check may fail any way: a problem, not a traceback
        src.emit(indent + 1, f"raise {src.const(spec.post_init_failed, 'post_init_failed')}(inst, e) from None")


def _groups(spec: ClassSpec, names: dict[str, str], src: _Source, indent: int) -> None:
    """Each group's rule: the usual cases written out, anything else (a refused member, a rule
    broken) to ``ClassSpec.check_groups``, which alone words group problems."""
    members = [m for m in spec.by_name if any(m in g.members for g in spec.groups)]
    ok = []
    for i, group in enumerate(spec.groups):
        flag = f"group_ok_{i}"
        others = [names[m] for m in group.members if m != group.default_member]
        count = " + ".join(f"({v} is not None)" for v in others) or "0"
        settled = " and ".join(f"{v} is not FAILED" for v in others) or "True"
        if group.default_member is not None:
            var = names[group.default_member]
            key = repr(group.default_member)
            default = src.const(spec.by_name[group.default_member].default_value, f"{var}_default")
            src.emit(indent, f"{flag} = False")
            src.emit(indent, f"if {settled}:")
            src.emit(indent + 1, f"n = {count}")
            src.emit(indent + 1, f"if {var} is {src.const(GROUP_DEFAULT, 'GROUP_DEFAULT')}:")
            src.emit(indent + 2, "if n == 0:")  # nothing else is chosen: the default member's default applies
            src.emit(indent + 3, f"{flag} = True")
            src.emit(indent + 3, "try:")
            src.emit(indent + 4, f"{var} = {default}()")
            src.emit(indent + 3, "except Invalid as e:")  # reported; the group cannot be judged
            src.emit(indent + 4, f"problems = failed(problems, {key}, e)")
            src.emit(indent + 4, f"{var} = FAILED")
            src.emit(indent + 2, "else:")
            src.emit(indent + 3, f"{var} = None")
            src.emit(indent + 3, f"{flag} = n == 1")
            src.emit(indent + 1, f"elif {var} is not FAILED:")
            src.emit(indent + 2, f"{flag} = n + ({var} is not None) == 1")
        else:
            rule = "== 1" if group.exactly_one else "<= 1"
            src.emit(indent, f"{flag} = {settled} and {count} {rule}")
        ok.append(flag)
    src.emit(indent, f"if not ({' and '.join(ok)}):")
    pairs = ", ".join(f"{m!r}: {names[m]}" for m in members)
    src.emit(indent + 1, f"chosen = {{{pairs}}}")
    src.emit(indent + 1, f"group_problems = {src.const(spec.check_groups, 'check_groups')}(chosen)")
    src.emit(indent + 1, "if group_problems:")
    src.emit(indent + 2, "problems = (problems or []) + group_problems")
    for m in members:
        src.emit(indent + 1, f"{names[m]} = chosen[{m!r}]")


def _slot(cls: type, name: str) -> Any:
    """The field's slot descriptor: its ``__set__`` and ``__get__`` are faster than
    ``object.__setattr__`` and ``getattr``, which look the slot up first."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise AttributeError(name)  # pragma: no cover - attrs gives every field a slot


Generated = tuple[Callable[[Any], Any], Callable[[Any, Any], None]]


def generate(spec: ClassSpec, *, inline: bool = True, probe: list[int] | None = None) -> Generated:
    """``build(data)`` (a new instance) and ``fill(inst, data)`` (the constructor's) for ``spec``."""
    src = _Source()
    counter = src.const(probe, "probe") if probe is not None else None
    src.emit(0, "def fill(inst, data):")
    _body(spec, src, 1, inline, counter)
    new = src.const(object.__new__, "new")
    cls = src.const(spec.cls, "cls")
    src.emit(0, "def build(data):")
    src.emit(1, f"inst = {new}({cls})")
    src.emit(1, "fill(inst, data)")
    src.emit(1, "return inst")
    # Constants become closure variables of a maker: cell lookups on the hot path, not global ones.
    made: Generated = _compile(spec, src, "build, fill")
    return made


def generate_tagged(spec: ClassSpec) -> Callable[[Any], Any]:
    """``build(data)`` for a variant's table: as :func:`generate`'s, with its ``kind`` passed over, not copied out."""
    src = _Source()
    new = src.const(object.__new__, "new")
    cls = src.const(spec.cls, "cls")
    src.emit(0, "def build(data):")
    src.emit(1, f"inst = {new}({cls})")
    _body(spec, src, 1, True, None, tagged=True)
    src.emit(1, "return inst")
    made: Callable[[Any], Any] = _compile(spec, src, "build")
    return made


def _plain_value(node: TypeNode, var: str, src: _Source) -> str:
    """An expression for the plain form of ``var`` (never ``None``) of type ``node``."""
    match node:
        case ConstrainedNode():
            return _plain_value(node.inner, var, src)
        case BoolNode() | IntNode() | FloatNode() | StrNode() | DateTimeNode() | DateNode() | TimeNode():
            return var
        case LiteralNode():
            return var
        case EnumNode():
            return f"{var}.value"
        case PathNode():
            return f"str({var})"
        case ConfigNode():
            return f"{src.const(node.spec.generated_unstructure(), f'{var}_unstructure')}({var})"
        case TupleNode() if node.item.plain:
            return f"list({var})"
        case TupleNode() if isinstance(node.item, ConfigNode):
            return f"[{src.const(node.item.spec.generated_unstructure(), f'{var}_unstructure')}(_x) for _x in {var}]"
        case MappingNode() if node.value.plain:
            return f"dict({var})"
        case (
            TupleNode()
            | FixedTupleNode()
            | FrozenSetNode()
            | MappingNode()
            | AnyNode()
            | UnionNode()
            | RegisteredNode()
            | VariantNode()
        ):
            return f"{src.const(node.unstructure, f'{var}_unstructure')}({var}, False)"
        case _:
            assert_never(node)


def generate_unstructure(spec: ClassSpec) -> Callable[[Any], dict[str, Any]]:
    """``unstructure(inst)``: the plain dict of an instance, ``None`` fields left out."""
    src = _Source()
    src.emit(0, "def unstructure(inst):")
    src.emit(1, "out = {}")
    for f in spec.fields:
        var = src.local(f.name)
        key = repr(f.name)
        getter = src.const(_slot(spec.cls, f.name).__get__, f"get_{f.name}")
        src.emit(1, f"{var} = {getter}(inst)")
        value = _plain_value(f.node, var, src)
        if f.optional:  # only optional fields hold None, and TOML has no null to write for it
            src.emit(1, f"if {var} is not None:")
            src.emit(2, f"out[{key}] = {value}")
        else:
            src.emit(1, f"out[{key}] = {value}")
    src.emit(1, "return out")
    made: Callable[[Any], dict[str, Any]] = _compile(spec, src, "unstructure")
    return made


def _compile(spec: ClassSpec, src: _Source, made: str) -> Any:
    """Compile the source, with its constants as closure cells, under a unique file name."""
    params = ", ".join(src.names)
    body = "".join(f"    {line}\n" for line in src.lines)
    text = f"def make({params}):\n{body}    return {made}\n"
    # a unique name per generation, so tracebacks and profilers show the right lines even
    # for two classes of the same name, or for the tests' variants of one class
    filename = f"<tmlcfg generated {spec.cls.__module__}.{spec.cls.__qualname__} #{next(_serial)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(text, filename, "exec"), namespace)
    return namespace["make"](**src.names)


def regenerate(spec: ClassSpec, *, inline: bool = True, probe: list[int] | None = None) -> None:
    """Give ``spec`` and every config class below it new code made with these options.

    For the tests: ``inline=False`` is the checked-only variant they compare with,
    ``probe`` counts slow-way values; ``regenerate(spec)`` restores the real code.
    """
    done: set[int] = set()

    def walk(node: TypeNode) -> None:
        match node:
            case ConfigNode():
                visit(node.spec)
            case ConstrainedNode():
                walk(node.inner)
            case TupleNode() | FrozenSetNode():
                walk(node.item)
            case FixedTupleNode():
                for item in node.items:
                    walk(item)
            case MappingNode():
                walk(node.value)
            case UnionNode():
                for option in node.options:
                    walk(option)
            case VariantNode():
                for member in node.members.values():
                    walk(member)
            case (
                BoolNode()
                | IntNode()
                | FloatNode()
                | StrNode()
                | PathNode()
                | DateTimeNode()
                | DateNode()
                | TimeNode()
                | EnumNode()
                | LiteralNode()
                | RegisteredNode()
                | AnyNode()
            ):
                pass
            case _:
                assert_never(node)

    def visit(current: ClassSpec) -> None:
        if id(current) in done:
            return
        done.add(id(current))
        for f in current.fields:
            walk(f.node)  # below first: the code of a class refers to its nested classes' code
        current._code = generate(current, inline=inline, probe=probe)
        current.build, current.fill = current._code  # type: ignore[method-assign, assignment]

    visit(spec)
