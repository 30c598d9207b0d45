"""``${VAR}`` and ``${VAR:-default}`` in string values, after parsing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._errors import RawProblem
from ._paths import PathTuple

_PATTERN = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})")


def _login_name() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER, LOGNAME or passwd entry (some containers)
        return None


def substitute(
    data: Any,
    env: Mapping[str, str],
    problems: list[RawProblem],
    used: dict[PathTuple, list[str]],
    path: PathTuple = (),
) -> Any:
    """A copy of ``data`` with every string substituted; unset variables become problems.

    Runs on parsed values, never on TOML text, so a variable can add no key.
    ``used`` collects the variables read at each path, for origins.
    """
    if type(data) is str:
        if "$" not in data:
            return data
        return _one(data, env, problems, used, path)
    if isinstance(data, dict):
        return {k: substitute(v, env, problems, used, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [substitute(v, env, problems, used, (*path, i)) for i, v in enumerate(data)]
    return data


def _one(
    text: str, env: Mapping[str, str], problems: list[RawProblem], used: dict[PathTuple, list[str]], path: PathTuple
) -> str:
    def replace(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name is None:
            return "$"
        used.setdefault(path, []).append(name)
        value = env.get(name)
        if value is None and name == "USER":
            value = _login_name()
        if value is not None:
            return value
        if default is not None:
            return default
        problems.append((path, f"environment variable {name} is not set; set it or write ${{{name}:-default}}", ()))
        return m.group(0)

    return _PATTERN.sub(replace, text)
