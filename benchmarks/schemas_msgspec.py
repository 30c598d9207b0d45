"""The TwHIN schema as msgspec Structs: frozen, unknown fields forbidden, the same checks."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from .checks import check_tables

Pos = Annotated[int, Meta(gt=0)]
PosF = Annotated[float, Meta(gt=0)]
NonNegF = Annotated[float, Meta(ge=0)]


class Base(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


def _one_of(model: Any, names: tuple[str, ...]) -> None:
    if sum(getattr(model, n) is not None for n in names) > 1:
        raise ValueError(f"at most one of {', '.join(names)} may be set")


class WandbConfig(Base):
    host: str | None = None
    key_path: str | None = None
    name: str | None = None
    entity: str | None = None
    project: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    metadata: dict[str, Any] | None = None


class RuntimeConfig(Base):
    wandb: WandbConfig | None = None
    enable_tensorfloat32: bool = False
    enable_amp: bool = False


class TrainingConfig(Base):
    save_dir: str = "/tmp/model"
    num_train_steps: Pos = 10_000
    initial_checkpoint_dir: str | None = None
    checkpoint_every_n: Pos = 1000
    checkpoint_max_to_keep: Pos | None = None
    train_log_every_n: Pos = 1000
    num_eval_steps: int = 16_384
    eval_log_every_n: Pos = 5000
    eval_timeout_in_s: PosF = 3600.0
    gradient_accumulation: Pos | None = None
    num_epochs: Pos = 1


class LinearRampToConstant(Base):
    learning_rate: float = 1e-3
    num_ramp_steps: Pos = 1000


class LinearRampToCosine(Base):
    learning_rate: float = 1e-3
    final_learning_rate: float = 0.0
    num_ramp_steps: Pos = 1000
    final_num_steps: Pos = 10_000


class PiecewiseConstant(Base):
    learning_rate_boundaries: tuple[int, ...] = ()
    learning_rate_values: tuple[float, ...] = (1e-3,)


class LearningRate(Base):
    constant: float | None = None
    linear_ramp_to_cosine: LinearRampToCosine | None = None
    linear_ramp_to_constant: LinearRampToConstant | None = None
    piecewise_constant: PiecewiseConstant | None = None

    def __post_init__(self) -> None:
        _one_of(self, ("constant", "linear_ramp_to_cosine", "linear_ramp_to_constant", "piecewise_constant"))


class AdamConfig(Base):
    lr: PosF = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: NonNegF = 1e-7


class SgdConfig(Base):
    lr: PosF = 1e-3
    momentum: NonNegF = 0.0


class AdagradConfig(Base):
    lr: PosF = 1e-2
    eps: NonNegF = 0.0


class OptimizerConfig(Base):
    learning_rate: LearningRate | None = None
    adam: AdamConfig | None = None
    sgd: SgdConfig | None = None
    adagrad: AdagradConfig | None = None

    def __post_init__(self) -> None:
        _one_of(self, ("adam", "sgd", "adagrad"))


class DataType(str, enum.Enum):
    FP32 = "fp32"
    FP16 = "fp16"


class EmbeddingSnapshot(Base):
    emb_name: str = "embedding"
    embedding_snapshot_uri: str = "snapshots/embedding"


class EmbeddingBagConfig(Base):
    name: str = "embedding"
    num_embeddings: Pos = 1024
    embedding_dim: Pos = 64
    optimizer: OptimizerConfig = OptimizerConfig()
    data_type: DataType = DataType.FP32
    vocab: str | None = None
    pretrained: EmbeddingSnapshot | None = None


class TwhinEmbeddingsConfig(Base):
    tables: Annotated[tuple[EmbeddingBagConfig, ...], Meta(min_length=1)]
    tables_to_log: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_tables(self.tables, self.tables_to_log)


class Operator(str, enum.Enum):
    TRANSLATION = "translation"


class Relation(Base):
    name: str
    lhs: str
    rhs: str
    operator: Operator = Operator.TRANSLATION


class TwhinModelConfig(Base):
    embeddings: TwhinEmbeddingsConfig
    relations: Annotated[tuple[Relation, ...], Meta(min_length=1)]
    translation_optimizer: OptimizerConfig = OptimizerConfig()

    def __post_init__(self) -> None:
        tables = {t.name for t in self.embeddings.tables}
        for r in self.relations:
            if r.lhs not in tables or r.rhs not in tables:
                raise ValueError(f"relation {r.name} names a missing table")


class TwhinDataConfig(Base):
    data_root: str
    per_replica_batch_size: Pos
    global_negatives: int
    in_batch_negatives: int
    limit: Pos
    offset: Pos | None = None


class TwhinConfig(Base):
    model: TwhinModelConfig
    train_data: TwhinDataConfig
    validation_data: TwhinDataConfig
    runtime: RuntimeConfig = RuntimeConfig()
    training: TrainingConfig = TrainingConfig()


def convert(data: dict[str, Any]) -> TwhinConfig:
    return msgspec.convert(data, TwhinConfig)
