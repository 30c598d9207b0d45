"""``tmlcfg.converter``: the cattrs converter every read and write of a config goes through.

cattrs dispatches: for each type it asks the hook factories registered here,
which compile a strict hook once per type (generated code for a config class,
a node for a field type) and cache it. tmlcfg's hooks stand in for cattrs'
lenient built-in ones (which would take ``"7"`` as an int or ``1.9`` as one),
so a user's own attrs class structured by this converter is held to the same
rules as a config. Every failure is one :class:`ConfigError` with every problem.
"""

from __future__ import annotations

import collections.abc
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)

from .._base.errors import ConfigError, DefinitionError, Invalid, Problem, RawProblem, to_problem
from .._base.keypaths import PathSyntaxError, PathTuple, parse_path
from .._base.wording import got, literal
from .analyze import Refused, analyze_field
from .nodes import ConfigNode, FrozenSetNode, MappingNode, Node, RegisteredNode, TupleNode
from .registry import all_registered, on_register
from .scalars import SCALAR_NODES
from .spec import ClassSpec, spec_of

_C = TypeVar("_C")


class Migrations(NamedTuple):
    """What the converter needs of the migrations package, which sits above it and hands it down."""

    #: A class's input with its old paths moved to new ones (a warning each).
    migrate_input: Callable[[type, Any], Any]
    #: How to reach the configs with a history below a node, or ``None``.
    walker_of: Callable[[Node], Any]
    #: Plain data below a node with the old paths of its configs moved.
    migrate_value: Callable[[Any, Any], Any]


#: Set once the migrations package loads (any renamed() or removed() loads it); until then no
#: class has a history, so there is nothing to move.
_migrations: Migrations | None = None


def use_migrations(migrations: Migrations) -> None:
    """Called by the migrations package: structuring moves old paths from now on."""
    global _migrations
    _migrations = migrations


def require_spec(cls: Any) -> ClassSpec:
    spec = spec_of(cls)
    if spec is None:
        name = getattr(cls, "__qualname__", repr(cls))
        raise DefinitionError(f"{name} is not a tmlcfg config; decorate it with @tmlcfg.config")
    return spec


def _is_config(tp: Any) -> bool:
    return spec_of(tp) is not None


def _config_structure_hook(cls: type, migrate: bool = True) -> Callable[[Any, Any], Any]:
    spec = require_spec(cls)
    spec.generated()  # so that spec.build below is the generated function itself
    target = cls.__name__

    def structure_config(data: Any, _: Any) -> Any:
        try:
            return spec.build(data)
        except Invalid as e:
            raise ConfigError.from_raw(e.problems, target=target) from None

    if not migrate or spec.plan is None or _migrations is None:
        return structure_config
    migrate_input = _migrations.migrate_input

    def structure_old_names(data: Any, _: Any) -> Any:
        # old paths of the class's history moved to new ones, with a warning each
        return structure_config(migrate_input(cls, data) if isinstance(data, Mapping) else data, _)

    return structure_old_names


def _config_unstructure_hook(mask: bool) -> Callable[[type], Callable[[Any], Any]]:
    def factory(cls: type) -> Callable[[Any], Any]:
        spec = require_spec(cls)
        if mask:
            return lambda inst: spec.unstructure(inst, True)
        return spec.generated_unstructure()

    return factory


#: Containers a user may ask the converter for, though a config's fields may not hold them
#: (law 6 wants them immutable): structured as the immutable kind, then copied into the asked one.
_MUTABLE = {list: (TupleNode, list), set: (FrozenSetNode, set), dict: (MappingNode, dict)}


def _field_type_node(tp: Any) -> Any:
    """The node tmlcfg reads ``tp`` with, or ``None`` when ``tp`` is none of its field types."""
    origin = typing.get_origin(tp) or tp
    try:
        if origin in _MUTABLE:
            args = typing.get_args(tp)
            node_kind, _ = _MUTABLE[origin]
            if origin is dict:
                if len(args) != 2 or args[0] is not str:
                    return None
                return analyze_field(Mapping[str, args[1]])  # type: ignore[valid-type]
            if len(args) != 1:
                return None
            item, _ = analyze_field(tuple[args[0], ...])  # type: ignore[valid-type]
            assert isinstance(item, TupleNode)
            return (FrozenSetNode(item.item), False) if node_kind is FrozenSetNode else (item, False)
        return analyze_field(tp)
    except (Refused, DefinitionError, TypeError):
        return None


def _is_field_type(tp: Any) -> bool:
    if tp is typing.Any or isinstance(tp, TypeVar) or (isinstance(tp, type) and hasattr(tp, "__attrs_attrs__")):
        return False  # cattrs' own hooks: attrs classes are walked field by field, through these hooks
    return _field_type_node(tp) is not None


def _holds_config(node: Node) -> bool:
    return isinstance(node, ConfigNode) or any(_holds_config(child) for child in node.children())


def _field_type_structure_hook(tp: Any) -> Callable[[Any, Any], Any]:
    node, optional = _field_type_node(tp)
    origin = typing.get_origin(tp) or tp
    copy = _MUTABLE[origin][1] if origin in _MUTABLE else None
    structure = node.structure
    if _migrations is not None and _holds_config(node):  # scalars have no history
        migrations = _migrations
        walker = migrations.walker_of(node)
        if walker is not None:  # configs with a history inside: their old paths are moved first
            structure = lambda data: node.structure(migrations.migrate_value(walker, data))  # noqa: E731

    def structure_value(data: Any, _: Any) -> Any:
        if data is None and optional:
            return None
        try:
            value = structure(data)
        except Invalid as e:
            raise ConfigError.from_raw(e.problems) from None
        return value if copy is None else copy(value)

    return structure_value


def _field_type_unstructure_hook(tp: Any) -> Callable[[Any], Any]:
    node, _ = _field_type_node(tp)
    return lambda value: None if value is None else node.unstructure(value, False)


class Converter(cattrs.Converter):
    """A cattrs converter whose ``structure`` raises one :class:`ConfigError` for every problem.

    cattrs reports problems in its own attrs classes and collections as nested
    exception groups; they are flattened here into problems with paths in
    tmlcfg's path language (``[2].lr``), so a user's own attrs class holding
    configs fails the way a config does.
    """

    def structure(self, obj: Any, cl: Any) -> Any:
        try:
            return super().structure(obj, cl)
        except ConfigError:
            raise
        except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as e:
            raise ConfigError.from_raw(_once_too_deep(_flatten(e, ())), target=getattr(cl, "__name__", None)) from None
        except StructureHandlerNotFoundError:
            raise DefinitionError(
                f"tmlcfg.converter has no hook for {_type_name(cl)}: not a config, an attrs class or a field "
                f"type tmlcfg reads; register a hook on the converter, or the type with tmlcfg.register_type"
            ) from None

    def gen_structure_attrs_fromdict(self, cl: Any) -> Callable[[Any, Any], Any]:
        # cattrs' hook would fail on a number or an array with its own TypeError or AttributeError
        hook = super().gen_structure_attrs_fromdict(cl)

        def structure_table(data: Any, t: Any) -> Any:
            if not isinstance(data, Mapping):
                raise ConfigError.from_raw([((), f"expected a table ({_type_name(cl)}), {got(data)}", ())])
            return hook(data, t)

        return structure_table


def _type_name(tp: Any) -> str:
    """A type as its annotation is written: ``list[list[Trial]]``, ``Adam | Sgd``."""
    if tp is Ellipsis:
        return "..."
    args = typing.get_args(tp)
    if _is_union(tp):
        return " | ".join(_type_name(a) for a in args)
    origin = typing.get_origin(tp)
    if origin is not None and args:
        return f"{_type_name(origin)}[{', '.join(_type_name(a) for a in args)}]"
    return tp.__name__ if isinstance(tp, type) else repr(tp).replace("typing.", "")


#: The containers the converter reads itself when they hold something a field could not (a user's attrs
#: class): arrays (of any length, or of a fixed one for ``tuple[A, B]``) and tables.
_ARRAYS = {list: list, tuple: tuple, set: set, frozenset: frozenset, collections.abc.Sequence: tuple}
_TABLES = {dict: dict, collections.abc.Mapping: dict}


def _not_cattrs(tp: Any) -> bool:
    """Every type left to cattrs' own, lenient hooks except the two it reads strictly through tmlcfg's:
    attrs classes (field by field) and ``X | None``."""
    if isinstance(tp, type) and hasattr(tp, "__attrs_attrs__"):
        return False
    args = typing.get_args(tp)
    return not (_is_union(tp) and len(args) == 2 and type(None) in args)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _strict_structure_hook(tp: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """The converter's hook for a type no field type or config covers: a container of the user's attrs
    classes read as strictly as a field's, or a :class:`DefinitionError` naming the type."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if _is_union(tp):
        members = [a for a in args if a is not type(None)]
        if all(_is_config(m) for m in members):
            return _config_union_hook(tp)
        raise _unreadable(tp, "; a union holds scalars only, and a table could not say which class it is")
    if origin in _ARRAYS and args and typing.Any not in args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _fixed_array_hook(tp, [conv.get_structure_hook(a) for a in args])
        if origin in (set, frozenset) and not _hashable(args[0]):
            raise _unreadable(tp, f"; {_type_name(args[0])} is not hashable, so a set cannot hold it")
        return _array_hook(tp, _ARRAYS[origin], conv.get_structure_hook(args[0]))
    if origin in _TABLES and len(args) == 2 and typing.Any not in args:
        return _table_hook(tp, conv.get_structure_hook(args[0]), conv.get_structure_hook(args[1]))
    raise _unreadable(tp)


def _hashable(tp: Any) -> bool:
    """Whether values of ``tp`` can be hashed, as far as the type says."""
    origin = typing.get_origin(tp)
    if origin in (list, dict, set):
        return False
    if origin is tuple or _is_union(tp):
        return all(a is Ellipsis or _hashable(a) for a in typing.get_args(tp))
    return not isinstance(tp, type) or getattr(tp, "__hash__", None) is not None


def _config_union_hook(tp: Any) -> Callable[[Any, Any], Any]:
    """A union of config classes that is no variant field (variants are field types, read before this):
    refused with the reason a field of that type would be."""
    try:
        analyze_field(tp)
    except Refused as e:
        raise DefinitionError(f"tmlcfg.converter cannot read {_type_name(tp)}: {e}") from None
    raise _unreadable(tp)  # pragma: no cover - a union analysis takes is a field type, read before this


def _unreadable(tp: Any, why: str = "") -> DefinitionError:
    return DefinitionError(
        f"tmlcfg.converter has no hook for {_type_name(tp)}: not a config, an attrs class or a field "
        f"type tmlcfg reads{why}; register a hook on the converter, or the type with tmlcfg.register_type"
    )


def _item(hook: Callable[[Any, Any], Any], value: Any, tp: Any, step: str | int, problems: list[RawProblem]) -> Any:
    """One item of a container through its hook, its problems kept under ``step``."""
    try:
        return hook(value, tp)
    except (ConfigError, ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as e:
        problems += _flatten(e, (step,))
        return None


def _array_hook(tp: Any, make: Callable[[Any], Any], hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    item = typing.get_args(tp)[0]
    sets = make in (set, frozenset)

    def structure_array(data: Any, _: Any) -> Any:
        if not (type(data) in (list, tuple) or (sets and type(data) in (set, frozenset))):
            raise ConfigError.from_raw([((), f"expected an array ({_type_name(tp)}), {got(data)}", ())])
        problems: list[RawProblem] = []
        out = [_item(hook, v, item, i, problems) for i, v in enumerate(data)]
        if problems:
            raise ConfigError.from_raw(problems)
        return make(out)

    return structure_array


def _fixed_array_hook(tp: Any, hooks: list[Callable[[Any, Any], Any]]) -> Callable[[Any, Any], Any]:
    items = typing.get_args(tp)

    def structure_fixed(data: Any, _: Any) -> Any:
        if type(data) not in (list, tuple):
            raise ConfigError.from_raw([((), f"expected an array ({_type_name(tp)}), {got(data)}", ())])
        if len(data) != len(items):
            n = len(items)
            raise ConfigError.from_raw([((), f"expected an array of {n} item{'s' * (n != 1)}, got {len(data)}", ())])
        problems: list[RawProblem] = []
        out = tuple(_item(h, v, t, i, problems) for i, (h, v, t) in enumerate(zip(hooks, data, items, strict=True)))
        if problems:
            raise ConfigError.from_raw(problems)
        return out

    return structure_fixed


def _table_hook(
    tp: Any, key_hook: Callable[[Any, Any], Any], hook: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    key_type, value_type = typing.get_args(tp)

    def structure_table(data: Any, _: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ConfigError.from_raw([((), f"expected a table ({_type_name(tp)}), {got(data)}", ())])
        problems: list[RawProblem] = []
        out = {}
        for k, v in data.items():
            step = k if type(k) is str else literal(k)  # a key, never an index
            key = _item(key_hook, k, key_type, step, problems)
            out[key] = _item(hook, v, value_type, step, problems)
        if problems:
            raise ConfigError.from_raw(problems)
        return out

    return structure_table


def _flatten(error: BaseException, path: PathTuple) -> list[RawProblem]:
    """The problems inside one of cattrs' exception groups, each with its path."""
    if isinstance(error, ConfigError):
        if error.raw is not None:
            return [((*path, *p[0]), p[1], tuple((*path, *a) for a in p[2])) for p in error.raw]
        return [((*path, *_parsed(p.path)), p.message, ()) for p in error.problems]
    if isinstance(error, ForbiddenExtraKeysError):
        return [((*path, key), "unknown key", ()) for key in sorted(error.extra_fields)]
    if isinstance(error, (ClassValidationError, IterableValidationError)):
        out: list[RawProblem] = []
        for sub in error.exceptions:
            step: tuple[str | int, ...] = ()
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    step = (note.name,)
                elif isinstance(note, IterableValidationNote):
                    step = (note.index,) if isinstance(note.index, (int, str)) else ()
            if isinstance(sub, KeyError) and step:
                out.append(((*path, *step), "missing required key", ()))
            else:
                out += _flatten(sub, (*path, *step))
        return out
    if isinstance(error, RecursionError):  # a self-nesting attrs class of the user's, given absurd depth
        return [(path, _TOO_DEEP, ())]
    return [(path, str(error) or type(error).__name__, ())]


_TOO_DEEP = "nesting too deep to read"


def _once_too_deep(raw: list[RawProblem]) -> list[RawProblem]:
    """Input too deep to read is one problem, at its shallowest path: where the stack ran out
    (one field or two of the deepest table) says nothing about the input."""
    deep = [p for p in raw if p[1] == _TOO_DEEP]
    if len(deep) < 2:
        return raw
    first = min(deep, key=lambda p: len(p[0]))
    return [p for p in raw if p[1] != _TOO_DEEP or p is first]


def _parsed(path: str) -> PathTuple:
    try:
        return parse_path(path) if path else ()
    except PathSyntaxError:
        return (path,)


def register_hooks(converter: cattrs.Converter) -> cattrs.Converter:
    """Give a cattrs converter tmlcfg's strict hooks: config classes and every field type.

    >>> import cattrs, tmlcfg
    >>> @tmlcfg.config
    ... class Adam:
    ...     lr: float = 1e-3
    >>> conv = tmlcfg.register_hooks(cattrs.Converter())
    >>> conv.structure([{"lr": 1}, {}], list[Adam])
    [Adam(lr=1.0), Adam(lr=0.001)]
    >>> conv.structure("7", int)
    Traceback (most recent call last):
    ...
    tmlcfg.ConfigError: 1 problem:
      expected int, got str '7'
    """
    # cattrs asks the factories registered last first: config classes, then other field types, then
    # containers of the user's attrs classes; cattrs' own lenient hooks only for attrs classes and X | None
    converter.register_structure_hook_factory(_not_cattrs, _strict_structure_hook)
    converter.register_structure_hook_factory(_is_field_type, _field_type_structure_hook)
    converter.register_unstructure_hook_factory(_is_field_type, _field_type_unstructure_hook)
    converter.register_structure_hook_factory(_is_config, _config_structure_hook)
    converter.register_unstructure_hook_factory(_is_config, _config_unstructure_hook(False))
    # cattrs' own hooks for these beat any factory, so tmlcfg's strict ones replace them one by one
    for tp in _scalar_types():
        _register_class_hooks(converter, tp)
    return converter


def _scalar_types() -> tuple[type, ...]:
    """The types that get a hook of their own: tmlcfg's scalars and every registered type."""
    return (*SCALAR_NODES, *(node.tp for node in all_registered()))


def _register_class_hooks(converter: cattrs.Converter, tp: type, mask: bool = False) -> None:
    """Hooks for ``tp``, which cattrs also hands ``tp``'s subclasses: those tmlcfg reads
    themselves (an ``IntEnum``, a config class deriving from a registered type) go to their own."""
    structure = _field_type_structure_hook(tp)
    unstructure = _field_type_unstructure_hook(tp)

    def structure_exactly(data: Any, cl: Any) -> Any:
        own = None if cl is tp else _own_structure_hook(cl)
        return (structure if own is None else own)(data, cl)

    def unstructure_exactly(value: Any) -> Any:
        cls: Any = type(value)
        own = None if cls is tp or value is None else _own_unstructure_hook(cls, mask)
        return (unstructure if own is None else own)(value)

    converter.register_structure_hook(tp, structure_exactly)
    converter.register_unstructure_hook(tp, unstructure_exactly)


@functools.cache
def _own_structure_hook(cl: Any) -> Callable[[Any, Any], Any] | None:
    if _is_config(cl):
        return _config_structure_hook(cl)
    return _field_type_structure_hook(cl) if _is_field_type(cl) else None


@functools.cache
def _own_unstructure_hook(cl: Any, mask: bool) -> Callable[[Any], Any] | None:
    if _is_config(cl):
        return _config_unstructure_hook(mask)(cl)
    return _field_type_unstructure_hook(cl) if _is_field_type(cl) else None


def _new_converter() -> Converter:
    return register_hooks(Converter(forbid_extra_keys=True))  # type: ignore[return-value]


#: The process's converter, with tmlcfg's hooks; users may structure with it and add hooks to it.
#: Made on first use (``tmlcfg.converter`` or the first read or write): making it registers every
#: hook, which would cost every ``import tmlcfg`` a millisecond.
_converter: Converter | None = None

if TYPE_CHECKING:
    converter: Converter


def the_converter() -> Converter:
    """:data:`tmlcfg.converter`, made now if nothing has used it yet."""
    global _converter
    if _converter is None:
        _converter = _new_converter()
    return _converter


def __getattr__(name: str) -> Any:
    if name == "converter":
        return the_converter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_masking: cattrs.Converter | None = None


def masking_converter() -> cattrs.Converter:
    """A copy of :data:`converter` that writes every secret as ``'***'``: for logs and wandb."""
    global _masking
    if _masking is None:
        _masking = the_converter().copy()
        _masking.register_unstructure_hook_factory(_is_config, _config_unstructure_hook(True))
        for tp in _scalar_types():
            _register_class_hooks(_masking, tp, mask=True)  # a config deriving from one is masked too
    return _masking


def install_registered(node: RegisteredNode) -> None:
    """Put a registered type's hooks on tmlcfg's converters (cattrs forgets its cached dispatch)."""
    for conv, mask in ((_converter, False), (_masking, True)):
        if conv is not None:
            _register_class_hooks(conv, node.tp, mask)


on_register(install_registered)


def structured(
    cls: type[_C],
    data: Any,
    locate: Callable[[list[RawProblem]], list[Problem]] | None = None,
    *,
    migrate: bool = True,
) -> _C:
    """Structure ``data`` through the converter, or raise one :class:`ConfigError` with every problem located.

    Old paths the class's migrations name are moved to their new ones by the
    converter's hook, with a warning each; ``migrate=False`` when the caller has
    done so, with the places it knows.
    """
    spec = require_spec(cls)
    if migrate or spec.plan is None:
        hook = the_converter().get_structure_hook(cls)
    else:
        hook = _config_structure_hook(cls, migrate=False)
    raw: list[RawProblem]
    try:
        return cast(_C, hook(data, cls))
    except ConfigError as e:
        if locate is None:
            raise
        raw = e.raw if e.raw is not None else [(_parsed(p.path), p.message, ()) for p in e.problems]
    except RecursionError:
        raw = [((), _TOO_DEEP, ())]
    problems = locate(raw) if locate is not None else [to_problem(p) for p in raw]
    raise ConfigError(problems, target=spec.cls.__name__) from None


def from_dict(cls: type[_C], data: Mapping[str, Any]) -> _C:
    """A ``cls`` from a mapping of plain values, checked as strictly as a file.

    >>> import tmlcfg
    >>> @tmlcfg.config
    ... class Adam:
    ...     lr: float = 1e-3
    >>> tmlcfg.from_dict(Adam, {"lr": 1})
    Adam(lr=1.0)
    """
    return structured(cls, data)


def to_dict(config: Any) -> dict[str, Any]:
    """Plain dicts, lists and scalars; ``None`` fields left out, enums as values, paths as str."""
    require_spec(type(config))
    return cast("dict[str, Any]", the_converter().unstructure(config))


def unstructure(config: Any, *, mask: bool) -> dict[str, Any]:
    """Plain values of a config; with ``mask``, every secret is ``'***'``."""
    require_spec(type(config))
    conv = masking_converter() if mask else the_converter()
    return cast("dict[str, Any]", conv.unstructure(config))
