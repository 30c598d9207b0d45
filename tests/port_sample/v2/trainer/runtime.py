"""What a running trainer holds: arrays and callables, not configuration."""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict

from trainer.config.train import TrainConfig


class StepStats(BaseModel):
    """Per-step numbers, kept only inside the runner's state."""

    loss: float = 0.0
    tokens: int = 0


class RunnerState(BaseModel):
    """The live state of a run."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    config: TrainConfig
    weights: Optional[np.ndarray] = None
    on_step: Optional[Callable[[int], None]] = None
    last: StepStats = StepStats()
