"""``diff`` and ``fingerprint``: what differs between two configs, and a stable digest of one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import attrs

from ._convert import require_spec, to_dict
from ._frozen import strict_key
from ._nodes import ConfigNode, ConstrainedNode, MappingNode, Node, TupleNode
from ._paths import PathTuple, format_path
from ._spec import ClassSpec
from ._write import _inline


@attrs.frozen
class Difference:
    """One path where two configs differ, with the plain value on each side (``None``: unset).

    A switch of a group's member is one difference at the newly chosen member,
    with ``switch`` naming both members: ``optimizer: adam -> sgd``.
    """

    path: str
    left: Any
    right: Any
    switch: tuple[str, str] | None = None

    def __str__(self) -> str:
        if self.switch is not None:
            parent = self.path.rpartition(".")[0] or "(top level)"
            return f"{parent}: {self.switch[0]} -> {self.switch[1]}"
        return f"{self.path}: {_show(self.left)} -> {_show(self.right)}"


def _show(value: Any) -> str:
    return "(unset)" if value is None else _inline(value, one_line=True)


def diff(a: Any, b: Any) -> list[Difference]:
    """The paths where ``a`` and ``b`` differ, in field order.

    Applying each difference's right-hand value to ``a`` (with :func:`tmlcfg.replace`)
    gives ``b``.
    """
    spec = require_spec(type(a))
    if type(b) is not type(a):
        raise TypeError(f"diff compares two {type(a).__name__}s, got a {type(b).__name__}")
    out: list[Difference] = []
    _config(spec, to_dict(a), to_dict(b), (), out)
    return out


def _config(spec: ClassSpec, a: dict[str, Any], b: dict[str, Any], path: PathTuple, out: list[Difference]) -> None:
    switched: set[str] = set()
    for group in spec.groups:
        left = next((m for m in group.members if m in a), None)
        right = next((m for m in group.members if m in b), None)
        if left != right and left is not None and right is not None:
            out.append(Difference(format_path((*path, right)), None, b[right], (left, right)))
            switched |= {left, right}
    for f in spec.fields:
        if f.name in switched:
            continue
        _value(f.node, a.get(f.name), b.get(f.name), (*path, f.name), out)


def _tagged(value: Any) -> Any:
    # plain values with False, 0 and 0.0 told apart, as config equality does
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return strict_key(value)


def _value(node: Node | None, a: Any, b: Any, path: PathTuple, out: list[Difference]) -> None:
    if _tagged(a) == _tagged(b):
        return
    if isinstance(node, ConstrainedNode):
        node = node.inner
    if type(a) is dict and type(b) is dict:
        if isinstance(node, ConfigNode):
            _config(node.spec, a, b, path, out)
            return
        child = node.value if isinstance(node, MappingNode) else None
        for key in [*a, *(k for k in b if k not in a)]:
            _value(child, a.get(key), b.get(key), (*path, key), out)
        return
    same_length = type(a) is list and type(b) is list and len(a) == len(b)
    if same_length and isinstance(node, TupleNode) and isinstance(node.item, ConfigNode):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _value(node.item, x, y, (*path, i), out)
        return
    out.append(Difference(format_path(path), a, b))


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # equal instants are equal datetimes, whatever their offsets: digest them as one
        return {"$datetime": value.astimezone(dt.UTC).isoformat()}
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return {"$" + type(value).__name__: value.isoformat()}
    if isinstance(value, float):
        # repr is the shortest round-tripping form, the same on every platform and Python;
        # + 0.0 makes -0.0 read 0.0, as == does
        return {"$float": repr(value + 0.0)}
    return value


def fingerprint(config: Any) -> str:
    """A hex SHA-256 of the config's values: equal configs, equal digest, on any machine.

    Key order, file layout and the Python version do not matter; every value does.
    """
    require_spec(type(config))
    text = json.dumps(_canonical(to_dict(config)), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
