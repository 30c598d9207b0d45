"""Hypothesis strategies and ready-made property checks for your own config classes.

>>> from tmlcfg.testing import check_config_class, configs
>>> from tmlcfg.optimizers import OptimizerConfig
>>> check_config_class(OptimizerConfig, max_examples=20)

Needs the ``testing`` extra: ``pip install 'tmlcfg[testing]'``.
"""

try:
    import hypothesis as _hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - exercised in a subprocess without Hypothesis
    raise ImportError("tmlcfg.testing needs Hypothesis: pip install 'tmlcfg[testing]'") from None

import typing as _typing

from ._testing import strategies as _strategies
from ._testing.laws import LawBroken, check_config_class
from ._testing.strategies import configs

if _typing.TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from ._base.keypaths import PathTuple
    from ._testing.strategies import Builder

LawBroken.__module__ = __name__

__all__ = ["LawBroken", "check_config_class", "configs"]


def _shipped() -> "dict[type, _typing.Callable[[Builder, PathTuple], SearchStrategy[_typing.Any]]]":
    """Strategies for the shipped classes whose cross-field checks random values rarely pass."""
    import hypothesis.strategies as st

    from . import embedding, optimizers
    from ._engine.converter import require_spec
    from ._testing.strategies import MAX_ITEMS

    def piecewise(builder: "Builder", path: "PathTuple") -> "SearchStrategy[_typing.Any]":
        bounds = st.lists(st.integers(0, 10**9), unique=True, max_size=MAX_ITEMS).map(sorted)
        return bounds.flatmap(
            lambda b: st.lists(st.floats(allow_nan=False), min_size=len(b) + 1, max_size=len(b) + 1).map(
                lambda v: optimizers.PiecewiseConstant(learning_rate_boundaries=tuple(b), learning_rate_values=tuple(v))
            )
        )

    def cosine(builder: "Builder", path: "PathTuple") -> "SearchStrategy[_typing.Any]":
        return st.builds(
            lambda lr, final, ramp, extra: optimizers.LinearRampToCosine(
                learning_rate=lr, final_learning_rate=final, num_ramp_steps=ramp, final_num_steps=ramp + extra
            ),
            st.floats(allow_nan=False),
            st.floats(allow_nan=False),
            st.integers(1, 10**9),
            st.integers(1, 10**9),
        )

    def embeddings(builder: "Builder", path: "PathTuple") -> "SearchStrategy[_typing.Any]":
        tables = st.lists(
            builder.config(require_spec(embedding.EmbeddingBagConfig), (*path, "tables")),
            min_size=1,
            max_size=MAX_ITEMS,
            unique_by=lambda t: t.name,
        )
        return tables.flatmap(
            lambda ts: st.builds(
                embedding.LargeEmbeddingsConfig,
                tables=st.just(tuple(ts)),
                tables_to_log=st.none() | st.lists(st.sampled_from([t.name for t in ts])).map(tuple),
            )
        )

    return {
        optimizers.PiecewiseConstant: piecewise,
        optimizers.LinearRampToCosine: cosine,
        embedding.LargeEmbeddingsConfig: embeddings,
    }


_strategies.KNOWN.update(_shipped())
