"""Configs that outlive their classes: declared renames, moves and removals.

A class declares its history with ``@tmlcfg.config(migrations=(...))``. The
declarations are checked and compiled into a :class:`Plan` when the class is
defined; every way in then rewrites its plain input (old paths to new ones)
with :func:`migrate` before structuring, and warns once per old path used.
A class with no migrations anywhere in its tree has no plan and pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .._base.errors import DefinitionError
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.limits import MAX_DEPTH
from .._engine.nodes import (
    ConfigNode,
    ConstrainedNode,
    FixedTupleNode,
    FrozenSetNode,
    MappingNode,
    Node,
    TupleNode,
    VariantNode,
)
from .._engine.spec import ClassSpec, FieldSpec, field_at, spec_of

UPGRADE_HINT = "tmlcfg upgrade"


class MigrationWarning(UserWarning):
    """An input used a key its config class has renamed, moved or removed.

    ``old`` and ``new`` are paths (``new`` is ``None`` for a removal), ``reason``
    the removal's reason; ``source`` and ``line`` say where, when there is a file.
    """

    old: str
    new: str | None
    reason: str | None
    source: str | None
    line: int | None


class Renamed:
    """``renamed(old, new)``: the value once at path ``old`` now lives at path ``new``."""

    __slots__ = ("convert", "new", "old")

    def __init__(self, old: str, new: str, convert: Callable[[Any], Any] | None) -> None:
        self.old = old
        self.new = new
        self.convert = convert

    def __repr__(self) -> str:
        extra = ", convert=..." if self.convert is not None else ""
        return f"renamed({self.old!r}, {self.new!r}{extra})"


class Removed:
    """``removed(old, reason=..., secret=...)``: the key is accepted, ignored, and the reason shown."""

    __slots__ = ("old", "reason", "secret")

    def __init__(self, old: str, reason: str, secret: bool = False) -> None:
        self.old = old
        self.reason = reason
        self.secret = secret

    def __repr__(self) -> str:
        extra = ", secret=True" if self.secret else ""
        return f"removed({self.old!r}, reason={self.reason!r}{extra})"


def renamed(old: str, new: str, *, convert: Callable[[Any], Any] | None = None) -> Renamed:
    """Declare that the value at path ``old`` now lives at path ``new`` (both relative to the class).

    A rename within the class, a move into a nested config (``"lr"`` to
    ``"optimizer.sgd.lr"``) and a move out of one are the same declaration.
    ``convert`` maps the old plain value to the new one's plain value; the
    result is then held to the new field's rules.

    >>> import tmlcfg
    >>> @tmlcfg.config(migrations=(tmlcfg.renamed("num_steps", "num_train_steps"),))
    ... class Training:
    ...     num_train_steps: int = 10
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     tmlcfg.from_dict(Training, {"num_steps": 5})
    Training(num_train_steps=5)
    >>> print(seen[0].message)
    num_steps was renamed to num_train_steps (Training); run `tmlcfg upgrade` on files that use it
    """
    return Renamed(old, new, convert)


def removed(old: str, *, reason: str, secret: bool = False) -> Removed:
    """Declare that the key at path ``old`` is gone: it is accepted and ignored, and ``reason`` shown.

    ``secret=True`` says its value was a secret (an API key written inline, say):
    ``tmlcfg upgrade`` then never shows it. A removed key below a secret field
    is masked without it.
    """
    return Removed(old, reason, secret)


@attrs.define(eq=False)
class Rule:
    """One compiled migration: chains resolved, paths parsed."""

    old: PathTuple
    new: PathTuple | None
    converts: tuple[Callable[[Any], Any], ...]
    reason: str | None
    declared: Renamed | Removed
    #: How many leading keys of ``old`` are current configs: their tables stay when emptied,
    #: since naming a table (a group member's, say) can mean something of itself.
    kept: int = 0
    #: A removal's value is a secret: declared so, or the key was last in what is a secret field now.
    secret: bool = attrs.field(init=False, default=False)


# How to reach the nested configs below a field: ("config", plan), ("items", walker),
# ("fixed", (walker | None, ...)), ("values", walker) or, for a variant field,
# ("variant", ({tag: (class, plan | None)}, {old tag: tag}, default tag | None)).
Walker = tuple[str, Any]


@attrs.define(eq=False)
class Plan:
    """A class's own rules (longest old path first) and the fields under which more are found."""

    spec: ClassSpec
    declared: tuple[Renamed | Removed, ...]
    rules: tuple[Rule, ...]
    descend: tuple[tuple[str, Walker], ...]
    #: The first key of every rule's old path: a table holding none of them has nothing to move.
    heads: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.heads = frozenset(str(r.old[0]) for r in self.rules)

    @property
    def cls(self) -> type:
        return self.spec.cls


def plan_of(cls: Any) -> Plan | None:
    """The migration plan of a config class, or ``None`` when nothing in its tree migrates."""
    spec = spec_of(cls)
    return None if spec is None else spec.plan


# -- definition time -----------------------------------------------------------------


def compile_plan(cls: type, spec: ClassSpec, migrations: Any) -> Plan | None:
    """Check a class's declared history (and its bases') and compile it; ``DefinitionError`` if bad."""
    name = cls.__qualname__
    if not isinstance(migrations, (tuple, list)):
        raise DefinitionError(f"{name}: migrations= takes a tuple of tmlcfg.renamed(...) and tmlcfg.removed(...)")
    declared: list[Renamed | Removed] = []
    for m in migrations:
        if not isinstance(m, (Renamed, Removed)):
            raise DefinitionError(f"{name}: migrations= takes tmlcfg.renamed(...) and tmlcfg.removed(...), not {m!r}")
        declared.append(m)
    for base in cls.__mro__[1:]:
        inherited = plan_of(base)
        if inherited is not None:
            declared += [m for m in inherited.declared if all(m is not d for d in declared)]
    rules = _rules(spec, name, declared) if declared else ()
    descend = tuple((f.name, w) for f in spec.fields if (w := _walker(f.node)) is not None)
    if not rules and not descend:
        return None
    plan = Plan(spec, tuple(declared), rules, descend)
    spec.plan = plan
    return plan


def _path(spec: ClassSpec, name: str, m: Renamed | Removed, text: Any, what: str) -> PathTuple:
    if not isinstance(text, str):
        raise DefinitionError(f"{name}: {m!r}: {what} must be a path string, got {type(text).__name__}")
    try:
        path = parse_path(text)
    except PathSyntaxError as e:
        raise DefinitionError(f"{name}: {m!r}: {what} is not a path: {e}") from None
    if not path or any(not isinstance(step, str) for step in path):
        raise DefinitionError(f"{name}: {m!r}: {what} must name keys only (no [index]): {text!r}")
    if len(path) > MAX_DEPTH:
        raise DefinitionError(f"{name}: {m!r}: {what} is {len(path)} keys deep; the most is {MAX_DEPTH}")
    return path


def _rules(spec: ClassSpec, name: str, declared: list[Renamed | Removed]) -> tuple[Rule, ...]:
    by_old: dict[PathTuple, Renamed | Removed] = {}
    targets: dict[PathTuple, PathTuple | None] = {}
    for m in declared:
        old = _path(spec, name, m, m.old, "old")
        if old in by_old:
            raise DefinitionError(f"{name}: {by_old[old]!r} and {m!r} both claim {m.old!r}; keep one")
        found = field_at(spec, old)
        if isinstance(found, FieldSpec):
            raise DefinitionError(
                f"{name}: {m!r}: {format_path(old)} is a current field; an old path must be gone from the class"
            )
        _through_configs(spec, name, m, old)
        if isinstance(m, Renamed):
            if m.convert is not None and not callable(m.convert):
                raise DefinitionError(f"{name}: {m!r}: convert must be a function of the old value")
            targets[old] = _path(spec, name, m, m.new, "new")
        else:
            if not isinstance(m.reason, str) or not m.reason.strip():
                raise DefinitionError(f"{name}: {m!r}: give a reason, shown to whoever still uses the key")
            if not isinstance(m.secret, bool):
                raise DefinitionError(f"{name}: {m!r}: secret= takes True or False")
            targets[old] = None
        by_old[old] = m
    # where each old path ends up (new path or None, converts in order, the migration that ends it),
    # each link resolved once, so a long history costs linear time
    ends: dict[PathTuple, tuple[PathTuple | None, tuple[Callable[[Any], Any], ...], Renamed | Removed]] = {}
    for start in by_old:
        chain: list[PathTuple] = []
        on_chain: set[PathTuple] = set()
        here: PathTuple | None = start
        while here is not None and here in by_old and here not in ends:
            if here in on_chain:
                cycle = " -> ".join(repr(by_old[p]) for p in [*chain[chain.index(here) :], here])
                raise DefinitionError(f"{name}: migrations form a cycle: {cycle}")
            chain.append(here)
            on_chain.add(here)
            here = targets[here]
        end = ends[here] if here is not None and here in ends else (here, (), by_old[chain[-1]]) if chain else None
        for p in reversed(chain):
            assert end is not None
            m = by_old[p]
            own = (m.convert,) if isinstance(m, Renamed) and m.convert is not None else ()
            end = (end[0], own + end[1], end[2])
            ends[p] = end
    rules = []
    for old in by_old:  # in the order declared: that is the order of the warnings for a dict
        target, converts, last = ends[old]
        if target is not None:
            found = field_at(spec, target)
            if not isinstance(found, FieldSpec):
                raise DefinitionError(f"{name}: {last!r}: the new path must be a field: {found}")
        reason = last.reason if isinstance(last, Removed) else None
        rule = Rule(old, target, converts, reason, by_old[old], _kept(spec, old))
        if isinstance(last, Removed):
            where = _path(spec, name, last, last.old, "old")
            rule.secret = last.secret or _in_secret(spec, where) or _in_secret(spec, old)
        rules.append(rule)
    rules.sort(key=lambda r: -len(r.old))
    return tuple(rules)


def _in_secret(spec: ClassSpec, path: PathTuple) -> bool:
    """Whether a table on the way to ``path`` is a current secret field (which covers everything below it)."""
    current: ClassSpec | None = spec
    for step in path[:-1]:
        f = current.by_name.get(str(step)) if current is not None else None
        if f is None:
            return False
        if f.secret:
            return True
        node = f.node.base
        current = node.spec if isinstance(node, ConfigNode) else None
    return False


def _kept(spec: ClassSpec, old: PathTuple) -> int:
    """How many leading keys of ``old`` are current config fields."""
    current: ClassSpec | None = spec
    for depth, step in enumerate(old[:-1]):
        f = current.by_name.get(str(step)) if current is not None else None
        if f is None or not isinstance(f.node, ConfigNode):
            return depth
        current = f.node.spec
    return len(old) - 1


def _through_configs(spec: ClassSpec, name: str, m: Renamed | Removed, old: PathTuple) -> None:
    """An old path may run through nested configs, but not into a current field's own value."""
    current: ClassSpec | None = spec
    for depth, step in enumerate(old[:-1]):
        if current is None or not isinstance(step, str):
            return
        f = current.by_name.get(step)
        if f is None:
            return
        node = f.node.base
        if not isinstance(node, ConfigNode):
            raise DefinitionError(
                f"{name}: {m!r}: {format_path(old[: depth + 1])} is a current {f.type_text} field, "
                "so its keys are not config fields to migrate"
            )
        current = node.spec


def walker_of(node: Node) -> Walker | None:
    """How to reach the configs with a history below ``node``; ``None`` when there are none."""
    return _walker(node)


def _walker(node: Node) -> Walker | None:
    if isinstance(node, ConstrainedNode):
        return _walker(node.inner)
    if isinstance(node, ConfigNode):
        plan = plan_of(node.cls)
        return ("config", plan) if plan is not None else None
    if isinstance(node, (TupleNode, FrozenSetNode)):
        inner = _walker(node.item)
        return ("items", inner) if inner is not None else None
    if isinstance(node, FixedTupleNode):
        walkers = tuple(_walker(i) for i in node.items)
        return ("fixed", walkers) if any(w is not None for w in walkers) else None
    if isinstance(node, MappingNode):
        inner = _walker(node.value)
        return ("values", inner) if inner is not None else None
    if isinstance(node, VariantNode):
        members = {tag: (m.cls, plan_of(m.cls)) for tag, m in node.members.items()}
        if node.old_tags or any(plan is not None for _, plan in members.values()):
            return ("variant", (members, node.old_tags, node.default_tag))
    return None


# -- telling the user ----------------------------------------------------------------


def describe_rule(rule: Rule) -> str:
    """``num_steps: renamed to num_train_steps`` / ``use_fp16: removed (use runtime.enable_amp)``."""
    if rule.new is None:
        return f"{format_path(rule.old)}: removed ({rule.reason})"
    converted = ", converted" if rule.converts else ""
    return f"{format_path(rule.old)}: renamed to {format_path(rule.new)}{converted}"


def declared_paths(cls: type) -> Iterator[tuple[PathTuple, PathTuple | None, Rule]]:
    """Every compiled rule of ``cls`` and of the configs nested in it (not inside containers), by full path."""
    plan = plan_of(cls)
    if plan is None:
        return
    yield from _declared(plan, ())


def _declared(plan: Plan, base: PathTuple) -> Iterator[tuple[PathTuple, PathTuple | None, Rule]]:
    for rule in sorted(plan.rules, key=lambda r: r.old):
        yield (*base, *rule.old), (None if rule.new is None else (*base, *rule.new)), rule
    for name, (kind, inner) in plan.descend:
        if kind == "config":
            yield from _declared(inner, (*base, name))


def history_lines(cls: type) -> list[str]:
    """One line per old path of ``cls`` and its nested configs, for ``docs`` and ``template``."""
    return [describe_rule(Rule(old, new, r.converts, r.reason, r.declared)) for old, new, r in declared_paths(cls)]
