"""Law 4: structuring never guesses; the one widening is int to float."""

from __future__ import annotations

import datetime as dt
import enum
import pathlib
from collections.abc import Mapping
from typing import Any, Literal

import pytest

import tmlcfg


class Precision(enum.Enum):
    fp32 = "fp32"
    fp16 = "fp16"


class Level(enum.IntEnum):
    low = 1
    high = 2


@tmlcfg.config
class Scalars:
    i: int = 0
    f: float = 0.0
    s: str = ""
    b: bool = False
    p: pathlib.Path = pathlib.Path("out")
    when: dt.datetime = dt.datetime(2020, 1, 1)
    day: dt.date = dt.date(2020, 1, 1)
    at: dt.time = dt.time(12, 0)
    precision: Precision = Precision.fp32
    level: Level = Level.low
    mode: Literal["train", "eval", 3] = "train"
    either: int | str = 0
    tags: tuple[str, ...] = ()
    pair: tuple[int, str] = (0, "")
    ids: frozenset[int] = frozenset()
    extra: Mapping[str, int] = tmlcfg.field(factory=dict)
    free: Mapping[str, Any] = tmlcfg.field(factory=dict)


def problems(**data: Any) -> list[tuple[str, str]]:
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Scalars, data)
    return [(p.path, p.message) for p in info.value.problems]


_WIDE = " is outside the signed 64-bit range TOML integers have; write it as a float, such as 1e30"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"i": "7"}, ("i", "expected int, got str '7'")),
        ({"i": 1.9}, ("i", "expected int, got float 1.9")),
        ({"i": True}, ("i", "expected int, got bool true")),
        ({"i": None}, ("i", "expected int, got nothing (None)")),
        ({"s": 5}, ("s", "expected str, got int 5")),
        ({"f": True}, ("f", "expected float, got bool true")),
        ({"f": "0.1"}, ("f", "expected float, got str '0.1'")),
        ({"f": float("nan")}, ("f", "nan is not allowed; use inf or a number")),
        ({"f": 10**400}, ("f", "1" + "0" * 56 + "..." + _WIDE)),
        ({"f": 10**5000}, ("f", "<16610-bit integer>" + _WIDE)),
        ({"f": 2**63}, ("f", "9223372036854775808" + _WIDE)),
        ({"b": 1}, ("b", "expected bool, got int 1")),
        ({"p": 5}, ("p", "expected path (str), got int 5")),
        ({"when": "2020-01-01"}, ("when", "expected datetime, got str '2020-01-01'")),
        ({"day": dt.datetime(2020, 1, 1)}, ("day", "expected date, got datetime 2020-01-01T00:00:00")),
        ({"at": dt.time(1, tzinfo=dt.UTC)}, ("at", "a TOML time has no timezone; drop the tzinfo")),
        ({"precision": "fp64"}, ("precision", "expected one of 'fp32', 'fp16', got str 'fp64'")),
        ({"precision": "FP32"}, ("precision", "expected one of 'fp32', 'fp16', got str 'FP32'")),
        ({"level": "low"}, ("level", "expected one of 1, 2, got str 'low'")),
        ({"level": True}, ("level", "expected one of 1, 2, got bool true")),
        ({"mode": "test"}, ("mode", "expected one of 'train', 'eval', 3, got str 'test'")),
        ({"mode": True}, ("mode", "expected one of 'train', 'eval', 3, got bool true")),
        ({"either": 1.5}, ("either", "expected int | str, got float 1.5")),
        ({"tags": "abc"}, ("tags", "expected tuple[str, ...], got str 'abc'")),
        ({"tags": ["a", 5]}, ("tags[1]", "expected str, got int 5")),
        ({"pair": [1]}, ("pair", "expected an array of 2 items, got 1")),
        ({"pair": ["1", "a"]}, ("pair[0]", "expected int, got str '1'")),
        ({"ids": {"a": 1}}, ("ids", "expected frozenset[int], got table")),
        ({"extra": {"a": "1"}}, ("extra.a", "expected int, got str '1'")),
        ({"extra": {1: 1}}, ("extra.1", "keys must be strings, got 1")),
        ({"extra": []}, ("extra", "expected Mapping[str, int], got array")),
        (
            {"free": {"a": None}},
            ("free.a", "expected a TOML value (bool, number, str, date/time, array or table), got nothing (None)"),
        ),
        ({"free": {"a": [1, {"b": float("nan")}]}}, ("free.a[1].b", "nan is not allowed; use inf or a number")),
        (
            {"when": dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))},
            ("when", "TOML offsets are whole minutes; got an offset with seconds"),
        ),
    ],
)
def test_refuses_without_guessing(data: dict[str, Any], expected: tuple[str, str]) -> None:
    """Each wrong value is refused with its path and a message naming what was expected."""
    assert problems(**data) == [expected]


def test_widening_and_natural_reads() -> None:
    """int widens to float; enums from values; Path from str; arrays to tuples/frozensets; tables frozen."""
    c = tmlcfg.from_dict(
        Scalars,
        {
            "f": 5,
            "precision": "fp16",
            "level": 2,
            "p": "a/b",
            "tags": ["x"],
            "ids": [3, 1, 3],
            "pair": [1, "a"],
            "either": "s",
            "mode": 3,
            "free": {"a": [1, {"b": 2}]},
        },
    )
    assert type(c.f) is float and c.f == 5.0
    assert c.precision is Precision.fp16 and c.level is Level.high
    assert c.p == pathlib.Path("a/b")
    assert c.tags == ("x",) and c.ids == frozenset({1, 3}) and c.pair == (1, "a")
    assert c.free == {"a": (1, {"b": 2})}
    assert isinstance(c.free["a"][1], tmlcfg.FrozenDict)
    assert tmlcfg.to_dict(c)["ids"] == [1, 3]
    assert tmlcfg.to_dict(c)["precision"] == "fp16"
    assert tmlcfg.to_dict(c)["p"] == "a/b"


def test_constructor_checks_like_a_file() -> None:
    """Building from Python is held to the same rules, and containers are frozen."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        Scalars(i="7", s=5)  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["i", "s"]
    c = Scalars(tags=["a"], extra={"k": 1}, ids={2})  # type: ignore[arg-type]
    assert c.tags == ("a",) and isinstance(c.extra, tmlcfg.FrozenDict) and c.ids == frozenset({2})
    assert Scalars(precision="fp16").precision is Precision.fp16  # type: ignore[arg-type]


def test_toml_dates_and_times_are_native() -> None:
    """TOML datetimes, dates and times arrive as Python's own types."""
    c = tmlcfg.loads(Scalars, "when = 2021-05-06T07:08:09Z\nday = 2021-05-06\nat = 07:08:09\n")
    assert c.when == dt.datetime(2021, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert c.day == dt.date(2021, 5, 6)
    assert c.at == dt.time(7, 8, 9)


def test_non_mapping_input() -> None:
    """from_dict of something that is not a mapping is a ConfigError."""
    with pytest.raises(tmlcfg.ConfigError, match="expected a table \\(Scalars\\), got array"):
        tmlcfg.from_dict(Scalars, [])  # type: ignore[arg-type]


def test_nested_config_accepts_instances_and_tables() -> None:
    """A nested config field takes an instance or a table, never a scalar."""

    @tmlcfg.config
    class Outer:
        inner: Scalars = Scalars()

    assert tmlcfg.from_dict(Outer, {"inner": Scalars(i=3)}).inner.i == 3
    assert tmlcfg.from_dict(Outer, {"inner": {"i": 3}}).inner.i == 3
    with pytest.raises(tmlcfg.ConfigError, match="inner: expected a table \\(Scalars\\), got int 3"):
        tmlcfg.from_dict(Outer, {"inner": 3})
