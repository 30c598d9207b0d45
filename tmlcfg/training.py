"""Runtime and training loop settings, as in the-algorithm-ml's ``training_config``."""

from __future__ import annotations

from ._engine.define import config
from ._engine.fields import field
from ._engine.numbers import PositiveFloat, PositiveInt
from .wandb import WandbConfig

__all__ = ["RuntimeConfig", "TrainingConfig"]


@config
class RuntimeConfig:
    """How the process runs: logging to Weights & Biases and numeric precision."""

    wandb: WandbConfig | None = field(default=None, doc="Log the run to Weights & Biases; unset logs nothing.")
    enable_tensorfloat32: bool = field(default=False, doc="Use TensorFloat-32 matmuls on Ampere and newer GPUs.")
    enable_amp: bool = field(default=False, doc="Enable automatic mixed precision.")


@config
class TrainingConfig:
    """How long to train, how often to checkpoint, log and evaluate."""

    save_dir: str = field(default="/tmp/model", doc="Directory to save checkpoints.")
    num_train_steps: PositiveInt = field(default=10_000, doc="Number of training steps.")
    initial_checkpoint_dir: str | None = field(
        default=None, at_most_one_of="initialization", doc="Directory of initial checkpoints."
    )
    checkpoint_every_n: PositiveInt = field(default=1000, doc="Save a checkpoint every this many steps.")
    checkpoint_max_to_keep: PositiveInt | None = field(
        default=None, doc="Maximum number of checkpoints to keep; unset keeps all."
    )
    train_log_every_n: PositiveInt = field(default=1000, doc="Log training metrics every this many steps.")
    num_eval_steps: int = field(default=16_384, doc="Number of evaluation steps; negative uses the whole dataset.")
    eval_log_every_n: PositiveInt = field(default=5000, doc="Log evaluation metrics every this many steps.")
    eval_timeout_in_s: PositiveFloat = field(default=3600.0, doc="Give up on an evaluation after this many seconds.")
    gradient_accumulation: PositiveInt | None = field(
        default=None, doc="Number of replica steps to accumulate gradients over; unset does not accumulate."
    )
    num_epochs: PositiveInt = field(default=1, doc="Number of passes over the training data.")
