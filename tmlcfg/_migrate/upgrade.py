"""``tmlcfg upgrade``: experiment files rewritten to a class's current names, keeping their style.

The rewriting goes through tomlkit, which keeps every comment, blank line, key
order and value spelling it is not asked to change; what changes is decided by
the same :func:`migrate` every way in uses, so an upgraded file loads, with no
warning, to the config the old file gave.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from typing import Any

from .._base.errors import ConfigError, Problem
from .._base.keypaths import PathTuple, format_path
from .._engine.converter import require_spec
from .apply import Use, migrate, translate
from .plan import plan_of


def _tomlkit() -> Any:
    try:
        import tomlkit
    except ImportError:
        raise ImportError("tmlcfg upgrade needs tomlkit: pip install 'tmlcfg[upgrade]'") from None
    return tomlkit


def upgrade_text(cls: type, text: str, source: str | None = None) -> tuple[str, list[Use]]:
    """``text`` with every old path of ``cls`` moved to its new one, and the uses found.

    Raises :class:`ConfigError` when the text is not TOML, when an old path and
    its new one are both given, or when a converted value cannot be converted.
    """
    from .._load.layers import _parse
    from .._toml.positions import key_lines, line_for

    plan = plan_of(cls)
    data = _parse(text, source, cls.__name__)
    if plan is None:
        return text, []
    lines: dict[PathTuple, int] = {}

    def where(path: PathTuple) -> str:
        line = line_for(lines, path)
        return f"{format_path(path)} (line {line})" if line is not None else format_path(path)

    lines.update(key_lines(text))
    result = migrate(plan, data, (), where)
    if result.problems:
        problems = [Problem(format_path(p), m, source, line_for(lines, p)) for p, m, _ in result.problems]
        raise ConfigError(problems, target=cls.__name__)
    if not result.uses:
        return text, []
    tomlkit = _tomlkit()
    unfaithful = Problem("", "tmlcfg upgrade could not rewrite this file faithfully; edit the old keys by hand", source)
    try:
        doc = tomlkit.parse(text)
        for use in result.uses:
            _apply(tomlkit, doc, use)
        out: str = doc.as_string()
        # a safety net: what the file now says must be exactly what migrating the old one gave
        written = tomllib.loads(out)
    except RecursionError:
        problem = Problem("", "nested too deep for tmlcfg upgrade to rewrite", source)
        raise ConfigError([problem], target=cls.__name__) from None
    except Exception:  # tomlkit's own limits on valid TOML: refuse, never write a broken file
        raise ConfigError([unfaithful], target=cls.__name__) from None
    if migrate(plan, written).uses or not same_plain(written, result.data):
        raise ConfigError([unfaithful], target=cls.__name__)
    return out, result.uses


def same_plain(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_plain(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_plain(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN is NaN in a file


def _container(node: Any) -> Any:
    """The tomlkit container (with the private ``_replace``) behind a document, table or inline table.

    ``None`` for a table tomlkit holds in pieces (dotted keys spread over the file): a key in it
    is moved by deleting and setting, not renamed where it stands.
    """
    if hasattr(node, "_replace"):
        return node
    inner = getattr(node, "value", None)
    return inner if hasattr(inner, "_replace") else None


def _spaced_like(old: Any, name: str) -> Any:
    """A key ``name`` written with the spacing around ``=`` that ``old`` had."""
    from tomlkit.items import SingleKey

    fresh = SingleKey(name)
    if old is None or old.is_dotted() or not hasattr(old, "sep"):
        return name
    written = old.as_string()
    space = written[len(written.rstrip()) :]
    return SingleKey(name, t=fresh.t, sep=old.sep, original=fresh.as_string() + space)


def _key_of(container: Any, name: str) -> Any:
    for key, _ in container.body:
        if key is not None and key.key == name:
            return key
    return None


def _get(doc: Any, path: PathTuple) -> Any:
    node = doc
    for step in path:
        node = node[step]
    return node


def _apply(tomlkit: Any, doc: Any, use: Use) -> None:
    *parent_path, key = use.old
    parent = _get(doc, tuple(parent_path))
    item = parent[key]
    if use.tag is not None:  # an old tag: the value changes, the key and its comment stay
        parent[key] = use.tag[1]
        return
    if use.new is None:
        del parent[key]
        _prune(doc, use.old, use.span, use.kept)
        return
    new_item = item
    if use.converts:
        value = item.unwrap() if hasattr(item, "unwrap") else item
        for convert in use.converts:
            value = convert(value)
        new_item = tomlkit.item(value)
    *new_parent_path, new_key = use.new
    container = _container(parent)
    old_key = _key_of(container, str(key)) if container is not None else None
    if tuple(new_parent_path) == tuple(parent_path) and old_key is not None:
        # a rename in place keeps the key where it was, with its comment and its ' = ' spacing
        container._replace(key, _spaced_like(old_key, str(new_key)), new_item)
        _renamed(new_item)
        return
    del parent[key]
    _prune(doc, use.old, use.span, use.kept)
    target = doc
    for step in new_parent_path:
        if step not in target:
            target[step] = tomlkit.table(is_super_table=True)
        target = target[step]
    _fit(tomlkit, target, new_item)
    target[new_key] = new_item
    _renamed(new_item)


def _fit(tomlkit: Any, target: Any, item: Any) -> None:
    """Indent a moved key like its new neighbours; inside an inline table, one space and no comment."""
    trivia = getattr(item, "trivia", None)
    if trivia is None or isinstance(item, tomlkit.items.Table):
        return
    if isinstance(target, tomlkit.items.InlineTable):
        trivia.indent = " " if len(target) else ""
        trivia.comment = trivia.comment_ws = ""  # a comment cannot sit inside braces
        return
    container = _container(target)
    body = container.body if container is not None else []
    indents = [v.trivia.indent for k, v in body if k is not None and hasattr(v, "trivia")]
    trivia.indent = indents[-1] if indents else ""


def _renamed(item: Any) -> None:
    """Tables moved or renamed must render their headers under their new names."""
    if hasattr(item, "invalidate_display_name"):
        item.invalidate_display_name()
    body = getattr(getattr(item, "value", None), "body", None)
    if isinstance(body, list):
        for _, child in body:
            _renamed(child)
    elif hasattr(item, "body") and isinstance(item.body, list):  # an array of tables
        for child in item.body:
            _renamed(child)


def _prune(doc: Any, old: PathTuple, span: int, kept: int) -> None:
    """Tables the removal emptied go too, up to the class the rule belongs to, but not current configs'."""
    for depth in range(len(old) - 1, len(old) - span + kept, -1):
        parent = _get(doc, old[: depth - 1])
        table = parent[old[depth - 1]]
        if len(table) != 0:
            return
        del parent[old[depth - 1]]


def unified_diff(cls: type, before: str, after: str, name: str) -> str:
    """A unified diff of the two texts, with the values of secret fields shown as ``"***"``."""
    old, new = _masked(cls, before), _masked(cls, after)
    lines = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _masked(cls: type, text: str) -> list[str]:
    from .._toml.positions import key_lines

    lines = text.splitlines(keepends=True)
    for path, number in key_lines(text).items():
        line = lines[number - 1]
        if _secret(cls, path) and "=" in line:
            key = line.split("=", 1)[0]
            lines[number - 1] = f'{key}= "***"' + ("\n" if line.endswith("\n") else "")
    return lines


def _secret(cls: type, path: PathTuple) -> bool:
    """Whether ``path`` is at or below a secret field (a secret config covers all below it)."""
    from .._engine.nodes import ConfigNode, ConstrainedNode, TypeNode
    from .._engine.walk import child

    plan = plan_of(cls)
    if plan is not None:
        path = translate(plan, path).path  # an old key is as secret as the field it now names
    node: TypeNode | None = ConfigNode(require_spec(cls))
    for step in path:
        base = node.inner if isinstance(node, ConstrainedNode) else node
        if isinstance(base, ConfigNode) and isinstance(step, str):
            f = base.spec.by_name.get(step)
            if f is None:
                return False
            if f.secret:
                return True
            node = f.node
        else:
            node = child(node, step)
        if node is None:
            return False
    return False


def describe(use: Use) -> str:
    if use.tag is not None:
        return f"the tag {use.tag[0]!r} was renamed to {use.tag[1]!r}"
    if use.new is None:
        return f"removed: {use.reason}"
    return f"renamed to {format_path(use.new)}"


def upgrade_files(cls: type, files: list[str], mode: str) -> str:
    """What ``tmlcfg upgrade`` prints; ``mode`` is ``diff``, ``in-place`` or ``check``.

    Every file is read and upgraded before any is written, so a problem in one
    leaves all as they were; the problems of all files come in one
    :class:`ConfigError`. ``check`` raises one listing every old key, located,
    when any file would change.
    """
    from .._load.layers import _read
    from .._toml.atomic import write_atomic

    problems: list[Problem] = []
    changed: list[tuple[str, str, str, list[Use], dict[PathTuple, int]]] = []
    for name in files:
        if os.path.exists(name) and not os.path.isfile(name):
            problems.append(Problem("", "is not a regular file; nothing was read or written", name))
            continue
        try:
            layer = _read(name, cls.__name__)
            assert layer.text is not None
            new, uses = upgrade_text(cls, layer.text, name)
        except ConfigError as e:
            problems += e.problems
            continue
        if new != layer.text:
            changed.append((name, layer.text, new, uses, layer.lines() if mode == "check" else {}))
    if problems:
        raise ConfigError(problems, target=cls.__name__)
    out: list[str] = []
    for name, old, new, uses, lines in changed:
        if mode == "in-place":
            write_atomic(name, new, target=cls.__name__)
            out.append(f"upgraded {name}: {len(uses)} key{'s' if len(uses) != 1 else ''}\n")
        elif mode == "check":
            hint = f"run `tmlcfg upgrade {cls.__module__}:{cls.__qualname__} --in-place {name}`"
            found = [Problem(format_path(u.old), f"{describe(u)}; {hint}", name, lines.get(u.old)) for u in uses]
            problems += sorted(found, key=lambda p: p.line or 0)
        else:
            out.append(unified_diff(cls, old, new, name))
    if problems:
        raise ConfigError(problems, target=cls.__name__)
    return "".join(out)
