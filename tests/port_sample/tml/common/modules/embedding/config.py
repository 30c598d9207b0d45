"""Configs of large and small embedding tables."""

from enum import Enum
from typing import Dict, List, Optional

import pydantic.v1 as pydantic
from pydantic.v1 import Field, validator

import tml.core.config as base_config
from tml.optimizers import config as optimizer_config


class DataType(str, Enum):
  FP32 = "fp32"
  FP16 = "fp16"


class EmbeddingSnapshot(base_config.BaseConfig):
  """Configuration for Embedding snapshot"""

  emb_name: str = Field(
    ..., description="Name of the embedding table from the loaded snapshot"
  )
  embedding_snapshot_uri: str = Field(
    ..., description="Path to torchsnapshot of the embedding"
  )


class EmbeddingBagConfig(base_config.BaseConfig):
  """Configuration for EmbeddingBag."""

  name: str = Field(..., description="name of embedding bag")
  num_embeddings: int = Field(..., description="size of embedding dictionary")
  embedding_dim: int = Field(..., description="size of each embedding vector")
  pretrained: EmbeddingSnapshot = Field(None, description="Snapshot properties")
  vocab: str = Field(
    None, description="Directory to parquet files of mapping from entity ID to table index."
  )
  # make sure to use an optimizer the embedding backend supports
  optimizer: optimizer_config.OptimizerConfig = Field(
    ..., description="Optimizer for this table."
  )
  data_type: DataType = DataType.FP32

  @validator("num_embeddings", "embedding_dim")
  def check_positive(cls, v):
    if v <= 0:
      raise ValueError("table sizes must be positive")
    return v

  @validator("name")
  def lower_case(cls, v):
    """Table names are matched case-insensitively."""
    return v.lower()


class LargeEmbeddingsConfig(base_config.BaseConfig):
  """Configuration for EmbeddingBagCollection.

  The tables listed in this config are gathered into a single torchrec EmbeddingBagCollection.
  """

  tables: List[EmbeddingBagConfig] = Field(..., description="list of embedding tables")
  tables_to_log: Optional[List[str]] = Field(
    None, description="list of embedding table names that we want to log during training"
  )

  @pydantic.root_validator()
  def check_tables_to_log(cls, values):
    names = [table.name for table in values.get("tables", [])]
    for name in values.get("tables_to_log") or []:
      if name not in names:
        raise ValueError(f"table {name!r} to log is not a table")
    return values


class SmallEmbeddingBagConfig(base_config.BaseConfig):
  """Configuration for SmallEmbeddingBag."""

  name: str = Field(..., description="name of embedding bag")
  num_embeddings: pydantic.conint(gt=0) = Field(..., description="size of embedding dictionary")
  embedding_dim: pydantic.conint(gt=0, le=1024) = Field(..., description="size of each embedding vector")
  index: int = Field(..., description="index in the categorical tensor to look up")


class SmallEmbeddingsConfig(base_config.BaseConfig):
  """Configuration for SmallEmbeddingConfig."""

  tables: List[SmallEmbeddingBagConfig] = Field(
    ..., description="list of embedding tables"
  )
  feature_weights: Dict[str, float] = {}
