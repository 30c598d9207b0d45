"""A variant field beside a nested config field: the same tables, one chosen by ``kind``, one not.

Reading a variant should cost about what reading a nested config costs, plus
one lookup of its tag. Each row times ``from_dict`` and ``loads`` of N tables
in an array (``tuple[Adam | Sgd, ...]`` against ``tuple[Adam, ...]``), and of
N top-level fields (``a_i: Adam | Sgd`` against ``a_i: Adam``), in rounds
that alternate the two sides. ``python -m benchmarks.variants`` runs it alone.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import tmlcfg

SIZES = (1000, 8000)
FIELDS = 50


@tmlcfg.config
class Adam:
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    name: str = "adam"


@tmlcfg.config
class Sgd:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class Nested:
    stages: tuple[Adam, ...] = ()


@tmlcfg.config
class Variant:
    stages: tuple[Adam | Sgd, ...] = ()


NestedFields = tmlcfg.config(type("NestedFields", (), {"__annotations__": {f"a{i}": Adam for i in range(FIELDS)}}))
VariantFields = tmlcfg.config(
    type("VariantFields", (), {"__annotations__": {f"a{i}": Adam | Sgd for i in range(FIELDS)}})
)


def _table(i: int, kind: bool) -> dict[str, Any]:
    table: dict[str, Any] = {"lr": i * 1e-4, "beta1": 0.9, "beta2": 0.99, "name": f"stage{i}"}
    return {"kind": "adam", **table} if kind else table


def cases() -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """``(what, variant, nested)``: the two sides of each row, checked to read equal values."""
    out = []
    for n in SIZES:
        variant = {"stages": [_table(i, True) for i in range(n)]}
        nested = {"stages": [_table(i, False) for i in range(n)]}
        assert tmlcfg.from_dict(Variant, variant).stages == tmlcfg.from_dict(Nested, nested).stages
        out.append(
            (
                f"from_dict, {n:,} tables in an array",
                lambda v=variant: tmlcfg.from_dict(Variant, v),
                lambda v=nested: tmlcfg.from_dict(Nested, v),
            )
        )
        v_text, n_text = (
            tmlcfg.dumps(tmlcfg.from_dict(Variant, variant)),
            tmlcfg.dumps(tmlcfg.from_dict(Nested, nested)),
        )
        out.append(
            (
                f"loads, {n:,} tables in an array",
                lambda t=v_text: tmlcfg.loads(Variant, t),
                lambda t=n_text: tmlcfg.loads(Nested, t),
            )
        )
    variant_fields = {f"a{i}": _table(i, True) for i in range(FIELDS)}
    nested_fields = {f"a{i}": _table(i, False) for i in range(FIELDS)}
    out.append(
        (
            f"from_dict, {FIELDS} fields",
            lambda: tmlcfg.from_dict(VariantFields, variant_fields),
            lambda: tmlcfg.from_dict(NestedFields, nested_fields),
        )
    )
    return out


def _paired(a: Callable[[], Any], b: Callable[[], Any], rounds: int) -> tuple[float, float, float]:
    """Medians of ``a``, ``b`` and of ``a ÷ b`` over rounds that alternate them."""
    a(), b()
    times_a, times_b, ratios = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        t2 = time.perf_counter()
        times_a.append(t1 - t0)
        times_b.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def rows(rounds: int = 15) -> list[tuple[str, float, float, float]]:
    out = []
    for what, variant, nested in cases():
        out.append((what, *_paired(variant, nested, rounds)))
        print(f"measured variants, {what}", file=sys.stderr)
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def report(measured: list[tuple[str, float, float, float]]) -> list[str]:
    out = ["| case | variant field | nested config field | variant ÷ nested |", "|---|---|---|---|"]
    out += [f"| {what} | {_ms(v)} | {_ms(n)} | {ratio:.2f}× |" for what, v, n, ratio in measured]
    return out


if __name__ == "__main__":
    print("\n".join(report(rows())))
