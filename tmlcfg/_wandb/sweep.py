"""``sweep_config``: a wandb sweep whose every parameter is checked against the config class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base.errors import ConfigError, Invalid, Problem
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.wording import MASKING, got, literal
from .._engine.converter import require_spec
from .._engine.nodes import ConfigNode, ConstrainedNode, FloatNode, IntNode
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
    """Whether the field at ``path`` is secret, or sits below a secret field."""
    current: ClassSpec | None = spec
    for step in path:
        f = current.by_name.get(step) if current is not None and isinstance(step, str) else None
        if f is None:
            return False
        if f.secret:
            return True
        current = f.node.spec if isinstance(f.node, ConfigNode) else None
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
    for path, param in flat:
        where = format_path(path)
        if isinstance(param, _BadPath):
            problems.append(Problem(where, str(param)))
            continue
        if not isinstance(param, Mapping):
            problems.append(Problem(where, "a parameter is a table such as {values = [1, 2]}"))
            continue
        f = field_at(spec, path)
        if isinstance(f, str):
            problems.append(Problem(where, f))
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
