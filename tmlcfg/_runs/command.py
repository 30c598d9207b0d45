"""``tmlcfg runs show`` and ``tmlcfg runs diff``: a run's record, its drift, and how two runs differ.

The ``tmlcfg`` command registers these with :func:`add_command`, handing over
its way of importing ``module:Class``, so that this package never imports
the command line's.
"""

from __future__ import annotations

import argparse
import os
import shlex
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .._base.errors import UsageError, one_line
from .._load.diff import diff
from .._migrate.plan import MigrationWarning
from .drift import branch_text as _branch
from .record import GitState, Record
from .store import class_name, find_files, load, read_bounded, read_record

ImportClass = Callable[[str], type]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def add_command(sub: Any, import_class: ImportClass) -> None:
    """The ``runs`` subcommand, its own words (``show``, ``diff``) parsed when it runs, options anywhere."""
    help = "show a run's record and what has drifted since; diff two runs"
    parser = sub.add_parser("runs", help=help, description=help)
    parser.add_argument(
        "words", nargs=argparse.REMAINDER, metavar="show RUN [module:Class] | diff RUN_A RUN_B [module:Class]"
    )
    parser.set_defaults(run=lambda args: run(args.words, import_class), output=None)


_ACTIONS = {
    "show": ("RUN [module:Class]", "print a run's record and, given its config class, what has drifted since"),
    "diff": ("RUN_A RUN_B [module:Class]", "print how two runs' configs and records differ; exit 1 when they do"),
}


def _usage() -> str:
    return "usage: tmlcfg runs show RUN [module:Class] | tmlcfg runs diff RUN_A RUN_B [module:Class]"


def _is_class(word: str) -> bool:
    """``module:Class`` rather than a run directory (which may itself hold a colon)."""
    return ":" in word and not os.path.exists(word)


def _split(words: Sequence[str], runs: int) -> tuple[list[str], str | None]:
    """The run directories and the class, in whatever order they were given."""
    classes = [w for w in words if _is_class(w)]
    dirs = [w for w in words if not _is_class(w)]
    if len(classes) > 1:
        raise UsageError(f"one module:Class at most, got {len(classes)}: {', '.join(classes)}")
    if len(dirs) != runs:
        wanted = "one run directory" if runs == 1 else f"{runs} run directories"
        raise UsageError(f"expected {wanted}, got {len(dirs)}" + (f": {', '.join(dirs)}" if dirs else ""))
    return dirs, classes[0] if classes else None


def run(words: Sequence[str], import_class: ImportClass) -> str | tuple[str, int]:
    if not words:
        raise UsageError(f"say what to do: show or diff\n{_usage()}")
    action, rest = words[0], words[1:]
    if action not in _ACTIONS:
        raise UsageError(f"unknown action {action!r}: say show or diff\n{_usage()}")
    metavar, help = _ACTIONS[action]
    parser = _Parser(prog=f"tmlcfg runs {action}", description=help)
    # the words in any order: a run directory and a module:Class tell themselves apart
    parser.add_argument("words", nargs="*", metavar=metavar)
    args = parser.parse_intermixed_args(rest)
    if action == "show":
        (folder,), target = _split(args.words, 1)
        return _show(folder, import_class(target) if target else None)
    (a, b), target = _split(args.words, 2)
    return _diff(a, b, target, import_class)


def _quiet_load(cls: type, folder: str) -> Any:
    # the drift names each old key, with what became of it: a warning for each again would say it twice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MigrationWarning)
        return load(cls, folder)


def _show(folder: str, cls: type | None) -> str:
    if cls is None:
        record_path, _ = find_files(folder, "Record")
        record = read_record(read_bounded(record_path, "Record"), record_path)
        hint = one_line(
            f"(to see what has drifted since, name the class: tmlcfg runs show {folder} {record.config_class})"
        )
        return f"{describe(folder, record)}\n{hint}\n"
    restored = _quiet_load(cls, folder)
    out = describe(folder, restored.record)
    if restored.drift:
        lines = "".join(f"  {one_line(line)}\n" for line in restored.drift)
        out += f"\ndrift (read as {class_name(cls)} today):\n{lines}"
    else:
        out += f"\nno drift: read as {class_name(cls)} today, the run's config, code and packages are as they were\n"
    return out


def _git_text(git: GitState | None) -> str:
    if git is None:
        return "none (not made in a git checkout)"
    branch = f" on branch {git.branch}" if git.branch is not None else " (detached HEAD)"
    dirty = f", dirty (diff sha256 {git.diff_sha256[:12]})" if git.dirty else ", clean"
    return f"{git.commit[:12]}{branch}{dirty}"


def describe(folder: str, record: Record) -> str:
    """A record as a person reads it: one fact a line, then packages and origins, one a line."""
    lines = [
        f"run: {folder}",
        f"config class: {record.config_class}",
        f"created: {record.created.isoformat(sep=' ', timespec='seconds')}",
        f"fingerprint: {record.fingerprint}",
        f"command: {shlex.join(record.argv) if record.argv else '(not recorded)'}",
        f"python: {record.python}",
        f"platform: {record.platform}",
        f"tmlcfg: {record.tmlcfg_version}",
        f"git: {_git_text(record.git)}",
        "packages:" + ("" if record.packages else " (none recorded)"),
        *(f"  {name} {version}" for name, version in record.packages.items()),
        "origins:" + ("" if record.origins else " (not recorded)"),
        *(f"  {path}: {where}" for path, where in record.origins.items()),
    ]
    # a record is read from a file: what it holds reaches the terminal with its control characters escaped
    return "".join(one_line(line) + "\n" for line in lines)


def _diff(a: str, b: str, target: str | None, import_class: ImportClass) -> str | tuple[str, int]:
    if target is None:
        path, _ = find_files(a, "Record")
        target = read_record(read_bounded(path, "Record"), path).config_class
    try:
        cls = import_class(target)
    except UsageError as e:
        raise UsageError(f"{e} (the class of {a}'s record; give module:Class to read both runs as another)") from None
    left, right = _quiet_load(cls, a), _quiet_load(cls, b)
    config = [str(d) for d in diff(left.config, right.config)]
    record = record_differences(left.record, right.record)
    out = ""
    if config:
        out += "config:\n" + "".join(f"  {line}\n" for line in config)
    if record:
        out += "record:\n" + "".join(f"  {line}\n" for line in record)
    if not out:
        return f"{a} and {b}: the same config, code, packages and command\n"
    return out, 1


def record_differences(a: Record, b: Record) -> list[str]:
    """How two records differ, secrets aside (never recorded): class, code, python, packages, command."""
    lines = []
    for name in ("config_class", "python", "platform", "tmlcfg_version"):
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            lines.append(f"{name}: {x} -> {y}")
    lines += _git_differences(a.git, b.git)
    for name in sorted({*a.packages, *b.packages}, key=str.lower):
        x, y = a.packages.get(name), b.packages.get(name)
        if x != y:
            lines.append(f"{name} {x or '(not imported)'} -> {y or '(not imported)'}")
    if a.argv != b.argv:
        lines.append(f"command: {shlex.join(a.argv)} -> {shlex.join(b.argv)}")
    return lines


def _checkout(git: GitState | None) -> str:
    if git is None:
        return "outside a git checkout"
    dirty = f"dirty, diff sha256 {git.diff_sha256[:12]}" if git.dirty else "clean"
    return f"at {git.commit[:7]} ({dirty})"


def _git_differences(a: GitState | None, b: GitState | None) -> list[str]:
    """``git: A was at 3f2a91c (clean), B at 8be004d (dirty, ...)``, and a line for the branches."""
    if a == b:
        return []
    lines = []
    if a is None or b is None or (a.commit, a.dirty, a.diff_sha256) != (b.commit, b.dirty, b.diff_sha256):
        lines.append(f"git: A was {_checkout(a)}, B {_checkout(b)}")
    if a is not None and b is not None and a.branch != b.branch:
        lines.append(f"git: A was on {_branch(a)}, B on {_branch(b)}")
    return lines
