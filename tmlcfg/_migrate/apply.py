"""Applying a migration plan to plain data: old paths found, moved or dropped, and told of."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import attrs

from .._base.errors import RawProblem
from .._base.keypaths import PathTuple, format_path
from .._engine.nodes import KIND_KEY
from .._engine.spec import ClassSpec, FieldSpec, field_at
from .plan import UPGRADE_HINT, MigrationWarning, Plan, Rule, Walker

# -- rewriting plain data --------------------------------------------------------------


class Use(NamedTuple):
    """One old path found in an input: where it was, where its value went (``None``: removed)."""

    old: PathTuple
    new: PathTuple | None
    reason: str | None
    cls: type
    span: int = 1  # how many steps of ``old`` the rule named (the rest is the class's place)
    converts: tuple[Callable[[Any], Any], ...] = ()
    kept: int = 0  # the rule's :attr:`Rule.kept`
    tag: tuple[str, str] | None = None  # a variant's old tag and its current one, at ``old`` (its kind)


class Result(NamedTuple):
    data: Any
    uses: list[Use]
    problems: list[RawProblem]


def _describe(path: PathTuple) -> str:
    return format_path(path)


def migrate(
    plan: Plan,
    data: Any,
    base: PathTuple = (),
    where: Callable[[PathTuple], str] = _describe,
) -> Result:
    """``data`` (plain, as read from TOML or given to ``from_dict``) with old paths moved to new ones.

    The input is never edited: what changes is copied. ``where`` names a path
    with its place (``num_steps (a.toml:3)``) for the both-given problems.
    """
    run = _Run(where)
    out = run.config(plan, data, base)
    return Result(out, run.uses, run.problems)


def walk(walker: Walker, value: Any, base: PathTuple) -> Result:
    """:func:`migrate` for a value given whole at ``base``: a config's table, or an array or table of them."""
    run = _Run(_describe)
    out = run.walk(walker, value, base)
    return Result(out, run.uses, run.problems)


@attrs.define(eq=False)
class _Run:
    """One walk of plain data: the old paths it used and the problems it met."""

    where: Callable[[PathTuple], str]
    uses: list[Use] = attrs.Factory(list)
    problems: list[RawProblem] = attrs.Factory(list)

    def config(self, plan: Plan, data: Any, path: PathTuple) -> Any:
        if not isinstance(data, Mapping):
            return data  # an instance, or a wrong type structuring will report
        out: Any = data
        if plan.heads and any(k in plan.heads for k in data):
            out = dict(data)
            placed: dict[PathTuple, PathTuple] = {}
            for rule in plan.rules:
                out = self.apply(plan, rule, out, path, placed)
        copied = out is not data
        for name, walker in plan.descend:
            if name in out:
                value = out[name]
                new = self.walk(walker, value, (*path, name))
                if new is not value:
                    if not copied:
                        out, copied = dict(out), True
                    out[name] = new
        return out

    def apply(
        self, plan: Plan, rule: Rule, data: dict[str, Any], path: PathTuple, placed: dict[PathTuple, PathTuple]
    ) -> dict[str, Any]:
        found, value = get_path(data, rule.old)
        if not found:
            return data
        data = pop_path(data, rule.old, rule.kept)
        old = (*path, *rule.old)
        if rule.new is None:
            self.uses.append(Use(old, None, rule.reason, plan.cls, len(rule.old), (), rule.kept))
            return data
        new = (*path, *rule.new)
        self.uses.append(Use(old, new, None, plan.cls, len(rule.old), rule.converts, rule.kept))
        for convert in rule.converts:
            try:
                value = convert(value)
            except Exception as e:
                secret = is_secret(plan.spec, rule.new)
                detail = "" if secret else f": {type(e).__name__}: {e}"
                self.problems.append(
                    (new, f"the value of {self.where(old)} could not be converted for {format_path(new)}{detail}", ())
                )
                return data
        if rule.new in placed or has_path(data, rule.new):
            other = placed.get(rule.new, new)
            self.problems.append((new, both_given(self.where(old), self.where(other), old, new), ()))
            return data
        placed[rule.new] = old
        return put_path(data, rule.new, value)

    def walk(self, walker: Walker, value: Any, path: PathTuple) -> Any:
        kind, inner = walker
        if kind == "config":
            return self.config(inner, value, path)
        if kind == "variant":
            return self.variant(inner, value, path)
        if kind == "values":
            if not isinstance(value, Mapping):
                return value
            items = {k: self.walk(inner, v, (*path, k)) for k, v in value.items()}
            return items if any(items[k] is not v for k, v in value.items()) else value
        if not isinstance(value, (list, tuple)):
            return value
        if kind == "items":
            walkers = [inner] * len(value)
        else:
            walkers = list(inner)[: len(value)] + [None] * max(0, len(value) - len(inner))
        out = [
            v if w is None else self.walk(w, v, (*path, i)) for i, (v, w) in enumerate(zip(value, walkers, strict=True))
        ]
        return type(value)(out) if any(a is not b for a, b in zip(out, value, strict=True)) else value

    def variant(self, walker: Any, value: Any, path: PathTuple) -> Any:
        """A variant's table: an old tag made current (a use each), then its class's own history."""
        members, old_tags, default = walker
        if not isinstance(value, Mapping):
            return value
        tag = value.get(KIND_KEY, default)
        if type(tag) is str and tag in old_tags:
            current = old_tags[tag]
            where = (*path, KIND_KEY)
            self.uses.append(Use(where, where, None, members[current][0], 1, tag=(tag, current)))
            value = {**value, KIND_KEY: current}
            tag = current
        plan = members[tag][1] if type(tag) is str and tag in members else None
        return self.config(plan, value, path) if plan is not None else value


def both_given(old_place: str, new_place: str, old: PathTuple, new: PathTuple) -> str:
    return (
        f"given both as {old_place} and as {new_place}; {format_path(old)} is the old name of "
        f"{format_path(new)}: keep only {format_path(new)} (`{UPGRADE_HINT}` rewrites old names)"
    )


def is_secret(spec: ClassSpec, path: PathTuple) -> bool:
    found = field_at(spec, path)
    return isinstance(found, FieldSpec) and found.secret


def get_path(data: Any, path: PathTuple) -> tuple[bool, Any]:
    here = data
    for step in path:
        if not isinstance(here, Mapping) or step not in here:
            return False, None
        here = here[step]
    return True, here


def has_path(data: Any, path: PathTuple) -> bool:
    """Whether ``data`` gives a value at ``path``, or a value where a table on the way should be."""
    here = data
    for step in path:
        if not isinstance(here, Mapping):
            return True  # something other than a table stands where the path goes on
        if step not in here:
            return False
        here = here[step]
    return True


def pop_path(data: Mapping[Any, Any], path: PathTuple, kept: int = 0) -> dict[Any, Any]:
    """``data`` without ``path``; tables emptied by the removal go too, but the first ``kept`` (copies, never edits)."""
    out = dict(data)
    head = path[0]
    if len(path) == 1:
        del out[head]
        return out
    below = pop_path(out[head], path[1:], kept - 1)
    if below or kept >= 1:
        out[head] = below
    else:
        del out[head]
    return out


def put_path(data: Mapping[Any, Any], path: PathTuple, value: Any) -> dict[Any, Any]:
    """``data`` with ``value`` at ``path``, tables made as needed (copies, never edits)."""
    out = dict(data)
    head = path[0]
    if len(path) == 1:
        out[head] = value
    else:
        out[head] = put_path(out.get(head, {}), path[1:], value)
    return out


class Translated(NamedTuple):
    path: PathTuple  # () for a removed path
    use: Use | None
    rule: Rule | None
    exact: bool  # the whole path was the rule's old path, so a convert applies to the value
    walker: Walker | None  # of the configs at the end of the path, for a table or array given whole


def translate(plan: Plan, path: PathTuple) -> Translated:
    """The current path for ``path``, which may use old names (an override's, a sweep's, ``replace``'s)."""
    state: Plan | Walker | None = plan
    out: PathTuple = ()
    use: Use | None = None
    found: Rule | None = None
    exact = False
    rest = path
    while rest:
        if isinstance(state, Plan):
            for rule in state.rules:
                n = len(rule.old)
                if rest[:n] == rule.old:
                    old = (*out, *rule.old)
                    found, exact = rule, len(rest) == n
                    if rule.new is None:
                        return Translated((), Use(old, None, rule.reason, state.cls), rule, exact, None)
                    use = Use(old, (*out, *rule.new), None, state.cls)
                    rest = (*rule.new, *rest[n:])
                    break
            step, rest = rest[0], rest[1:]
            below: Walker | None = dict(state.descend).get(step) if isinstance(step, str) else None
        elif state is not None and state[0] == "variant":
            # a path names no variant: the one whose history has the path's old name, else the default's
            members, _, default = state[1]
            plans = [plan for _, plan in members.values() if plan is not None]
            chosen = next((p for p in plans if any(rest[: len(r.old)] == r.old for r in p.rules)), None)
            if chosen is None and default is not None:
                chosen = members[default][1]
            if chosen is None:
                out = (*out, *rest)
                break
            state = chosen
            continue
        elif state is not None:
            kind, inner = state
            step, rest = rest[0], rest[1:]
            if kind == "fixed":
                below = inner[step] if isinstance(step, int) and 0 <= step < len(inner) else None
            else:
                below = inner
        else:
            out = (*out, *rest)
            break
        out = (*out, step)
        state = below[1] if below is not None and below[0] == "config" else below
    return Translated(out, use, found, exact, ("config", state) if isinstance(state, Plan) else state)


def old_tag(plan: Plan, path: PathTuple, value: Any) -> Use | None:
    """The use of an old tag given as a variant's kind at ``path`` (by an override, ``replace``, a sweep)."""
    if path[-1:] != (KIND_KEY,) or type(value) is not str:
        return None
    parent = translate(plan, path[:-1])
    if parent.walker is None or parent.walker[0] != "variant":
        return None
    members, old_tags, _ = parent.walker[1]
    current = old_tags.get(value)
    if current is None:
        return None
    where = (*parent.path, KIND_KEY)
    return Use(where, where, None, members[current][0], 1, tag=(value, current))


def describe_use(use: Use) -> str:
    if use.tag is not None:
        return f"{format_path(use.old)}: the tag {use.tag[0]!r} was renamed to {use.tag[1]!r} ({use.cls.__name__})"
    if use.new is None:
        return f"{format_path(use.old)} was removed ({use.cls.__name__}): {use.reason}"
    return f"{format_path(use.old)} was renamed to {format_path(use.new)} ({use.cls.__name__})"


def warn(use: Use, root: type, source: str | None = None, line: int | None = None) -> None:
    """One :class:`MigrationWarning` for one use, located, with the hint to run ``tmlcfg upgrade``."""
    text = describe_use(use)
    if source in ("override", "run config", "replace", "sweep"):
        text = f"{source}: {text}; use the new name (`{UPGRADE_HINT}` rewrites files)"
    elif source is not None or line is not None:
        place = f"{source or '<text>'}:{line}" if line is not None else str(source)
        target = f"{root.__module__}:{root.__qualname__}"
        hint = (
            f"run `{UPGRADE_HINT} {target} {source}` to rewrite the file"
            if source
            else f"`{UPGRADE_HINT}` rewrites files"
        )
        text = f"{place}: {text}; {hint}"
    else:
        text = f"{text}; run `{UPGRADE_HINT}` on files that use it"
    w = MigrationWarning(text)
    w.old = format_path(use.old)
    w.new = format_path(use.new) if use.new is not None else None
    w.reason = use.reason
    w.source = source
    w.line = line
    warnings.warn(w, stacklevel=_stacklevel())


# the tmlcfg package itself, with a separator so that a sibling "tmlcfg_x" is outside it
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _stacklevel() -> int:
    """How far up the first frame outside tmlcfg (and the importlib machinery) is, for warn()."""
    frame: Any = sys._getframe(1)
    level = 1
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE) and not filename.startswith("<frozen"):
            return level
        frame = frame.f_back
        level += 1
    return 1
