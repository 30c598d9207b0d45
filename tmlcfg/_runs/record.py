"""``Record``: what made a run (its class, code, packages and command), itself a tmlcfg config."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .._base.frozen import FrozenDict
from .._engine.define import config
from .._engine.fields import field


@config
class GitState:
    """The git checkout a run was made from."""

    commit: str = field(doc="The full hash of HEAD.")
    branch: str | None = field(default=None, doc="The branch checked out; unset when HEAD was detached.")
    dirty: bool = field(doc="Whether tracked files differed from HEAD (untracked files do not count).")
    diff_sha256: str = field(doc="SHA-256 of `git diff HEAD`: which uncommitted changes the run had.")


@config
class Record:
    """What made a run: written as ``run.toml`` beside the run's ``config.toml``."""

    config_class: str = field(doc="The config class, as module:QualName.")
    fingerprint: str = field(doc="tmlcfg.fingerprint of the run's config.")
    created: dt.datetime = field(doc="When the record was made, in UTC.")
    argv: tuple[str, ...] = field(default=(), doc="The command line; values of secret fields masked as ***.")
    python: str = field(doc="The Python version and implementation.")
    platform: str = field(doc="The operating system and machine.")
    tmlcfg_version: str = field(doc="The installed tmlcfg's version.")
    git: GitState | None = field(
        default=None,
        doc="The checkout of the config class's module (else of the working directory); unset outside one.",
    )
    packages: Mapping[str, str] = field(
        default=FrozenDict(), doc="Name -> version of each installed distribution providing a module the run imported."
    )
    origins: Mapping[str, str] = field(
        default=FrozenDict(), doc="Key path -> where its value came from: default, FILE:LINE, override, or via ${VAR}."
    )
