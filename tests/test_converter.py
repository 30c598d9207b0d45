"""tmlcfg.converter: the cattrs converter every read and write goes through, open to users' types."""

from __future__ import annotations

import datetime as dt
import enum
import pathlib
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base.frozen import FrozenDict
from tmlcfg.optimizers import AdamConfig, OptimizerConfig

from .strategies import Generated, classes_with_instances


@tmlcfg.config
class Sgd:
    lr: float = 0.1
    momentum: float = 0.0


@attrs.define
class Sweep:
    """A user's own attrs class, not a config, holding configs."""

    name: str
    trials: list[Sgd]
    best: Sgd | None = None


def _problems(error: tmlcfg.ConfigError) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in error.problems]


@pytest.mark.parametrize("container", [list, tuple])
def test_sequences_of_configs(container: Any) -> None:
    """list[C] and tuple[C, ...] structure every element, with every problem at its index."""
    wanted = list[Sgd] if container is list else tuple[Sgd, ...]
    got = tmlcfg.converter.structure([{"lr": 1}, {}], wanted)
    assert type(got) is container
    assert list(got) == [Sgd(lr=1.0), Sgd()]
    assert type(got[0].lr) is float
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure([{}, {"lr": "1"}, {"lr": 0.1, "mom": 1}], wanted)
    assert _problems(info.value) == [
        ("[1].lr", "expected float, got str '1'"),
        ("[2].mom", "unknown key; expected one of lr, momentum"),
    ]


def test_mappings_of_configs() -> None:
    """Mapping[str, C] and dict[str, C] as tables of configs, problems under their keys."""
    data = {"a": {"lr": 2}, "b.c": {}}
    assert tmlcfg.converter.structure(data, Mapping[str, Sgd]) == {"a": Sgd(lr=2.0), "b.c": Sgd()}
    assert type(tmlcfg.converter.structure(data, dict[str, Sgd])) is dict
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure({"b.c": {"lr": True}}, dict[str, Sgd])
    assert _problems(info.value) == [('"b.c".lr', "expected float, got bool true")]


def test_a_users_attrs_class_holding_configs() -> None:
    """An attrs class of the user's is structured by cattrs, its fields by tmlcfg's strict hooks."""
    sweep = tmlcfg.converter.structure({"name": "s", "trials": [{"lr": 1}], "best": {"lr": 3}}, Sweep)
    assert sweep == Sweep("s", [Sgd(lr=1.0)], Sgd(lr=3.0))
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure({"name": 7, "trials": [{}, {"lr": "x"}], "extra": 1}, Sweep)
    assert sorted(_problems(info.value)) == [
        ("extra", "unknown key"),
        ("name", "expected str, got int 7"),
        ("trials[1].lr", "expected float, got str 'x'"),
    ]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure({"trials": []}, Sweep)
    assert _problems(info.value) == [("name", "missing required key")]


def test_strict_scalars() -> None:
    """The converter's scalar hooks never guess: no "7" for int, no 1.9, no true; int widens to float."""
    conv = tmlcfg.converter
    for value, wanted in [("7", int), (1.9, int), (True, int), (5, str), ("1", float)]:
        with pytest.raises(tmlcfg.ConfigError):
            conv.structure(value, wanted)
    assert type(conv.structure(3, float)) is float
    assert conv.structure("1h", dt.timedelta) == dt.timedelta(hours=1)
    assert conv.structure(None, int | None) is None


def test_unstructure_through_the_converter() -> None:
    """to_dict and the converter agree; secrets are masked only in the masking output."""
    cfg = OptimizerConfig(adam=AdamConfig(lr=0.5))
    assert tmlcfg.converter.unstructure(cfg) == tmlcfg.to_dict(cfg)
    assert tmlcfg.converter.unstructure(dt.timedelta(minutes=2)) == "2m"
    assert tmlcfg.converter.unstructure([Sgd()], list[Sgd]) == [{"lr": 0.1, "momentum": 0.0}]


def test_register_hooks_equips_a_users_converter() -> None:
    """register_hooks gives any cattrs converter the same strict hooks."""
    conv = tmlcfg.register_hooks(cattrs.Converter())
    assert conv.structure({"lr": 1}, Sgd) == Sgd(lr=1.0)
    assert conv.structure("90s", dt.timedelta) == dt.timedelta(seconds=90)
    with pytest.raises(tmlcfg.ConfigError, match="expected int, got str '7'"):
        conv.structure("7", int)
    assert conv.unstructure(Sgd(lr=2.0)) == {"lr": 2.0, "momentum": 0.0}


def test_a_users_hook_on_the_converter_is_used() -> None:
    """The converter is the registry: a hook a user registers for a config class wins."""
    conv = tmlcfg.register_hooks(cattrs.Converter())
    conv.register_structure_hook(Sgd, lambda data, _: Sgd(lr=float(data)))
    assert conv.structure(3, Sgd) == Sgd(lr=3.0)


@given(classes_with_instances())
def test_every_entry_goes_through_the_converter(case: tuple[Generated, Any]) -> None:
    """from_dict gives what the converter's hook gives, type for type."""
    generated, config = case
    data = tmlcfg.to_dict(config)
    assert tmlcfg.converter.structure(data, generated.cls) == tmlcfg.from_dict(generated.cls, data) == config
    assert tmlcfg.converter.unstructure(config) == data


def test_the_hook_of_a_class_is_the_converters() -> None:
    """from_dict asks the converter for the hook: a hook put on tmlcfg.converter is what runs."""
    seen: list[Any] = []
    original = tmlcfg.converter.get_structure_hook(Sgd)

    def spy(data: Any, cls: Any) -> Any:
        seen.append(data)
        return original(data, cls)

    tmlcfg.converter.register_structure_hook(Sgd, spy)
    try:
        assert tmlcfg.from_dict(Sgd, {"lr": 1}) == Sgd(lr=1.0)
        assert tmlcfg.loads(Sgd, "lr = 2") == Sgd(lr=2.0)
    finally:
        tmlcfg.converter.register_structure_hook(Sgd, original)
    assert seen == [{"lr": 1}, {"lr": 2}]


@attrs.define
class Study:
    """A user's attrs class holding a list of another user's attrs class."""

    searches: list[Sweep]
    notes: dict[int, str] = attrs.Factory(dict)


def test_nested_user_classes_and_odd_containers() -> None:
    """Problems inside lists of the user's classes keep their indexes; sets and non-str keys work as cattrs does."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure({"searches": [{"name": "a", "trials": []}, {"trials": [{"lr": []}]}]}, Study)
    assert sorted(_problems(info.value)) == [
        ("searches[1].name", "missing required key"),
        ("searches[1].trials[0].lr", "expected float, got array"),
    ]
    assert tmlcfg.converter.structure([{"lr": 1}, {"lr": 1.0}], set[Sgd]) == {Sgd(lr=1.0)}
    assert tmlcfg.converter.structure({"searches": [], "notes": {1: "x"}}, Study).notes == {1: "x"}


def test_problems_from_a_users_own_hook() -> None:
    """A ConfigError a user's hook raises inside an attrs class is placed under the field, path and all."""
    conv = tmlcfg.register_hooks(tmlcfg._engine.converter.Converter(forbid_extra_keys=True))

    def strict_name(value: Any, _: Any) -> str:
        raise tmlcfg.ConfigError([tmlcfg.Problem("first[0]", "no names today")])

    conv.register_structure_hook(str, strict_name)
    with pytest.raises(tmlcfg.ConfigError) as info:
        conv.structure({"name": "x", "trials": []}, Sweep)
    assert _problems(info.value) == [("name.first[0]", "no names today")]


class Level(enum.IntEnum):
    LOW = 1


class Mode(str, enum.Enum):
    FAST = "fast"


def test_subclasses_of_scalars_are_not_read_as_the_scalar() -> None:
    """An IntEnum or str-Enum asked of the converter is read as its enum, not by the int or str hook."""
    conv = tmlcfg.converter
    assert conv.structure(1, Level) is Level.LOW
    assert conv.structure("fast", Mode) is Mode.FAST
    with pytest.raises(tmlcfg.ConfigError, match="7"):
        conv.structure(7, Level)
    assert type(conv.unstructure(Level.LOW)) is int
    # a subclass tmlcfg has no hook of its own for keeps its base's: every Path is a PosixPath or WindowsPath
    assert conv.unstructure(pathlib.Path("a")) == "a"
    assert conv.structure("a", type(pathlib.Path())) == pathlib.Path("a")


def test_a_users_attrs_class_given_something_else_than_a_table() -> None:
    """A user's attrs class given a number or an array is a ConfigError, not cattrs' TypeError."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure(3, Sweep)
    assert _problems(info.value) == [("", "expected a table (Sweep), got int 3")]

    @attrs.define
    class Study:
        sweep: Sweep

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure({"sweep": ["s"]}, Study)
    assert _problems(info.value) == [("sweep", "expected a table (Sweep), got array")]


def test_a_type_the_converter_cannot_read_is_a_definition_error() -> None:
    """Asking for a type no hook reads (a union of a config and a scalar) is a DefinitionError, not cattrs'."""
    with pytest.raises(tmlcfg.DefinitionError, match=r"Sgd \| int"):
        tmlcfg.converter.structure({}, Sgd | int)


@attrs.define
class Chain:
    """A user's attrs class that nests itself, as deep as its input goes."""

    sgd: Sgd
    next: Chain | None = None


def test_a_self_nesting_attrs_class_given_absurd_depth() -> None:
    """Input deeper than Python's stack is one ConfigError in tmlcfg's words, not Python's recursion message."""
    data: dict[str, Any] = {"sgd": {}}
    for _ in range(5000):
        data = {"sgd": {}, "next": data}
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure(data, Chain)
    [problem] = info.value.problems
    assert problem.message == "nesting too deep to read"
    assert problem.path.startswith("next.next.")


def test_a_long_path_starting_at_an_index_is_shown_as_a_path() -> None:
    """A long problem path of a list[C] is cut key by key, not quoted whole as if it were one key."""

    @tmlcfg.config
    class Middle:
        a_rather_long_field_name_to_make_the_path_long: Sgd = Sgd()

    @tmlcfg.config
    class Deep:
        another_rather_long_field_name_for_the_same_reason: Middle = Middle()

    inner = {"a_rather_long_field_name_to_make_the_path_long": {"lr": "x"}}
    data = [{}, {"another_rather_long_field_name_for_the_same_reason": inner}]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure(data, list[Deep])
    assert str(info.value).splitlines()[1] == (
        "  [1].another_rather_long_field_name_for_the_same_reason"
        ".a_rather_long_field_name_to_make_the_path_long.lr: expected float, got str 'x'"
    )


@attrs.define
class Point:
    """A user's attrs class, not a config: containers of it are read by the converter, not by a field."""

    x: int


@attrs.define
class Label:
    name: str


def _shapes() -> st.SearchStrategy[Any]:
    """Container types the converter is asked for: of a user's attrs class, of ints, nested."""
    leaves = st.sampled_from([Point, int, str, Tag])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(lambda t: list[t]),  # type: ignore[valid-type]
            inner.map(lambda t: tuple[t, ...]),  # type: ignore[valid-type]
            inner.map(lambda t: dict[str, t]),  # type: ignore[valid-type]
            inner.filter(lambda t: t in (Tag, int, str)).map(lambda t: frozenset[t]),  # type: ignore[valid-type]
            inner.map(lambda t: Mapping[str, t]),  # type: ignore[valid-type]
            st.tuples(inner, inner).map(lambda ts: tuple[ts[0], ts[1]]),  # type: ignore[valid-type]
        ),
        max_leaves=4,
    )


_DATA = st.recursive(
    st.one_of(st.integers(-3, 3), st.sampled_from(["k", "x", ""]), st.none(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["x", "k"]), inner, max_size=2)
    ),
    max_leaves=8,
)


@attrs.frozen
class Tag:
    """A hashable attrs class, which sets of can hold."""

    name: str


def _holds(value: Any, tp: Any) -> bool:
    """Whether ``value`` is exactly of the shape ``tp`` says, kind for kind."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is None:
        return (
            type(value) is tp
            and (tp is not Point or type(value.x) is int)
            and (tp is not Tag or type(value.name) is str)
        )
    if origin in (dict, Mapping):
        # a Mapping of field types is tmlcfg's own FrozenDict; one of a user's classes, a dict
        kinds = (dict,) if origin is dict else (dict, FrozenDict)
        return type(value) in kinds and all(type(k) is str and _holds(v, args[1]) for k, v in value.items())
    if origin is tuple and args[-1] is not Ellipsis:
        return type(value) is tuple and len(value) == len(args) and all(map(_holds, value, args))
    kind = tuple if origin is tuple else origin
    return type(value) is kind and all(_holds(v, args[0]) for v in value)


@given(_shapes(), _DATA)
def test_the_converter_owns_every_container_shape(tp: Any, data: Any) -> None:
    """Any data asked as any container of a user's attrs class is the exact shape or a ConfigError, never
    cattrs' TypeError, AttributeError or a lenient value (a table read as its keys, a str as its letters)."""
    try:
        value = tmlcfg.converter.structure(data, tp)
    except tmlcfg.ConfigError as e:
        assert e.problems
    else:
        assert _holds(value, tp), (value, tp)


@pytest.mark.parametrize(
    ("data", "tp", "expected"),
    [
        (5, list[list[Point]], [("", "expected an array (list[list[Point]]), got int 5")]),
        ([1], dict[str, list[int]], [("", "expected a table (dict[str, list[int]]), got array")]),
        ({"k": [1]}, list[list[Point]], [("", "expected an array (list[list[Point]]), got table")]),
        ({"k": [1]}, list[list[int]], [("", "expected an array (list[list[int]]), got table")]),
        ("xy", list[Point], [("", "expected an array (list[Point]), got str 'xy'")]),
        (
            [[{"x": 1}], [{"x": "2"}, 3]],
            list[list[Point]],
            [("[1][0].x", "expected int, got str '2'"), ("[1][1]", "expected a table (Point), got int 3")],
        ),
        (
            {"a": [{"x": 1}, {}], "b": 1},
            dict[str, list[Point]],
            [("a[1].x", "missing required key"), ("b", "expected an array (list[Point]), got int 1")],
        ),
        ([{"x": 1}], tuple[Point, Label], [("", "expected an array of 2 items, got 1")]),
        ([{"x": 1}, {"name": 2}], tuple[Point, Label], [("[1].name", "expected str, got int 2")]),
        ({1: {"x": 1}}, dict[str, Point], [("1", "expected str, got int 1")]),
    ],
)
def test_containers_of_a_users_classes_are_read_strictly(data: Any, tp: Any, expected: list[tuple[str, str]]) -> None:
    """Each problem at its index or key, in tmlcfg's words."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.converter.structure(data, tp)
    assert sorted(_problems(info.value)) == sorted(expected)


@tmlcfg.config
class Adam:
    lr: float = 1e-3


@pytest.mark.parametrize(
    ("tp", "named"),
    [
        (Point | Label, "Point | Label"),
        (Point | Label | None, "Point | Label | None"),
        (Any, "Any"),
        (list, "list"),
        (list[Any], "list[Any]"),
        (typing.Sequence, "Sequence"),
        (set[Point], "set[Point]: .* Point is not hashable"),
        (frozenset[list[Label]], "list[Label] is not hashable"),
    ],
)
def test_a_type_the_converter_does_not_read_strictly_is_a_definition_error(tp: Any, named: str) -> None:
    """A union of attrs classes (which cattrs would pick by the keys it sees), bare or Any containers: refused,
    named, whatever the data."""
    for data in ({"x": 1}, [], 5):
        with pytest.raises(tmlcfg.DefinitionError, match=named.replace("[", r"\[").replace("|", r"\|")):
            tmlcfg.converter.structure(data, tp)


def test_a_union_of_configs_that_is_no_variant_field_says_why() -> None:
    """A union of config classes a field could not hold (two answer to one tag) is refused with the field's reason."""

    def adam() -> type:
        @tmlcfg.config
        class Adam:
            lr: float = 1e-3

        return Adam

    first, second = adam(), adam()
    with pytest.raises(tmlcfg.DefinitionError, match=r"cannot read Adam \| Adam: .*both answer to the tag 'adam'"):
        tmlcfg.converter.structure({"kind": "adam"}, first | second)
