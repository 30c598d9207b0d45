"""The calls between a WandbConfig and wandb: login, init, restore and typed sweeps.

wandb is imported only inside these calls (it costs about half a second), and
each wandb failure comes back as a ConfigError that names the field to fix.
"""

from __future__ import annotations

import contextlib
import netrc
import os
import socket
import stat
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .._base.errors import ConfigError, Invalid, Problem, RawProblem, to_problem
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.limits import MAX_DEPTH, MAX_KEY_FILE_BYTES
from .._engine.converter import require_spec, structured, to_dict, unstructure
from .._engine.nodes import KIND_KEY, AnyNode, ConfigNode, ConstrainedNode, EnumNode, VariantNode
from .._engine.walk import merge, set_path
from .._migrate.plan import plan_of
from .._migrate.ways import migrate_input, replace_path
from .._runs.store import WANDB_CONFIG_FILE as CONFIG_FILE
from .._runs.store import write_wandb_run
from .._toml.env import too_deep
from .config import WandbConfig, host_problem

_C = TypeVar("_C")
INSTALL_HINT = "logging to Weights & Biases needs wandb: pip install 'tmlcfg[wandb]'"
DEFAULT_HOST = "https://api.wandb.ai"
MASKED = "***"


class KeyFileWarning(UserWarning):
    """The API key file can be read by other users."""


def import_wandb() -> Any:
    try:
        import wandb
    except ImportError:  # pragma: no cover - the test environment has wandb
        raise ImportError(INSTALL_HINT) from None
    return wandb


def _error(path: str, message: str) -> ConfigError:
    return ConfigError([Problem(path, message)], target="WandbConfig")


def read_key(cfg: WandbConfig) -> str | None:
    """The API key from ``key_path`` (``~`` expanded, whitespace stripped); never shown in errors."""
    if cfg.key_path is None:
        return None
    path = Path(cfg.key_path).expanduser()
    too_big = _error(
        "key_path",
        f"the key file {str(path)!r} holds more than {MAX_KEY_FILE_BYTES:,} bytes; it should hold only the API key",
    )
    try:
        # opened without waiting, so that a FIFO nobody writes to reads as empty instead of hanging
        nonblock = getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, os.O_RDONLY | nonblock)
        with open(fd, "rb") as f:
            if nonblock:  # then wait for what a writer (a shell's <(...), say) is still to write
                os.set_blocking(fd, True)
            status = os.fstat(fd)
            mode = status.st_mode
            if stat.S_ISREG(mode) and status.st_size > MAX_KEY_FILE_BYTES:
                raise too_big
            # bounded: /dev/zero, a pipe or a file that grows is read no further than one byte past the bound
            raw = f.read(MAX_KEY_FILE_BYTES + 1)
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise too_big
        key = raw.decode("utf-8").strip()
    except FileNotFoundError:
        raise _error("key_path", f"no key file at {str(path)!r}; write the API key there or unset key_path") from None
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else "not readable text"
        raise _error("key_path", f"cannot read the key file {str(path)!r}: {reason}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.warn(
            f"the wandb key file {str(path)!r} is readable by group or others; chmod 600 it",
            KeyFileWarning,
            stacklevel=3,
        )
    if not key:
        raise _error("key_path", f"the key file {str(path)!r} is empty; write the API key there")
    if len(key) < 40 or any(c.isspace() for c in key) or not (key.isascii() and key.isprintable()):
        raise _error(
            "key_path",
            f"the key file {str(path)!r} does not hold a wandb API key (40 or more printable characters, no spaces)",
        )
    return key


def host_of(cfg: WandbConfig) -> str:
    """The server: ``host``, else ``WANDB_BASE_URL``, else wandb's; a malformed one is a ConfigError at host."""
    if cfg.host:
        problem = host_problem(cfg.host)
        if problem is not None:  # pragma: no cover - the field's validator refused it already
            raise _error("host", problem)
        return cfg.host
    env = os.environ.get("WANDB_BASE_URL")
    if env:
        problem = host_problem(env)
        if problem is not None:
            raise _error("host", f"is unset, and WANDB_BASE_URL {problem}")
        return env
    return DEFAULT_HOST


def key_elsewhere(cfg: WandbConfig) -> bool:
    """Whether wandb's own sources hold a key: ``WANDB_API_KEY`` or the netrc entry of the host."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    netrc_path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    try:
        entries = netrc.netrc(netrc_path)
    except (OSError, netrc.NetrcParseError):
        return False
    machine = urlsplit(host_of(cfg)).netloc
    return entries.authenticators(machine) is not None


def _reachable(host: str) -> str | None:
    """Why ``host`` cannot be reached over TCP within a few seconds, or None."""
    parts = urlsplit(host)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=3):
            return None
    except OSError as e:
        return e.strerror or str(e) or type(e).__name__


def login(cfg: WandbConfig, *, verify: bool = True) -> bool:
    """Log in to wandb with the key from ``key_path``, or wandb's own (``WANDB_API_KEY``, ``.netrc``).

    Returns False when there is no key anywhere: runs then go offline.
    ``verify=False`` stores the key without asking the server.
    """
    key = read_key(cfg)
    if key is None and not key_elsewhere(cfg):
        return False
    host = host_of(cfg)
    if verify:
        reason = _reachable(host)
        if reason is not None:
            raise _error(
                "host",
                f"cannot reach the wandb server {host} ({reason}); check host, or run offline with WANDB_MODE=offline",
            )
    wandb = import_wandb()
    try:
        return bool(wandb.login(key=key, host=cfg.host, verify=verify, relogin=key is not None))
    except wandb.errors.Error as e:
        message = str(e).replace(key, MASKED) if key else str(e)
        raise _error("key_path" if key else "host", f"wandb refused the login: {message}") from None


def run_config(cfg: WandbConfig, experiment: Any | None) -> dict[str, Any]:
    """What a run logs as its config: the experiment (secrets masked), then ``metadata`` beside it."""
    data: dict[str, Any] = {}
    if experiment is not None:
        data = unstructure(experiment, mask=True)
    problems = []
    for key, value in (cfg.metadata or {}).items():
        if key in data:
            problems.append(
                Problem(
                    format_path(("metadata", key)),
                    f"collides with the experiment's own {key!r}; rename the metadata key",
                )
            )
        data[key] = AnyNode().unstructure(value, False)
    if problems:
        raise ConfigError(problems, target="WandbConfig")
    return data


def resolve_mode(cfg: WandbConfig, explicit: str | None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("WANDB_MODE")
    if env:
        return env
    return "online" if cfg.key_path is not None or key_elsewhere(cfg) else "offline"


def init(cfg: WandbConfig, experiment: Any | None = None, **init_kwargs: Any) -> Any:
    """Start a wandb run named by ``cfg`` that logs the whole experiment; returns the run.

    The mode is ``init_kwargs["mode"]``, else ``WANDB_MODE``, else online when a
    key is available and offline when not. The experiment is saved as
    ``tmlcfg.toml`` in the run's files, secrets masked, with its run record
    (``tmlcfg-run.toml``, read by :func:`tmlcfg.runs.load`).
    """
    config = run_config(cfg, experiment)
    mode = resolve_mode(cfg, init_kwargs.pop("mode", None))
    if mode in ("offline", "disabled"):
        # wandb would still report errors over the network; offline means offline
        os.environ.setdefault("WANDB_ERROR_REPORTING", "false")
    elif cfg.key_path is not None:
        login(cfg)
    wandb = import_wandb()
    named = {k: v for k, v in (("name", cfg.name), ("entity", cfg.entity), ("project", cfg.project)) if v}
    if cfg.notes:
        named["notes"] = cfg.notes
    try:
        run = wandb.init(mode=mode, tags=list(cfg.tags) or None, config=config, **named, **init_kwargs)
    except wandb.errors.Error as e:
        raise _error("", f"wandb could not start the run: {e}") from None
    if experiment is not None and run is not None and getattr(run, "dir", None):
        # the experiment (secrets masked) and its run record, synced with the run
        for path in write_wandb_run(experiment, run.dir):
            run.save(path, base_path=run.dir, policy="now")
    return run


def _run_file(source: Path) -> Path | None:
    for candidate in (
        source / CONFIG_FILE,
        source / "files" / CONFIG_FILE,
        source / "latest-run" / "files" / CONFIG_FILE,
        source / "wandb" / "latest-run" / "files" / CONFIG_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def _unmask(spec_cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Drop masked secrets, so that they take their defaults (or are reported missing)."""
    spec = require_spec(spec_cls)
    out = {}
    for key, value in data.items():
        f = spec.by_name.get(key)
        if f is not None and f.secret and value == MASKED:
            continue
        if f is not None and isinstance(f.node, (ConfigNode, VariantNode)) and isinstance(value, dict):
            value = _unmask_table(f.node, value)
        item = f.node.children()[0] if f is not None and len(f.node.children()) == 1 else None
        if isinstance(item, (ConfigNode, VariantNode)) and isinstance(value, list):  # a tuple or frozenset of configs
            value = [_unmask_table(item, v) if isinstance(v, dict) else v for v in value]
        elif isinstance(item, (ConfigNode, VariantNode)) and isinstance(value, dict):  # a mapping of configs
            value = {k: _unmask_table(item, v) if isinstance(v, dict) else v for k, v in value.items()}
        out[key] = value
    return out


def _unmask_table(node: ConfigNode | VariantNode, value: dict[str, Any]) -> dict[str, Any]:
    """A config's table (for a variant, the variant it names) with its masked secrets dropped."""
    member = node.member(value) if isinstance(node, VariantNode) else node
    return _unmask(member.cls, value) if member is not None else value


def _by_name(node: Any, value: Any) -> Any:
    """Enums that came back as member names (wandb's way with Enum objects) read as values."""
    if isinstance(node, ConstrainedNode):
        node = node.inner
    if isinstance(node, EnumNode) and isinstance(value, str) and value not in node.by_value:
        member = node.cls.__members__.get(value)
        return member.value if member is not None else value
    if isinstance(node, VariantNode) and isinstance(value, dict):
        node = node.member(value)
    if isinstance(node, ConfigNode) and isinstance(value, dict):
        return {k: _by_name(node.spec.by_name[k].node if k in node.spec.by_name else None, v) for k, v in value.items()}
    children: tuple[Any, ...] = node.children() if node is not None else ()
    if isinstance(value, list) and len(children) == 1:
        return [_by_name(children[0], v) for v in value]
    if isinstance(value, dict) and len(children) == 1:
        return {k: _by_name(children[0], v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _too_deep(mapping: Mapping[str, Any]) -> RawProblem | None:
    """The first table or array of a run config nested deeper than ``MAX_DEPTH`` (a dotted key's
    parts counted too), found level by level without recursion, as a file's is."""
    level: list[tuple[PathTuple, Any]] = []
    for key, value in mapping.items():
        path: PathTuple = (key,)
        if isinstance(key, str) and "." in key:
            with contextlib.suppress(PathSyntaxError):
                path = parse_path(key)
        level.append((path, value))
    while level:
        deeper: list[tuple[PathTuple, Any]] = []
        for path, value in level:
            if len(path) > MAX_DEPTH:
                return (path[: MAX_DEPTH + 1], too_deep(), ())
            if isinstance(value, Mapping):
                deeper += [((*path, k), v) for k, v in value.items()]
            elif isinstance(value, (list, tuple)):
                deeper += [((*path, i), v) for i, v in enumerate(value)]
        level = deeper
    return None


def _head(key: str) -> str:
    """The first key of a dotted name that is not a path: what it was meant to set."""
    for i, ch in enumerate(key):
        if ch in '.["':
            return key[:i]
    return key


def _split_run_config(cls: type, mapping: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[PathTuple, Any]]]:
    """Fields of ``cls`` as tables, and dotted keys as paths; wandb's keys and metadata dropped."""
    spec = require_spec(cls)
    plan = plan_of(cls)
    heads = plan.heads if plan is not None else frozenset()
    deep = _too_deep(mapping)
    if deep is not None:  # every walk below recurses: the bound comes first, as for a file
        raise ConfigError([to_problem(deep, "run config")], target=cls.__name__)
    tables: dict[str, Any] = {}
    dotted: list[tuple[PathTuple, Any]] = []
    bad: list[Problem] = []
    for key, value in _plain(dict(mapping.items())).items():
        if key.startswith("_"):
            continue
        if isinstance(value, dict) and set(value) in ({"value"}, {"value", "desc"}):
            value = value["value"]  # the public API's older shape
        if key in spec.by_name or key in heads:
            tables[key] = value
        elif "." in key or "[" in key:
            try:
                path = parse_path(key)
            except PathSyntaxError as e:
                if _head(key) in spec.by_name or _head(key) in heads:  # meant for a field: not dropped unread
                    bad.append(Problem(format_path((key,)), f"not a path: {e}", "run config"))
                continue
            if path[0] in spec.by_name or path[0] in heads:
                dotted.append((path, value))
    if bad:
        raise ConfigError(bad, target=cls.__name__)
    if plan is not None:
        # a run logged before the class changed: its keys are the old names
        tables = migrate_input(cls, tables, "run config")
        problems: list[RawProblem] = []
        seen = {path: path for path in _leaves(tables)}
        moved = [replace_path(plan, p, v, problems, seen, "run config") for p, v in dotted]
        if problems:
            raise ConfigError([to_problem(p, "run config") for p in problems], target=cls.__name__)
        dotted = [(p, v) for p, v in moved if p]
    node = ConfigNode(spec)
    return _by_name(node, _unmask(cls, tables)), [(p, _by_name_at(node, p, v)) for p, v in dotted]


def _leaves(data: Mapping[str, Any], prefix: PathTuple = ()) -> list[PathTuple]:
    out: list[PathTuple] = []
    for key, value in data.items():
        path = (*prefix, key)
        out += _leaves(value, path) if isinstance(value, Mapping) and value else [path]
    return out


def _by_name_at(node: Any, path: PathTuple, value: Any) -> Any:
    from .._engine.walk import child

    for step in path:
        node = child(node, step)
    return _by_name(node, value)


def _apply(cls: type[_C], base: dict[str, Any], mapping: Mapping[str, Any]) -> _C:
    spec = require_spec(cls)
    node = ConfigNode(spec)
    tables, dotted = _split_run_config(cls, mapping)
    data = merge(node, base, tables)
    problems: list[RawProblem] = []
    # a sweep's choice of variant first (outer ones first), then the values for the variants chosen
    dotted.sort(key=lambda item: (0, len(item[0])) if item[0][-1:] == (KIND_KEY,) else (1, 0))
    for path, value in dotted:
        if _other_variants(node, data, path):
            continue  # a sweep parameter of a variant this run did not choose
        try:
            set_path(node, data, path, value)
        except Invalid as e:
            problems += e.problems
    if problems:
        raise ConfigError([to_problem(p) for p in problems], target=cls.__name__)
    return structured(cls, data, migrate=False)


def _other_variants(node: Any, data: Any, path: PathTuple) -> bool:
    """Whether ``path`` runs through a variant field to a field of another variant than the one ``data`` holds."""
    from .._engine.walk import child, resolved

    here = data
    for step in path:
        if isinstance(node, VariantNode):
            chosen = node.member(here) if isinstance(here, Mapping) else None
            if chosen is not None and step not in chosen.spec.by_name and step != KIND_KEY:
                return any(step in m.spec.by_name for m in node.members.values())
        node = child(resolved(node, here), step)
        if isinstance(here, Mapping) and isinstance(step, str):
            here = here.get(step)
        else:
            here = here[step] if isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here) else None
    return False


def restore(cls: type[_C], source: str | os.PathLike[str] | Mapping[str, Any]) -> _C:
    """A typed, validated ``cls`` from a run directory or from a run's config mapping.

    From a directory (an offline run, ``wandb/latest-run``) it reads the run's
    ``tmlcfg.toml``. From a mapping (``run.config``, or a finished run's config
    from the public API) it drops wandb's own keys and the metadata, folds
    dotted keys into tables, and reads whole-number floats back as floats.
    Secrets were masked when logged: they take their defaults.
    """
    require_spec(cls)
    if isinstance(source, Mapping):
        return _apply(cls, {}, source)
    folder = Path(source)
    found = _run_file(folder)
    if found is None:
        raise ConfigError(
            [
                Problem(
                    "",
                    f"no {CONFIG_FILE} in this run directory; was the run started with tmlcfg.wandb.init?",
                    str(folder),
                )
            ],
            target=cls.__name__,
        )
    from .._toml.files import read_plain

    try:
        text = found.read_text(encoding="utf-8")
        data = read_plain(text)
    except (OSError, ValueError, RecursionError) as e:  # ValueError: not UTF-8, not TOML
        raise ConfigError([Problem("", f"cannot read it: {e}", str(found))], target=cls.__name__) from None
    data = migrate_input(cls, data, str(found), text)
    return structured(cls, _unmask(cls, data), migrate=False)


def apply_sweep(experiment: _C, run_config: Mapping[str, Any]) -> _C:
    """``experiment`` with a sweep's values applied (nested tables or dotted keys), fully validated.

    Call it with ``run.config`` in the agent's run, before training starts, so a
    bad sweep value fails at once.
    """
    require_spec(type(experiment))
    return _apply(type(experiment), to_dict(experiment), run_config)
