"""Hypothesis strategies and ready-made property checks for your own config classes.

>>> from tmlcfg.testing import check_config_class, configs
>>> from tmlcfg.optimizers import OptimizerConfig
>>> check_config_class(OptimizerConfig, max_examples=20)

Needs the ``testing`` extra: ``pip install 'tmlcfg[testing]'``.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - exercised in a subprocess without Hypothesis
    raise ImportError("tmlcfg.testing needs Hypothesis: pip install 'tmlcfg[testing]'") from None

from ._testing.laws import LawBroken, check_config_class
from ._testing.strategies import configs

LawBroken.__module__ = __name__

__all__ = ["LawBroken", "check_config_class", "configs"]
