"""Scalars from numpy are the Python values they hold, everywhere values enter; never across kinds."""

from __future__ import annotations

import enum
import warnings
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

import annotated_types as at
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base.canonical import canonical_text
from tmlcfg.wandb import apply_sweep, restore, sweep_config

np = pytest.importorskip("numpy")


class Level(enum.Enum):
    LOW = 1
    HIGH = 2


@tmlcfg.config
class Model:
    width: int = 8
    dropout: float = 0.1


@tmlcfg.config
class Run:
    lr: float = 0.1
    steps: int = 1
    shuffle: bool = False
    size: int | str = 1
    scale: float | bool = 1.0
    extra: Mapping[str, Any] = tmlcfg.field(factory=dict)
    sizes: tuple[int, ...] = ()
    seeds: frozenset[int] = frozenset()
    mode: Literal[1, 2, True] = 1
    level: Level = Level.LOW
    positive: Annotated[float, at.Gt(0)] = 1.0
    model: Model = Model()


#: Every way a value enters a config, given the field's name and the value.
WAYS: dict[str, Callable[[str, Any], Any]] = {
    "constructor": lambda name, value: Run(**{name: value}),
    "from_dict": lambda name, value: tmlcfg.from_dict(Run, {name: value}),
    "replace": lambda name, value: tmlcfg.replace(Run(), **{name: value}),
    "apply_sweep": lambda name, value: apply_sweep(Run(), {name: value}),
    "restore": lambda name, value: restore(Run, {name: value}),
    "converter": lambda name, value: tmlcfg.converter.structure({name: value}, Run),
}

FLOATS = ["float16", "float32", "float64"]
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def _numpy(dtype: str, value: Any) -> Any:
    return np.dtype(dtype).type(value)


def _same(a: Any, b: Any) -> bool:
    """Equal, and equal kind for kind: 1.0 and 1 differ, as do 1 and True."""
    return bool(a == b) and canonical_text(tmlcfg.to_dict(a)) == canonical_text(tmlcfg.to_dict(b))


def _outcome(way: str, name: str, value: Any) -> Any:
    try:
        return WAYS[way](name, value)
    except tmlcfg.ConfigError as e:
        return [(p.path, p.message) for p in e.problems]


@st.composite
def numpy_scalars(draw: st.DrawFn) -> tuple[Any, Any]:
    """A numpy scalar of any float, int or bool dtype, and the Python value it holds."""
    kind = draw(st.sampled_from(["float", "int", "bool"]))
    if kind == "bool":
        value = np.bool_(draw(st.booleans()))
    elif kind == "int":
        dtype = np.dtype(draw(st.sampled_from(INTS)))
        info = np.iinfo(dtype)
        value = dtype.type(draw(st.integers(int(info.min), int(info.max))))
    else:
        dtype = np.dtype(draw(st.sampled_from(FLOATS)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # overflow to inf in a narrow float is a value like any other
            value = dtype.type(draw(st.floats(allow_nan=False, width=dtype.itemsize * 8)))
    return value, value.item()


FIELDS = ["lr", "steps", "shuffle", "size", "scale", "mode", "level", "positive"]


@given(numpy_scalars(), st.sampled_from(FIELDS), st.sampled_from(sorted(WAYS)))
def test_a_numpy_scalar_is_read_as_the_value_it_holds(scalar: tuple[Any, Any], name: str, way: str) -> None:
    """Whatever a field does with the Python value a numpy scalar holds (take it, widen it, refuse it), it does
    with the numpy scalar, kind for kind and message for message, whichever way the value comes in."""
    value, held = scalar
    got, expected = _outcome(way, name, value), _outcome(way, name, held)
    if isinstance(expected, list):  # refused: for the same reason, though the message names numpy's type
        assert isinstance(got, list) and [p for p, _ in got] == [p for p, _ in expected]
    else:
        assert not isinstance(got, list), got
        assert _same(got, expected)


@given(st.lists(numpy_scalars(), max_size=4), st.sampled_from(sorted(WAYS)))
def test_numpy_scalars_inside_containers(scalars: list[tuple[Any, Any]], way: str) -> None:
    """In a Mapping[str, Any], a tuple or a frozenset, each numpy scalar is the value it holds."""
    extra = {"values": [v for v, _ in scalars], "nested": {"x": [v for v, _ in scalars]}}
    held_extra = {"values": [h for _, h in scalars], "nested": {"x": [h for _, h in scalars]}}
    assert _same(WAYS[way]("extra", extra), WAYS[way]("extra", held_extra))
    ints = [v for v, h in scalars if type(h) is int and -(2**63) <= h < 2**63]
    for name in ("sizes", "seeds"):
        assert _same(WAYS[way](name, ints), WAYS[way](name, [i.item() for i in ints]))


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("steps", np.float64(1.0), "expected int, got float64"),
        ("shuffle", np.int64(1), "expected bool, got int64"),
        ("steps", np.bool_(True), "expected int, got bool"),
        ("mode", np.float64(1.0), "expected one of 1, 2, true"),
        ("level", np.float64(1.0), "expected one of 1, 2"),
        ("steps", np.uint64(2**63), "outside the signed 64-bit range"),
        ("lr", np.uint64(2**64 - 1), "outside the signed 64-bit range"),
        ("lr", np.float64("nan"), "nan is not allowed"),
        ("lr", np.complex128(1), "expected float, got complex128"),
        ("lr", np.longdouble(1), "expected float, got longdouble"),
        ("lr", np.array(1.0), "expected float, got ndarray"),
        ("positive", np.float32(-1), "must be > 0"),
    ],
)
def test_never_across_kinds(way: str, name: str, value: Any, message: str) -> None:
    """numpy.float64(1.0) is not an int, numpy.int64(1) not a bool; TOML's range and nan hold for numpy too; a
    type that holds no exact Python value (complex, longdouble, an array) is refused."""
    got = _outcome(way, name, value)
    assert isinstance(got, list) and len(got) == 1
    assert got[0][0] == name and message in got[0][1]


def test_the_values_wandbs_sweep_engine_proposes_apply() -> None:
    """wandb's sweep engine (the sweeps package its controller runs) validates every spec sweep_config writes, and
    the numpy values it proposes for random and bayes searches apply to the experiment."""
    sweeps = pytest.importorskip("sweeps")
    parameters = {
        "lr": {"min": 0.0001, "max": 0.1, "distribution": "log_uniform_values"},
        "steps": {"min": 1, "max": 100},
        "shuffle": {"values": [True, False]},
        "model.width": {"values": [8, 16, 32]},
        "model.dropout": {"min": 0.0, "max": 0.5},
    }
    metric = {"name": "loss", "goal": "minimize"}
    seen: set[type] = set()
    for method in ("grid", "random", "bayes"):
        given = parameters if method != "grid" else {k: v for k, v in parameters.items() if "values" in v}
        spec = sweep_config(Run, given, method=method, metric=metric)
        assert sweeps.schema_violations_from_proposed_config(spec) == []
        runs: list[Any] = []
        for i in range(6):
            run = sweeps.next_run(spec, runs, validate=True)
            if run is None:  # a grid runs out
                break
            config = {k: v["value"] for k, v in run.config.items()}
            seen |= {type(v) for v in config.values()}
            experiment = apply_sweep(Run(), run.config)
            assert experiment == apply_sweep(Run(), {k: getattr(v, "item", lambda v=v: v)() for k, v in config.items()})
            runs.append(
                sweeps.SweepRun(
                    name=f"run-{method}-{i}",
                    state=sweeps.RunState.finished,
                    config=run.config,
                    summary_metrics={"loss": float(i)},
                )
            )
    assert np.float64 in seen  # the engine did propose numpy values
