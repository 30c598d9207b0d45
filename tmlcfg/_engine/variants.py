"""Variant fields: tags, and the union of config classes they name, checked once when a class is defined."""

from __future__ import annotations

import re

from .._engine.nodes import KIND_KEY, ConfigNode, VariantNode

_TAG = re.compile(r"[A-Za-z0-9_]+")
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def default_tag(name: str) -> str:
    """A class name in snake_case, a trailing ``Config`` dropped: ``HTTPRetryConfig`` -> ``http_retry``.

    >>> default_tag("LinearRampToCosine"), default_tag("SgdConfig"), default_tag("HTTPRetryConfig")
    ('linear_ramp_to_cosine', 'sgd', 'http_retry')
    """
    if name.endswith("Config") and len(name) > len("Config"):
        name = name[: -len("Config")]
    return _WORDS.sub("_", name).lower()


def tag_problem(tag: object) -> str | None:
    """Why ``tag`` cannot name a variant, or ``None`` when it can."""
    if type(tag) is not str or not _TAG.fullmatch(tag):
        return f"a tag is a non-empty str of ASCII letters, digits and _, not {tag!r}"
    return None


def variant_node(options: list[ConfigNode]) -> VariantNode | str:
    """The node of a union of config classes, or why the union cannot be one."""
    names = ", ".join(o.cls.__name__ for o in options)
    members: dict[str, ConfigNode] = {}
    old_tags: dict[str, str] = {}
    owner: dict[str, str] = {}
    for option in options:
        spec = option.spec
        name = option.cls.__name__
        bad = tag_problem(spec.tag)
        if bad is not None:
            return f"{name} in the union of {names} has no usable tag ({bad}); give it one: @tmlcfg.config(tag='...')"
        if KIND_KEY in spec.by_name:
            return (
                f"{name} in the union of {names} has a field named {KIND_KEY!r}, the key that names the variant "
                "in a file; rename the field"
            )
        for tag in (spec.tag, *spec.old_tags):
            if tag in owner:
                return (
                    f"{owner[tag]} and {name} in the union of {names} both answer to the tag {tag!r}, so a file "
                    "could not say which it means; give one of them another: @tmlcfg.config(tag='...')"
                )
            owner[tag] = name
        members[spec.tag] = option
        for old in spec.old_tags:
            old_tags[old] = spec.tag
    return VariantNode(members, old_tags)
