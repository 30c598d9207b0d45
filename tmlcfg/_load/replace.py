"""``replace``: a changed copy of a config, validated again as a whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from .._base.errors import ConfigError, Invalid, RawProblem, to_problem
from .._base.keypaths import PathSyntaxError, PathTuple, parse_path
from .._engine.converter import require_spec, structured, to_dict
from .._engine.nodes import KIND_KEY, ConfigNode
from .._engine.walk import set_path
from .._migrate.plan import plan_of

_C = TypeVar("_C")


def replace(config: _C, changes: Mapping[str, Any] | None = None, /, **top_level: Any) -> _C:
    """A new config with the values at the given paths changed, checked like any input.

    Paths use the one path language (``"model.relations[2].lhs"``); keyword
    arguments change top-level fields. Naming a member of a group drops the
    member chosen before; naming another variant (``{"optimizer.kind": "sgd"}``)
    drops what the variant before held.
    """
    spec = require_spec(type(config))
    data = to_dict(config)
    node = ConfigNode(spec)
    problems: list[RawProblem] = []
    items = [*(changes or {}).items(), *((name, v) for name, v in top_level.items())]
    # a choice of variant first, as among overrides: the values given beside it are the new variant's
    items.sort(key=lambda item: (0, item[0].count(".")) if item[0].rpartition(".")[2] == KIND_KEY else (1, 0))
    plan = plan_of(type(config))
    seen: dict[PathTuple, PathTuple] = {}
    for text, value in items:
        try:
            path = parse_path(text) if text not in spec.by_name else (text,)
            if plan is not None:
                from .._migrate.ways import replace_path

                path, value = replace_path(plan, path, value, problems, seen, "replace")
                if not path:
                    continue
            set_path(node, data, path, value)
        except PathSyntaxError as e:
            problems.append(((), str(e), ()))
        except Invalid as e:
            problems += e.problems
    try:
        result = structured(type(config), data, migrate=False)
    except ConfigError as e:
        raise ConfigError([*(to_problem(p) for p in problems), *e.problems], target=e.target) from None
    if problems:
        raise ConfigError([to_problem(p) for p in problems], target=type(config).__name__)
    return result
