"""The TwHIN schema as plain attrs classes structured by a stock cattrs converter.

The baseline tmlcfg builds on: frozen attrs classes, validators for bounds,
``forbid_extra_keys``; no strictness beyond what cattrs does by itself.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
from attrs import validators as v
from cattrs.preconf.tomllib import make_converter

from .checks import check_tables

converter = make_converter(forbid_extra_keys=True)
positive = v.gt(0)


@attrs.frozen
class WandbConfig:
    host: str | None = None
    key_path: str | None = None
    name: str | None = None
    entity: str | None = None
    project: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    metadata: dict[str, Any] | None = None


@attrs.frozen
class RuntimeConfig:
    wandb: WandbConfig | None = None
    enable_tensorfloat32: bool = False
    enable_amp: bool = False


@attrs.frozen
class TrainingConfig:
    save_dir: str = "/tmp/model"
    num_train_steps: int = attrs.field(default=10_000, validator=positive)
    initial_checkpoint_dir: str | None = None
    checkpoint_every_n: int = attrs.field(default=1000, validator=positive)
    checkpoint_max_to_keep: int | None = None
    train_log_every_n: int = attrs.field(default=1000, validator=positive)
    num_eval_steps: int = 16_384
    eval_log_every_n: int = attrs.field(default=5000, validator=positive)
    eval_timeout_in_s: float = attrs.field(default=3600.0, validator=positive)
    gradient_accumulation: int | None = None
    num_epochs: int = attrs.field(default=1, validator=positive)


@attrs.frozen
class LinearRampToConstant:
    learning_rate: float = 1e-3
    num_ramp_steps: int = attrs.field(default=1000, validator=positive)


@attrs.frozen
class LinearRampToCosine:
    learning_rate: float = 1e-3
    final_learning_rate: float = 0.0
    num_ramp_steps: int = attrs.field(default=1000, validator=positive)
    final_num_steps: int = attrs.field(default=10_000, validator=positive)


@attrs.frozen
class PiecewiseConstant:
    learning_rate_boundaries: tuple[int, ...] = ()
    learning_rate_values: tuple[float, ...] = (1e-3,)


@attrs.frozen
class LearningRate:
    constant: float | None = None
    linear_ramp_to_cosine: LinearRampToCosine | None = None
    linear_ramp_to_constant: LinearRampToConstant | None = None
    piecewise_constant: PiecewiseConstant | None = None


@attrs.frozen
class AdamConfig:
    lr: float = attrs.field(default=1e-3, validator=positive)
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-7


@attrs.frozen
class SgdConfig:
    lr: float = attrs.field(default=1e-3, validator=positive)
    momentum: float = 0.0


@attrs.frozen
class AdagradConfig:
    lr: float = attrs.field(default=1e-2, validator=positive)
    eps: float = 0.0


@attrs.frozen
class OptimizerConfig:
    learning_rate: LearningRate | None = None
    adam: AdamConfig | None = None
    sgd: SgdConfig | None = None
    adagrad: AdagradConfig | None = None

    def __attrs_post_init__(self) -> None:
        if sum(x is not None for x in (self.adam, self.sgd, self.adagrad)) > 1:
            raise ValueError("at most one of adam, sgd, adagrad")


class DataType(str, enum.Enum):
    FP32 = "fp32"
    FP16 = "fp16"


@attrs.frozen
class EmbeddingSnapshot:
    emb_name: str = "embedding"
    embedding_snapshot_uri: str = "snapshots/embedding"


@attrs.frozen
class EmbeddingBagConfig:
    name: str = "embedding"
    num_embeddings: int = attrs.field(default=1024, validator=positive)
    embedding_dim: int = attrs.field(default=64, validator=positive)
    optimizer: OptimizerConfig = OptimizerConfig()
    data_type: DataType = DataType.FP32
    vocab: str | None = None
    pretrained: EmbeddingSnapshot | None = None


@attrs.frozen
class TwhinEmbeddingsConfig:
    tables: tuple[EmbeddingBagConfig, ...]
    tables_to_log: tuple[str, ...] | None = None

    def __attrs_post_init__(self) -> None:
        check_tables(self.tables, self.tables_to_log)


class Operator(str, enum.Enum):
    TRANSLATION = "translation"


@attrs.frozen
class Relation:
    name: str
    lhs: str
    rhs: str
    operator: Operator = Operator.TRANSLATION


@attrs.frozen
class TwhinModelConfig:
    embeddings: TwhinEmbeddingsConfig
    relations: tuple[Relation, ...]
    translation_optimizer: OptimizerConfig = OptimizerConfig()

    def __attrs_post_init__(self) -> None:
        tables = {t.name for t in self.embeddings.tables}
        for r in self.relations:
            if r.lhs not in tables or r.rhs not in tables:
                raise ValueError(f"relation {r.name} names a missing table")


@attrs.frozen
class TwhinDataConfig:
    data_root: str
    per_replica_batch_size: int = attrs.field(validator=positive)
    global_negatives: int = 0
    in_batch_negatives: int = 0
    limit: int = attrs.field(default=1, validator=positive)
    offset: int | None = None


@attrs.frozen
class TwhinConfig:
    model: TwhinModelConfig
    train_data: TwhinDataConfig
    validation_data: TwhinDataConfig
    runtime: RuntimeConfig = RuntimeConfig()
    training: TrainingConfig = TrainingConfig()


def structure(data: dict[str, Any]) -> TwhinConfig:
    return converter.structure(data, TwhinConfig)
