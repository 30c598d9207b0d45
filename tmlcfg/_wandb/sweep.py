"""``sweep_config``: a wandb sweep whose every parameter is checked against the config class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base.errors import ConfigError, Invalid, Problem
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.wording import MASKING, got, literal
from .._engine.converter import require_spec
from .._engine.nodes import KIND_KEY, ConfigNode, ConstrainedNode, FloatNode, IntNode, VariantNode
from .._engine.spec import ClassSpec, FieldSpec, field_at
from .._migrate.plan import plan_of

METHODS = ("grid", "random", "bayes")
_INT_DISTRIBUTIONS = {"int_uniform", "q_uniform", "q_log_uniform", "q_log_uniform_values", "q_normal", "q_log_normal"}
_FLOAT_DISTRIBUTIONS = {
    "uniform",
    "log_uniform",
    "log_uniform_values",
    "inv_log_uniform",
    "inv_log_uniform_values",
    "normal",
    "log_normal",
} | _INT_DISTRIBUTIONS
_UNBOUNDED = {"normal", "log_normal", "q_normal", "q_log_normal", "log_uniform", "q_log_uniform", "inv_log_uniform"}
_KEYS = {"value", "values", "min", "max", "distribution", "probabilities", "q", "mu", "sigma", "parameters"}


def _check_value(f: FieldSpec, what: str, value: Any, problems: list[str]) -> None:
    try:
        f.structure(value)
    except Invalid as e:
        problems += [f"{what} {literal(value)}: {message}" for _, message, _ in e.problems]


def _below_secret(spec: ClassSpec, path: PathTuple) -> bool:
    """Whether the field at ``path`` is secret, or sits below a secret field (in any variant on the way)."""
    current: list[ClassSpec] = [spec]
    for step in path:
        found = [c.by_name[step] for c in current if isinstance(step, str) and step in c.by_name]
        if not found:
            return False
        if any(f.secret for f in found):
            return True
        current = []
        for f in found:
            node = f.node.base
            if isinstance(node, ConfigNode):
                current.append(node.spec)
            elif isinstance(node, VariantNode):
                current += [m.spec for m in node.members.values()]
    return False


def _check_parameter(f: FieldSpec, spec: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    unknown = set(spec) - _KEYS
    if unknown:
        problems.append(f"unknown sweep keys {sorted(unknown)}; wandb knows {sorted(_KEYS - {'parameters'})}")
    if "value" in spec:
        _check_value(f, "value", spec["value"], problems)
    if "values" in spec:
        values = spec["values"]
        if not isinstance(values, (list, tuple)) or not values:
            problems.append("values must be a non-empty list")
        else:
            for v in values:
                _check_value(f, "value", v, problems)
    if "min" in spec or "max" in spec:
        base = f.node.base
        distribution = spec.get("distribution")
        if not isinstance(base, (IntNode, FloatNode)):
            problems.append(f"min and max need a number field, and this is {f.type_text}")
            return problems
        if "min" not in spec or "max" not in spec:
            problems.append("give both min and max")
            return problems
        lo, hi = spec["min"], spec["max"]
        if isinstance(base, IntNode):
            if distribution is None and not (type(lo) is int and type(hi) is int):
                problems.append("an int field needs int min and max (wandb reads floats as a uniform float draw)")
            elif distribution is not None and distribution not in _INT_DISTRIBUTIONS:
                problems.append(f"distribution {distribution!r} draws floats; an int field takes int_uniform or q_*")
        elif distribution is not None and distribution not in _FLOAT_DISTRIBUTIONS:
            problems.append(f"unknown distribution {distribution!r}")
        for what, bound in (("min", lo), ("max", hi)):
            value = float(bound) if isinstance(base, FloatNode) and type(bound) is int else bound
            _check_value(f, what, value, problems)
        if not problems and lo > hi:
            problems.append(f"min {literal(lo)} is above max {literal(hi)}")
        if distribution in _UNBOUNDED and isinstance(f.node, ConstrainedNode):
            problems.append(f"distribution {distribution!r} can draw values outside the field's bounds")
    elif "distribution" in spec and spec["distribution"] not in ("constant", "categorical"):
        problems.append(f"distribution {spec['distribution']!r} needs min and max")
    if not {"value", "values", "min", "max"} & set(spec):
        problems.append("give value, values, or min and max")
    return problems


def _swept_kinds(flat: list[tuple[PathTuple, Any]]) -> dict[PathTuple, set[Any]]:
    """The tags each ``….kind`` parameter of the sweep can take, by the variant field's path."""
    out: dict[PathTuple, set[Any]] = {}
    for path, param in flat:
        if path[-1:] == (KIND_KEY,) and isinstance(param, Mapping):
            values = param.get("values", [param["value"]] if "value" in param else None)
            if isinstance(values, (list, tuple)):
                out[path[:-1]] = {v for v in values if type(v) is str}
    return out


def _field_at(spec: ClassSpec, path: PathTuple, swept: dict[PathTuple, set[Any]]) -> FieldSpec | VariantNode | str:
    """The field at ``path``, through nested configs and variant fields, or why there is none.

    Under a variant field a path may name a field of some of its variants (those the sweep's
    ``kind`` ranges over, when it does): runs of the other variants leave it out.
    """
    candidates: list[ClassSpec] = [spec]
    variant: VariantNode | None = None
    crossed = False  # whether the path went through a variant field: if not, the plain walk's words
    for depth, step in enumerate(path):
        here = format_path(path[: depth + 1])
        if variant is not None and step == KIND_KEY and depth == len(path) - 1:
            return variant
        having = [c for c in candidates if isinstance(step, str) and step in c.by_name]
        if not having or not isinstance(step, str):
            if not crossed:
                return field_at(spec, path)
            names = " or ".join(c.cls.__name__ for c in candidates)
            return f"{here} is not a field of {names}; {candidates[0]._hint(str(step))}"
        f = having[0].by_name[step]
        if depth == len(path) - 1:
            return f
        node = f.node.base
        variant = None
        if isinstance(node, ConfigNode):
            candidates = [node.spec]
        elif isinstance(node, VariantNode):
            variant, crossed = node, True
            tags = swept.get(path[: depth + 1])
            members = [m for tag, m in node.members.items() if tags is None or tag in tags]
            candidates = [m.spec for m in members] or [m.spec for m in node.members.values()]
            nxt = path[depth + 1]
            if nxt != KIND_KEY and tags is not None and not any(nxt in c.by_name for c in candidates):
                owners = [repr(t) for t, m in node.members.items() if nxt in m.spec.by_name]
                if owners:
                    return (
                        f"{format_path(path[: depth + 2])} is a field of {', '.join(owners)} only, and this "
                        f"sweep's {format_path((*path[: depth + 1], KIND_KEY))} is never one of them"
                    )
        elif not crossed:
            return field_at(spec, path)
        else:
            return f"{here} is a field of type {f.type_text}, with no fields below it"
    return "an empty path names no field"


def _check_tags(node: VariantNode, param: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    values = param.get("values", [param["value"]] if "value" in param else None)
    if not isinstance(values, (list, tuple)) or not values:
        return ["a kind takes value or values: the tags to try, such as values = ['adam', 'sgd']"]
    if set(param) - {"value", "values", "distribution", "probabilities"}:
        problems.append("a kind takes value or values (tags), not a range")
    for v in values:
        try:
            _tag_or_fail(node, v)
        except Invalid as e:
            problems += [f"value {literal(v)}: {message}" for _, message, _ in e.problems]
    return problems


def _tag_or_fail(node: VariantNode, value: Any) -> None:
    if type(value) is not str or value not in node.members:
        node._old_or_fail(value)


class _BadPath(str):
    """Why a parameter's name is not a path (kept apart from parameters given as strings)."""


def _flatten(parameters: Mapping[str, Any], prefix: PathTuple = ()) -> list[tuple[PathTuple, Any]]:
    """Flat paths of parameters given flat (dotted names) or nested (``{"parameters": {...}}``)."""
    out: list[tuple[PathTuple, Any]] = []
    for name, spec in parameters.items():
        try:
            path = (*prefix, *parse_path(name))
        except PathSyntaxError as e:
            out.append(((*prefix, name), _BadPath(e)))
            continue
        if isinstance(spec, Mapping) and "parameters" in spec and isinstance(spec["parameters"], Mapping):
            out += _flatten(spec["parameters"], path)
        else:
            out.append((path, spec))
    return out


def sweep_config(
    cls: type,
    parameters: Mapping[str, Any],
    *,
    method: str,
    metric: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The dict for ``wandb.sweep``, after checking every parameter against ``cls``.

    Each parameter's path must be a field (did-you-mean otherwise); its
    ``value``/``values``/``min``/``max`` must fit the field's type and bounds, and
    its distribution the type. ``method`` is grid, random or bayes; bayes needs a
    ``metric``; grid needs listed values.
    """
    spec = require_spec(cls)
    # wrong kinds of argument are mistakes in the calling code, not in a sweep's values
    if not isinstance(parameters, Mapping):
        raise TypeError(
            "sweep_config: parameters must be a mapping of field paths to parameters, "
            f"such as {{'lr': {{'values': [0.1, 0.01]}}}}; got {type(parameters).__name__}"
        )
    if metric is not None and not isinstance(metric, Mapping):
        raise TypeError(
            "sweep_config: metric must be a mapping such as {'name': 'loss', 'goal': 'minimize'}; "
            f"got {type(metric).__name__}"
        )
    problems: list[Problem] = []
    if metric is not None and "name" in metric and not isinstance(metric["name"], str):
        problems.append(Problem("metric.name", f"must be the logged metric's name, a str; got {got(metric['name'])}"))
    if method not in METHODS:
        problems.append(Problem("", f"method must be one of {', '.join(METHODS)}, got {method!r}"))
    if method == "bayes" and not (metric and metric.get("name")):
        problems.append(Problem("", "bayes needs a metric: metric={'name': 'loss', 'goal': 'minimize'}"))
    if metric is not None and metric.get("goal", "minimize") not in ("minimize", "maximize"):
        problems.append(Problem("", f"metric goal must be minimize or maximize, got {metric.get('goal')!r}"))
    if not parameters:
        problems.append(Problem("", "a sweep needs at least one parameter"))
    flat = _flatten(parameters)
    plan = plan_of(cls)
    if plan is not None:
        from .._migrate.ways import sweep_paths

        flat = sweep_paths(plan, flat, problems)
    swept = _swept_kinds(flat)
    for path, param in flat:
        where = format_path(path)
        if isinstance(param, _BadPath):
            problems.append(Problem(where, str(param)))
            continue
        if not isinstance(param, Mapping):
            problems.append(Problem(where, "a parameter is a table such as {values = [1, 2]}"))
            continue
        f = _field_at(spec, path, swept)
        if isinstance(f, str):
            problems.append(Problem(where, f))
            continue
        if isinstance(f, VariantNode):  # the path's kind: its values are the variant's tags
            problems += [Problem(where, message) for message in _check_tags(f, param)]
            continue
        # a sweep over a secret shows none of its values, not even in its own messages
        token = MASKING.set(True) if _below_secret(spec, path) else None
        try:
            problems += [Problem(where, message) for message in _check_parameter(f, param)]
        finally:
            if token is not None:
                MASKING.reset(token)
        if method == "grid" and not {"value", "values"} & set(param):
            problems.append(Problem(where, "grid search needs value or values, not a range"))
    if problems:
        raise ConfigError(problems, target=f"sweep of {cls.__name__}")
    # an old name is sent under its new one, so the runs' configs use today's names
    renamed = plan is not None and [p for p, _ in flat] != [p for p, _ in _flatten(parameters)]
    given = {format_path(p): param for p, param in flat} if renamed else dict(parameters)
    out: dict[str, Any] = {"method": method, "parameters": given}
    if metric is not None:
        out["metric"] = dict(metric)
    out.update(extra)
    return out
