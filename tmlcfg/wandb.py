"""Weights & Biases: ``WandbConfig``, and the calls that log in, start runs, restore and sweep.

Importing this module never imports wandb; each call that needs it does, and
without the ``wandb`` extra it says how to install it.
"""

import typing as _typing

from ._base.lazy import lazy_attributes as _lazy_attributes
from ._wandb.config import WandbConfig

if _typing.TYPE_CHECKING:
    # what mypy and pyright see: the real signatures, which load on first use at run time
    from ._wandb.bridge import KeyFileWarning, apply_sweep, init, login, restore
    from ._wandb.sweep import sweep_config

__all__ = ["KeyFileWarning", "WandbConfig", "apply_sweep", "init", "login", "restore", "sweep_config"]

_LAZY = {
    "KeyFileWarning": "_wandb.bridge",
    "apply_sweep": "_wandb.bridge",
    "init": "_wandb.bridge",
    "login": "_wandb.bridge",
    "restore": "_wandb.bridge",
    "sweep_config": "_wandb.sweep",
}

# the calls (and what they import: sockets, netrc, tomllib) load on first use;
# a config that only names WandbConfig does not pay for them
__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY, public=("KeyFileWarning",))

# defined in a private module, shown (and pickled) as tmlcfg.wandb.WandbConfig
WandbConfig.__module__ = __name__
