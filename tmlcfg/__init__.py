"""Typed, frozen, TOML-first configuration for machine-learning experiments."""

import typing as _typing

from ._converter import converter, from_dict, register_hooks, to_dict
from ._define import config
from ._errors import ConfigError, DefinitionError, Problem, TmlcfgError
from ._fields import field
from ._frozen import FrozenDict, StrictFrozenSet
from ._lazy import lazy_attributes as _lazy_attributes
from ._register import register_type

if _typing.TYPE_CHECKING:
    from ._argv import from_argv
    from ._diff import Difference, diff, fingerprint
    from ._load import load, loads
    from ._migrate import MigrationWarning, removed, renamed
    from ._numbers import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt
    from ._replace import replace
    from ._schema import json_schema
    from ._write import dump, dumps, pretty_print

# Imported on first use, so that `import tmlcfg` costs hardly more than attrs and
# cattrs themselves: these pull in argparse, hashlib, json and annotated-types.
_LAZY = {
    "dump": "_write",
    "dumps": "_write",
    "load": "_load",
    "loads": "_load",
    "pretty_print": "_write",
    "replace": "_replace",
    "Difference": "_diff",
    "diff": "_diff",
    "fingerprint": "_diff",
    "from_argv": "_argv",
    "json_schema": "_schema",
    "MigrationWarning": "_migrate",
    "removed": "_migrate",
    "renamed": "_migrate",
    "NonNegativeFloat": "_numbers",
    "NonNegativeInt": "_numbers",
    "PositiveFloat": "_numbers",
    "PositiveInt": "_numbers",
}


__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY, public=("Difference", "MigrationWarning"))


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
