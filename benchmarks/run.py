"""Run every case for every library in one process, and print medians and ratios as Markdown."""

from __future__ import annotations

import argparse
import compileall
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from typing import Any

import attrs
import msgspec
import tomli_w

import tmlcfg
from examples.twhin.config import TwhinConfig

from . import locating, schemas_cattrs, schemas_msgspec, schemas_pydantic, variants
from .data import MISTAKES, ROOT, SMALL, break_text, document, write

PEERS = ("tmlcfg", "pydantic v2", "msgspec", "attrs+cattrs")


@attrs.frozen
class Timing:
    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{_human(self.median)} ({_human(self.low)} to {_human(self.high)})"


def _human(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def measure(fn: Callable[[], Any], budget: float) -> Timing:
    """Per-call median over rounds of calls; each round runs at least budget/7 seconds."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / 7 / once))
    rounds = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - t0) / number)
    return Timing(statistics.median(rounds), min(rounds), max(rounds))


def paired_ratio(a: Callable[[], Any], b: Callable[[], Any], budget: float) -> Timing:
    """The ratio a ÷ b from rounds that alternate the two, so that drift of the machine cancels."""
    a(), b()
    start = time.perf_counter()
    a()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / 14 / once))
    ratios = []
    for _ in range(9):
        t0 = time.perf_counter()
        for _ in range(number):
            a()
        t1 = time.perf_counter()
        for _ in range(number):
            b()
        ratios.append((t1 - t0) / (time.perf_counter() - t1))
    return Timing(statistics.median(ratios), min(ratios), max(ratios))


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_without_none(v) for v in value]
    return value


def _raises(fn: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:
            return
        raise AssertionError("the bad input was accepted")

    return run


def library_cases(data: dict[str, Any], path: pathlib.Path) -> dict[str, dict[str, Callable[[], Any]]]:
    """For each library: structure, to_dict, file to config, dumps, and rejecting a bad file."""
    text = path.read_text()
    bad = break_text(text)
    bad_data = tomllib.loads(bad)
    built = {
        "tmlcfg": tmlcfg.from_dict(TwhinConfig, data),
        "pydantic v2": schemas_pydantic.TwhinConfig.model_validate(data),
        "msgspec": schemas_msgspec.convert(data),
        "attrs+cattrs": schemas_cattrs.structure(data),
    }
    return {
        "tmlcfg": {
            "structure": lambda: tmlcfg.from_dict(TwhinConfig, data),
            "to_dict": lambda: tmlcfg.to_dict(built["tmlcfg"]),
            "file": lambda: tmlcfg.load(TwhinConfig, path, env=None),
            "dumps": lambda: tmlcfg.dumps(built["tmlcfg"]),
            "reject": _raises(lambda: tmlcfg.loads(TwhinConfig, bad, source=str(path))),
            "accept": lambda: tmlcfg.loads(TwhinConfig, text, source=str(path)),
        },
        "pydantic v2": {
            "structure": lambda: schemas_pydantic.TwhinConfig.model_validate(data),
            "to_dict": lambda: built["pydantic v2"].model_dump(exclude_none=True),
            "file": lambda: schemas_pydantic.TwhinConfig.model_validate(tomllib.loads(path.read_text())),
            "dumps": lambda: tomli_w.dumps(built["pydantic v2"].model_dump(mode="json", exclude_none=True)),
            "reject": _raises(lambda: schemas_pydantic.TwhinConfig.model_validate(tomllib.loads(bad))),
            "accept": lambda: schemas_pydantic.TwhinConfig.model_validate(tomllib.loads(text)),
        },
        "msgspec": {
            "structure": lambda: schemas_msgspec.convert(data),
            "to_dict": lambda: msgspec.to_builtins(built["msgspec"]),
            "file": lambda: msgspec.toml.decode(path.read_bytes(), type=schemas_msgspec.TwhinConfig),
            "dumps": lambda: tomli_w.dumps(_without_none(msgspec.to_builtins(built["msgspec"]))),
            "reject": _raises(lambda: msgspec.toml.decode(bad, type=schemas_msgspec.TwhinConfig)),
            "accept": lambda: msgspec.toml.decode(text, type=schemas_msgspec.TwhinConfig),
        },
        "attrs+cattrs": {
            "structure": lambda: schemas_cattrs.structure(data),
            "to_dict": lambda: schemas_cattrs.converter.unstructure(built["attrs+cattrs"]),
            "file": lambda: schemas_cattrs.structure(tomllib.loads(path.read_text())),
            "dumps": lambda: tomli_w.dumps(_without_none(schemas_cattrs.converter.unstructure(built["attrs+cattrs"]))),
            "reject": _raises(lambda: schemas_cattrs.structure(bad_data)),
            "accept": lambda: schemas_cattrs.structure(tomllib.loads(text)),
        },
    }


def _rejecting(fn: Callable[[], Any]) -> Callable[[], None]:
    """The rejection, its report rendered as a user sees it: ``str()`` of the error."""

    def run() -> None:
        try:
            fn()
        except Exception as e:
            str(e)
            return
        raise AssertionError("the bad input was accepted")

    return run


def rejection_ratios(text: str, budget: float) -> dict[str, Timing]:
    """Each mistake, from a file and from a dict: tmlcfg ÷ pydantic v2, and tmlcfg ÷ tmlcfg accepting."""
    good = tomllib.loads(text)
    out: dict[str, Timing] = {}
    for mistake, make in MISTAKES.items():
        bad = make(text)
        bad_data = tomllib.loads(bad)
        ours_file = _rejecting(lambda bad=bad: tmlcfg.loads(TwhinConfig, bad, source="experiment.toml"))
        ours_dict = _rejecting(lambda bad_data=bad_data: tmlcfg.from_dict(TwhinConfig, bad_data))
        theirs_file = _rejecting(lambda bad=bad: schemas_pydantic.TwhinConfig.model_validate(tomllib.loads(bad)))
        theirs_dict = _rejecting(lambda bad_data=bad_data: schemas_pydantic.TwhinConfig.model_validate(bad_data))
        out[f"{mistake}, file ÷ pydantic v2"] = paired_ratio(ours_file, theirs_file, budget)
        out[f"{mistake}, file ÷ accepting"] = paired_ratio(
            ours_file, lambda: tmlcfg.loads(TwhinConfig, text, source="experiment.toml"), budget
        )
        out[f"{mistake}, dict ÷ pydantic v2"] = paired_ratio(ours_dict, theirs_dict, budget)
        out[f"{mistake}, dict ÷ accepting"] = paired_ratio(
            ours_dict, lambda: tmlcfg.from_dict(TwhinConfig, good), budget
        )
    return out


def _python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    # bytecode as an installed package has it: PYTHONDONTWRITEBYTECODE would time the compiler
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )


def import_time(modules: list[str], runs: int) -> Timing:
    """Cumulative -X importtime of the named top-level modules, imported together in a fresh interpreter."""
    totals = []
    for _ in range(runs):
        err = _python(f"import {', '.join(modules)}", "-X", "importtime").stderr
        total = 0
        for line in err.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
            if m and m.group(2).strip() in modules and not m.group(2).startswith(" "):
                total += int(m.group(1))
        totals.append(total / 1e6)
    return Timing(statistics.median(totals), min(totals), max(totals))


COLD = {
    "tmlcfg": "import tmlcfg; from examples.twhin.config import TwhinConfig; "
    "tmlcfg.load(TwhinConfig, {path!r}, env=None)",
    "pydantic v2": "import tomllib; from benchmarks.schemas_pydantic import TwhinConfig; "
    "TwhinConfig.model_validate(tomllib.load(open({path!r}, 'rb')))",
    "msgspec": "import msgspec; from benchmarks.schemas_msgspec import TwhinConfig; "
    "msgspec.toml.decode(open({path!r}, 'rb').read(), type=TwhinConfig)",
    "attrs+cattrs": "import tomllib; from benchmarks.schemas_cattrs import structure; "
    "structure(tomllib.load(open({path!r}, 'rb')))",
}


def cold_start(code: str, runs: int) -> Timing:
    """Wall time of a fresh interpreter that imports, defines the schema and loads one file."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _python(code)
        times.append(time.perf_counter() - t0)
    return Timing(statistics.median(times), min(times), max(times))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter rounds and fewer runs (noisier)")
    args = parser.parse_args(argv)
    for folder in ("tmlcfg", "examples", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    budget = 0.3 if args.quick else 1.0
    runs = 5 if args.quick else 15
    results: dict[tuple[str, str], dict[str, Timing]] = {}
    floor: dict[str, Timing] = {}
    paired: dict[str, Timing] = {}
    sizes = {"small": None, "large": (2000, 5000), "x0.25": (500, 1250), "x4": (8000, 20000)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        for size, counts in sizes.items():
            data = tomllib.loads(SMALL.read_text()) if counts is None else document(*counts)
            path = SMALL if counts is None else write(folder, f"{size}.toml", data)
            floor[size] = measure(lambda path=path: tomllib.loads(path.read_text()), budget)
            cases = library_cases(data, path)
            if not size.startswith("x"):
                ours, theirs = cases["tmlcfg"], cases["pydantic v2"]
                paired[f"structure, {size}"] = paired_ratio(ours["structure"], theirs["structure"], budget)
                paired[f"file, {size}"] = paired_ratio(
                    ours["file"], lambda path=path: tomllib.loads(path.read_text()), budget
                )
                paired[f"reject, {size}"] = paired_ratio(ours["reject"], ours["accept"], budget)
                paired[f"to_dict, {size}"] = paired_ratio(ours["to_dict"], theirs["to_dict"], budget)
                paired[f"dumps, {size}"] = paired_ratio(ours["dumps"], theirs["dumps"], budget)
                for name, ratio in rejection_ratios(path.read_text(), budget).items():
                    paired[f"reject {name}, {size}"] = ratio
            names = ["structure", "file"] if size.startswith("x") else list(cases["tmlcfg"])
            for lib, lib_cases in cases.items():
                if size.startswith("x") and lib != "tmlcfg":
                    continue
                for case in names:
                    results.setdefault((case, size), {})[lib] = measure(lib_cases[case], budget)
            print(f"measured {size}", file=sys.stderr)
    imports = {
        "tmlcfg": import_time(["tmlcfg"], runs),
        "attrs+cattrs+tomllib+tomli_w": import_time(["attrs", "cattrs", "tomllib", "tomli_w"], runs),
        "pydantic v2": import_time(["pydantic"], runs),
        "msgspec": import_time(["msgspec"], runs),
    }
    heavy = _python("import sys, tmlcfg; print([m for m in ('wandb', 'hypothesis', 'yaml') if m in sys.modules])")
    cold = {lib: cold_start(code.format(path=str(SMALL)), runs) for lib, code in COLD.items()}
    located = locating.rows(3 if args.quick else 5)
    variant_rows = variants.rows(7 if args.quick else 15)
    print(report(results, floor, imports, heavy.stdout.strip(), cold, paired))
    print("\n".join(["", "## Rejecting grows as accepting does (tables each missing a required key)", ""]))
    print("\n".join(locating.report(located)))
    print("\n".join(["", "## A variant field beside a nested config field (the same tables)", ""]))
    print("\n".join(variants.report(variant_rows)))
    return 0


def _ratio(a: Timing, b: Timing) -> str:
    return f"{a.median / b.median:.2f}×"


def report(
    results: dict[tuple[str, str], dict[str, Timing]],
    floor: dict[str, Timing],
    imports: dict[str, Timing],
    heavy: str,
    cold: dict[str, Timing],
    paired: dict[str, Timing],
) -> str:
    from tmlcfg._toml.reader import reader

    out = [f"# tmlcfg benchmarks (Python {sys.version.split()[0]}, medians, range of 7 rounds)", ""]
    out += [f"TOML reader: {reader()}.", ""]
    out.append("| case | " + " | ".join(PEERS) + " | tmlcfg ÷ " + " | tmlcfg ÷ ".join(PEERS[1:]) + " |")
    out.append("|---" * (1 + 2 * len(PEERS) - 1) + "|")
    for (case, size), by_lib in results.items():
        if size.startswith("x"):
            continue
        ours = by_lib["tmlcfg"]
        cells = [str(by_lib[lib]) for lib in PEERS] + [_ratio(ours, by_lib[lib]) for lib in PEERS[1:]]
        out.append(f"| {case}, {size} | " + " | ".join(cells) + " |")
    out += ["", "## Against the targets", ""]
    check: list[tuple[str, float, float]] = []
    for size in ("small", "large"):
        check.append((f"structure dict→config, {size}: tmlcfg ÷ pydantic v2", paired[f"structure, {size}"].median, 1.0))
        check.append((f"TOML file→config, {size}: tmlcfg ÷ tomllib.loads alone", paired[f"file, {size}"].median, 0.5))
        for mistake in MISTAKES:
            for source in ("file", "dict"):
                for peer, bound in (("pydantic v2", 1.5), ("accepting", 2.0)):
                    name = f"reject {mistake}, {source} ÷ {peer}, {size}"
                    check.append(
                        (f"rejecting ({mistake}, from a {source}), {size}: ÷ {peer}", paired[name].median, bound)
                    )
        check.append((f"to_dict, {size}: tmlcfg ÷ pydantic v2 model_dump", paired[f"to_dict, {size}"].median, 1.0))
        check.append((f"dumps, {size}: tmlcfg ÷ model_dump + tomli_w.dumps", paired[f"dumps, {size}"].median, 1.0))
    import_ratio = imports["tmlcfg"].median / imports["attrs+cattrs+tomllib+tomli_w"].median
    check.append(("import tmlcfg ÷ import attrs, cattrs, tomllib, tomli_w", import_ratio, 1.1))
    check.append(("cold start: tmlcfg ÷ pydantic v2", cold["tmlcfg"].median / cold["pydantic v2"].median, 0.6))
    out.append("Ratios of every kind but import and cold start come from rounds that alternate the two sides.")
    out.append("")
    out.append("| target | measured | bound | met |")
    out.append("|---|---|---|---|")
    for name, value, bound in check:
        out.append(f"| {name} | {value:.2f}× | ≤ {bound:.2f}× | {'yes' if value <= bound else 'NO'} |")
    out += ["", "## Growth with file size (tmlcfg; tables + relations)", ""]
    out.append("| size | structure | per table | file→config | tomllib.loads alone |")
    out.append("|---|---|---|---|---|")
    for size, n in (("x0.25", 500), ("large", 2000), ("x4", 8000)):
        s, f = results[("structure", size)]["tmlcfg"], results[("file", size)]["tmlcfg"]
        out.append(f"| {n} + {int(n * 2.5)} | {s} | {_human(s.median / n)} | {f} | {floor[size]} |")
    out += ["", "## Import and cold start", ""]
    out.append("| what | median (range) |")
    out.append("|---|---|")
    for name, t in imports.items():
        out.append(f"| import {name} | {t} |")
    for name, t in cold.items():
        out.append(f"| cold start {name} | {t} |")
    out.append(f"| heavy modules pulled in by `import tmlcfg` | {heavy} |")
    return "\n".join(out)
