"""The training loop's settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Optional, Union

from pydantic import BaseModel, Field, PrivateAttr, computed_field, field_validator, model_validator

from trainer.config.model import LoraConfig, ModelConfig


class SchedulerConfig(BaseModel):
    """Learning-rate warm-up, then decay."""

    warmup_steps: int = 500
    decay: Literal["cosine", "linear", "constant"] = "cosine"
    min_lr_ratio: float = Field(0.1, ge=0, le=1)


class OptimizerConfig(BaseModel):
    """AdamW and its schedule."""

    lr: float = Field(3e-4, gt=0)
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.999)
    grad_clip: Optional[float] = 1.0
    scheduler: SchedulerConfig = SchedulerConfig()

    @field_validator("betas")
    @classmethod
    def betas_below_one(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not all(0 <= b < 1 for b in v):
            raise ValueError("betas must be in [0, 1)")
        return v


class CheckpointConfig(BaseModel):
    """Where and how often to save; the directory has no default."""

    directory: str
    every_steps: int = 1000
    keep_last: int = 3


class TrainConfig(BaseModel):
    """One training run."""

    run_name: str = "debug"
    output_dir: Union[str, Path] = "runs"
    training_mode: Literal["full", "lora"] = "full"
    seed: int = 0
    max_steps: int = 10_000
    batch_size: int = Field(32, gt=0)
    grad_accum: int = 1
    eval_interval: Optional[int] = 200
    log_every: int = 10
    tags: list[str] = []
    model: ModelConfig = Field(default_factory=ModelConfig)
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    lora: Optional[LoraConfig] = None
    checkpoint: CheckpointConfig = Field(default_factory=lambda: CheckpointConfig(directory="ckpt"))
    _step_cache: dict = PrivateAttr(default_factory=dict)

    @field_validator("output_dir")
    @classmethod
    def expand_home(cls, v: str) -> str:
        return os.path.expanduser(str(v))

    @field_validator("grad_accum", "log_every")
    @classmethod
    def positive(cls, v: int, info) -> int:
        if v <= 0:
            raise ValueError(f"{info.field_name} must be positive, got {v}")
        return v

    @model_validator(mode="after")
    def lora_needs_its_settings(self) -> "TrainConfig":
        if self.training_mode == "lora" and self.lora is None:
            raise ValueError("training_mode 'lora' needs a lora table")
        return self

    @model_validator(mode="before")
    @classmethod
    def legacy_names(cls, data):
        if isinstance(data, dict) and "lr" in data:
            data = dict(data)
            data.setdefault("optimizer", {})["lr"] = data.pop("lr")
        return data

    @computed_field
    @property
    def effective_batch_size(self) -> int:
        return self.batch_size * self.grad_accum


class SweepConfig(BaseModel):
    """A grid over one training run's settings."""

    base: TrainConfig = Field(default_factory=TrainConfig)
    learning_rates: list[float] = [1e-4, 3e-4]
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
