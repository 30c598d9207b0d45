"""``json_schema``: JSON Schema 2020-12 for editors and other languages' validators."""

from __future__ import annotations

import datetime as dt
import json
import math
from itertools import combinations
from typing import Any, assert_never

import annotated_types as at

from .._engine.constraints import BOUNDS
from .._engine.converter import require_spec
from .._engine.nodes import (
    KIND_KEY,
    KIND_NODES,
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
    PathNode,
    RegisteredNode,
    StrNode,
    TimeNode,
    TupleNode,
    TypeNode,
    UnionNode,
    VariantNode,
)
from .._engine.spec import ClassSpec


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
        # a class reached through a secret field gets a definition of its own, without defaults
        self.names: dict[tuple[type, bool], str] = {}
        self.variants: dict[tuple[type, bool, str], str] = {}

    def ref(self, spec: ClassSpec, secret: bool = False) -> dict[str, Any]:
        key = (spec.cls, secret)
        if key not in self.names:
            name = spec.cls.__name__
            while name in self.defs:
                name += "_"
            self.names[key] = name
            self.defs[name] = {}
            self.defs[name] = self.config(spec, secret)
        return {"$ref": f"#/$defs/{self.names[key]}"}

    def config(self, spec: ClassSpec, secret: bool = False) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required = []
        for f in spec.fields:
            hidden = secret or f.secret
            schema = dict(self.node(f.node, hidden))
            if f.doc:
                schema["description"] = f.doc
            if not f.required and f.factory is None and f.default is not None and not hidden:
                default = json_plain(f.node.unstructure(f.default, True))  # secrets below: "***"
                if _finite(default):
                    schema["default"] = default
                else:  # strict JSON has no inf: the default is said in words, as TOML writes it
                    note = f"Default: {_toml_text(default)} (not a JSON value, so not given as the default)."
                    schema["description"] = f"{schema['description']}\n\n{note}" if f.doc else note
            properties[f.name] = schema
            if f.required:
                required.append(f.name)
        properties.update(self.deprecated(spec, secret))
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

    def deprecated(self, spec: ClassSpec, secret: bool = False) -> dict[str, Any]:
        """Old keys, accepted with a warning: editors strike them through and name the new path."""
        from .._engine.spec import FieldSpec, field_at
        from .._migrate.plan import describe_rule, plan_of

        plan = plan_of(spec.cls)
        out: dict[str, Any] = {}
        for rule in sorted(plan.rules, key=lambda r: r.old) if plan is not None else ():
            head = str(rule.old[0])  # old paths name keys only
            if head in spec.by_name:
                continue  # a key inside a current field's table: that table's class is shared
            found = field_at(spec, rule.new) if rule.new is not None and len(rule.old) == 1 else None
            schema: dict[str, Any] = {}
            if isinstance(found, FieldSpec) and not rule.converts:
                schema = dict(self.node(found.node, secret or found.secret))
            text = describe_rule(rule)
            if head in out:
                text = f"{out[head]['description']}; {text}"
            out[head] = {**schema, "deprecated": True, "description": text}
        return out

    def node(self, node: TypeNode, secret: bool = False) -> dict[str, Any]:
        match node:
            case BoolNode():
                return {"type": "boolean"}
            case IntNode():
                return {"type": "integer"}
            case FloatNode():
                return {"type": "number"}
            case StrNode() | PathNode():
                return {"type": "string"}
            case DateTimeNode():
                return {"type": "string", "format": "date-time"}
            case DateNode():
                return {"type": "string", "format": "date"}
            case TimeNode():
                return {"type": "string", "format": "time"}
            case AnyNode():
                return {}
            case RegisteredNode():
                # what the file holds is the type's TOML representation, described as that kind is
                return {**self.node(KIND_NODES[node.toml]), "title": node.name}
            case ConstrainedNode():
                return {**self.node(node.inner, secret), **_constraints(node)}
            case EnumNode():
                return {"enum": [m.value for m in node.cls], "title": node.cls.__name__}
            case LiteralNode():
                return {"enum": list(node.values)}
            case ConfigNode():
                return self.ref(node.spec, secret)
            case TupleNode() | FrozenSetNode():
                return {"type": "array", "items": self.node(node.item, secret)}
            case FixedTupleNode():
                n = len(node.items)
                return {
                    "type": "array",
                    "prefixItems": [self.node(i, secret) for i in node.items],
                    "items": False,
                    "minItems": n,
                    "maxItems": n,
                }
            case MappingNode():
                return {"type": "object", "additionalProperties": self.node(node.value, secret)}
            case UnionNode():
                return {"anyOf": [self.node(o) for o in node.options]}
            case VariantNode():
                return {"oneOf": [self.variant(m.spec, tag, node, secret) for tag, m in node.members.items()]}
            case _:
                assert_never(node)

    def variant(self, spec: ClassSpec, tag: str, node: VariantNode, secret: bool) -> dict[str, Any]:
        """One variant of a variant field: its class's table with ``kind`` naming it (optional for the default)."""
        required = tag != node.default_tag
        key = (spec.cls, secret, f"{tag}{'' if required else '?'}")
        if key not in self.variants:
            name = f"{spec.cls.__name__}.{tag}{'' if required else '.default'}"
            while name in self.defs:
                name += "_"
            self.variants[key] = name
            self.defs[name] = {}
            table = self.config(spec, secret)
            kind = {"const": tag, "description": f"the variant: {tag!r} is {spec.cls.__name__}"}
            table["properties"] = {KIND_KEY: kind, **table["properties"]}
            if required:
                table["required"] = [KIND_KEY, *table.get("required", ())]
            self.defs[name] = table
        return {"$ref": f"#/$defs/{self.variants[key]}"}


def _finite(value: Any) -> bool:
    """Whether strict JSON can hold ``value``: no float in it is ``inf`` or ``-inf`` (``nan`` never gets this far)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def _toml_text(value: Any) -> str:
    """A plain value as TOML writes it inline, for a default JSON cannot hold."""
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_text(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _constraints(node: ConstrainedNode) -> dict[str, Any]:
    inner = node.inner
    out: dict[str, Any] = {}
    sized = {StrNode: ("minLength", "maxLength"), MappingNode: ("minProperties", "maxProperties")}
    low, high = sized.get(type(inner), ("minItems", "maxItems"))
    for c in node.constraints:
        if type(c) in BOUNDS and isinstance(inner, (IntNode, FloatNode)):
            bound = BOUNDS[type(c)]
            if _finite(getattr(c, bound.attr)):  # an infinite bound, which JSON cannot write, is left to tmlcfg
                out[bound.schema_key] = getattr(c, bound.attr)
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
    dates, and JSON's one number type (``1.0`` passes as an integer). The schema
    is strict JSON: a default holding ``inf`` is said in its description instead,
    and an infinite bound is left out.
    """
    spec = require_spec(cls)
    builder = _Builder()
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **builder.config(spec)}
    if builder.defs:
        out["$defs"] = builder.defs
    return out
