"""Typed, frozen, TOML-first configuration for machine-learning experiments."""

from ._argv import from_argv
from ._convert import from_dict, to_dict
from ._define import config
from ._diff import Difference, diff, fingerprint
from ._errors import ConfigError, DefinitionError, Problem, TmlcfgError
from ._fields import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, field
from ._frozen import FrozenDict
from ._load import load, loads
from ._replace import replace
from ._schema import json_schema
from ._write import dump, dumps, pretty_print

# Shown as tmlcfg.ConfigError, not tmlcfg._errors.ConfigError, in tracebacks and reprs.
for _public in (ConfigError, DefinitionError, Difference, FrozenDict, Problem, TmlcfgError):
    _public.__module__ = __name__
del _public

__all__ = [
    "ConfigError",
    "DefinitionError",
    "Difference",
    "FrozenDict",
    "NonNegativeFloat",
    "NonNegativeInt",
    "PositiveFloat",
    "PositiveInt",
    "Problem",
    "TmlcfgError",
    "config",
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
    "replace",
    "to_dict",
]
