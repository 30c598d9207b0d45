"""Keeping secrets out of a record: argv words that set a secret, origins below one, masked values read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.limits import MAX_DEPTH
from .._engine import walk
from .._engine.converter import require_spec
from .._engine.nodes import ConfigNode, Node, TypeNode
from .._load.layers import split_override
from .._migrate.apply import translate
from .._migrate.plan import plan_of

MASKED = "***"


def current_path(cls: type, path: PathTuple) -> PathTuple | None:
    """``path`` under the class's current names (old ones migrated); None for a removed one."""
    plan = plan_of(cls)
    if plan is None:
        return path
    found = translate(plan, path)
    return found.path or None


def secret_prefix(cls: type, path: PathTuple) -> PathTuple | None:
    """The part of ``path`` (current names) that is a secret field, or None when no secret field holds it."""
    return walk.secret_prefix(ConfigNode(require_spec(cls)), path)


def _secret_below(node: Node, seen: set[int]) -> bool:
    """Whether a secret field sits anywhere below ``node``."""
    if id(node) in seen:
        return False
    seen.add(id(node))
    base = node.base
    if isinstance(base, ConfigNode):
        return any(f.secret or _secret_below(f.node, seen) for f in base.spec.fields)
    return any(_secret_below(c, seen) for c in base.children())


def sets_secret(cls: type, text: str) -> bool:
    """Whether a value given at path ``text`` (old names too) is, or holds, a secret of ``cls``."""
    try:
        path = parse_path(text.strip())
    except PathSyntaxError:
        return False
    now = current_path(cls, path)
    if now is None:
        return False
    if secret_prefix(cls, now) is not None:
        return True
    node: TypeNode | None = ConfigNode(require_spec(cls))
    for step in now:
        node = walk.child(node, step)
    return node is not None and _secret_below(node, set())


def _flag_path(word: str) -> str | None:
    """The path a ``--flag`` names, its dashes read as underscores where field names have them."""
    if not word.startswith("--") or len(word) == 2:
        return None
    return word[2:]


def _secret_key(cls: type, key: str) -> bool:
    return sets_secret(cls, key) or ("-" in key and sets_secret(cls, key.replace("-", "_")))


def mask_argv(cls: type, argv: Sequence[str]) -> tuple[str, ...]:
    """``argv`` with the value of every word that sets a secret field shown as ``***``.

    ``path=value``, ``--path=value`` and ``--path value`` forms are masked, old
    (migrated) names of secret fields included. A word is split at its first
    ``=`` outside a quoted key, as ``from_argv`` splits an override.
    """
    out: list[str] = []
    hide_next = False
    for word in argv:
        if hide_next:
            out.append(MASKED)
            hide_next = False
            continue
        flag = _flag_path(word)
        parts = split_override(flag if flag is not None else word)
        if parts is not None and _secret_key(cls, parts[0]):
            word = f"{'--' if flag is not None else ''}{parts[0]}={MASKED}"
        elif parts is None and flag is not None and _secret_key(cls, flag):
            hide_next = True
        out.append(printable(word))
    return tuple(out)


def printable(text: str) -> str:
    """``text`` as a file can hold it: a lone surrogate (a byte that was not UTF-8) written as ``\\udcff``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def visible_origins(cls: type, origins: Mapping[Any, str]) -> dict[str, str]:
    """Origins keyed in the path language; paths below a secret field (a secret mapping's keys) fold into it."""
    out: dict[str, str] = {}
    for key, where in origins.items():
        if isinstance(key, tuple):
            path: PathTuple = key
        elif isinstance(key, str):
            try:
                path = parse_path(key)
            except PathSyntaxError as e:
                raise ValueError(f"origins: {key!r} is not a key path: {e}") from None
        else:
            raise TypeError(f"origins must be keyed by path strings or tuples, got {type(key).__name__}")
        if not isinstance(where, str):
            raise TypeError(f"origins[{key!r}] must be str (default, FILE:LINE, override), got {type(where).__name__}")
        hidden = secret_prefix(cls, path)
        out.setdefault(printable(format_path(hidden if hidden is not None else path)), printable(where))
    return out


def drop_masked(cls: type, data: dict[str, Any]) -> tuple[dict[str, Any], list[PathTuple]]:
    """The data of a file written with secrets masked, without them (so they take defaults), and their paths."""
    dropped: list[PathTuple] = []

    def walk(value: Any, path: PathTuple) -> Any:
        if len(path) > MAX_DEPTH:  # too deep to be a config: structuring says so, at its path
            return value
        if value == MASKED and path:
            now = current_path(cls, path)
            if now is not None and secret_prefix(cls, now) == now:
                dropped.append(now)
                return _DROP
            return value
        if isinstance(value, dict):
            kept = {k: walk(v, (*path, k)) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v is not _DROP}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    return walk(data, ()), dropped


_DROP = object()
