"""Plain data (dicts, lists, scalars) walked alongside a config's nodes.

Layered files, overrides and ``replace`` all edit the plain form of a config
and then structure it once, so they share one notion of paths and of groups:
naming a member of a group drops the member chosen before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from .._base.errors import Invalid
from .._base.keypaths import PathTuple, format_path
from .._base.wording import kind_of
from .nodes import (
    KIND_KEY,
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


def secret_prefix(node: TypeNode, path: PathTuple) -> PathTuple | None:
    """The part of ``path`` below ``node`` that is a secret field (which covers all below it), else ``None``."""
    here: TypeNode | None = node
    for depth, step in enumerate(path):
        base = here.base if here is not None else None
        if isinstance(base, ConfigNode) and isinstance(step, str):
            f = base.spec.by_name.get(step)
            if f is not None and f.secret:
                return path[: depth + 1]
        here = child(here, step)
        if here is None:
            return None
    return None


def child(node: TypeNode | None, step: str | int) -> TypeNode | None:
    """The node of what sits at key or index ``step`` below ``node``, if known.

    Merging, overrides, ``replace``, ``diff`` and sweeps all step down through this.
    """
    match node:
        case None:
            return None
        case ConstrainedNode():
            return child(node.inner, step)
        case ConfigNode():
            f = node.spec.by_name.get(step) if isinstance(step, str) else None
            return f.node if f is not None else None
        case VariantNode():
            # with no table to say which variant: the field of the first variant (the default's first) that has it
            tags = [node.default_tag] if node.default_tag is not None else []
            for tag in [*tags, *node.members]:
                f = node.members[tag].spec.by_name.get(step) if isinstance(step, str) else None
                if f is not None:
                    return f.node
            return None
        case MappingNode():
            return node.value if isinstance(step, str) else None
        case TupleNode() | FrozenSetNode():
            return node.item if isinstance(step, int) else None
        case FixedTupleNode():
            return node.items[step] if isinstance(step, int) and 0 <= step < len(node.items) else None
        case (
            AnyNode()  # free-form: nothing below it has a node of its own
            | BoolNode()
            | IntNode()
            | FloatNode()
            | StrNode()
            | PathNode()
            | DateTimeNode()
            | DateNode()
            | TimeNode()
            | EnumNode()
            | LiteralNode()
            | RegisteredNode()
            | UnionNode()
        ):
            return None  # nor below a scalar
        case _:
            assert_never(node)


def resolved(node: TypeNode | None, here: Any) -> TypeNode | None:
    """``node``, or for a variant the variant ``here`` (its table or instance) is of, when it names one."""
    if isinstance(node, VariantNode):
        return node.member(here) or node
    return node


def switches(node: TypeNode | None, base: Any, top: Mapping[str, Any]) -> bool:
    """Whether ``top``, a later layer's table for a variant field, names another variant than ``base``.

    Then nothing ``base`` said carries over: the new variant starts from its defaults.
    """
    if not isinstance(node, VariantNode) or KIND_KEY not in top:
        return False
    if not isinstance(base, Mapping):
        return True
    before = node.tag_of(base)  # None: the table named no variant, and the field has none by default
    return before is not None and node.tag_of(top) != before


def drop_rivals(node: TypeNode | None, data: dict[str, Any], key: str) -> None:
    """Choosing ``key`` drops every other member of its group from ``data``."""
    if not isinstance(node, ConfigNode):
        return
    f = node.spec.by_name.get(key)
    if f is not None and f.group is not None:
        for member in f.group.members:
            if member != key:
                data.pop(member, None)


def merge(node: TypeNode | None, base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: tables merge key by key, arrays and scalars are replaced.

    A variant's table that names another variant replaces the earlier one whole.
    """
    if switches(node, base, top):
        return dict(top)
    node = resolved(node, base if KIND_KEY in base or KIND_KEY not in top else top)
    out = dict(base)
    for key, value in top.items():
        if value is not None:
            drop_rivals(node, out, key)
        below = out.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            out[key] = merge(child(node, key), below, value)
        else:
            out[key] = value
    return out


def set_path(node: TypeNode | None, data: dict[str, Any], path: PathTuple, value: Any) -> None:
    """Set ``value`` at ``path`` in ``data``, making tables on the way as needed.

    Containers on the path are copied before they change, so no caller's data is
    edited. Raises :class:`Invalid` where an index is past the end of its array
    or the path runs through a value that holds no keys.
    """
    here: Any = data
    for depth, step in enumerate(path):
        variant, node = node, resolved(node, here)
        where = path[:depth]
        if isinstance(step, int):
            if type(here) is not list:
                raise Invalid.one(f"cannot index {kind_of(here)} with [{step}]: it is not an array", where)
            if step >= len(here):
                raise Invalid.one(f"index {step} is past the end of the array ({len(here)} items)", where)
        else:
            if type(here) is not dict:
                raise Invalid.one(f"cannot set key {step!r} inside {kind_of(here)}", where)
            if depth < len(path) - 1 or value is not None:
                drop_rivals(node, here, step)
        if depth == len(path) - 1:
            if step == KIND_KEY and switches(variant, here, {step: value}):
                here.clear()  # another variant: what was said of the one before does not carry over
            if value is None and isinstance(step, str) and not isinstance(node, ConfigNode):
                here.pop(step, None)  # unsetting a mapping's key removes it
            else:
                here[step] = value
            return
        below = here[step] if isinstance(step, int) else here.get(step)
        if below is None and isinstance(path[depth + 1], int):
            where = path[: depth + 1]
            raise Invalid.one(f"no array is given here to index with [{path[depth + 1]}]; set the whole array", where)
        if below is None:
            below = {}
        elif type(below) is dict or type(below) is list:
            below = type(below)(below)
        here[step] = below
        here = below
        node = child(node, step)


def reset_path(node: TypeNode | None, data: dict[str, Any], path: PathTuple) -> None:
    """Drop what ``data`` holds at ``path`` (``~path``), so the field there takes its default.

    Containers on the path are copied before they change. Raises :class:`Invalid`
    where the path names no field (with the closest one), or an array's item.
    """
    here: Any = data
    for depth, step in enumerate(path):
        if isinstance(node, VariantNode) and step == KIND_KEY:
            where = format_path(path[:depth])
            raise Invalid.one(f"~ resets fields, and kind names the variant; ~{where} resets the variant", path)
        node = resolved(node, here)
        base = node.base if node is not None else None
        if isinstance(step, int) or not isinstance(base, (ConfigNode, VariantNode, MappingNode)):
            what = "an array's item" if isinstance(step, int) else "a key inside a value"
            raise Invalid.one(f"~ resets a field to its default; {what} is not a field", path[: depth + 1])
        specs = [m.spec for m in base.members.values()] if isinstance(base, VariantNode) else []
        if isinstance(base, ConfigNode):
            specs = [base.spec]
        if specs and all(step not in spec.by_name for spec in specs):
            raise Invalid.one(f"~ names no field; {specs[0]._hint(step)}", path[: depth + 1])
        if type(here) is not dict or step not in here:
            here = None  # nothing given there: nothing to drop, but the rest of the path is still checked
        elif depth == len(path) - 1:
            del here[step]
        else:
            below = here[step]
            if type(below) is dict:
                below = here[step] = dict(below)
            here = below
        node = child(node, step)
