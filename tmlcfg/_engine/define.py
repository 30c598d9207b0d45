"""``@tmlcfg.config``: a frozen attrs class whose every field tmlcfg can read and write."""

from __future__ import annotations

import inspect
import keyword
import sys
import typing
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform, overload

import attrs

from .._base.errors import ConfigError, DefinitionError, Invalid, to_problem
from .._base.frozen import strict_key
from .._base.keypaths import PathTuple, format_path
from .._base.limits import MAX_DEPTH
from .._base.sentinels import MISSING
from .analyze import Refused, analyze_field
from .fields import FieldOptions, field
from .nodes import AnyNode, ConfigNode, MappingNode, Node, needs_strict_key
from .spec import ClassSpec, FieldSpec, Group, spec_of

if TYPE_CHECKING:
    from .._migrate.plan import Removed, Renamed

_C = TypeVar("_C", bound=type)


@overload
def config(cls: _C, /) -> _C: ...


@overload
def config(
    *, migrations: Sequence[Renamed | Removed] = (), tag: str | None = None, old_tags: Sequence[str] = ()
) -> Callable[[_C], _C]: ...


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
def config(
    cls: Any = None,
    /,
    *,
    migrations: Sequence[Renamed | Removed] = (),
    tag: str | None = None,
    old_tags: Sequence[str] = (),
) -> Any:
    """Make ``cls`` a config: frozen, slotted, keyword-only, comparable and hashable.

    Every field is checked now, so a class that could not round-trip through
    TOML is refused with a :class:`DefinitionError` naming the field and the fix.
    ``@config(migrations=(renamed(...), removed(...)))`` declares the class's
    history, so that files written for its older versions still load.
    ``tag="sgd"`` names the class where a variant field's ``kind`` chooses it
    (by default its name in snake_case, a trailing ``Config`` dropped), and
    ``old_tags`` the tags it had before, which still load, with a warning.
    """
    if cls is None:

        def decorate(cls: _C) -> _C:
            built: _C = _build(cls, migrations, sys._getframe(1).f_locals, tag, old_tags)
            return built

        return decorate
    return _build(cls, migrations, sys._getframe(1).f_locals, tag, old_tags)


def _tags(cls: Any, tag: str | None, old_tags: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """The class's own tag and old tags, checked: each a non-empty str of letters, digits and ``_``."""
    from .._base.tags import tag_problem

    where = f"{cls.__qualname__}: @tmlcfg.config"
    if tag is not None and (bad := tag_problem(tag)) is not None:
        raise DefinitionError(f"{where}(tag=...): {bad}")
    if isinstance(old_tags, str) or not isinstance(old_tags, Sequence):
        raise DefinitionError(f"{where}(old_tags=...) takes a tuple of tags, such as ('plain_sgd',); got {old_tags!r}")
    for old in old_tags:
        if (bad := tag_problem(old)) is not None:
            raise DefinitionError(f"{where}(old_tags=...): {bad}")
    if len(set(old_tags)) < len(old_tags):
        raise DefinitionError(f"{where}(old_tags=...) names a tag twice")
    return tag, tuple(old_tags)


def _build(
    cls: Any,
    migrations: Sequence[Renamed | Removed],
    caller_locals: dict[str, Any],
    tag: str | None = None,
    old_tags: Sequence[str] = (),
) -> Any:
    if not isinstance(cls, type):
        raise DefinitionError(f"@tmlcfg.config decorates classes, not {cls!r}")
    if "__tmlcfg_spec__" in cls.__dict__:
        raise DefinitionError(f"{cls.__qualname__} is already a tmlcfg config; decorate it once")
    for base in cls.__mro__[1:-1]:
        if hasattr(base, "__attrs_attrs__") and spec_of(base) is None:
            raise DefinitionError(f"{cls.__qualname__}: base class {base.__qualname__} is not a tmlcfg config")
    tag, old_tags = _tags(cls, tag, old_tags)
    hints = _hints(cls, caller_locals)
    own = inspect.get_annotations(cls)
    for name, value in cls.__dict__.items():
        if isinstance(value, FieldOptions) and name not in own:
            raise DefinitionError(f"{cls.__qualname__}.{name}: tmlcfg.field() needs an annotation, such as {name}: int")
    for name in own:
        if typing.get_origin(hints.get(name)) is ClassVar or hints.get(name) is ClassVar:
            continue
        try:
            node, _ = analyze_field(hints[name])
        except Refused as e:
            raise DefinitionError(f"{cls.__qualname__}.{name}: {e}") from None
        if name.startswith("_"):
            raise DefinitionError(
                f"{cls.__qualname__}.{name}: field names may not start with '_' (TOML keys are public)"
            )
        if not name.isidentifier() or keyword.iskeyword(name) or unicodedata.normalize("NFKC", name) != name:
            # only type() or make_class can give one; attrs' generated code could not name it
            raise DefinitionError(
                f"{cls.__qualname__}.{name}: {name!r} is not a Python identifier in normal form; rename the field"
            )
        if name == "self":
            raise DefinitionError(f"{cls.__qualname__}.self: a field may not be named self (the constructor's own)")
        value = cls.__dict__.get(name, MISSING)
        opts = value if isinstance(value, FieldOptions) else FieldOptions(default=value)
        _check_options(f"{cls.__qualname__}.{name}", opts)
        setattr(cls, name, _attrs_field(opts, needs_strict_key(node)))
    # init=False: tmlcfg's own __init__ checks everything, then calls __attrs_post_init__.
    # Taken from the new class, whose methods attrs gave the right __class__ cell for super().
    new_cls = attrs.define(cls, frozen=True, slots=True, kw_only=True, init=False, eq=True, auto_attribs=True)
    spec = _spec(new_cls, hints, getattr(new_cls, "__attrs_post_init__", None))
    if tag is not None:
        spec.tag = tag
    spec.old_tags = tuple(old_tags)
    if spec.tag in spec.old_tags:
        raise DefinitionError(f"{cls.__qualname__}: its tag {spec.tag!r} cannot be one of its old_tags too")
    # set after attrs built the class: the spec needs the final (slotted) class
    type.__setattr__(new_cls, "__tmlcfg_spec__", spec)
    type.__setattr__(new_cls, "__init__", _make_init(spec))
    type.__setattr__(new_cls, "__signature__", _signature(spec))
    # attrs' own initialiser (init=False still makes one) would skip every check, and help() shows its defaults
    type.__delattr__(new_cls, "__attrs_init__")
    _check_depth(spec)
    # built configs never change: no __setstate__ to call again, and copies may be the object itself
    type.__setattr__(new_cls, "__setstate__", _no_setstate)
    type.__setattr__(new_cls, "__reduce__", _reduce)
    type.__setattr__(new_cls, "__copy__", _same)
    type.__setattr__(new_cls, "__deepcopy__", _same)
    if _compile_plan is not None:
        _compile_plan(new_cls, spec, migrations)
    elif migrations != ():
        # a renamed() or removed() would have loaded the migrations package, which hands its compiler down
        raise DefinitionError(
            f"{cls.__qualname__}: migrations= takes a tuple of tmlcfg.renamed(...) and tmlcfg.removed(...)"
        )
    return new_cls


#: Checks and compiles a class's declared history (and its bases' and fields'). The migrations
#: package, which sits above this one, hands it down when it loads; a class defined before that
#: has no history anywhere in its tree, since nothing could have declared one yet.
_compile_plan: Callable[[type, ClassSpec, Any], object] | None = None


def use_plan_compiler(compile_plan: Callable[[type, ClassSpec, Any], object]) -> None:
    """Called by the migrations package: compile each class's plan from now on."""
    global _compile_plan
    _compile_plan = compile_plan


def _check_options(where: str, opts: FieldOptions) -> None:
    """What ``tmlcfg.field`` was given, checked where the field's name is known."""
    if opts.default is not MISSING and opts.factory is not None:
        raise DefinitionError(f"{where}: tmlcfg.field() takes default or factory, not both")
    if opts.factory is not None and not callable(opts.factory):
        raise DefinitionError(f"{where}: factory must be callable, such as tuple; got {opts.factory!r}")
    if opts.validator is not None and not callable(opts.validator):
        raise DefinitionError(f"{where}: validator must be callable; got {opts.validator!r}")
    if opts.doc is not None and type(opts.doc) is not str:
        raise DefinitionError(f"{where}: doc must be a str; got {type(opts.doc).__name__}")
    for kind in ("one_of", "at_most_one_of"):
        group = getattr(opts, kind)
        if group is not None and (type(group) is not str or not group):
            raise DefinitionError(f"{where}: {kind} names a group with a non-empty str; got {group!r}")
    if type(opts.secret) is not bool:
        raise DefinitionError(f"{where}: secret is True or False; got {opts.secret!r}")


def _depth(node: Node) -> tuple[int, PathTuple]:
    """How many tables and arrays a value of ``node`` opens, and the path of the deepest (Any aside)."""
    if isinstance(node, ConfigNode):
        depth, path = _class_depth(node.spec)
        return depth + 1, path
    if isinstance(node, AnyNode):
        return 0, ()  # Any values are bounded as they are read
    best: tuple[int, PathTuple] = (0, ())
    array = node.toml_kinds == ("array",)
    for i, child in enumerate(node.children()):
        depth, path = _depth(child)
        if array:
            depth, path = depth + 1, (i, *path)
        elif isinstance(node, MappingNode):
            depth, path = depth + 1, ("<key>", *path)
        if depth > best[0]:
            best = (depth, path)
    return best


def _class_depth(spec: ClassSpec) -> tuple[int, PathTuple]:
    found = _DEPTHS.get(spec.cls)
    if found is None:
        found = (0, ())
        for f in spec.fields:
            depth, path = _depth(f.node)
            if depth > found[0]:
                found = (depth, (f.name, *path))
        _DEPTHS[spec.cls] = found
    return found


def _check_depth(spec: ClassSpec) -> None:
    depth, path = _class_depth(spec)
    if depth > MAX_DEPTH:
        raise DefinitionError(
            f"{spec.cls.__qualname__}.{format_path(path[: MAX_DEPTH + 1])}: configs may nest {MAX_DEPTH} tables "
            f"and arrays deep, and this one nests {depth}; flatten it"
        )


#: nesting depth of each config class, worked out once (its fields' classes are final)
_DEPTHS: weakref.WeakKeyDictionary[type, tuple[int, PathTuple]] = weakref.WeakKeyDictionary()


def _frozen(what: str) -> attrs.exceptions.FrozenInstanceError:
    error = attrs.exceptions.FrozenInstanceError()
    error.args = (f"a built config cannot change: {what}; use tmlcfg.replace for a changed copy",)
    return error


def _no_setstate(self: Any, state: Any) -> None:
    raise _frozen("__setstate__ would change it")


def _restore(cls: type, values: tuple[Any, ...]) -> Any:
    """Unpickle a config: its fields' values, already checked when it was built."""
    inst: Any = object.__new__(cls)
    for a, value in zip(attrs.fields(cls), values, strict=True):
        object.__setattr__(inst, a.name, value)
    return inst


def _reduce(self: Any) -> tuple[Any, ...]:
    return (_restore, (type(self), tuple(getattr(self, a.name) for a in attrs.fields(type(self)))))


def _same(self: Any, *memo: Any) -> Any:
    return self


def _hints(cls: type, caller_locals: dict[str, Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except NameError:
        pass
    try:
        # string annotations naming classes local to a function (as in tests)
        return typing.get_type_hints(cls, localns=dict(caller_locals), include_extras=True)
    except NameError as e:
        raise DefinitionError(
            f"{cls.__qualname__}: cannot resolve annotation {e.name!r}; define it before the config that uses it"
        ) from None


def _attrs_field(opts: FieldOptions, strict: bool) -> Any:
    secret_repr: Callable[[Any], str] | bool = (lambda _: "'***'") if opts.secret else True
    eq: Callable[[Any], Any] | bool = strict_key if strict else True
    if opts.factory is not None:
        return attrs.field(factory=opts.factory, repr=secret_repr, eq=eq, metadata={"tmlcfg": opts})
    default = attrs.NOTHING if opts.default is MISSING else opts.default
    if opts.secret and default is not attrs.NOTHING:
        # attrs' Attribute shows its default in help(); a factory shows only its function's name
        default = attrs.Factory(_secret_default(default))
    return attrs.field(default=default, repr=secret_repr, eq=eq, metadata={"tmlcfg": opts})


def _secret_default(value: Any) -> Callable[[], Any]:
    def secret_default() -> Any:
        return value

    return secret_default


def _spec(cls: type, hints: dict[str, Any], post_init: Callable[[Any], None] | None) -> ClassSpec:
    fields: list[FieldSpec] = []
    members: dict[tuple[str, bool], list[FieldSpec]] = {}
    for a in attrs.fields(cls):
        opts: FieldOptions = a.metadata["tmlcfg"]
        where = f"{cls.__qualname__}.{a.name}"
        annotation = hints[a.name]
        try:
            node, optional = analyze_field(annotation)
        except Refused as e:
            raise DefinitionError(f"{where}: {e}") from None
        type_text = node.describe() + (" | None" if optional else "")
        default = opts.default
        f = FieldSpec(a.name, node, optional, default, opts.factory, opts.doc, opts.secret, opts.validator, type_text)
        if opts.one_of and opts.at_most_one_of:
            raise DefinitionError(f"{where}: a field joins one group, not both one_of and at_most_one_of")
        group = opts.one_of or opts.at_most_one_of
        if group:
            if not optional:
                raise DefinitionError(f"{where}: group members must be optional; annotate it {type_text} | None")
            if f.required:
                raise DefinitionError(f"{where}: group members need a default; add default=None")
            members.setdefault((group, bool(opts.one_of)), []).append(f)
        elif optional and (opts.factory is not None or default is not None):
            raise DefinitionError(
                f"{where}: an optional field must default to None (TOML has no null to write "
                f"for None); drop '| None' or make the default None"
            )
        if default is not MISSING or opts.factory is not None:
            try:
                f.default_value() if opts.factory is not None else f.structure(default)
            except Invalid as e:
                text = "; ".join(p[1] for p in e.problems)
                raise DefinitionError(f"{where}: the default is not a valid {type_text}: {text}") from None
            except Exception as e:  # the user's factory: any failure is a bad definition
                raise DefinitionError(f"{where}: the factory failed: {type(e).__name__}: {e}") from None
            if default is not MISSING and default is not None:
                f.default = f.structure(default)
            _default_variant(f)
        fields.append(f)
    return ClassSpec(cls, fields, _groups(cls, members), post_init)


def _default_variant(f: FieldSpec) -> None:
    """A variant field with a default: a table that names no ``kind`` means the default's variant."""
    from .nodes import VariantNode

    if isinstance(f.node, VariantNode):
        value = f.default_value()
        if value is not None:
            f.node = f.node.with_default(f.node.by_cls[type(value)][0])


def _groups(cls: type, members: dict[tuple[str, bool], list[FieldSpec]]) -> list[Group]:
    groups = []
    names = [name for name, _ in members]
    for (name, exactly_one), fields in members.items():
        if names.count(name) > 1:
            raise DefinitionError(f"{cls.__qualname__}: group {name!r} is used by both one_of and at_most_one_of")
        with_default = [f.name for f in fields if f.default is not None]
        if with_default and not exactly_one:
            raise DefinitionError(
                f"{cls.__qualname__}.{with_default[0]}: at_most_one_of members default to None; "
                "for a default choice use one_of"
            )
        if len(with_default) > 1:
            raise DefinitionError(
                f"{cls.__qualname__}: one_of group {name!r} gives defaults to {', '.join(with_default)}; "
                "at most one member may have a default"
            )
        group = Group(name, exactly_one, tuple(f.name for f in fields), with_default[0] if with_default else None)
        for f in fields:
            f.group = group
        groups.append(group)
    return groups


def _make_init(spec: ClassSpec) -> Callable[..., None]:
    first = spec.fields[0].name if spec.fields else None

    def __init__(self: Any, **kwargs: Any) -> None:
        if first is not None and hasattr(self, first):
            # calling __init__ on a built config would change it, and its hash with it
            raise _frozen("__init__ would change it")
        try:
            spec.fill(self, kwargs)
        except Invalid as e:
            raise ConfigError([to_problem(p) for p in e.problems], target=spec.cls.__name__) from None

    __init__.__qualname__ = f"{spec.cls.__qualname__}.__init__"
    return __init__


class _Masked:
    """Stands for a secret default in ``help()`` and signatures."""

    def __repr__(self) -> str:
        return "'***'"


def _signature(spec: ClassSpec) -> inspect.Signature:
    def default(f: FieldSpec) -> Any:
        if f.required:
            return inspect.Parameter.empty
        if f.secret:
            return _Masked()
        return f.default if f.factory is None else f.factory

    params = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default(f), annotation=f.type_text)
        for f in spec.fields
    ]
    return inspect.Signature(params)
