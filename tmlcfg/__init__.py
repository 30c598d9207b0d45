"""Typed, frozen, TOML-first configuration for machine-learning experiments."""

import typing as _typing

from ._base.errors import ConfigError, DefinitionError, Problem, TmlcfgError
from ._base.frozen import FrozenDict, StrictFrozenSet
from ._base.lazy import lazy_attributes as _lazy_attributes
from ._base.version import __version__ as __version__
from ._engine.converter import from_dict, register_hooks, to_dict
from ._engine.define import config
from ._engine.fields import field
from ._engine.registry import register_type

if _typing.TYPE_CHECKING:
    from ._cli.argv import from_argv
    from ._engine.converter import converter
    from ._engine.numbers import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt
    from ._load.diff import Difference, diff, fingerprint
    from ._load.layers import load, loads
    from ._load.replace import replace
    from ._load.schema import json_schema
    from ._migrate.plan import MigrationWarning, Removed, Renamed, removed, renamed
    from ._toml.write import dump, dumps, pretty_print

# Imported on first use, so that `import tmlcfg` costs hardly more than attrs and
# cattrs themselves: these pull in argparse, hashlib, json and annotated-types, and
# the converter registers every hook when it is made.
_LAZY = {
    "converter": "_engine.converter",
    "dump": "_toml.write",
    "dumps": "_toml.write",
    "load": "_load.layers",
    "loads": "_load.layers",
    "pretty_print": "_toml.write",
    "replace": "_load.replace",
    "Difference": "_load.diff",
    "diff": "_load.diff",
    "fingerprint": "_load.diff",
    "from_argv": "_cli.argv",
    "json_schema": "_load.schema",
    "MigrationWarning": "_migrate.plan",
    "Removed": "_migrate.plan",
    "Renamed": "_migrate.plan",
    "removed": "_migrate.plan",
    "renamed": "_migrate.plan",
    "NonNegativeFloat": "_engine.numbers",
    "NonNegativeInt": "_engine.numbers",
    "PositiveFloat": "_engine.numbers",
    "PositiveInt": "_engine.numbers",
}


__getattr__, __dir__ = _lazy_attributes(
    __name__, _LAZY, public=("Difference", "MigrationWarning", "Removed", "Renamed")
)


# Shown as tmlcfg.ConfigError, not tmlcfg._errors.ConfigError, in tracebacks and reprs.
for _public in (ConfigError, DefinitionError, FrozenDict, Problem, StrictFrozenSet, TmlcfgError):
    _public.__module__ = __name__
del _public

__all__ = [
    "ConfigError",
    "DefinitionError",
    "Difference",
    "FrozenDict",
    "MigrationWarning",
    "NonNegativeFloat",
    "NonNegativeInt",
    "PositiveFloat",
    "PositiveInt",
    "Problem",
    "Removed",
    "Renamed",
    "StrictFrozenSet",
    "TmlcfgError",
    "config",
    "converter",
    "diff",
    "dump",
    "dumps",
    "field",
    "fingerprint",
    "from_argv",
    "from_dict",
    "json_schema",
    "load",
    "loads",
    "pretty_print",
    "register_hooks",
    "register_type",
    "removed",
    "renamed",
    "replace",
    "to_dict",
]
