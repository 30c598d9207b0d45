"""``from_dict`` and ``to_dict``: configs to plain values and back, via cattrs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import cattrs

from ._errors import ConfigError, DefinitionError, Invalid, Problem, RawProblem, to_problem
from ._show import got
from ._spec import ClassSpec, spec_of

_C = TypeVar("_C")


def require_spec(cls: Any) -> ClassSpec:
    spec = spec_of(cls)
    if spec is None:
        name = getattr(cls, "__qualname__", repr(cls))
        raise DefinitionError(f"{name} is not a tmlcfg config; decorate it with @tmlcfg.config")
    return spec


def _structure_hook(data: Any, cls: type) -> Any:
    if not isinstance(data, Mapping):
        raise Invalid.one(f"expected a table ({cls.__name__}), {got(data)}")
    if cls.__dict__.get("__tmlcfg_migrations__") is not None:
        from ._migrate_ways import migrate_input

        data = migrate_input(cls, data)
    return require_spec(cls).build(data)


def _unstructure_hook(inst: Any) -> dict[str, Any]:
    return require_spec(type(inst)).unstructure(inst)


def register_hooks(converter: cattrs.Converter) -> cattrs.Converter:
    """Give a cattrs converter tmlcfg's strict hooks for every config class.

    cattrs dispatches; tmlcfg's compiled nodes check and freeze (cattrs' own
    int hook would take ``"7"`` or ``1.9``). Structuring raises :class:`Invalid`.
    """
    converter.register_structure_hook_func(lambda t: spec_of(t) is not None, _structure_hook)
    converter.register_unstructure_hook_func(lambda t: spec_of(t) is not None, _unstructure_hook)
    return converter


_converter: cattrs.Converter | None = None


def converter() -> cattrs.Converter:
    """The process's converter with tmlcfg's hooks, made on first use (it costs half a millisecond)."""
    global _converter
    if _converter is None:
        _converter = register_hooks(cattrs.Converter())
    return _converter


def structured(
    cls: type[_C],
    data: Any,
    locate: Callable[[list[RawProblem]], list[Problem]] | None = None,
    *,
    migrate: bool = True,
) -> _C:
    """Structure ``data`` or raise one :class:`ConfigError` with every problem located.

    Old paths the class's migrations name are first moved to their new ones,
    with a warning each (``migrate=False`` when the caller has done so).
    """
    spec = require_spec(cls)
    if migrate and cls.__dict__.get("__tmlcfg_migrations__") is not None:
        from ._migrate_ways import migrate_input

        data = migrate_input(cls, data)
    # Building thousands of frozen objects makes no cycles, yet would set off the cyclic
    # garbage collector again and again, over a heap that grows: cost would grow faster
    # than the file. So it waits until the config is built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if type(data) is dict:
            # the hook cattrs would dispatch to, called directly: this is the hot path
            return spec.build(data)  # type: ignore[no-any-return]
        return converter().structure(data, cls)
    except Invalid as e:
        raw = e.problems
    except RecursionError:
        raw = [((), "nesting too deep to read", ())]
    finally:
        if collecting:
            gc.enable()
    problems = locate(raw) if locate is not None else [to_problem(p) for p in raw]
    raise ConfigError(problems, target=cls.__name__) from None


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
    # what converter().unstructure(config) does, without the dispatch
    return require_spec(type(config)).unstructure(config)
