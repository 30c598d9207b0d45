"""Converting pydantic-era YAML experiment files to TOML (PyYAML, ``safe_load`` only)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from ._errors import ConfigError, Problem
from ._paths import PathTuple, format_path
from ._write import write_toml

INSTALL_HINT = "converting YAML needs PyYAML: pip install 'tmlcfg[yaml]'"


def _yaml() -> Any:
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - the test environment has PyYAML
        raise ImportError(INSTALL_HINT) from None
    return yaml


def _tomlify(value: Any, path: PathTuple, problems: list[Problem], source: str) -> Any:
    """Nulls dropped (TOML has none), keys checked to be strings, order kept."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                problems.append(Problem(format_path(path), f"key {k!r} is not a string; TOML keys are", source))
                continue
            if v is not None:
                out[k] = _tomlify(v, (*path, k), problems, source)
        return out
    if isinstance(value, list):
        if any(v is None for v in value):
            problems.append(Problem(format_path(path), "a list holds null, which TOML cannot write", source))
        return [_tomlify(v, (*path, i), problems, source) for i, v in enumerate(value) if v is not None]
    if value is None or isinstance(value, (bool, int, float, str, dt.date, dt.time)):
        return value
    problems.append(Problem(format_path(path), f"{type(value).__name__} has no TOML form", source))
    return None


def yaml_to_toml(path: str | os.PathLike[str]) -> str:
    """TOML text of a YAML experiment file: nulls dropped, ``${VAR}`` kept for load time."""
    yaml = _yaml()
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise ConfigError([Problem("", "file not found; check the path", source)]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem("", f"cannot read: {e}", source)]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(e, "problem", None) or str(e)
        raise ConfigError([Problem("", f"YAML syntax error: {what}", source, line)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Problem("", "the document is not a mapping of keys to values", source)])
    problems: list[Problem] = []
    converted = _tomlify(data, (), problems, source)
    if problems:
        raise ConfigError(problems)
    return write_toml(converted, keep_references=True)  # ${USER} stays a reference, as it was in YAML
