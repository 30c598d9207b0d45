"""Markdown references of config classes, written from their fields' docs."""

from __future__ import annotations

from typing import Any

from .._base.keypaths import PathTuple, format_path
from .._engine.converter import require_spec
from .._engine.nodes import ConfigNode, ConstrainedNode, MappingNode, Node, TupleNode, VariantNode
from .._engine.spec import ClassSpec, FieldSpec


def _default_text(f: FieldSpec, secret: bool = False) -> str:
    if (f.secret or secret) and not f.required:
        return "`'***'`"
    if f.group is not None and f.group.default_member == f.name:
        return f"`{f.node.describe()}()` unless another member of {f.group.name!r} is set"
    if f.required:
        return "required"
    if f.factory is not None:
        value = f.default_value()
    else:
        value = f.default
    if value is None:
        return "unset"
    if isinstance(f.node, ConfigNode):
        return f"`{f.node.describe()}()`"
    if isinstance(f.node, VariantNode):
        return f"`{type(value).__name__}()` (kind {f.node.by_cls[type(value)][0]!r})"
    return f"`{_toml_literal(f.node, value)}`"


def variant_in(node: Node) -> VariantNode | None:
    """The variant a field holds, alone or as the items of its tuple or mapping."""
    if isinstance(node, ConstrainedNode):
        return variant_in(node.inner)
    if isinstance(node, (TupleNode, MappingNode)):
        return variant_in(node.item if isinstance(node, TupleNode) else node.value)
    return node if isinstance(node, VariantNode) else None


def tags_text(node: VariantNode) -> str:
    """``kind: 'adam' (AdamConfig), 'sgd' (SgdConfig)``: the tags a variant field chooses among."""
    return "kind: " + ", ".join(f"{tag!r} ({m.cls.__name__})" for tag, m in node.members.items())


def bounds(node: Node) -> list[str]:
    """The node's constraints as a reader says them: ``> 0``, ``at least 1 item``."""
    if not isinstance(node, ConstrainedNode):
        return []
    return [text.removeprefix("be ").removeprefix("have ") for _, text, _ in node.checks]


def _toml_literal(node: Node, value: Any) -> str:
    from .._toml.write import _inline

    return _inline(node.unstructure(value, True), one_line=True)  # secrets inside, say in a tuple of configs


def _rows(spec: ClassSpec, prefix: PathTuple, seen: set[type], secret: bool = False) -> list[str]:
    """One row per field path; below a secret field (``secret``) every default is masked."""
    rows = []
    nested: list[tuple[PathTuple, ClassSpec, bool, str]] = []
    for f in spec.fields:
        path = (*prefix, f.name)
        group = ""
        if f.group is not None:
            kind = "one of" if f.group.exactly_one else "at most one of"
            group = f" ({kind} {', '.join(f.group.members)})"
        doc = (f.doc or "").replace("\n", " ")
        variant = variant_in(f.node)
        if variant is not None:
            doc = f"{doc}; {tags_text(variant)}" if doc else tags_text(variant)
        kind = ", ".join([f"`{f.type_text}`", *bounds(f.node)])
        cells = [f"`{format_path(path)}`", kind, _default_text(f, secret), doc + group]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if isinstance(f.node, ConfigNode) and f.node.cls not in seen:
            nested.append((path, f.node.spec, secret or f.secret, ""))
        if isinstance(f.node, VariantNode):  # each variant's fields, marked with its tag
            nested += [
                (path, m.spec, secret or f.secret, tag) for tag, m in f.node.members.items() if m.cls not in seen
            ]
    for path, child, below_secret, tag in nested:
        below = _rows(child, path, seen | {child.cls}, below_secret)
        rows += [row.replace("` |", f"` (kind {tag!r}) |", 1) for row in below] if tag else below
    return rows


def markdown_reference(cls: type, heading: str = "##") -> str:
    """A Markdown section: the class's doc, then a table of every field path."""
    spec = require_spec(cls)
    lines = [f"{heading} `{cls.__module__}.{cls.__qualname__}`", ""]
    if spec.doc:
        lines += [spec.doc, ""]
    lines += ["| path | type | default | doc |", "| --- | --- | --- | --- |"]
    lines += _rows(spec, (), {cls})
    from .._migrate.plan import history_lines

    history = history_lines(cls)
    if history:
        lines += [
            "",
            f"{heading}# Renamed and removed",
            "",
            "Old files still load, with a warning; `tmlcfg upgrade` rewrites them.",
            "",
        ]
        lines += [f"- `{text.partition(': ')[0]}`: {text.partition(': ')[2]}" for text in history]
    return "\n".join(lines) + "\n"
