"""A commented TOML template of a config class: every field, its doc, type and default."""

from __future__ import annotations

import textwrap
from typing import Any

from .._base.keypaths import PathTuple, format_path, quote_key
from .._cli.reference import bounds, tags_text, variant_in
from .._engine.converter import require_spec
from .._engine.nodes import KIND_KEY, ConfigNode, VariantNode
from .._engine.spec import ClassSpec, FieldSpec
from .._toml.write import _inline


def template(cls: type) -> str:
    """TOML with every field of ``cls``: set fields hold their defaults, the rest are comments.

    Loading the template of a class whose fields all have defaults gives ``cls()``;
    required fields are commented placeholders that loading reports as missing.
    """
    spec = require_spec(cls)
    lines: list[str] = []
    if spec.doc:
        lines += [f"# {line}".rstrip() for line in spec.doc.splitlines()] + [""]
    default = _default_instance(spec)
    _table(spec, default, (), lines, commented=False, secret=False)
    from .._migrate.plan import history_lines

    history = history_lines(cls)
    if history:
        lines += ["# Renamed and removed: old files still load, with a warning; `tmlcfg upgrade` rewrites them."]
        lines += [f"#   {text}" for text in history]
    return "\n".join(lines).rstrip() + "\n"


def _default_instance(spec: ClassSpec) -> Any:
    try:
        return spec.build({})
    except Exception:
        return None


def _field_default(f: FieldSpec, parent: Any) -> Any:
    if parent is not None:
        return getattr(parent, f.name)
    if f.required or (f.group is not None and f.group.default_member == f.name):
        return None
    return f.default_value()


def _comment(f: FieldSpec) -> list[str]:
    about = ", ".join([f.type_text, *bounds(f.node)])
    if f.required:
        about += ", required"
    if f.group is not None and len(f.group.members) == 1:
        # "at most one of lr" says nothing: say what the lone member of a group means today
        alone = "set it" if f.group.exactly_one and f.group.default_member is None else "optional"
        about += f"; {alone}, the only member of group {f.group.name!r} so far"
    elif f.group is not None:
        kind = "exactly one" if f.group.exactly_one else "at most one"
        about += f"; {kind} of {', '.join(f.group.members)}"
    variant = variant_in(f.node)
    if variant is not None:
        about += f"; {tags_text(variant)}"
    text = f"{f.doc} ({about})" if f.doc else f"({about})"
    return [f"# {line}" for line in textwrap.wrap(text, 86)]


def _table(spec: ClassSpec, value: Any, path: PathTuple, lines: list[str], commented: bool, secret: bool) -> None:
    # below a secret field every value is one: shown as "***", and commented out so it takes its default
    hide = "# " if commented else ""
    tables: list[tuple[FieldSpec, Any]] = []
    for f in spec.fields:
        current = _field_default(f, value)
        if isinstance(f.node, (ConfigNode, VariantNode)):
            tables.append((f, current))
            continue
        lines += _comment(f)
        key = quote_key(f.name)
        if current is None or f.secret or secret:
            placeholder = '"***"' if current is not None else f"<{f.type_text}>"
            lines.append(f"# {key} = {placeholder}")
        else:
            lines.append(f"{hide}{key} = {_inline(f.node.unstructure(current, True), one_line=True, escape=True)}")
        lines.append("")
    for f, current in tables:
        sub = (*path, f.name)
        lines += _comment(f)
        hidden = commented or current is None or f.secret
        if isinstance(f.node, VariantNode):
            _variants(f.node, current, sub, lines, commented, secret or f.secret)
            continue
        assert isinstance(f.node, ConfigNode)
        lines.append(f"{'# ' if hidden else ''}[{format_path(sub)}]")
        lines.append("")
        _table(f.node.spec, current, sub, lines, hidden, secret or f.secret)


def _variants(
    node: VariantNode, current: Any, path: PathTuple, lines: list[str], commented: bool, secret: bool
) -> None:
    """The variant in use as a table, then each other variant as a commented table to switch to."""
    in_use = node.by_cls[type(current)][0] if current is not None else None
    for tag, member in sorted(node.members.items(), key=lambda item: item[0] != in_use):
        hidden = commented or tag != in_use or secret
        if tag != in_use:
            lines.append(f"# {'or, ' if in_use is not None else ''}kind = {tag!r} ({member.cls.__name__}):")
        lines.append(f"{'# ' if hidden else ''}[{format_path(path)}]")
        lines.append(f"{'# ' if hidden else ''}{KIND_KEY} = {_inline(tag, one_line=True)}")
        lines.append("")
        _table(member.spec, current if tag == in_use else _default_instance(member.spec), path, lines, hidden, secret)
