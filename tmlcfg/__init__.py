"""Typed, frozen, TOML-first configuration for machine-learning experiments."""

from ._convert import from_dict, to_dict
from ._define import config
from ._errors import ConfigError, DefinitionError, Problem, TmlcfgError
from ._fields import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, field
from ._frozen import FrozenDict
from ._replace import replace
from ._toml import dump, dumps, load, loads, pretty_print

__all__ = [
    "ConfigError",
    "DefinitionError",
    "FrozenDict",
    "NonNegativeFloat",
    "NonNegativeInt",
    "PositiveFloat",
    "PositiveInt",
    "Problem",
    "TmlcfgError",
    "config",
    "dump",
    "dumps",
    "field",
    "from_dict",
    "load",
    "loads",
    "pretty_print",
    "replace",
    "to_dict",
]
