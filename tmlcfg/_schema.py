"""``json_schema``: JSON Schema 2020-12 for editors and other languages' validators."""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Any

import annotated_types as at

from ._convert import require_spec
from ._nodes import (
    AnyNode,
    BoolNode,
    ConfigNode,
    ConstrainedNode,
    DateNode,
    DateTimeNode,
    EnumNode,
    FixedTupleNode,
    FloatNode,
    FrozenSetNode,
    IntNode,
    LiteralNode,
    MappingNode,
    Node,
    PathNode,
    StrNode,
    TimeNode,
    TupleNode,
    UnionNode,
)
from ._spec import ClassSpec

_SIMPLE: dict[type[Node], dict[str, Any]] = {
    BoolNode: {"type": "boolean"},
    IntNode: {"type": "integer"},
    FloatNode: {"type": "number"},
    StrNode: {"type": "string"},
    PathNode: {"type": "string"},
    DateTimeNode: {"type": "string", "format": "date-time"},
    DateNode: {"type": "string", "format": "date"},
    TimeNode: {"type": "string", "format": "time"},
    AnyNode: {},
}
_BOUND_KEYS = {
    at.Gt: ("gt", "exclusiveMinimum"),
    at.Ge: ("ge", "minimum"),
    at.Lt: ("lt", "exclusiveMaximum"),
    at.Le: ("le", "maximum"),
}


def json_plain(value: Any) -> Any:
    """A plain value as JSON holds it: dates and times as ISO 8601 text, as editors show TOML's."""
    if isinstance(value, dict):
        return {k: json_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.names: dict[type, str] = {}

    def ref(self, spec: ClassSpec) -> dict[str, Any]:
        cls = spec.cls
        if cls not in self.names:
            name = cls.__name__
            while name in self.defs:
                name += "_"
            self.names[cls] = name
            self.defs[name] = {}
            self.defs[name] = self.config(spec)
        return {"$ref": f"#/$defs/{self.names[cls]}"}

    def config(self, spec: ClassSpec) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required = []
        for f in spec.fields:
            schema = dict(self.node(f.node))
            if f.doc:
                schema["description"] = f.doc
            if not f.required and f.factory is None and f.default is not None and not f.secret:
                schema["default"] = json_plain(f.node.unstructure(f.default, False))
            properties[f.name] = schema
            if f.required:
                required.append(f.name)
        out: dict[str, Any] = {"type": "object", "title": spec.cls.__name__}
        if spec.doc:
            out["description"] = spec.doc
        out["properties"] = properties
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        rules: list[dict[str, Any]] = []
        for group in spec.groups:
            if group.exactly_one and group.default_member is None:
                rules.append({"oneOf": [{"required": [m]} for m in group.members]})
            elif len(group.members) > 1:
                # one member alone can never clash: an empty anyOf would not be a valid schema
                pairs = [{"required": [a, b]} for a, b in combinations(group.members, 2)]
                rules.append({"not": {"anyOf": pairs}})
        if rules:
            out["allOf"] = rules
        return out

    def node(self, node: Node) -> dict[str, Any]:
        if type(node) in _SIMPLE:
            return _SIMPLE[type(node)]
        if isinstance(node, ConstrainedNode):
            return {**self.node(node.inner), **_constraints(node)}
        if isinstance(node, EnumNode):
            return {"enum": [m.value for m in node.cls], "title": node.cls.__name__}
        if isinstance(node, LiteralNode):
            return {"enum": list(node.values)}
        if isinstance(node, ConfigNode):
            return self.ref(node.spec)
        if isinstance(node, (TupleNode, FrozenSetNode)):
            return {"type": "array", "items": self.node(node.item)}
        if isinstance(node, FixedTupleNode):
            n = len(node.items)
            return {
                "type": "array",
                "prefixItems": [self.node(i) for i in node.items],
                "items": False,
                "minItems": n,
                "maxItems": n,
            }
        if isinstance(node, MappingNode):
            return {"type": "object", "additionalProperties": self.node(node.value)}
        assert isinstance(node, UnionNode)
        return {"anyOf": [self.node(o) for o in node.options]}


def _constraints(node: ConstrainedNode) -> dict[str, Any]:
    inner = node.inner
    out: dict[str, Any] = {}
    sized = {StrNode: ("minLength", "maxLength"), MappingNode: ("minProperties", "maxProperties")}
    low, high = sized.get(type(inner), ("minItems", "maxItems"))
    for c in node.constraints:
        if type(c) in _BOUND_KEYS and isinstance(inner, (IntNode, FloatNode)):
            attr, key = _BOUND_KEYS[type(c)]
            out[key] = getattr(c, attr)
        elif isinstance(c, at.MultipleOf):
            out["multipleOf"] = c.multiple_of
        elif isinstance(c, at.MinLen):
            out[low] = c.min_length
        elif isinstance(c, at.MaxLen):
            out[high] = c.max_length
    return out


def json_schema(cls: type) -> dict[str, Any]:
    """JSON Schema (2020-12) of ``cls``: docs, defaults, bounds, enums, groups, no extra keys.

    What a schema cannot say is left to tmlcfg: cross-field checks, bounds on
    dates, and JSON's one number type (``1.0`` passes as an integer).
    """
    spec = require_spec(cls)
    builder = _Builder()
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **builder.config(spec)}
    if builder.defs:
        out["$defs"] = builder.defs
    return out
