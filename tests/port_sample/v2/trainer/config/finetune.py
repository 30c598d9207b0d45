"""Fine-tuning on one of several kinds of data: the union pydantic chose by the table's keys."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel


class TextDataConfig(BaseModel):
    """Tokenized text."""

    dataset: str
    max_length: int = 2048
    packing: bool = True


class ImageDataConfig(BaseModel):
    """Images with labels."""

    image_dir: str
    resolution: int = 224
    augment: bool = False


class TabularDataConfig(BaseModel):
    """A parquet table."""

    table: str
    label_column: str = "label"


class EvalDataConfig(BaseModel):
    """Held-out data, named by its kind."""

    kind: Literal["holdout"] = "holdout"
    fraction: float = 0.05


class FinetuneConfig(BaseModel):
    """Fine-tune a trained model."""

    base_model: str
    max_steps: int = 1000
    learning_rate: float = 1e-5
    data: Optional[TextDataConfig | ImageDataConfig | TabularDataConfig] = None
    evaluation: Optional[EvalDataConfig | TabularDataConfig] = None
