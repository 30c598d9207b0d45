"""``register_type``: teaching tmlcfg a field type of the user's, once, before any class uses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .._base.errors import DefinitionError
from .._base.frozen import FrozenDict, StrictFrozenSet
from .scalars import SCALAR_NODES, TOML_KIND_NAMES, RegisteredNode

_T = TypeVar("_T")

#: Types tmlcfg reads itself (and None); registering one of them would make a field ambiguous.
_BUILT_IN = frozenset({*SCALAR_NODES, type(None)})
#: Tables and arrays: tmlcfg reads them itself, and a hook for one would stand in for its own.
_CONTAINERS: frozenset[type] = frozenset({dict, list, tuple, set, frozenset, FrozenDict, StrictFrozenSet})

_registered: dict[type, RegisteredNode] = {}
#: The registered types some config class already uses.
_used: set[type] = set()


def register_type(
    tp: type[_T],
    *,
    toml: type,
    structure: Callable[[Any], _T],
    unstructure: Callable[[_T], Any],
    strategy: Any = None,
) -> None:
    """Teach tmlcfg a field type: ``tp`` is written in TOML as a ``toml`` value.

    ``structure`` builds a ``tp`` from such a value and raises ``ValueError`` or
    ``TypeError`` for a bad one (reported at the field's path, with file and
    line; any other exception is reported with its type); ``unstructure`` gives
    the ``toml`` value back, and a value it cannot write is refused when a field
    takes it (a default, when the class is defined); ``strategy`` is a
    Hypothesis strategy of ``tp`` values for :mod:`tmlcfg.testing`, or a function
    of no arguments that returns one (so that Hypothesis is imported only by
    tests); without it, tmlcfg draws ``toml`` values and keeps those that structure.

    From then on ``tp`` works wherever a built-in scalar does, and
    :data:`tmlcfg.converter` structures and unstructures it.

    >>> import fractions, tmlcfg
    >>> tmlcfg.register_type(fractions.Fraction, toml=str, structure=fractions.Fraction, unstructure=str)
    >>> @tmlcfg.config
    ... class Sampling:
    ...     rate: fractions.Fraction = fractions.Fraction(1, 3)
    >>> tmlcfg.loads(Sampling, 'rate = "2/7"').rate
    Fraction(2, 7)
    >>> print(tmlcfg.dumps(Sampling()), end='')
    rate = "1/3"
    """
    name = getattr(tp, "__qualname__", repr(tp))
    if not isinstance(tp, type):
        raise DefinitionError(f"register_type takes a class, not {tp!r}")
    if toml not in TOML_KIND_NAMES:
        kinds = ", ".join(t.__name__ for t in TOML_KIND_NAMES)
        raise DefinitionError(f"register_type({name}): toml={toml!r} is not a TOML kind; use one of {kinds}")
    if tp in _BUILT_IN or tp in _CONTAINERS or hasattr(tp, "__tmlcfg_spec__"):
        raise DefinitionError(f"register_type({name}): tmlcfg already reads {name} itself")
    if tp is object:
        raise DefinitionError("register_type(object): every class derives from object; register your own class")
    if getattr(tp, "__hash__", None) is None:
        # configs are hashable, and frozenset members must be
        raise DefinitionError(f"register_type({name}): {name} is not hashable; give it __eq__ and __hash__")
    if tp in _registered:
        where = " and config classes already use it" if tp in _used else ""
        raise DefinitionError(f"register_type({name}): {name} is already registered{where}; register a type once")
    if not callable(structure) or not callable(unstructure):
        raise DefinitionError(f"register_type({name}): structure and unstructure must be callables")
    if strategy is not None and not callable(strategy):
        from hypothesis.strategies import SearchStrategy

        if not isinstance(strategy, SearchStrategy):
            raise DefinitionError(f"register_type({name}): strategy must be a Hypothesis strategy, not {strategy!r}")
    node = RegisteredNode(tp, toml, structure, unstructure, strategy)
    _registered[tp] = node
    # tmlcfg's converters learn the type now; one not made yet learns every registered type when it is
    try:
        for listener in _listeners:
            listener(node)
    except BaseException:
        del _registered[tp]  # nothing half registered: the converters do not know it
        raise


#: Told of each newly registered type: the converter subscribes (it sits above this module).
_listeners: list[Callable[[RegisteredNode], None]] = []


def on_register(listener: Callable[[RegisteredNode], None]) -> None:
    """Call ``listener`` with the node of every type registered from now on."""
    _listeners.append(listener)


def registered(tp: Any) -> RegisteredNode | None:
    """The node of a registered type, noting that a config class uses it."""
    try:
        node = _registered.get(tp)
    except TypeError:  # unhashable annotations, such as a list in Annotated metadata
        return None
    if node is not None:
        _used.add(tp)
    return node


def all_registered() -> tuple[RegisteredNode, ...]:
    return tuple(_registered.values())
