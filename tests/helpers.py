"""Small helpers shared by the tests."""

from __future__ import annotations

from typing import Any


def without_nulls(value: Any) -> Any:
    """What a TOML file can hold of a parsed YAML or JSON document: nulls dropped."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def has_secret(cls: type) -> bool:
    """Whether a config class holds a secret anywhere below it (a template cannot show its value)."""
    from tmlcfg._nodes import ConfigNode, Node
    from tmlcfg._spec import spec_of

    def walk(node: Node) -> bool:
        if isinstance(node, ConfigNode):
            return has_secret(node.cls)
        return any(walk(child) for child in node.children())

    spec = spec_of(cls)
    assert spec is not None
    return any(f.secret or walk(f.node) for f in spec.fields)
