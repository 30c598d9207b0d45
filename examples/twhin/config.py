"""The TwHIN experiment of the-algorithm-ml, as tmlcfg configs.

TwHIN learns user and tweet embeddings from typed relations (a user favs a
tweet, replies to it, ...) with a translation operator. This module mirrors
``projects/twhin/config.py`` and ``projects/twhin/models/config.py`` of the
original, with its cross-field checks reporting at the exact path.
"""

from __future__ import annotations

import enum
from typing import Annotated

import annotated_types as at

import tmlcfg
from tmlcfg.embedding import DataType, EmbeddingBagConfig, EmbeddingSnapshot, LargeEmbeddingsConfig
from tmlcfg.optimizers import OptimizerConfig
from tmlcfg.training import RuntimeConfig, TrainingConfig

__all__ = [
    "DataType",
    "EmbeddingBagConfig",
    "EmbeddingSnapshot",
    "Operator",
    "Relation",
    "TwhinConfig",
    "TwhinDataConfig",
    "TwhinEmbeddingsConfig",
    "TwhinModelConfig",
]


@tmlcfg.config
class TwhinEmbeddingsConfig(LargeEmbeddingsConfig):
    """TwHIN's tables: they share one embedding_dim and one data_type, as the translation needs."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        problems = []
        first = self.tables[0]
        for i, table in enumerate(self.tables[1:], start=1):
            if table.embedding_dim != first.embedding_dim:
                problems.append(
                    tmlcfg.Problem(
                        f"tables[{i}].embedding_dim",
                        f"all tables share one embedding_dim; {table.name!r} has {table.embedding_dim}, "
                        f"{first.name!r} has {first.embedding_dim}",
                    )
                )
            if table.data_type != first.data_type:
                problems.append(
                    tmlcfg.Problem(
                        f"tables[{i}].data_type",
                        f"all tables share one data_type; {table.name!r} has {table.data_type.value!r}, "
                        f"{first.name!r} has {first.data_type.value!r}",
                    )
                )
        if problems:
            raise tmlcfg.ConfigError(problems)


class Operator(str, enum.Enum):
    """How a relation maps the left-hand embedding towards the right-hand one."""

    TRANSLATION = "translation"


@tmlcfg.config
class Relation:
    """A typed edge between two tables, e.g. user --fav--> tweet."""

    name: str = tmlcfg.field(doc="Name of the relation.")
    lhs: str = tmlcfg.field(doc="Table of the relation's left-hand side.")
    rhs: str = tmlcfg.field(doc="Table of the relation's right-hand side.")
    operator: Operator = tmlcfg.field(default=Operator.TRANSLATION, doc="The relation's operator.")


@tmlcfg.config
class TwhinModelConfig:
    """The embeddings, the relations between their tables, and the translations' optimizer."""

    embeddings: TwhinEmbeddingsConfig = tmlcfg.field(doc="The embedding tables.")
    relations: Annotated[tuple[Relation, ...], at.MinLen(1)] = tmlcfg.field(doc="The relations to learn.")
    translation_optimizer: OptimizerConfig = tmlcfg.field(
        factory=OptimizerConfig, doc="Optimizer of the relations' translation vectors."
    )

    def __attrs_post_init__(self) -> None:
        tables = {t.name for t in self.embeddings.tables}
        if all(r.lhs in tables and r.rhs in tables for r in self.relations):
            return
        known = ", ".join(repr(t.name) for t in self.embeddings.tables)
        problems = [
            tmlcfg.Problem(f"relations[{i}].{side}", f"{getattr(r, side)!r} is not a table; tables are {known}")
            for i, r in enumerate(self.relations)
            for side in ("lhs", "rhs")
            if getattr(r, side) not in tables
        ]
        raise tmlcfg.ConfigError(problems)


@tmlcfg.config
class TwhinDataConfig:
    """Where the edges are read from and how they are batched."""

    data_root: str = tmlcfg.field(doc="Glob of the edge files.")
    per_replica_batch_size: tmlcfg.PositiveInt = tmlcfg.field(doc="Edges per batch on each replica.")
    global_negatives: int = tmlcfg.field(doc="Negatives sampled from the whole table per batch.")
    in_batch_negatives: int = tmlcfg.field(doc="Negatives taken from the other edges of a batch.")
    limit: tmlcfg.PositiveInt = tmlcfg.field(doc="Number of edges to read.")
    offset: tmlcfg.PositiveInt | None = tmlcfg.field(default=None, doc="Edges to skip first; unset skips none.")


@tmlcfg.config
class TwhinConfig:
    """A whole TwHIN experiment."""

    runtime: RuntimeConfig = tmlcfg.field(factory=RuntimeConfig, doc="Process settings and wandb logging.")
    training: TrainingConfig = tmlcfg.field(factory=TrainingConfig, doc="The training loop.")
    model: TwhinModelConfig = tmlcfg.field(doc="The model.")
    train_data: TwhinDataConfig = tmlcfg.field(doc="Training edges.")
    validation_data: TwhinDataConfig = tmlcfg.field(doc="Validation edges.")
