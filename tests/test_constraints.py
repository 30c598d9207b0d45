"""Constraints give the answers a user expects: decimal float steps, bounds that cannot compare."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import annotated_types as at
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg

STEPS = ["0.1", "0.25", "0.05", "0.001", "2.5", "1e-07", "3"]


def _multiple_of(step: float) -> type:
    @tmlcfg.config
    class Stepped:
        x: Annotated[float, at.MultipleOf(step)] = 0.0

    return Stepped


@given(st.sampled_from(STEPS), st.integers(-(10**6), 10**6))
def test_float_multiples_as_written_are_accepted(step: str, k: int) -> None:
    """k times a decimal step, written as the decimal a user types, is a multiple of the step."""
    cls = _multiple_of(float(step))
    value = float(Decimal(k) * Decimal(step))
    assert tmlcfg.loads(cls, f"x = {value!r}").x == value  # type: ignore[attr-defined]
    assert tmlcfg.from_dict(cls, {"x": value}).x == value  # type: ignore[attr-defined]


@given(st.sampled_from(STEPS), st.integers(-(10**6), 10**6))
def test_values_between_multiples_are_refused(step: str, k: int) -> None:
    """Half a step off a multiple is refused, with the step in the message."""
    cls = _multiple_of(float(step))
    value = float((Decimal(k) + Decimal("0.5")) * Decimal(step))
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(cls, {"x": value})
    assert info.value.problems[0].message == f"must be a multiple of {float(step)!r}, got {value!r}"


def test_the_cases_binary_floats_get_wrong() -> None:
    """0.3 and 0.7 are multiples of 0.1, 0.5 a default with step 0.1; inf and 0.1 + 0.2 are not."""

    @tmlcfg.config
    class Rate:
        lr: Annotated[float, at.MultipleOf(0.1)] = 0.5
        n: Annotated[int, at.MultipleOf(0.5)] = 3

    assert Rate(lr=0.3).lr == 0.3
    assert Rate(lr=0.7).lr == 0.7
    assert Rate(lr=-1.1).lr == -1.1
    assert Rate().lr == 0.5
    assert Rate(n=7).n == 7  # every int is a multiple of 0.5
    for bad in (0.1 + 0.2, float("inf"), float("-inf"), 0.05):
        with pytest.raises(tmlcfg.ConfigError, match="must be a multiple of 0.1"):
            Rate(lr=bad)


def test_integer_steps_stay_exact_for_huge_ints() -> None:
    """An int step on an int field is exact arithmetic, up to the 64-bit edge."""

    @tmlcfg.config
    class Big:
        n: Annotated[int, at.MultipleOf(3)] = 0

    assert Big(n=2**63 - 2).n == 2**63 - 2  # 2**63 - 2 = 3 * 3074457345618258602
    with pytest.raises(tmlcfg.ConfigError, match="must be a multiple of 3"):
        Big(n=2**63 - 1)


def test_a_default_off_the_step_is_a_definition_error() -> None:
    """A default that is no multiple of the step is refused when the class is defined."""
    with pytest.raises(tmlcfg.DefinitionError, match=r"Bad\.x: the default is not a valid float: must be a multiple"):
        tmlcfg.config(type("Bad", (), {"__annotations__": {"x": Annotated[float, at.MultipleOf(0.1)]}, "x": 0.55}))


@tmlcfg.config
class Window:
    start: Annotated[dt.datetime, at.Ge(dt.datetime(2020, 1, 1))] = dt.datetime(2021, 1, 1)
    end: Annotated[dt.datetime, at.Lt(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))] = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


def test_bounds_that_cannot_compare_are_problems() -> None:
    """An aware datetime against a naive bound (and the reverse) is a problem at its path, not a TypeError."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Window, "start = 2021-06-01T00:00:00Z\nend = 2021-06-01T00:00:00\n", source="w.toml")
    assert [(p.path, p.line, p.message) for p in info.value.problems] == [
        (
            "start",
            1,
            "an aware datetime cannot be compared with the bound 2020-01-01T00:00:00, "
            "which is a naive datetime; drop its offset to match the bound",
        ),
        (
            "end",
            2,
            "a naive datetime cannot be compared with the bound 2030-01-01T00:00:00+00:00, "
            "which is an aware datetime; add its offset to match the bound",
        ),
    ]
    with pytest.raises(tmlcfg.ConfigError, match="start: an aware datetime cannot be compared"):
        Window(start=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    assert Window(start=dt.datetime(2022, 1, 1)).start == dt.datetime(2022, 1, 1)
