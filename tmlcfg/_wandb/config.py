"""``WandbConfig``: where and how a run is logged to Weights & Biases (shown as ``tmlcfg.wandb.WandbConfig``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._engine.define import config
from .._engine.fields import field


def host_problem(host: str) -> str | None:
    """What is wrong with a wandb server URL, or None; the URL is not repeated, as it may hold a password."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(host)
        port = parts.port
    except ValueError as e:  # an unclosed [IPv6 literal, a port that is not a number or above 65535
        return f"is not a valid URL ({e}); write it as https://host[:port]"
    if parts.scheme not in ("http", "https"):
        return "needs to start with https:// (or http://); write it as https://host[:port]"
    if parts.username is not None or parts.password is not None:
        return "holds credentials; put the API key in the file named by key_path instead"
    if not parts.hostname:
        return "has no host name; write it as https://host[:port]"
    if port == 0:
        return "has port 0; give the server's port, from 1 to 65535, or none"
    return None


def _valid_host(host: str) -> None:
    problem = host_problem(host)
    if problem is not None:
        raise ValueError(problem)


@config
class WandbConfig:
    """Where and how a run is logged to Weights & Biases; every field is optional."""

    host: str | None = field(
        default=None,
        doc="Server URL, passed to wandb.login(host=...); unset uses wandb's own default (WANDB_BASE_URL).",
        validator=_valid_host,
    )
    key_path: str | None = field(
        default=None,
        doc="File holding the API key, read by login and passed to wandb.login(key=...); "
        "unset uses WANDB_API_KEY or ~/.netrc, and with no key anywhere the run is offline.",
    )
    name: str | None = field(default=None, doc="Run name, passed to wandb.init(name=...); unset lets wandb pick.")
    entity: str | None = field(default=None, doc="Team or user, passed to wandb.init(entity=...).")
    project: str | None = field(default=None, doc="Project, passed to wandb.init(project=...).")
    tags: tuple[str, ...] = field(default=(), doc="Tags, passed to wandb.init(tags=...).")
    notes: str | None = field(default=None, doc="A longer description, passed to wandb.init(notes=...).")
    metadata: Mapping[str, Any] | None = field(
        default=None, doc="Extra values logged at the top level of the run's config, beside the experiment's."
    )
