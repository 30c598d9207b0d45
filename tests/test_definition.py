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


def test_union_of_a_config_and_a_scalar_is_refused() -> None:
    """A union of config classes is a variant field; mixed with a scalar it could not be read."""

    @tmlcfg.config
    class A:
        x: int = 1

    refused({"__annotations__": {"x": A | int}}, r"mixes config classes \(A\) with int")


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


@pytest.mark.parametrize(
    ("namespace", "match"),
    [
        ({"__annotations__": {"self": int}}, r"Bad\.self: a field may not be named self"),
        ({"x": tmlcfg.field(default=1)}, r"Bad\.x: tmlcfg\.field\(\) needs an annotation, such as x: int"),
        ({"__annotations__": {"x": int}, "x": tmlcfg.field(factory=3)}, r"Bad\.x: factory must be callable"),  # type: ignore[call-overload]
        (
            {"__annotations__": {"x": int}, "x": tmlcfg.field(factory=lambda: 1 // 0)},
            r"Bad\.x: the factory failed: Zero",
        ),
        ({"__annotations__": {"x": int}, "x": tmlcfg.field(default=1, validator=3)}, r"Bad\.x: validator must be"),  # type: ignore[arg-type]
        ({"__annotations__": {"x": int}, "x": tmlcfg.field(default=1, doc=3)}, r"Bad\.x: doc must be a str"),  # type: ignore[arg-type]
        (
            {"__annotations__": {"x": int | None}, "x": tmlcfg.field(default=None, one_of="")},
            r"Bad\.x: one_of names",
        ),
        ({"__annotations__": {"x": int}, "x": tmlcfg.field(default=1, secret=1)}, r"Bad\.x: secret is True or False"),  # type: ignore[arg-type]
        ({"__annotations__": {"x": Annotated[int, at.MultipleOf(0)]}}, r"Bad\.x: MultipleOf\(0\) allows only 0"),
        (
            {"__annotations__": {"x": Annotated[float, at.MultipleOf(float("inf"))]}},
            r"Bad\.x: MultipleOf needs a finite",
        ),
        ({"__annotations__": {"x": Annotated[float, at.MultipleOf("1")]}}, r"Bad\.x: MultipleOf needs a finite"),
        (
            {"__annotations__": {"x": Annotated[float, at.Ge(float("nan"))]}},
            r"Bad\.x: the bound of Ge\(nan\) does not fit",
        ),
        ({"__annotations__": {"x": Annotated[int, at.Gt(4), at.Lt(5)]}}, r"Bad\.x: no int meets all of the bounds"),
        ({"__annotations__": {"x": Annotated[int, at.Ge(float("inf"))]}}, r"Bad\.x: no int meets all of the bounds"),
        ({"__annotations__": {"x": Annotated[float, at.Gt(1), at.Le(1)]}}, r"Bad\.x: no float meets all of the bounds"),
        ({"__annotations__": {"x": Annotated[float, at.Interval(ge=2, le=1)]}}, r"Bad\.x: no float meets"),
        ({"__annotations__": {"x": Annotated[str, at.MinLen(3), at.MaxLen(2)]}}, r"Bad\.x: no value is at least 3"),
        ({"__annotations__": {"x": Annotated[str, at.MaxLen(-1)]}}, r"Bad\.x: MaxLen needs a length that is an int"),
    ],
)
def test_every_bad_definition_names_its_field(namespace: dict[str, Any], match: str) -> None:
    """Each bad definition is a DefinitionError naming Class.field and what to do."""
    refused(namespace, match)


def test_bounds_that_leave_values_are_kept() -> None:
    """Bounds that meet at one value, or only exclude, are fine: the check is of emptiness alone."""

    @tmlcfg.config
    class Edge:
        one: Annotated[int, at.Ge(4), at.Le(4)] = 4
        between: Annotated[int, at.Gt(3.5), at.Lt(4.5)] = 4
        unit: Annotated[float, at.Ge(1), at.Le(1)] = 1.0
        big: Annotated[int, at.Ge(-(2**70)), at.Le(2**70)] = 0

    assert Edge().between == 4


def test_decorating_twice_is_refused() -> None:
    """A config decorated again is a DefinitionError; a subclass decorated adds fields as before."""

    @tmlcfg.config
    class Once:
        x: int = 1

    with pytest.raises(tmlcfg.DefinitionError, match="Once is already a tmlcfg config; decorate it once"):
        tmlcfg.config(Once)

    @tmlcfg.config
    class Sub(Once):
        y: int = 2

    assert Sub(x=3).y == 2


def _chain(length: int) -> type:
    """``length`` config classes, each holding the next: ``length - 1`` tables below the top."""
    cls: type = tmlcfg.config(type("Leaf", (), {"__annotations__": {"v": int}, "v": 0}))
    for i in range(length - 1):
        cls = tmlcfg.config(type(f"Level{i}", (), {"__annotations__": {"c": cls}, "c": tmlcfg.field(factory=cls)}))
    return cls


def test_configs_nest_at_most_max_depth() -> None:
    """A hundred tables of configs below the top build, compare, print and round-trip; one more is refused."""
    deepest = _chain(101)
    config = deepest()
    assert config == deepest()
    assert repr(config).count("(") == 101
    assert tmlcfg.loads(deepest, tmlcfg.dumps(config)) == config
    assert tmlcfg.diff(config, config) == []
    assert len(tmlcfg.fingerprint(config)) == 64
    with pytest.raises(tmlcfg.DefinitionError, match=r"Over\.c(\.c){100}: configs may nest 100 tables and arrays deep"):
        tmlcfg.config(type("Over", (), {"__annotations__": {"c": deepest}, "c": tmlcfg.field(factory=deepest)}))


def test_containers_count_toward_depth() -> None:
    """Arrays and mappings of configs count as levels, and the path says where."""
    deepest = _chain(100)
    with pytest.raises(tmlcfg.DefinitionError, match=r"Over\.c\[0\]\.c"):
        tmlcfg.config(type("Over", (), {"__annotations__": {"c": tuple[deepest, ...]}, "c": ()}))  # type: ignore[valid-type]
    with pytest.raises(tmlcfg.DefinitionError, match=r'Over\.c\."<key>"\.c'):
        tmlcfg.config(
            type("Over", (), {"__annotations__": {"c": Mapping[str, deepest]}, "c": tmlcfg.field(factory=dict)})
        )  # type: ignore[valid-type]


@pytest.mark.parametrize("name", ["class", "None", "a-b", "a.b", "1x", "\u210c", "\ufb01t"])
def test_field_names_python_cannot_spell_are_refused(name: str) -> None:
    """A name only type() can give (a keyword, not an identifier, not NFKC-normal) is a DefinitionError."""
    # Python folds "\u210c" to "H" in the code attrs generates, so such a field could never be set or read
    refused({"__annotations__": {name: int}, name: 1}, r"is not a Python identifier")
