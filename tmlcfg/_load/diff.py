"""``diff`` and ``fingerprint``: what differs between two configs, and a stable digest of one."""

from __future__ import annotations

import hashlib
from typing import Any

import attrs

from .._base.canonical import canonical_text
from .._base.frozen import strict_key
from .._base.keypaths import PathTuple, format_path
from .._engine.converter import require_spec, to_dict, unstructure
from .._engine.nodes import KIND_KEY, ConfigNode, ConstrainedNode, TupleNode, TypeNode, VariantNode
from .._engine.spec import ClassSpec
from .._engine.walk import child
from .._toml.write import _inline


@attrs.frozen
class Difference:
    """One path where two configs differ, with the plain value on each side (``None``: unset).

    A switch of a group's member is one difference at the newly chosen member,
    with ``switch`` naming both members: ``optimizer: adam -> sgd``. Where the
    field is secret (or sits below a secret field), ``secret`` is true and each
    side that is set reads ``'***'``: the difference says that a secret changed,
    never what it was or became.
    """

    path: str
    left: Any
    right: Any
    switch: tuple[str, str] | None = None
    secret: bool = False

    def __str__(self) -> str:
        if self.switch is not None:
            parent = self.path.rpartition(".")[0] or "(top level)"
            return f"{parent}: {self.switch[0]} -> {self.switch[1]}"
        if self.secret:
            if self.left is None or self.right is None:
                return f"{self.path}: secret {'set' if self.left is None else 'unset'} (value not shown)"
            return f"{self.path}: secret changed (values not shown)"
        return f"{self.path}: {_show(self.left)} -> {_show(self.right)}"


def _show(value: Any) -> str:
    return "(unset)" if value is None else _inline(value, one_line=True)


def diff(a: Any, b: Any) -> list[Difference]:
    """The paths where ``a`` and ``b`` differ, in field order.

    Applying each difference's right-hand value to ``a`` (with :func:`tmlcfg.replace`)
    gives ``b``, secrets aside: their values are never given.
    """
    spec = require_spec(type(a))
    if type(b) is not type(a):
        raise TypeError(f"diff compares two {type(a).__name__}s, got a {type(b).__name__}")
    out: list[Difference] = []
    # differences are found in the plain values and shown from the masked ones, walked side by side
    left = _Side(to_dict(a), unstructure(a, mask=True))
    right = _Side(to_dict(b), unstructure(b, mask=True))
    _config(spec, left, right, (), out)
    return out


class _Side:
    """One side's value at a path: plain (to compare) and masked (to show)."""

    __slots__ = ("masked", "plain")

    def __init__(self, plain: Any, masked: Any) -> None:
        self.plain = plain
        self.masked = masked

    def get(self, key: str | int) -> _Side:
        if isinstance(key, int):
            return _Side(self.plain[key], self.masked[key])
        return _Side(self.plain.get(key), self.masked.get(key))


def _config(spec: ClassSpec, a: _Side, b: _Side, path: PathTuple, out: list[Difference]) -> None:
    switched: set[str] = set()
    for group in spec.groups:
        left = next((m for m in group.members if m in a.plain), None)
        right = next((m for m in group.members if m in b.plain), None)
        if left != right and left is not None and right is not None:
            out.append(Difference(format_path((*path, right)), None, b.masked[right], (left, right)))
            switched |= {left, right}
    for f in spec.fields:
        if f.name in switched:
            continue
        x, y = a.get(f.name), b.get(f.name)
        if f.secret:
            # one difference for the whole secret, however deep the change below it
            if _tagged(x.plain) != _tagged(y.plain):
                out.append(Difference(format_path((*path, f.name)), x.masked, y.masked, secret=True))
            continue
        _value(f.node, x, y, (*path, f.name), out)


def _tagged(value: Any) -> Any:
    # plain values with False, 0 and 0.0 told apart, as config equality does
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return strict_key(value)


def _value(node: TypeNode | None, a: _Side, b: _Side, path: PathTuple, out: list[Difference]) -> None:
    if _tagged(a.plain) == _tagged(b.plain):
        return
    if isinstance(node, ConstrainedNode):
        node = node.inner
    if isinstance(node, VariantNode) and type(a.plain) is dict and type(b.plain) is dict:
        if a.plain.get(KIND_KEY) != b.plain.get(KIND_KEY):
            # another variant: the whole table, so that replacing it with the right side gives ``b``
            hidden = _tagged(a.masked) == _tagged(b.masked)
            out.append(Difference(format_path(path), a.masked, b.masked, secret=hidden))
            return
        node = node.member(a.plain)
    if type(a.plain) is dict and type(b.plain) is dict:
        if isinstance(node, ConfigNode):
            _config(node.spec, a, b, path, out)
            return
        for key in [*a.plain, *(k for k in b.plain if k not in a.plain)]:
            _value(child(node, key), a.get(key), b.get(key), (*path, key), out)
        return
    same_length = type(a.plain) is list and type(b.plain) is list and len(a.plain) == len(b.plain)
    if same_length and isinstance(node, TupleNode) and isinstance(node.item, (ConfigNode, VariantNode)):
        for i in range(len(a.plain)):
            _value(child(node, i), a.get(i), b.get(i), (*path, i), out)
        return
    # equal once masked, yet different: only secrets below tell them apart
    hidden = _tagged(a.masked) == _tagged(b.masked)
    out.append(Difference(format_path(path), a.masked, b.masked, secret=hidden))


def fingerprint(config: Any) -> str:
    """A hex SHA-256 of the config's values: equal configs, equal digest, on any machine.

    Key order, file layout, the Python version and its hash seed do not matter;
    every value does, except secrets: a fingerprint names an experiment, not its
    credentials, so two configs that differ only in a secret share one (whether a
    secret is set still counts).
    """
    require_spec(type(config))
    return hashlib.sha256(canonical_text(unstructure(config, mask=True)).encode("ascii")).hexdigest()
