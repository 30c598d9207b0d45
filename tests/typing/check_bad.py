"""Run mypy and pyright on bad.py; each marked line must be an error, and no other."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

BAD = pathlib.Path(__file__).with_name("bad.py")


def expected_lines() -> set[int]:
    lines = BAD.read_text().splitlines()
    return {i for i, line in enumerate(lines, 1) if re.search(r"# E: \S+", line)}


def mypy_lines() -> set[int]:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--hide-error-context", str(BAD)],
        capture_output=True,
        text=True,
    ).stdout
    return {int(m.group(1)) for m in re.finditer(r"bad\.py:(\d+): error", out)}


def pyright_lines() -> set[int]:
    out = subprocess.run(["pyright", "--outputjson", str(BAD)], capture_output=True, text=True).stdout
    report = json.loads(out)
    return {d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"] if d["severity"] == "error"}


def main() -> int:
    want = expected_lines()
    failed = False
    for name, got in (("mypy", mypy_lines()), ("pyright", pyright_lines())):
        if got != want:
            print(f"{name}: expected errors on lines {sorted(want)}, got {sorted(got)}")
            failed = True
        else:
            print(f"{name}: errors exactly on lines {sorted(want)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
