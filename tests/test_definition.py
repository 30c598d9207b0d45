"""Law 6: classes that could not round-trip are refused when they are defined."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Optional

import annotated_types as at
import attrs
import pytest

import tmlcfg


def refused(namespace: dict[str, Any], match: str) -> None:
    cls = type("Bad", (), namespace)
    with pytest.raises(tmlcfg.DefinitionError, match=match):
        tmlcfg.config(cls)


@pytest.mark.parametrize(
    ("annotation", "fix"),
    [
        (list[int], r"Bad\.x: list\[int\] is mutable; use tuple\[T, \.\.\.\]"),
        (dict[str, int], r"use Mapping\[str, T\]"),
        (set[int], r"use frozenset\[T\]"),
        (list, r"use tuple"),
        (tuple[int | None, ...], "None cannot sit inside a tuple or mapping"),
        (Mapping[str, int | None], "None cannot sit inside a tuple or mapping"),
        (Mapping[int, str], "mapping keys must be str"),
        (Annotated[str, at.Gt(0)], "Gt cannot apply to str"),
        (Annotated[int, at.MinLen(1)], "MinLen cannot apply to int"),
        (Annotated[int, at.Gt("a")], r"the bound of Gt\('a'\) does not fit int"),
        (Annotated[int, "a doc string"], "unsupported constraint"),
        (Annotated[int, at.Predicate(bool)], "unsupported constraint"),
        (complex, "unsupported type complex"),
        (Any, "Any is only allowed as the value type"),
        (tuple, "bare tuple"),
        (int | list[int], "mutable"),
        (str | Literal["a"], "both read a TOML str"),
        (Literal[1.5], "Literal values must be str, int or bool"),
        (tuple[()], "empty tuple"),
    ],
)
def test_refused_types_name_the_field_and_the_fix(annotation: Any, fix: str) -> None:
    """Each unsupported annotation is a DefinitionError naming class, field and fix."""
    refused({"__annotations__": {"x": annotation}}, fix)


def test_optional_field_must_default_to_none() -> None:
    """An optional field with a non-None default is refused: TOML could not write None."""
    refused({"__annotations__": {"x": int | None}, "x": 3}, r"Bad\.x: an optional field must default to None")
    refused({"__annotations__": {"x": Optional[int]}, "x": tmlcfg.field(factory=int)}, "must default to None")  # noqa: UP045


def test_union_of_configs_is_refused_with_a_pointer_to_groups() -> None:
    """A union of config classes is refused in favour of one_of groups."""

    @tmlcfg.config
    class A:
        x: int = 1

    @tmlcfg.config
    class B:
        y: int = 1

    refused({"__annotations__": {"x": A | B}}, "one_of group")


def test_enum_values_must_be_all_str_or_all_int() -> None:
    """Enums with float or mixed values cannot be written in TOML."""
    import enum

    class Mixed(enum.Enum):
        a = 1
        b = "b"

    class Floaty(enum.Enum):
        a = 1.5

    refused({"__annotations__": {"x": Mixed}}, "all str or all int")
    refused({"__annotations__": {"x": Floaty}}, "all str or all int")


def test_group_rules() -> None:
    """Group members are optional and defaulted; a one_of group has at most one default."""
    refused({"__annotations__": {"a": int}, "a": tmlcfg.field(default=1, one_of="g")}, "must be optional")
    refused({"__annotations__": {"a": int | None}, "a": tmlcfg.field(one_of="g")}, "need a default")
    refused(
        {
            "__annotations__": {"a": int | None, "b": int | None},
            "a": tmlcfg.field(default=1, one_of="g"),
            "b": tmlcfg.field(default=2, one_of="g"),
        },
        "gives defaults to a, b",
    )
    refused(
        {"__annotations__": {"a": int | None}, "a": tmlcfg.field(default=1, at_most_one_of="g")},
        "at_most_one_of members default to None",
    )
    refused(
        {"__annotations__": {"a": int | None}, "a": tmlcfg.field(default=None, one_of="g", at_most_one_of="h")},
        "not both",
    )
    refused(
        {
            "__annotations__": {"a": int | None, "b": int | None},
            "a": tmlcfg.field(default=None, one_of="g"),
            "b": tmlcfg.field(default=None, at_most_one_of="g"),
        },
        "used by both",
    )


def test_invalid_defaults_are_refused() -> None:
    """A default that breaks its own type or constraint is refused at definition."""
    refused({"__annotations__": {"x": tmlcfg.PositiveInt}, "x": 0}, r"the default is not a valid int: must be > 0")
    refused({"__annotations__": {"x": int}, "x": "7"}, "the default is not a valid int")
    refused({"__annotations__": {"x": tuple[int, ...]}, "x": tmlcfg.field(factory=lambda: ["a"])}, "not a valid")


def test_other_refusals() -> None:
    """Private names, unresolvable annotations, plain attrs bases and default+factory."""
    refused({"__annotations__": {"_x": int}}, "may not start with '_'")
    refused({"__annotations__": {"x": "Nope"}}, "cannot resolve annotation 'Nope'")

    @attrs.define
    class Plain:
        x: int = 1

    with pytest.raises(tmlcfg.DefinitionError, match="is not a tmlcfg config"):
        tmlcfg.config(type("Sub", (Plain,), {}))
    refused({"__annotations__": {"x": int}, "x": tmlcfg.field(default=1, factory=int)}, r"Bad\.x: .*default or factory")
    with pytest.raises(tmlcfg.DefinitionError, match="decorates classes"):
        tmlcfg.config(3)  # type: ignore[type-var]
    with pytest.raises(tmlcfg.DefinitionError, match=r"decorate it with @tmlcfg\.config"):
        tmlcfg.config(type("Holder", (), {"__annotations__": {"x": Plain}}))
    with pytest.raises(tmlcfg.DefinitionError, match="is not a tmlcfg config"):
        tmlcfg.from_dict(Plain, {})


def test_subclass_adds_fields_and_required_may_follow_defaults() -> None:
    """Decorating a subclass adds fields; required fields may follow defaulted ones."""

    @tmlcfg.config
    class Base:
        a: int = 1

    @tmlcfg.config
    class Child(Base):
        b: str

    child = Child(b="x")
    assert (child.a, child.b) == (1, "x")
    assert [a.name for a in attrs.fields(Child)] == ["a", "b"]
    assert tmlcfg.loads(Child, 'b = "y"\na = 2\n') == Child(a=2, b="y")
    with pytest.raises(tmlcfg.ConfigError, match="b: missing required key"):
        Child()


def test_config_class_shape() -> None:
    """Frozen, slotted, keyword-only, comparable, hashable, with a real signature."""

    @tmlcfg.config
    class C:
        """Doc."""

        x: int = 1
        y: str = tmlcfg.field(default="s", doc="A string.")
        limit: ClassVar[int] = 3

    assert "__slots__" in C.__dict__
    assert C.limit == 3
    assert [a.name for a in attrs.fields(C)] == ["x", "y"]
    assert str(inspect.signature(C)) == "(*, x: 'int' = 1, y: 'str' = 's')"
    with pytest.raises(TypeError):
        C(1)  # type: ignore[misc]
    assert C(x=2) == C(x=2) != C(x=3)
    assert C.__doc__ == "Doc."


def test_post_init_runs_after_checks_and_reports_at_its_path() -> None:
    """A ValueError from __attrs_post_init__ is a problem at that config's path."""

    @tmlcfg.config
    class Window:
        lo: int = 0
        hi: int = 1

        def __attrs_post_init__(self) -> None:
            if self.lo >= self.hi:
                raise ValueError(f"lo must be below hi, got {self.lo} >= {self.hi}")

    @tmlcfg.config
    class Outer:
        windows: tuple[Window, ...] = ()

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Outer, {"windows": [{}, {"lo": 5, "hi": 2}]})
    assert [(p.path, p.message) for p in info.value.problems] == [("windows[1]", "lo must be below hi, got 5 >= 2")]
    with pytest.raises(tmlcfg.ConfigError, match="1 problem in Window:\n  lo must be below hi"):
        Window(lo=3, hi=3)


def test_field_validator() -> None:
    """A field's validator refuses a value by raising ValueError."""

    def even(value: int) -> None:
        if value % 2:
            raise ValueError(f"must be even, got {value}")

    @tmlcfg.config
    class C:
        n: int = tmlcfg.field(default=2, validator=even)

    with pytest.raises(tmlcfg.ConfigError, match="n: must be even, got 3"):
        C(n=3)
