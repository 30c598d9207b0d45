"""Where a run came from: the git checkout, the packages imported, Python and the platform.

Nothing here runs at ``import tmlcfg``: git is asked through the ``git``
command (absent, not an error, when there is no checkout or no ``git``), and
packages through ``importlib.metadata``, both only when a record is made or
read.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from collections.abc import Mapping

from .record import GitState

#: How long one git command may take before the record goes without git.
GIT_TIMEOUT = 30.0


def _git(directory: str, *args: str) -> bytes | None:
    """The output of ``git args`` run in ``directory``, or None when git is missing, fails or hangs."""
    import subprocess

    # no optional locks: reading the state of a checkout never writes its index
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):  # no git on PATH, a directory gone, a hang
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(directory: str) -> GitState | None:
    """The state of the checkout holding ``directory``; None outside one (or one with no commit yet)."""
    top = _git(directory, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = top.decode("utf-8", "surrogateescape").strip()
    commit = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    if commit is None:
        return None
    branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD")
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    diff = _git(root, "diff", "HEAD", "--no-ext-diff", "--no-color", "--binary")
    return GitState(
        commit=commit.decode("ascii", "replace").strip(),
        branch=(branch or b"").decode("utf-8", "replace").strip() or None,  # None: a detached HEAD
        dirty=bool(status) or bool(diff),
        diff_sha256=hashlib.sha256(diff or b"").hexdigest(),
    )


def checkout_of(cls: type) -> str:
    """The directory whose checkout a run of ``cls`` is made from: its module's, else the working directory's."""
    import inspect

    try:
        filename: str | None = inspect.getfile(cls)
    except (TypeError, OSError):  # a class of __main__ typed at a prompt, or of a module without a file
        filename = None
    if filename is not None:
        folder = os.path.dirname(os.path.abspath(filename))
        if _git(folder, "rev-parse", "--show-toplevel") is not None:
            return folder
    return os.getcwd()


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    """Top-level module -> the distributions providing it: read once (it scans every installed package)."""
    import importlib.metadata as metadata

    return metadata.packages_distributions()


def imported_packages() -> dict[str, str]:
    """Name -> version of every installed distribution that provides a module imported now.

    Versions are read each time; which distribution provides which module is
    read once a process.
    """
    # the names of the modules imported, read and nothing more: no module is reached through them
    tops = {name.partition(".")[0] for name in list(sys.modules)}
    found: dict[str, str] = {}
    for top, names in _providers().items():
        if top not in tops:
            continue
        for name in names:
            version = installed_version(name)
            if version is not None:
                found[name] = version
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None when it is not installed."""
    import importlib.metadata as metadata

    try:
        return metadata.version(name)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares them: ``typing_extensions`` is ``typing-extensions``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def own_requirements() -> frozenset[str]:
    """tmlcfg and what it needs installed, transitively (extras aside), by normalized name.

    tmlcfg imports these itself, on its own schedule (the TOML reader when a
    file is first read, say): one imported when a run is read back but not
    when it was made says nothing about the run.
    """
    import importlib.metadata as metadata

    found: set[str] = set()
    todo = ["tmlcfg"]
    while todo:
        name = normalized(todo.pop())
        if name in found:
            continue
        found.add(name)
        try:
            requires = metadata.requires(name) or []
        except (metadata.PackageNotFoundError, ValueError):
            continue
        for requirement in requires:
            head = re.match(r"[A-Za-z0-9._-]+", requirement)
            if head is not None and "extra ==" not in requirement.replace('"', "'"):
                todo.append(head.group())
    return frozenset(found)


def python_text() -> str:
    import platform

    return f"{platform.python_version()} ({platform.python_implementation()})"


def platform_text() -> str:
    import platform

    return platform.platform()


def tmlcfg_version() -> str:
    return installed_version("tmlcfg") or "unknown"
