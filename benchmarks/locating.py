"""Rejecting grows with the file as accepting does: N tables, each missing a required key.

Every problem is located (file and line) and the report rendered, so this
times what a user waits for. Reject ÷ accept should stay flat from 500 to
16,000 tables; finding lines used to scan every line per problem, which made
16,000 tables take minutes. ``python -m benchmarks.locating`` runs it alone.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import tmlcfg

SIZES = (500, 1000, 2000, 4000, 8000, 16000)


@tmlcfg.config
class Item:
    name: str
    size: tmlcfg.PositiveInt = 1
    tags: tuple[str, ...] = ()


@tmlcfg.config
class Items:
    items: tuple[Item, ...] = ()


def texts(n: int) -> tuple[str, str]:
    """A file of ``n`` ``[[items]]`` tables, and the same with each one's required ``name`` left out."""
    good = "".join(f'[[items]]\nname = "item{i}"\nsize = {i + 1}\ntags = ["a", "b"]\n\n' for i in range(n))
    bad = "".join(f'[[items]]\nsize = {i + 1}\ntags = ["a", "b"]\n\n' for i in range(n))
    return good, bad


def _best(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _reject(bad: str, n: int) -> Callable[[], None]:
    def run() -> None:
        try:
            tmlcfg.loads(Items, bad, source="items.toml")
        except tmlcfg.ConfigError as e:
            assert len(e.problems) == n and e.problems[-1].line is not None
            str(e)
            return
        raise AssertionError("the bad file was accepted")

    return run


def rows(runs: int = 5) -> list[tuple[int, float, float]]:
    """``(tables, accept seconds, reject seconds)`` for each size, medians of ``runs``."""
    out = []
    for n in SIZES:
        good, bad = texts(n)
        accept = _best(lambda good=good: tmlcfg.loads(Items, good, source="items.toml"), runs)
        reject = _best(_reject(bad, n), runs)
        out.append((n, accept, reject))
        print(f"measured locating, {n} tables", file=sys.stderr)
    return out


def report(measured: list[tuple[int, float, float]]) -> list[str]:
    ratios = [reject / accept for _, accept, reject in measured]
    out = ["| tables | accept | reject (every problem located, str()) | reject ÷ accept |", "|---|---|---|---|"]
    for (n, accept, reject), ratio in zip(measured, ratios, strict=True):
        out.append(f"| {n:,} | {accept * 1e3:.1f} ms | {reject * 1e3:.1f} ms | {ratio:.2f}× |")
    spread = max(ratios) / min(ratios)
    out += ["", f"Largest ÷ smallest reject ÷ accept ratio over the sizes: {spread:.2f} (flat is ≈ 1; quadratic ≈ 32)."]
    return out


if __name__ == "__main__":
    print("\n".join(report(rows())))
