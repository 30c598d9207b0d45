"""Drift: what differs between a run as recorded and the code, checkout and packages of today.

Each line is a sentence a person can act on: which key to look at, which
commit to check out, which package to pin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base.keypaths import PathTuple, format_path
from .._base.limits import MAX_DEPTH
from .._engine.converter import to_dict, unstructure
from .._load.diff import fingerprint
from .._migrate.apply import migrate
from .._migrate.plan import plan_of
from .._toml.write import _inline
from . import provenance
from .record import GitState, Record

#: the most lines of one kind (keys now defaults, say) before the rest are counted
MAX_LINES_OF_A_KIND = 20


def drift(
    cls: type,
    config: Any,
    record: Record,
    before: dict[str, Any],
    data: dict[str, Any],
    dropped: list[PathTuple],
    imported: Mapping[str, str],
) -> list[str]:
    """Every difference between then (``record``, the run's file) and now, one line each; [] when none.

    ``before`` is the run's config data as written (masked secrets dropped),
    ``data`` the same with old names migrated, ``dropped`` the secrets' paths,
    ``imported`` the packages imported now.
    """
    lines: list[str] = []
    now = f"{cls.__module__}:{cls.__qualname__}"
    if record.config_class != now:
        lines.append(f"the run's config class was `{record.config_class}`; it is read as `{now}`")
    lines += _migrations(cls, before)
    # a secret dropped from the file (it was masked) is said once, below, not as a key the file lacked
    gone = set(dropped)
    new = _new_defaults(data, to_dict(config), unstructure(config, mask=True), gone)
    lines += _capped(new, "keys now take defaults")
    lines += [
        f"`{format_path(p)}` is secret, so the run's value was not recorded; it now takes its default" for p in dropped
    ]
    if fingerprint(config) != record.fingerprint:
        lines.append(
            f"the fingerprint differs: the record has {record.fingerprint[:12]}, the config read back "
            f"{fingerprint(config)[:12]}; it is not the exact config the run used"
        )
    lines += git_lines(record.git, provenance.git_state(provenance.checkout_of(cls)))
    python = provenance.python_text()
    if record.python != python:
        lines.append(f"python {record.python} -> {python}")
    version = provenance.tmlcfg_version()
    if record.tmlcfg_version != version and "tmlcfg" not in record.packages:  # else among the packages
        lines.append(f"tmlcfg {record.tmlcfg_version} -> {version}")
    lines += package_lines(record, imported, provenance.installed_version)
    return lines


def _migrations(cls: type, before: dict[str, Any]) -> list[str]:
    plan = plan_of(cls)
    if plan is None:
        return []
    lines = []
    for use in migrate(plan, before).uses:
        if use.new is None:
            lines.append(f"`{format_path(use.old)}` was removed since ({use.reason}); the run's value is ignored")
        else:
            lines.append(f"`{format_path(use.old)}` was renamed to `{format_path(use.new)}` since")
    return lines


def _new_defaults(had: Any, plain: Any, shown: Any, dropped: set[PathTuple], path: PathTuple = ()) -> list[str]:
    """The keys of today's config the run's file did not have, each with the default it now takes."""
    if len(path) > MAX_DEPTH or not isinstance(plain, dict) or not isinstance(had, dict):
        return _in_lists(had, plain, shown, dropped, path)
    out: list[str] = []
    for key, value in plain.items():
        here = (*path, key)
        if key not in had and here not in dropped:
            text = _inline(shown[key], one_line=True)
            out.append(f"`{format_path(here)}` was not in the run's file; it now defaults to {text}")
        elif key in had:
            out += _new_defaults(had[key], value, shown[key], dropped, here)
    return out


def _in_lists(had: Any, plain: Any, shown: Any, dropped: set[PathTuple], path: PathTuple) -> list[str]:
    if len(path) > MAX_DEPTH or not isinstance(plain, list) or not isinstance(had, list) or len(had) != len(plain):
        return []
    out: list[str] = []
    for i, (h, p, s) in enumerate(zip(had, plain, shown, strict=True)):
        out += _new_defaults(h, p, s, dropped, (*path, i))
    return out


def _capped(lines: list[str], what: str) -> list[str]:
    if len(lines) <= MAX_LINES_OF_A_KIND:
        return lines
    return [*lines[:MAX_LINES_OF_A_KIND], f"... and {len(lines) - MAX_LINES_OF_A_KIND} more {what}"]


def _state(git: GitState) -> str:
    return f"{git.commit[:7]} (dirty)" if git.dirty else git.commit[:7]


def branch_text(git: GitState) -> str:
    return f"branch `{git.branch}`" if git.branch is not None else "a detached HEAD"


def git_lines(then: GitState | None, now: GitState | None) -> list[str]:
    """How the checkout of today differs from the run's."""
    if then is None and now is None:
        return []
    if then is None:
        assert now is not None
        return [f"git: the run was made outside a git checkout; the code is now at {_state(now)}"]
    if now is None:
        return [f"git: the run was at {_state(then)}; there is no git checkout here to compare it with"]
    lines = []
    if then.commit != now.commit:
        lines.append(f"git: the run was at {_state(then)}, the checkout is at {_state(now)}")
    elif then.dirty and not now.dirty:
        lines.append(f"git: the run had uncommitted changes on {then.commit[:7]}; the checkout has none")
    elif now.dirty and not then.dirty:
        lines.append(f"git: the checkout has uncommitted changes on {now.commit[:7]} that the run did not have")
    elif then.diff_sha256 != now.diff_sha256:
        lines.append(
            f"git: the uncommitted changes on {now.commit[:7]} differ from the run's "
            f"(diff sha256 {then.diff_sha256[:12]} then, {now.diff_sha256[:12]} now)"
        )
    if then.branch != now.branch:
        lines.append(f"git: the run was on {branch_text(then)}, the checkout is on {branch_text(now)}")
    return lines


def package_lines(record: Record, imported: Mapping[str, str], installed: Any) -> list[str]:
    """Packages whose version changed since the run, that are gone, or that are imported now and were not then."""
    lines = []
    for name, version in record.packages.items():
        current = installed(name)
        if current is None:
            lines.append(f"{name} {version} is not installed any more")
        elif current != version:
            lines.append(f"{name} {version} -> {current}")
    # tmlcfg's own dependencies are imported when tmlcfg needs them, not when the run did
    own = provenance.own_requirements()
    lines += [
        f"{name} {version} is imported now; the run did not import it"
        for name, version in imported.items()
        if name not in record.packages and provenance.normalized(name) not in own
    ]
    return lines
