"""Optimizers and learning-rate schedules, as in the-algorithm-ml's ``tml.optimizers``.

Defaults follow PyTorch where it has one (Adam ``lr=1e-3``, SGD ``lr=1e-3``,
Adagrad ``lr=1e-2``), except where the original chose otherwise (Adam
``eps=1e-7``, Adagrad ``eps=0``). ``OptimizerConfig()`` is Adam with a
constant learning rate.
"""

from __future__ import annotations

from typing import Annotated

import annotated_types as at

from ._base.errors import ConfigError, Problem
from ._engine.define import config
from ._engine.fields import field
from ._engine.numbers import NonNegativeFloat, PositiveFloat, PositiveInt

__all__ = [
    "AdagradConfig",
    "AdamConfig",
    "LearningRate",
    "LinearRampToConstant",
    "LinearRampToCosine",
    "OptimizerConfig",
    "PiecewiseConstant",
    "SgdConfig",
    "get_optimizer_algorithm_config",
]

Beta = Annotated[float, at.Ge(0), at.Lt(1)]


@config
class PiecewiseConstant:
    """A learning rate that steps between constant values at given steps."""

    learning_rate_boundaries: tuple[int, ...] = field(
        default=(), doc="Steps at which the learning rate changes, strictly increasing."
    )
    learning_rate_values: tuple[float, ...] = field(
        default=(1e-3,), doc="The learning rate before the first boundary, then after each; one more than boundaries."
    )

    def __attrs_post_init__(self) -> None:
        bounds, values = self.learning_rate_boundaries, self.learning_rate_values
        problems = []
        if len(values) != len(bounds) + 1:
            problems.append(
                Problem(
                    "learning_rate_values",
                    f"needs one more value than learning_rate_boundaries ({len(bounds) + 1}), got {len(values)}",
                )
            )
        for i in range(1, len(bounds)):
            if bounds[i] <= bounds[i - 1]:
                problems.append(
                    Problem(
                        f"learning_rate_boundaries[{i}]",
                        f"boundaries must be strictly increasing; {bounds[i]} follows {bounds[i - 1]}",
                    )
                )
        if problems:
            raise ConfigError(problems)


@config
class LinearRampToConstant:
    """Ramp linearly from 0 to ``learning_rate`` over ``num_ramp_steps``, then hold."""

    learning_rate: float = field(default=1e-3, doc="The learning rate after the ramp.")
    num_ramp_steps: PositiveInt = field(default=1000, doc="Steps to ramp up from 0 to learning_rate.")


@config
class LinearRampToCosine:
    """Ramp linearly to ``learning_rate``, then follow a cosine down to ``final_learning_rate``."""

    learning_rate: float = field(default=1e-3, doc="The learning rate at the end of the ramp.")
    final_learning_rate: float = field(default=0.0, doc="The learning rate at final_num_steps and after.")
    num_ramp_steps: PositiveInt = field(default=1000, doc="Steps to ramp up from 0 to learning_rate.")
    final_num_steps: PositiveInt = field(default=10_000, doc="The step at which the cosine decay ends.")

    def __attrs_post_init__(self) -> None:
        if self.final_num_steps <= self.num_ramp_steps:
            raise ConfigError(
                [
                    Problem(
                        "final_num_steps",
                        f"must be greater than num_ramp_steps ({self.num_ramp_steps}), got {self.final_num_steps}",
                    )
                ]
            )


@config
class LearningRate:
    """A learning-rate schedule: exactly one of its members; a constant 1e-3 by default."""

    constant: float | None = field(default=1e-3, one_of="lr", doc="A constant learning rate.")
    linear_ramp_to_cosine: LinearRampToCosine | None = field(default=None, one_of="lr", doc="Ramp, then cosine decay.")
    linear_ramp_to_constant: LinearRampToConstant | None = field(default=None, one_of="lr", doc="Ramp, then hold.")
    piecewise_constant: PiecewiseConstant | None = field(default=None, one_of="lr", doc="Steps between constants.")


@config
class AdamConfig:
    """Adam (``torch.optim.Adam``)."""

    lr: PositiveFloat = field(default=1e-3, doc="Learning rate (PyTorch's default).")
    betas: tuple[Beta, Beta] = field(default=(0.9, 0.999), doc="Decay rates of the moment estimates.")
    eps: NonNegativeFloat = field(default=1e-7, doc="Added to the denominator for numerical stability.")


@config
class SgdConfig:
    """Stochastic gradient descent (``torch.optim.SGD``)."""

    lr: PositiveFloat = field(default=1e-3, doc="Learning rate (PyTorch's default).")
    momentum: NonNegativeFloat = field(default=0.0, doc="Momentum factor; 0 is plain SGD.")


@config
class AdagradConfig:
    """Adagrad (``torch.optim.Adagrad``)."""

    lr: PositiveFloat = field(default=1e-2, doc="Learning rate (PyTorch's default).")
    eps: NonNegativeFloat = field(default=0.0, doc="Added to the denominator for numerical stability.")


@config
class OptimizerConfig:
    """An optimizer (exactly one of adam, sgd, adagrad; Adam by default) and its schedule."""

    learning_rate: LearningRate | None = field(
        default=None, doc="A schedule that replaces the optimizer's own lr; unset keeps lr constant."
    )
    adam: AdamConfig | None = field(factory=AdamConfig, one_of="optimizer", doc="Adam.")
    sgd: SgdConfig | None = field(default=None, one_of="optimizer", doc="SGD.")
    adagrad: AdagradConfig | None = field(default=None, one_of="optimizer", doc="Adagrad.")


def get_optimizer_algorithm_config(cfg: OptimizerConfig) -> AdamConfig | SgdConfig | AdagradConfig:
    """The chosen member of ``cfg``'s optimizer group.

    >>> get_optimizer_algorithm_config(OptimizerConfig(sgd=SgdConfig(lr=0.1)))
    SgdConfig(lr=0.1, momentum=0.0)
    """
    chosen = cfg.adam or cfg.sgd or cfg.adagrad
    assert chosen is not None  # the one_of group guarantees exactly one
    return chosen
