"""Integers are TOML integers: signed 64-bit, refused outside from every way in."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import annotated_types as at
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base.limits import INT_MAX, INT_MIN

RANGE = "is outside the signed 64-bit range TOML integers have"


@tmlcfg.config
class Numbers:
    n: int = 0
    f: float = 0.0
    bounded: Annotated[int, at.Ge(-(2**70))] = 0
    ns: tuple[int, ...] = ()
    fs: tuple[float, ...] = ()
    s: frozenset[int] = frozenset()
    either: int | str = 0
    free: Mapping[str, Any] = tmlcfg.field(factory=dict)


# every place an int may sit, with the path a problem there is reported at
PLACES: list[tuple[str, Any]] = [
    ("n", lambda v: {"n": v}),
    ("f", lambda v: {"f": v}),
    ("bounded", lambda v: {"bounded": v}),
    ("ns[1]", lambda v: {"ns": [1, v]}),
    ("fs[0]", lambda v: {"fs": [v]}),
    ("s[0]", lambda v: {"s": [v]}),
    ("either", lambda v: {"either": v}),
    ("free.a[0].b", lambda v: {"free": {"a": [{"b": v}]}}),
]
huge = st.integers(min_value=INT_MAX + 1, max_value=2**200) | st.integers(min_value=-(2**200), max_value=INT_MIN - 1)
in_range = st.integers(min_value=INT_MIN, max_value=INT_MAX)


@given(st.sampled_from(PLACES), huge)
def test_out_of_range_is_refused_from_dicts_and_constructors(place: tuple[str, Any], value: int) -> None:
    """from_dict and the constructor refuse an int outside 64 bits at its path."""
    path, data = place
    for make in (lambda d: tmlcfg.from_dict(Numbers, d), lambda d: Numbers(**d)):
        with pytest.raises(tmlcfg.ConfigError) as info:
            make(data(value))
        (problem,) = info.value.problems
        assert problem.path == path
        assert RANGE in problem.message


@given(st.sampled_from(PLACES), in_range)
def test_the_whole_range_is_accepted(place: tuple[str, Any], value: int) -> None:
    """Every int from INT_MIN to INT_MAX is taken, and survives dumps and loads."""
    config = tmlcfg.from_dict(Numbers, place[1](value))
    assert tmlcfg.loads(Numbers, tmlcfg.dumps(config)) == config


@pytest.mark.parametrize("value", [INT_MAX + 1, INT_MIN - 1, int("f" * 4000, 16)], ids=["max+1", "min-1", "4000 hex"])
def test_files_and_overrides_refuse_them_too(value: int, tmp_path: Any) -> None:
    """A file's literal and an override's value outside 64 bits are problems with their source."""
    text = f"n = {value}" if value.bit_length() < 1000 else f"n = 0x{'f' * 4000}"
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Numbers, text, source="big.toml")
    (problem,) = info.value.problems
    assert (problem.path, problem.source, problem.line) == ("n", "big.toml", 1)
    assert RANGE in problem.message
    path = tmp_path / "ok.toml"
    path.write_text("n = 1\n")
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Numbers, path, overrides=[f"free.x={text[4:]}"])
    assert [(p.path, p.source) for p in info.value.problems] == [("free.x", "override")]


def test_edges_and_messages() -> None:
    """The edges themselves are taken; a number too long to print is named by its size."""
    assert Numbers(n=INT_MAX, f=INT_MIN).f == float(INT_MIN)
    with pytest.raises(tmlcfg.ConfigError) as info:
        Numbers(n=INT_MAX + 1)
    assert str(info.value.problems[0]) == f"n: {INT_MAX + 1} {RANGE}"
    with pytest.raises(tmlcfg.ConfigError) as info:
        Numbers(f=10**5000)
    assert str(info.value.problems[0]) == f"f: <16610-bit integer> {RANGE}; write it as a float, such as 1e30"


def test_definitions_outside_the_range_are_refused() -> None:
    """Defaults, Literal values and int enum members outside 64 bits are DefinitionErrors naming the field."""

    class Wide(enum.Enum):
        small = 1
        big = 2**64

    cases: list[tuple[dict[str, Any], str]] = [
        ({"__annotations__": {"x": int}, "x": 2**63}, rf"Bad\.x: the default is not a valid int: .*{RANGE}"),
        ({"__annotations__": {"x": float}, "x": -(2**64)}, r"Bad\.x: the default is not a valid float: .*write it"),
        ({"__annotations__": {"x": Literal[1, 2**63]}}, r"Bad\.x: Literal value 9223372036854775808 is outside"),
        ({"__annotations__": {"x": Wide}}, r"Bad\.x: enum Wide\.big = 18446744073709551616 is outside"),
        ({"__annotations__": {"x": Annotated[int, at.Gt(INT_MAX)]}}, r"Bad\.x: no int meets all of the bounds"),
    ]
    for namespace, match in cases:
        with pytest.raises(tmlcfg.DefinitionError, match=match):
            tmlcfg.config(type("Bad", (), namespace))


def test_strategies_keep_to_the_range_under_wide_bounds() -> None:
    """configs() draws only 64-bit ints even where the bounds are wider, or infinite."""
    from tmlcfg.testing import check_config_class, configs

    @tmlcfg.config
    class Wide:
        low: Annotated[int, at.Ge(-(2**80)), at.Lt(float("inf"))] = 0
        high: Annotated[int, at.Le(2**80)] = 0

    check_config_class(Wide, max_examples=30)

    @given(configs(Wide))
    def drawn(config: Wide) -> None:
        assert INT_MIN <= config.low <= INT_MAX
        assert INT_MIN <= config.high <= INT_MAX

    drawn()
