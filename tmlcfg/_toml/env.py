"""``${VAR}`` and ``${VAR:-default}`` in string values, after parsing; ``$$`` is a literal ``$``.

``$$`` always reads as ``$``, with or without an environment, so that what
``dumps`` writes (every ``$`` doubled) reads back the same either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._base.errors import Invalid, RawProblem
from .._base.keypaths import PathTuple
from .._base.limits import MAX_DEPTH, MAX_SHOWN

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# ${NAME} or ${NAME:-default}; a default is plain text, in which $$ is still a literal $
_REFERENCE = re.compile(r"\$\{(" + _NAME + r")(?::-((?:[^${}]|\$\$|\$(?![{$]))*))?\}")
_HOW = "write ${NAME} or ${NAME:-default} (a default holds no reference), or $$ for a literal $"


def _login_name() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER, LOGNAME or passwd entry (some containers)
        return None


def too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} arrays and tables; flatten it"


def escape(text: str) -> str:
    """``text`` as written in a file, so that reading it back gives ``text`` in any environment.

    >>> escape("cost: $5 for ${RUN}")
    'cost: $$5 for $${RUN}'
    """
    return text.replace("$", "$$")


def substitute(
    data: Any,
    env: Mapping[str, str] | None,
    problems: list[RawProblem],
    used: dict[PathTuple, list[str]],
    path: PathTuple = (),
) -> Any:
    """A copy of ``data`` with every string substituted; unset variables become problems.

    Runs on parsed values, never on TOML text, so a variable can add no key.
    ``used`` collects the variables read at each path, for origins. With no
    ``env`` only ``$$`` is read, as ``$``. Raises :class:`Invalid` at the first
    table or array nested deeper than ``MAX_DEPTH``, where the walk stops.
    """
    if type(data) is str:
        if "$" not in data:
            return data
        return _one(data, env, problems, used, path)
    if isinstance(data, (dict, list)):
        if len(path) >= MAX_DEPTH:
            raise Invalid.one(too_deep(), path)
        if isinstance(data, dict):
            return {k: substitute(v, env, problems, used, (*path, k)) for k, v in data.items()}
        return [substitute(v, env, problems, used, (*path, i)) for i, v in enumerate(data)]
    return data


def _one(
    text: str,
    env: Mapping[str, str] | None,
    problems: list[RawProblem],
    used: dict[PathTuple, list[str]],
    path: PathTuple,
) -> str:
    out: list[str] = []
    start = 0
    i = text.find("$")
    while i != -1:
        out.append(text[start:i])
        nxt = text[i + 1 : i + 2]
        if nxt == "$":
            out.append("$")
            start = i + 2
        elif nxt == "{" and env is not None:
            m = _REFERENCE.match(text, i)
            if m is None:
                end = text.find("}", i)
                bad = text[i : end + 1] if end != -1 else text[i:]
                problems.append((path, f"{_malformed(text, i)}; {_HOW}", ()))
                out.append(bad)
                start = i + len(bad)
            else:
                out.append(_value(m, env, problems, used, path))
                start = m.end()
        else:
            out.append("$")  # a lone $ (or, with no environment, a reference) is kept as written
            start = i + 1
        i = text.find("$", start)
    out.append(text[start:])
    return "".join(out)


_START = re.compile(r"\$\{(" + _NAME + r")?(:-)?")


def _malformed(text: str, i: int) -> str:
    """What is wrong with the reference at ``text[i]``, quoting no more of it than the variable's name.

    A default, or text where a name should be, may be a secret written inline
    (``${TOKEN:-sk-...}``): it is never shown, only where the reference starts.
    """
    m = _START.match(text, i)
    assert m is not None
    where = f"at character {i + 1} of the value"
    name = m.group(1)
    if name is None:
        return f"malformed reference {where}: ${{ must be followed by a variable name"
    shown = name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 3] + "..."
    if m.group(2):
        return (
            f"malformed reference ${{{shown}:-...}} {where}: the default (not shown) "
            "must end with } and hold no {, } or ${"
        )
    if m.end() == len(text):
        return f"malformed reference ${{{shown} {where}: no closing }}"
    return f"malformed reference ${{{shown}...}} {where}: the name must be followed by }} or :-default}}"


def _value(
    m: re.Match[str],
    env: Mapping[str, str],
    problems: list[RawProblem],
    used: dict[PathTuple, list[str]],
    path: PathTuple,
) -> str:
    name, default = m.group(1), m.group(2)
    used.setdefault(path, []).append(name)
    value = env.get(name)
    if value is None and name == "USER":
        value = _login_name()
    if default is not None:
        # as the shell's ${A:-d}: an empty value is as good as unset
        return value if value else default.replace("$$", "$")
    if value is not None:
        return value
    problems.append((path, f"environment variable {name} is not set; set it or write ${{{name}:-default}}", ()))
    return m.group(0)


def may_hold_dollar(text: str | None) -> bool:
    """Whether a string of the document may hold ``$`` (``$$`` reads as ``$`` even with no environment)."""
    return text is not None and ("$" in text or "\\u0024" in text or "\\U00000024" in text)
