"""Model settings."""

from __future__ import annotations

import enum
from typing import Annotated, Literal, Optional

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Precision(str, enum.Enum):
    FP32 = "fp32"
    BF16 = "bf16"


class LoraConfig(BaseModel):
    """Low-rank adapters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rank: int = Field(8, gt=0, description="Rank of the update matrices.")
    alpha: float = 16
    dropout: Annotated[float, at.Ge(0), at.Lt(1)] = 0.05
    target_modules: list[str] = Field(default_factory=lambda: ["q_proj", "v_proj"])

    @field_validator("rank")
    @classmethod
    def power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"rank must be a power of two, got {v}")
        return v


class ConvStem(BaseModel):
    """The convolutional stem of the vision tower."""

    kernel_size: int | tuple[int, int] = 3
    stride: int | tuple[int, int] = 1
    padding: Literal["same", "valid", 0, 1] = "same"
    channels: Annotated[int, Field(ge=1, le=4096)] = 64


class ModelConfig(BaseModel):
    """Which network, how big."""

    model_config = ConfigDict(protected_namespaces=())

    name: str = "vit-small"
    hidden_size: int = Field(384, multiple_of=64)
    num_layers: int = 12
    num_heads: int = 6
    precision: str = Precision.BF16
    stem: ConvStem = Field(default_factory=ConvStem)
    init_checkpoint: Optional[str] = None
    compile: bool = False

    @model_validator(mode="after")
    def heads_divide_width(self) -> "ModelConfig":
        if self.hidden_size % self.num_heads:
            raise ValueError(f"hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}")
        return self
