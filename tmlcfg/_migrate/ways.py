"""Each way in's migration: files and their lines, overrides, ``replace`` paths, run configs and sweeps.

Each turns the uses :func:`tmlcfg._migrate.migrate` finds into located
warnings, and old-and-new-both-given into one ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base.errors import ConfigError, Problem, RawProblem, to_problem
from .._base.keypaths import PathTuple, format_path
from .._engine.spec import FieldSpec, field_at
from .apply import (
    Translated,
    Use,
    both_given,
    describe_use,
    get_path,
    is_secret,
    migrate,
    old_tag,
    translate,
    walk,
    warn,
)
from .plan import Plan, Walker, plan_of


def migrate_input(cls: type, data: Any, source: str | None = None, text: str | None = None) -> Any:
    """``data`` for ``cls`` with old paths moved, a warning per use; ``ConfigError`` when both are given.

    With ``text`` (the TOML ``data`` was read from), warnings and problems get lines.
    """
    plan = plan_of(cls)
    if plan is None:
        return data
    lines: dict[PathTuple, int] = {}

    def where(path: PathTuple) -> str:
        if text is not None and not lines:
            from .._toml.positions import key_lines  # only once an old path is found

            lines.update(key_lines(text))
        line = lines.get(path)
        return f"{format_path(path)} ({source}:{line})" if line is not None else format_path(path)

    result = migrate(plan, data, (), where)
    if not result.uses:
        return result.data
    if text is not None and not lines:
        from .._toml.positions import key_lines

        lines.update(key_lines(text))
    for use in sorted(result.uses, key=lambda u: lines.get(u.old, 0)):
        warn(use, cls, source, lines.get(use.old))
    if result.problems:
        problems = [to_problem(p, source, lines.get(p[0])) for p in result.problems]
        raise ConfigError(problems, target=cls.__name__)
    return result.data


def migrate_value(walker: Walker, data: Any) -> Any:
    """A value holding configs (an array or table of them) with their old paths moved, a warning each."""
    result = walk(walker, data, ())
    for use in result.uses:
        warn(use, use.cls)
    if result.problems:
        raise ConfigError([to_problem(p) for p in result.problems])
    return result.data


def given_at(data: Any, path: PathTuple) -> bool:
    """Whether ``data`` holds a value at exactly ``path``."""
    return get_path(data, path)[0]


def move_lines(lines: dict[PathTuple, int], moves: Mapping[PathTuple, PathTuple]) -> None:
    """Give each new path (and everything under it) the lines of the old path it came from."""
    news = {old: new for new, old in moves.items()}
    longest = max((len(old) for old in news), default=0)
    # each key's own prefixes looked up, so many moves in a long file cost no more than reading it
    for path, line in list(lines.items()):
        for n in range(1, min(len(path), longest) + 1):
            new = news.get(path[:n])
            if new is not None:
                lines.setdefault((*new, *path[n:]), line)


def migrate_layers(cls: type, layers: list[Any], overrides: list[tuple[PathTuple, Any]]) -> list[tuple[PathTuple, Any]]:
    """Migrate each file layer and each override of a ``load``; the overrides with current paths.

    Warns once per use, with file and line; raises one ``ConfigError`` for every
    old path whose new path is also given, in the same layer or another, or by
    an override.
    """
    from .._toml.positions import line_for

    plan = plan_of(cls)
    assert plan is not None
    originals = [layer.data for layer in layers]
    problems: list[Problem] = []
    found: list[tuple[Any, Use]] = []
    for layer in layers:

        def where(path: PathTuple, layer: Any = layer) -> str:
            return f"{format_path(path)} ({layer.origin(path)})"

        result = migrate(plan, layer.data, (), where)
        if not result.uses:
            continue
        lines = layer.lines()
        for use in sorted(result.uses, key=lambda u: lines.get(u.old, 0)):
            warn(use, cls, layer.source, lines.get(use.old))
            found.append((layer, use))
        problems += [
            Problem(format_path(p), m, layer.source, line_for(lines, p) or line_for(lines, _old_of(result.uses, p)))
            for p, m, _ in result.problems
        ]
        layer.data = result.data
        layer.rename({u.new: u.old for u in result.uses if u.new is not None and u.tag is None})
    for layer, use in found:
        if use.new is None or use.tag is not None:  # an old tag is a value: the key stays as it was
            continue
        for other, data in zip(layers, originals, strict=True):
            if other is not layer and given_at(data, use.new):
                later = max(layer, other, key=layers.index)
                message = both_given(
                    f"{format_path(use.old)} ({layer.origin(use.old)})",
                    f"{format_path(use.new)} ({other.origin(use.new)})",
                    use.old,
                    use.new,
                )
                problems.append(Problem(format_path(use.new), message, later.source, later.lines().get(use.new)))
    out: list[tuple[PathTuple, Any]] = []
    current: list[tuple[PathTuple, Any]] = []  # given under today's names
    overrides = _spread(plan, overrides)
    direct = [path for path, _ in overrides]
    for path, value in overrides:
        value = _current_tag(plan, path, value, cls, "override")
        t = translate(plan, path)
        if t.walker is not None:
            inner = walk(t.walker, value, t.path)
            for use in inner.uses:
                warn(use, cls, "override")
            problems += [Problem(format_path(p), m, "override") for p, m, _ in inner.problems]
            value = inner.data
        if t.use is None:
            out.append((path, value))
            current.append((path, value))
            continue
        warn(t.use, cls, "override")
        if t.use.new is None:
            continue
        given = format_path(path)
        value, failed = converted(t, path, value)
        if failed is not None:
            problems.append(Problem(given, failed, "override"))
            continue
        clash = [p for p in direct if p == t.path] + [
            p
            for layer, data in zip(layers, originals, strict=True)
            if given_at(data, t.path)
            for p in [layer.origin(t.path)]
        ]
        for place in clash:
            shown = f"override {format_path(place)}" if isinstance(place, tuple) else f"{format_path(t.path)} ({place})"
            problems.append(
                Problem(format_path(t.path), both_given(f"override {given}", shown, path, t.path), "override")
            )
        out.append((t.path, value))
    for layer, use in found:
        if use.new is None or use.tag is not None:  # an old tag is a value: the key stays as it was
            continue
        for path, value in current:  # an old name in a file and in an override layer as usual
            n = len(path)
            if path[: len(use.new)] == use.new or (use.new[:n] == path and given_at(value, use.new[n:])):
                message = both_given(
                    f"{format_path(use.old)} ({layer.origin(use.old)})",
                    f"override {format_path(path)}",
                    use.old,
                    use.new,
                )
                problems.append(Problem(format_path(use.new), message, "override"))
    if problems:
        raise ConfigError(problems, target=cls.__name__)
    return out


def _spread(plan: Plan, overrides: list[tuple[PathTuple, Any]]) -> list[tuple[PathTuple, Any]]:
    """Overrides giving a table at a path on the way to an old key, as one override per key in it.

    ``old.deep={key='x'}`` then migrates as ``old.deep.key=x`` does.
    """
    from .plan import declared_paths

    olds = [old for old, _, _ in declared_paths(plan.cls)]
    if not olds:
        return overrides
    out: list[tuple[PathTuple, Any]] = []
    for path, value in overrides:
        n = len(path)
        now = translate(plan, path).path
        if isinstance(value, Mapping) and value and any(len(old) > n and old[:n] in (path, now) for old in olds):
            if now and isinstance(field_at(plan.spec, now), FieldSpec):
                out.append((path, {}))  # a table given whole replaces what the files gave, as before
            out += _leaves(path, value)
        else:
            out.append((path, value))
    return out


def _leaves(path: PathTuple, value: Any) -> list[tuple[PathTuple, Any]]:
    """Each key of a table, however deep, with its value (a table with keys is spread, depth-first)."""
    out: list[tuple[PathTuple, Any]] = []
    stack = [(path, value)]
    while stack:
        here, v = stack.pop()
        if isinstance(v, Mapping) and v:
            stack += reversed([((*here, k), item) for k, item in v.items()])
        else:
            out.append((here, v))
    return out


def _current_tag(plan: Plan, path: PathTuple, value: Any, cls: type, source: str) -> Any:
    """An old tag given for a variant's kind: the current one, with a warning."""
    use = old_tag(plan, path, value)
    if use is None or use.tag is None:
        return value
    warn(use, cls, source)
    return use.tag[1]


def converted(t: Translated, path: PathTuple, value: Any) -> tuple[Any, str | None]:
    """The value given at old ``path``, converted for its new path; or why it cannot be."""
    if t.rule is None or not t.rule.converts or t.use is None:
        return value, None
    if not t.exact:
        return value, f"{describe_use(t.use)} with a conversion; set {format_path(t.use.new or ())} instead"
    try:
        for convert in t.rule.converts:
            value = convert(value)
    except Exception as e:
        plan = plan_of(t.use.cls)
        secret = plan is not None and t.rule.new is not None and is_secret(plan.spec, t.rule.new)
        return value, f"could not be converted for {format_path(t.path)}" + ("" if secret else f": {e}")
    return value, None


def _old_of(uses: list[Use], path: PathTuple) -> PathTuple:
    for use in uses:
        if use.new == path:
            return use.old
    return path


def replace_path(
    plan: Plan, path: PathTuple, value: Any, problems: list[RawProblem], seen: dict[PathTuple, PathTuple], source: str
) -> tuple[PathTuple, Any]:
    """For ``replace`` and run configs' dotted keys: the current path and value; ``()`` to ignore it.

    ``seen`` maps each current path set so far to the path given for it, so
    that an old path and its new one given together are reported.
    """
    value = _current_tag(plan, path, value, plan.cls, source)
    t = translate(plan, path)
    if t.walker is not None:
        inner = walk(t.walker, value, t.path)
        for use in inner.uses:
            warn(use, plan.cls, source)
        problems += inner.problems
        value = inner.data
    final = path
    if t.use is not None:
        warn(t.use, plan.cls, source)
        if t.use.new is None:
            return (), value
        final = t.path
        value, failed = converted(t, path, value)
        if failed is not None:
            problems.append((path, failed, ()))
            return (), value
    prior = seen.get(final)
    if prior is not None and prior != path:
        old, new = (path, prior) if t.use is not None else (prior, path)
        problems.append((final, both_given(format_path(old), format_path(new), old, final), ()))
        return (), value
    seen[final] = path
    return final, value


def sweep_paths(plan: Plan, flat: list[tuple[PathTuple, Any]], problems: list[Problem]) -> list[tuple[PathTuple, Any]]:
    """A sweep's parameter paths with old names mapped (a warning each); sweeping a removed key is a problem."""
    out: list[tuple[PathTuple, Any]] = []
    given = {path: path for path, _ in flat}
    for path, param in flat:
        if isinstance(param, str):  # a path that did not parse: reported by the caller
            out.append((path, param))
            continue
        t = translate(plan, path)
        if t.use is None:
            out.append((path, param))
            continue
        warn(t.use, plan.cls, "sweep")
        where = format_path(path)
        if t.use.new is None:
            problems.append(Problem(where, f"{describe_use(t.use)}; sweeping it would change nothing: drop it"))
        elif t.rule is not None and t.rule.converts:
            problems.append(
                Problem(where, f"{describe_use(t.use)} with a conversion; sweep {format_path(t.path)} instead")
            )
        elif t.path in given:
            problems.append(Problem(format_path(t.path), both_given(where, format_path(t.path), path, t.path)))
        else:
            out.append((t.path, param))
    return out
