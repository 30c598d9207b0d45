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
from .apply import Use, get_path, migrate, translate
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
    from .._toml.files import parse_located
    from .._toml.positions import key_lines, line_for

    plan = plan_of(cls)
    data = parse_located(text, source, cls.__name__)
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
    referenced = [
        Problem(format_path(u.old), _REFERENCE_CONVERTED, source, line_for(lines, u.old))
        for u in result.uses
        if u.converts and _holds_dollar(get_path(data, u.old)[1])
    ]
    if referenced:
        raise ConfigError(referenced, target=cls.__name__)
    tomlkit = _tomlkit()
    unfaithful = Problem("", "tmlcfg upgrade could not rewrite this file faithfully; edit the old keys by hand", source)
    try:
        doc = tomlkit.parse(text)
        for use in result.uses:
            _apply(tomlkit, doc, use)
        out: str = _restore_comments(text, doc.as_string(), _own_lines(text, result.uses, lines))
        if "\r\n" in text and text.count("\n") == text.count("\r\n"):  # a file with Windows line endings
            out = out.replace("\r\n", "\n").replace("\n", "\r\n")
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


_REFERENCE_CONVERTED = (
    "its value holds $, a ${VAR} reference perhaps, which is converted only once substituted when "
    "the file is loaded: tmlcfg upgrade cannot write the converted value; rename the key by hand"
)


def _holds_dollar(value: Any) -> bool:
    if isinstance(value, str):
        return "$" in value
    if isinstance(value, dict):
        return any(_holds_dollar(k) or _holds_dollar(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_dollar(v) for v in value)
    return False


def _own_lines(text: str, uses: list[Use], lines: dict[PathTuple, int]) -> set[int]:
    """The lines of each old key and its value: their comments go (or move) with the key."""
    from .lexical import scan

    shape = scan(text)
    own: set[int] = set()
    for use in uses:
        line = lines.get(use.old)
        if line is not None:
            own.update(range(line, shape.value_end(line) + 1))
    return own


def _restore_comments(before: str, after: str, own: set[int]) -> str:
    """``after`` with every comment of ``before`` it lost put back, where its line was; but those on ``own`` lines.

    tomlkit drops a table's comments (on its header, on lines of its own) with
    the table, when a removal empties it; the comments stay, as lines of their own.
    """
    import collections

    from .lexical import ending, scan

    kept = collections.Counter(c.text for c in scan(after).comments)
    lost: list[tuple[int, str]] = []
    for comment in scan(before).comments:
        if kept[comment.text] > 0:
            kept[comment.text] -= 1
        elif comment.line not in own:
            lost.append((comment.line, comment.text))
    if not lost:
        return after
    old_lines = before.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    eol = ending(old_lines[0]) if old_lines and ending(old_lines[0]) else "\n"
    if new_lines and not ending(new_lines[-1]):
        new_lines[-1] += eol
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    inserts: dict[int, list[str]] = {}
    opcodes = matcher.get_opcodes()
    for line, text in lost:
        for _, i1, i2, j1, j2 in opcodes:
            if i1 <= line - 1 < i2:
                original = old_lines[line - 1]
                alone = original.lstrip().startswith("#")
                # where the line was among those that replaced its neighbours
                at = j1 + min(line - 1 - i1, j2 - j1)
                inserts.setdefault(at, []).append((original.rstrip("\r\n") if alone else text) + eol)
                break
    out: list[str] = []
    for j, new in enumerate([*new_lines, ""]):
        out += inserts.get(j, [])
        out.append(new)
    return "".join(out)


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


def _delete(tomlkit: Any, doc: Any, path: PathTuple) -> None:
    """Delete the key at ``path``; from an inline table, keeping the spacing its other keys had."""
    *parent_path, key = path
    parent = _get(doc, tuple(parent_path))
    if not isinstance(parent, tomlkit.items.InlineTable) or not parent_path:
        del parent[key]
        return
    body = parent.value.body
    keys = [i for i, (k, _) in enumerate(body) if k is not None]
    lead = "".join(v.as_string() for _, v in body[: keys[0]])
    sep = "".join(v.as_string() for _, v in body[keys[0] + 1 : keys[1]]) if len(keys) > 1 else ", "
    tail = "".join(v.as_string() for _, v in body[keys[-1] + 1 :])
    pairs = [k.as_string() + k.sep + v.as_string() for k, v in body if k is not None and k.key != key]
    rebuilt = tomlkit.parse("v = " + ("{" + lead + sep.join(pairs) + tail + "}" if pairs else "{}"))["v"]
    for name in ("indent", "comment_ws", "comment", "trail"):
        setattr(rebuilt.trivia, name, getattr(parent.trivia, name))
    _put(doc, tuple(parent_path), rebuilt)


def _put(doc: Any, path: PathTuple, item: Any) -> None:
    """``item`` in place of what is at ``path``, under the same key as written."""
    *up, name = path
    holder = _get(doc, tuple(up))
    container = _container(holder) if isinstance(name, str) else None
    key = _key_of(container, name) if container is not None and isinstance(name, str) else None
    if container is None or key is None or not isinstance(name, str):
        holder[name] = item
    elif not key.is_dotted():
        container._replace(name, key, item)
    else:  # a dotted key's head: the new item is written under its plain name
        container._replace(name, _spaced_like(None, name), item)


def _apply(tomlkit: Any, doc: Any, use: Use) -> None:
    *parent_path, key = use.old
    parent = _get(doc, tuple(parent_path))
    item = parent[key]
    if use.tag is not None:  # an old tag: the value changes, the key and its comment stay
        parent[key] = use.tag[1]
        return
    if use.new is None:
        _delete(tomlkit, doc, use.old)
        _prune(doc, use.old, use.span, use.kept)
        _keep_named(tomlkit, doc, use.old)
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
    _delete(tomlkit, doc, use.old)
    _prune(doc, use.old, use.span, use.kept)
    _keep_named(tomlkit, doc, use.old)
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
    if not trivia.trail.endswith("\n"):  # moved out of an inline table: a line of its own
        trivia.trail += "\n"
    container = _container(target)
    body = container.body if container is not None else []
    indents = [v.trivia.indent for k, v in body if k is not None and hasattr(v, "trivia")]
    trivia.indent = indents[-1] if indents else ""


def _keep_named(tomlkit: Any, doc: Any, old: PathTuple) -> None:
    """A table left empty but kept (a current config's) that only dotted keys made is written ``name = {}``.

    Otherwise it would vanish from the text (``sgd.nesterov = true`` alone names ``sgd``).
    """
    for depth in range(len(old) - 1, 0, -1):
        try:
            table = _get(doc, old[:depth])
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(table, tomlkit.items.Table) and table.is_super_table() and len(table) == 0:
            _put(doc, old[:depth], tomlkit.inline_table())


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
    """The lines of ``text`` with every secret's whole value, all its lines, shown as ``"***"``."""
    from .._toml.positions import key_lines
    from .lexical import ending, key_part, scan

    lines = text.splitlines(keepends=True)
    found = key_lines(text)
    if not any(_secret(cls, path) for path in found):
        return lines
    shape = scan(text)
    for path, number in found.items():
        if not _secret(cls, path) or number > len(lines):
            continue
        key = key_part(lines[number - 1])
        if key is None:  # a table's header: the keys below it are masked one by one
            continue
        lines[number - 1] = f'{key}= "***"' + ending(lines[number - 1])
        for more in range(number + 1, min(shape.value_end(number), len(lines)) + 1):
            lines[more - 1] = "***" + ending(lines[more - 1])
    return lines


def _secret(cls: type, path: PathTuple) -> bool:
    """Whether ``path`` is at or below a secret field (a secret config covers all below it).

    A removed key is secret when declared ``removed(..., secret=True)``, or
    when the table it was last in (before a chain of renames ended in its
    removal) is secret now.
    """
    from .._engine.nodes import ConfigNode
    from .._engine.walk import secret_prefix

    plan = plan_of(cls)
    if plan is not None:
        t = translate(plan, path)  # an old key is as secret as the field it now names
        if t.use is not None and t.use.new is None:
            return (t.rule is not None and t.rule.secret) or (len(path) > 1 and _secret(cls, path[:-1]))
        path = t.path
    return secret_prefix(ConfigNode(require_spec(cls)), path) is not None


def describe(use: Use) -> str:
    if use.tag is not None:
        return f"the tag {use.tag[0]!r} was renamed to {use.tag[1]!r}"
    if use.new is None:
        return f"removed: {use.reason}"
    return f"renamed to {format_path(use.new)}"


def _unwritable(name: str, target: str) -> list[Problem]:
    """Why ``name`` cannot be rewritten in place (nothing is written), or nothing."""
    from .._toml.atomic import check_target

    try:
        real, _ = check_target(name, target=target)
    except ConfigError as e:
        return [Problem(p.path, f"{p.message}; no file was rewritten", p.source, p.line) for p in e.problems]
    if not os.access(real, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return [Problem("", "is read-only; make it writable or leave it out (no file was rewritten)", name)]
    return []


def upgrade_files(cls: type, files: list[str], mode: str) -> str:
    """What ``tmlcfg upgrade`` prints; ``mode`` is ``diff``, ``in-place``, ``check`` or ``text``.

    Every file is read and upgraded, and for ``in-place`` every file to
    rewrite is checked to be writable, before any is written, so a problem in
    one leaves all as they were; the problems of all files come in one
    :class:`ConfigError`. ``check`` raises one listing every old key, located,
    when any file would change. ``text`` gives the one file's upgraded text.
    """
    from .._toml.atomic import write_all_atomic
    from .._toml.files import read_text, without_bom
    from .._toml.positions import key_lines

    problems: list[Problem] = []
    changed: list[tuple[str, str, str, list[Use], dict[PathTuple, int]]] = []
    texts: dict[str, str] = {}
    for name in files:
        if os.path.exists(name) and not os.path.isfile(name):
            problems.append(Problem("", "is not a regular file; nothing was read or written", name))
            continue
        try:
            raw = read_text(name, cls.__name__)
            text = without_bom(raw)
            new, uses = upgrade_text(cls, text, name)
            texts[name] = raw
            if new != text and raw != text:
                new = "\ufeff" + new  # the reader drops a byte-order mark; a rewrite keeps it
        except ConfigError as e:
            problems += e.problems
            continue
        if new != text:
            changed.append((name, text, new, uses, key_lines(text) if mode == "check" else {}))
    if mode == "in-place":
        for name, *_ in changed:
            problems += _unwritable(name, cls.__name__)
    if problems:
        raise ConfigError(problems, target=cls.__name__)
    if mode == "text":
        (name,) = files
        if changed:
            return changed[0][2]
        return texts[name]  # the file as it was read, byte-order mark and all
    out: list[str] = []
    if mode == "in-place":
        # every new text on disk beside its file before any file is replaced: all or nothing
        write_all_atomic([(name, new) for name, _, new, _, _ in changed], target=cls.__name__)
    for name, old, new, uses, lines in changed:
        if mode == "in-place":
            out.append(f"upgraded {name}: {len(uses)} key{'s' if len(uses) != 1 else ''}\n")
        elif mode == "check":
            hint = f"run `tmlcfg upgrade {cls.__module__}:{cls.__qualname__} --in-place {name}`"
            found = [Problem(format_path(u.old), f"{describe(u)}; {hint}", name, lines.get(u.old)) for u in uses]
            problems += sorted(found, key=lambda p: p.line or 0)
        else:
            out.append(unified_diff(cls, old, new.removeprefix("\ufeff"), name))
    if problems:
        raise ConfigError(problems, target=cls.__name__)
    return "".join(out)
