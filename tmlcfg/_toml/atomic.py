"""The one atomic file writer, shared by ``dump`` and the command's ``-o``.

A write either replaces the whole file or leaves it as it was: the text goes
to a temporary file beside the target, is flushed to disk, then renamed over
it. What sits at the path is respected: a symlink is followed and its target
written, an existing file keeps its mode, and anything that is not a regular
file (a directory, a FIFO, a device, a socket) is refused before anything is
written, as is a path in a directory that does not exist or cannot be written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from typing import NamedTuple

from .._base.errors import ConfigError, Problem

_KINDS = (
    (stat.S_ISDIR, "is a directory; give the path of a file inside it"),
    (stat.S_ISFIFO, "is a FIFO, not a regular file; give the path of a file"),
    (stat.S_ISCHR, "is a character device, not a regular file; give the path of a file"),
    (stat.S_ISBLK, "is a block device, not a regular file; give the path of a file"),
    (stat.S_ISSOCK, "is a socket, not a regular file; give the path of a file"),
)


class Target(NamedTuple):
    """Where the bytes go: the real file (symlinks followed) and what it holds now."""

    real: str
    existing: os.stat_result | None


def _refuse(shown: str, message: str, target: str | None) -> ConfigError:
    return ConfigError([Problem("", message, shown)], target=target)


def check_target(path: str | os.PathLike[str], *, target: str | None = None) -> Target:
    """The file a write to ``path`` would replace, or a ``ConfigError`` naming ``path`` if it cannot be written.

    Nothing is written; the checks are repeated by :func:`write_atomic`.
    """
    shown = os.fspath(path)
    if not shown:
        raise _refuse("''", "the output path is empty; give the path of a file", target)
    if "\0" in shown:
        raise _refuse(repr(shown), "the path holds a NUL character, which no file name can", target)
    if shown.endswith(("/", os.sep)):
        # realpath would drop the slash, and a file would be made where a directory was meant
        raise _refuse(shown, "ends with a slash, so names a directory; give the path of a file", target)
    real = os.path.realpath(shown)
    try:
        existing: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        existing = None
    except OSError as e:  # a symlink loop, a component that is a file, no permission to look
        raise _refuse(shown, f"cannot write here: {e.strerror or e}", target) from None
    if existing is not None:
        for is_kind, message in _KINDS:
            if is_kind(existing.st_mode):
                raise _refuse(
                    shown, message if real == os.path.abspath(shown) else f"leads to {real!r}, which {message}", target
                )
    parent = os.path.dirname(real) or "."
    if existing is None and not os.path.isdir(parent):
        where = "" if real == os.path.abspath(shown) else f" (the path leads to {real!r})"
        raise _refuse(shown, f"the directory {parent!r} does not exist{where}; create it first", target)
    # the temp file goes beside the target, so its directory must take new files (root's always do)
    if not os.access(parent, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        raise _refuse(shown, f"cannot create a file in {parent!r}: no permission to write there", target)
    return Target(real, existing)


def _temp_file(directory: str, name: str, mode: int) -> tuple[int, str]:
    while True:
        # the name shortened, so that a target named near the 255-byte limit still gets a temp file
        tmp = os.path.join(directory, f".{name[:64]}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable; some systems cannot open a directory, and then it is the OS's job."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - not on Linux
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without directory fsync
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, target: str | None = None) -> None:
    """Write ``text`` (as UTF-8 when it is ``str``) to ``path``: all of it or, on any failure, nothing.

    The one writer of every file tmlcfg writes (``dump``, ``-o``, ``upgrade``, ``port``).
    ``target`` names what is written (a config class) in errors.
    """
    write_all_atomic([(path, text)], target=target)


def write_all_atomic(files: list[tuple[str | os.PathLike[str], str | bytes]], *, target: str | None = None) -> None:
    """Write several files as :func:`write_atomic` writes one, and all or none of them.

    Every file's text is written to its temporary file and flushed to disk
    first; only when all of them are there is each renamed over its target.
    A failure before then (a full disk, a file that cannot be written) leaves
    every target as it was and no temporary file behind.
    """
    staged: list[tuple[str, str, str, str]] = []  # shown, temp file, real target, directory
    try:
        for path, text in files:
            staged.append(_stage(os.fspath(path), text, target))
    except BaseException:
        for _, tmp, _, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    for n, (shown, tmp, real, directory) in enumerate(staged):
        try:
            os.replace(tmp, real)
        except OSError as e:  # pragma: no cover - a rename within one directory, after the checks
            for _, later, _, _ in staged[n:]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(later)
            raise _refuse(shown, f"cannot write: {e.strerror or e}", target) from None
        _fsync_directory(directory)


def _stage(shown: str, text: str | bytes, target: str | None) -> tuple[str, str, str, str]:
    """``text`` in a temporary file beside ``shown``'s target, on disk: (shown, temp, target, directory)."""
    if isinstance(text, bytes):
        data = text
    else:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as e:
            line = text.count("\n", 0, e.start) + 1
            raise ConfigError(
                [Problem("", f"the text cannot be written as UTF-8 (a lone surrogate {text[e.start]!r})", shown, line)],
                target=target,
            ) from None
    real, existing = check_target(shown, target=target)
    directory, name = os.path.split(real)
    # a new file gets the mode any new file gets (0o666 less the umask); an existing one keeps its own
    try:
        fd, tmp = _temp_file(directory, name, 0o666 if existing is None else 0o600)
    except OSError as e:
        raise _refuse(shown, f"cannot create a file in {directory!r}: {e.strerror or e}", target) from None
    try:
        try:
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    # only root may give a file away; otherwise the file is still ours to write
                    with contextlib.suppress(PermissionError):
                        os.fchown(fd, existing.st_uid, existing.st_gid)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _refuse(shown, f"cannot write: {e.strerror or e}", target) from None
        raise
    return shown, tmp, real, directory
