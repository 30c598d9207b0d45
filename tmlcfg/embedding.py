"""Embedding tables, as in the-algorithm-ml's large-embeddings configs.

Every class builds from defaults alone; the defaults describe one small fp32
table (1,024 rows of 64 dimensions, Adam) and are meant to be overridden.
"""

from __future__ import annotations

import enum
from typing import Annotated

import annotated_types as at

from ._base.errors import ConfigError, Problem
from ._engine.define import config
from ._engine.fields import field
from ._engine.numbers import PositiveInt
from .optimizers import OptimizerConfig

__all__ = ["DataType", "EmbeddingBagConfig", "EmbeddingSnapshot", "LargeEmbeddingsConfig"]


class DataType(str, enum.Enum):
    """The precision an embedding table is stored in; TOML holds the value (``"fp32"``)."""

    FP32 = "fp32"
    FP16 = "fp16"


@config
class EmbeddingSnapshot:
    """A pretrained table to start from: one table of a torchsnapshot."""

    emb_name: str = field(default="embedding", doc="Name of the embedding table in the loaded snapshot.")
    embedding_snapshot_uri: str = field(default="snapshots/embedding", doc="Path or URI of the torchsnapshot.")


@config
class EmbeddingBagConfig:
    """One embedding table."""

    name: str = field(default="embedding", doc="Name of the table; relations and logs refer to it.")
    num_embeddings: PositiveInt = field(default=1024, doc="Number of rows: the size of the vocabulary.")
    embedding_dim: PositiveInt = field(default=64, doc="Size of each embedding vector.")
    optimizer: OptimizerConfig = field(factory=OptimizerConfig, doc="The optimizer of this table.")
    data_type: DataType = field(default=DataType.FP32, doc="Storage precision of the table.")
    vocab: str | None = field(
        default=None, doc="Directory of parquet files mapping entity ids to table rows; unset uses ids as rows."
    )
    pretrained: EmbeddingSnapshot | None = field(default=None, doc="Start from this snapshot; unset starts random.")


@config
class LargeEmbeddingsConfig:
    """A set of embedding tables with distinct names."""

    tables: Annotated[tuple[EmbeddingBagConfig, ...], at.MinLen(1)] = field(
        factory=lambda: (EmbeddingBagConfig(),), doc="The embedding tables; at least one."
    )
    tables_to_log: tuple[str, ...] | None = field(
        default=None, doc="Names of the tables to log during training; unset logs none."
    )

    def __attrs_post_init__(self) -> None:
        names = [t.name for t in self.tables]
        unique = set(names)
        if len(unique) == len(names) and unique.issuperset(self.tables_to_log or ()):
            return  # the common case, checked in linear time
        problems = []
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                problems.append(Problem(f"tables[{i}].name", f"table name {name!r} is used twice"))
            seen.add(name)
        for i, name in enumerate(self.tables_to_log or ()):
            if name not in unique:
                known = ", ".join(repr(n) for n in names)
                problems.append(Problem(f"tables_to_log[{i}]", f"{name!r} is not a table; tables are {known}"))
        raise ConfigError(problems)
