"""``save``, ``load`` and ``snapshot``: a run's config and record, written beside it and read back."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from .._base.errors import ConfigError, Problem
from .._base.limits import MAX_RUN_FILE_BYTES
from .._engine.converter import require_spec, structured, to_dict
from .._load.diff import fingerprint
from .._load.layers import loads, loads_prepared
from .._toml.atomic import check_target, write_atomic
from .._toml.reader import reader
from .._toml.write import dumps, pretty_print
from . import provenance
from .mask import drop_masked, mask_argv, visible_origins
from .record import Record

_C = TypeVar("_C")

CONFIG_FILE = "config.toml"
RECORD_FILE = "run.toml"
#: in a wandb run's files, beside the config that ``tmlcfg.wandb.init`` saves as ``tmlcfg.toml``
WANDB_CONFIG_FILE = "tmlcfg.toml"
WANDB_RECORD_FILE = "tmlcfg-run.toml"
#: where a record may sit below the directory given: itself, a wandb run's files, wandb's latest run
_PLACES = ((), ("files",), ("latest-run", "files"), ("wandb", "latest-run", "files"))
_PAIRS = ((RECORD_FILE, CONFIG_FILE), (WANDB_RECORD_FILE, WANDB_CONFIG_FILE))


@attrs.frozen
class Restored(Generic[_C]):
    """A run read back: its config, its record, and what has drifted since, one sentence a line."""

    config: _C
    record: Record
    drift: tuple[str, ...]


def class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def make_record(config: Any, argv: Sequence[str] | None, origins: Mapping[Any, str] | None) -> Record:
    """The record of a run of ``config`` made now, here."""
    cls = type(config)
    require_spec(cls)
    if argv is not None and (isinstance(argv, (str, bytes)) or not all(isinstance(a, str) for a in argv)):
        raise TypeError("argv must be a list of str, such as sys.argv")
    if origins is not None and not isinstance(origins, Mapping):
        raise TypeError(f"origins must map key paths to where each value came from, got {type(origins).__name__}")
    # the TOML reader a run's files are read back with is part of what a run uses: counted now, a
    # config built in Python and read back later in the same process shows no package appearing
    reader()
    return Record(
        config_class=class_name(cls),
        fingerprint=fingerprint(config),
        created=dt.datetime.now(dt.UTC),
        argv=mask_argv(cls, argv or ()),
        python=provenance.python_text(),
        platform=provenance.platform_text(),
        tmlcfg_version=provenance.tmlcfg_version(),
        git=provenance.git_state(provenance.checkout_of(cls)),
        packages=provenance.imported_packages(),
        origins=visible_origins(cls, origins or {}),
    )


def save(
    config: Any,
    run_dir: str | os.PathLike[str],
    *,
    argv: Sequence[str] | None = None,
    origins: Mapping[Any, str] | None = None,
    overwrite: bool = False,
) -> Record:
    """Write ``config.toml`` (secrets masked) and ``run.toml`` (the record) into ``run_dir``; return the record.

    ``run_dir`` is created if missing. A directory that already holds a record
    (or a ``config.toml``) is a :class:`~tmlcfg.ConfigError` unless ``overwrite``.
    ``argv`` is the command line (the values of secret fields are masked);
    ``origins`` maps each key path to where its value came from.
    """
    record = make_record(config, argv, origins)
    write_run(config, record, run_dir, RECORD_FILE, CONFIG_FILE, overwrite=overwrite)
    return record


def write_run(
    config: Any, record: Record, run_dir: str | os.PathLike[str], record_name: str, config_name: str, *, overwrite: bool
) -> str:
    """The config, then the record (so that a record means a whole run), written atomically; the record's path."""
    folder = os.fspath(run_dir)
    target = type(config).__name__
    record_path = os.path.join(folder, record_name)
    config_path = os.path.join(folder, config_name)
    try:
        os.makedirs(folder, exist_ok=True)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        shown = repr(folder) if "\0" in folder else folder
        raise ConfigError([Problem("", f"cannot create the run directory: {reason}", shown)]) from None
    if not overwrite:
        for path, what in ((record_path, "a run record"), (config_path, "a config")):
            if os.path.lexists(path):
                message = f"already holds {what}; give another run directory, or overwrite=True to replace it"
                raise ConfigError([Problem("", message, path)], target=target)
    check_target(config_path, target=target)
    check_target(record_path, target=target)
    write_atomic(config_path, pretty_print(config), target=target)
    write_atomic(record_path, dumps(record), target=target)
    return record_path


def snapshot(
    config: Any, *, argv: Sequence[str] | None = None, origins: Mapping[Any, str] | None = None
) -> dict[str, Any]:
    """The config and its record as plain data, ``{"config": <TOML text>, "record": <dict>}``, for a checkpoint.

    Only str, int, float, bool, lists and dicts (``created`` as RFC 3339 text),
    so ``torch.load(..., weights_only=True)`` reads it; secrets are masked.
    ``load(cls, snapshot)`` restores from it.
    """
    record = make_record(config, argv, origins)
    plain = to_dict(record)
    plain["created"] = record.created.isoformat()
    return {"config": pretty_print(config), "record": plain}


# -- reading -----------------------------------------------------------------------------------------------


def read_bounded(path: str, target: str) -> str:
    """A run file's text: a regular file of at most ``MAX_RUN_FILE_BYTES``, UTF-8; else a ConfigError naming it."""

    def refuse(message: str, line: int | None = None) -> ConfigError:
        return ConfigError([Problem("", message, path, line)], target=target)

    try:
        # opened without waiting, so that a FIFO is refused instead of hanging the reader
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("file not found (a run directory holds run.toml and config.toml)") from None
    except IsADirectoryError:
        raise refuse("is a directory, not a TOML file") from None
    except OSError as e:
        raise refuse(f"cannot read: {e.strerror or e}") from None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise refuse("is a directory, not a TOML file")
        if not stat.S_ISREG(status.st_mode):
            raise refuse("is not a regular file (a FIFO, a device or a socket); a run file is TOML text")
        too_big = f"is larger than {MAX_RUN_FILE_BYTES:,} bytes, more than any run file tmlcfg writes"
        if status.st_size > MAX_RUN_FILE_BYTES:
            raise refuse(too_big)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_RUN_FILE_BYTES:  # bounded: a file that grows is read one byte past the bound at most
            chunk = os.read(fd, MAX_RUN_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    except OSError as e:
        raise refuse(f"cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_RUN_FILE_BYTES:
        raise refuse(too_big)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise refuse(f"not valid UTF-8 (byte {e.start})", raw.count(b"\n", 0, e.start) + 1) from None


def find_files(folder: str, target: str) -> tuple[str, str]:
    """The record and config files of the run at ``folder`` (a run directory or a wandb one)."""
    if not os.path.isdir(folder):
        what = "no such directory" if not os.path.lexists(folder) else "is not a directory"
        raise ConfigError([Problem("", f"{what}; give a run directory (one holding run.toml)", folder)], target=target)
    for place in _PLACES:
        base = os.path.join(folder, *place)
        for record_name, config_name in _PAIRS:
            if os.path.lexists(os.path.join(base, record_name)):
                return os.path.join(base, record_name), os.path.join(base, config_name)
    message = (
        f"no {RECORD_FILE} here (nor a wandb run's {WANDB_RECORD_FILE}); "
        "was the run saved with tmlcfg.runs.save, from_argv(run_dir=...) or tmlcfg.wandb.init?"
    )
    raise ConfigError([Problem("", message, folder)], target=target)


def read_record(text: str, source: str) -> Record:
    return loads(Record, text, source=source)


def _record_from_plain(value: Any) -> Record:
    if not isinstance(value, Mapping):
        raise ConfigError([Problem("record", f"must be a table (dict), got {type(value).__name__}", "snapshot")])
    data = dict(value)
    created = data.get("created")
    if isinstance(created, str):
        # text that is no datetime is left as it is: structuring says so, at its path
        with contextlib.suppress(ValueError):
            data["created"] = dt.datetime.fromisoformat(created)
    try:
        return structured(Record, data)
    except ConfigError as e:
        problems = [Problem(f"record.{p.path}" if p.path else "record", p.message, "snapshot") for p in e.problems]
        raise ConfigError(problems, target="Record") from None


def read_config(cls: type[_C], text: str, source: str) -> tuple[_C, dict[str, Any], list[Any], dict[str, Any]]:
    """The run's config (masked secrets taking their defaults), the data read, the secrets dropped, the data before."""
    dropped: list[Any] = []
    before: dict[str, Any] = {}

    def prepare(data: dict[str, Any]) -> dict[str, Any]:
        kept, gone = drop_masked(cls, data)
        dropped.extend(gone)
        before.update(kept)
        return kept

    config, layer = loads_prepared(cls, text, source=source, prepare=prepare)
    return config, layer.data, dropped, before


def load(cls: type[_C], source: str | os.PathLike[str] | Mapping[str, Any]) -> Restored[_C]:
    """A run read back under ``cls`` today: its config, its record, and what has drifted since.

    ``source`` is a run directory (a wandb run directory included) or the
    mapping :func:`snapshot` returned. Old names in the run's config migrate,
    with the usual warnings; secrets, masked when written, take their defaults.
    A missing, damaged or hostile record or config is a ``ConfigError`` with
    the file and line.
    """
    from .drift import drift

    require_spec(cls)
    target = cls.__name__
    # what is imported before reading: reading itself imports the TOML reader, which no run needs
    imported = provenance.imported_packages()
    if isinstance(source, Mapping):
        if set(source) != {"config", "record"}:
            keys = ", ".join(sorted(map(repr, source))) or "none"
            message = f"a snapshot holds exactly 'config' and 'record' (what tmlcfg.runs.snapshot returns); got {keys}"
            raise ConfigError([Problem("", message, "snapshot")], target=target)
        text = source["config"]
        if not isinstance(text, str):
            raise ConfigError([Problem("config", "must be TOML text (str)", "snapshot")], target=target)
        record = _record_from_plain(source["record"])
        config_source = "snapshot['config']"
    elif isinstance(source, (str, os.PathLike)):
        record_path, config_path = find_files(os.fspath(source), target)
        record = read_record(read_bounded(record_path, "Record"), record_path)
        text = read_bounded(config_path, target)
        config_source = config_path
    else:
        raise TypeError(f"source must be a run directory or a snapshot mapping, got {type(source).__name__}")
    try:
        config, data, dropped, before = read_config(cls, text, config_source)
    except ConfigError as e:
        if record.config_class == class_name(cls):
            raise
        # the likeliest cause first: the run was made with another class
        hint = (
            f"the run's config class was `{record.config_class}`, not `{class_name(cls)}`; "
            "read it with that class, or give this one migrations for the keys it does not know"
        )
        raise ConfigError([*e.problems, Problem("", hint, config_source)], target=e.target) from None
    return Restored(config, record, tuple(drift(cls, config, record, before, data, dropped, imported)))


def write_wandb_run(experiment: Any, files_dir: str) -> tuple[str, str]:
    """A wandb run's config (``tmlcfg.toml``) and record (``tmlcfg-run.toml``) written among its files; their paths."""
    record = make_record(experiment, sys.argv, None)
    folder = os.fspath(files_dir)
    write_run(experiment, record, folder, WANDB_RECORD_FILE, WANDB_CONFIG_FILE, overwrite=True)
    return os.path.join(folder, WANDB_CONFIG_FILE), os.path.join(folder, WANDB_RECORD_FILE)
