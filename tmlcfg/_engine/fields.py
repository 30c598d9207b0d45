"""``tmlcfg.field``: what a field's default, doc, group and flags are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

import attrs

from .._base.sentinels import MISSING

_T = TypeVar("_T")


@attrs.define(eq=False, repr=False)  # no repr: a secret default must not show in one
class FieldOptions:
    """What ``tmlcfg.field`` was told; the decorator turns it into an attrs field."""

    default: Any = MISSING
    factory: Callable[[], Any] | None = None
    doc: str | None = None
    one_of: str | None = None
    at_most_one_of: str | None = None
    validator: Callable[[Any], object] | None = None
    secret: bool = False


@overload
def field(
    *,
    default: _T,
    doc: str | None = None,
    one_of: str | None = None,
    at_most_one_of: str | None = None,
    validator: Callable[[Any], object] | None = None,
    secret: bool = False,
) -> _T: ...
@overload
def field(
    *,
    factory: Callable[[], _T],
    doc: str | None = None,
    one_of: str | None = None,
    at_most_one_of: str | None = None,
    validator: Callable[[Any], object] | None = None,
    secret: bool = False,
) -> _T: ...
@overload
def field(
    *,
    doc: str | None = None,
    one_of: str | None = None,
    at_most_one_of: str | None = None,
    validator: Callable[[Any], object] | None = None,
    secret: bool = False,
) -> Any: ...
def field(
    *,
    default: Any = MISSING,
    factory: Callable[[], Any] | None = None,
    doc: str | None = None,
    one_of: str | None = None,
    at_most_one_of: str | None = None,
    validator: Callable[[Any], object] | None = None,
    secret: bool = False,
) -> Any:
    """Describe one field of a config class.

    A field with neither ``default`` nor ``factory`` is required. ``doc`` is
    shown by ``--help``, templates, JSON Schema and the reference docs.
    ``one_of`` / ``at_most_one_of`` put the field in a named group of optional
    fields of which exactly one / at most one is set. ``validator`` is called
    with the structured value and raises ``ValueError`` to refuse it.
    ``secret=True`` hides the value wherever a config is shown.
    """
    # checked by @tmlcfg.config, which can name the field
    return FieldOptions(default, factory, doc, one_of, at_most_one_of, validator, secret)
