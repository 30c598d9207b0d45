"""The TwHIN schema in pydantic v2: the same fields, bounds, groups and checks as tmlcfg's."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .checks import check_tables


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_of(model: Any, names: tuple[str, ...], default: str | None = None) -> Any:
    chosen = [n for n in names if getattr(model, n) is not None]
    if len(chosen) > 1 or (not chosen and default is None):
        raise ValueError(f"exactly one of {', '.join(names)} must be set; got {', '.join(chosen) or 'none'}")
    return model


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
    num_train_steps: Annotated[int, Field(gt=0)] = 10_000
    initial_checkpoint_dir: str | None = None
    checkpoint_every_n: Annotated[int, Field(gt=0)] = 1000
    checkpoint_max_to_keep: Annotated[int, Field(gt=0)] | None = None
    train_log_every_n: Annotated[int, Field(gt=0)] = 1000
    num_eval_steps: int = 16_384
    eval_log_every_n: Annotated[int, Field(gt=0)] = 5000
    eval_timeout_in_s: Annotated[float, Field(gt=0)] = 3600.0
    gradient_accumulation: Annotated[int, Field(gt=0)] | None = None
    num_epochs: Annotated[int, Field(gt=0)] = 1


class LinearRampToConstant(Base):
    learning_rate: float = 1e-3
    num_ramp_steps: Annotated[int, Field(gt=0)] = 1000


class LinearRampToCosine(Base):
    learning_rate: float = 1e-3
    final_learning_rate: float = 0.0
    num_ramp_steps: Annotated[int, Field(gt=0)] = 1000
    final_num_steps: Annotated[int, Field(gt=0)] = 10_000


class PiecewiseConstant(Base):
    learning_rate_boundaries: tuple[int, ...] = ()
    learning_rate_values: tuple[float, ...] = (1e-3,)


class LearningRate(Base):
    constant: float | None = None
    linear_ramp_to_cosine: LinearRampToCosine | None = None
    linear_ramp_to_constant: LinearRampToConstant | None = None
    piecewise_constant: PiecewiseConstant | None = None

    @model_validator(mode="after")
    def _lr(self) -> Any:
        return _one_of(
            self, ("constant", "linear_ramp_to_cosine", "linear_ramp_to_constant", "piecewise_constant"), "constant"
        )


class AdamConfig(Base):
    lr: Annotated[float, Field(gt=0)] = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: Annotated[float, Field(ge=0)] = 1e-7


class SgdConfig(Base):
    lr: Annotated[float, Field(gt=0)] = 1e-3
    momentum: Annotated[float, Field(ge=0)] = 0.0


class AdagradConfig(Base):
    lr: Annotated[float, Field(gt=0)] = 1e-2
    eps: Annotated[float, Field(ge=0)] = 0.0


class OptimizerConfig(Base):
    learning_rate: LearningRate | None = None
    adam: AdamConfig | None = None
    sgd: SgdConfig | None = None
    adagrad: AdagradConfig | None = None

    @model_validator(mode="after")
    def _optimizer(self) -> Any:
        return _one_of(self, ("adam", "sgd", "adagrad"), "adam")


class DataType(str, enum.Enum):
    FP32 = "fp32"
    FP16 = "fp16"


class EmbeddingSnapshot(Base):
    emb_name: str = "embedding"
    embedding_snapshot_uri: str = "snapshots/embedding"


class EmbeddingBagConfig(Base):
    name: str = "embedding"
    num_embeddings: Annotated[int, Field(gt=0)] = 1024
    embedding_dim: Annotated[int, Field(gt=0)] = 64
    optimizer: OptimizerConfig = OptimizerConfig()
    data_type: DataType = DataType.FP32
    vocab: str | None = None
    pretrained: EmbeddingSnapshot | None = None


class TwhinEmbeddingsConfig(Base):
    tables: Annotated[tuple[EmbeddingBagConfig, ...], Field(min_length=1)]
    tables_to_log: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _shared(self) -> Any:
        check_tables(self.tables, self.tables_to_log)
        return self


class Operator(str, enum.Enum):
    TRANSLATION = "translation"


class Relation(Base):
    name: str
    lhs: str
    rhs: str
    operator: Operator = Operator.TRANSLATION


class TwhinModelConfig(Base):
    embeddings: TwhinEmbeddingsConfig
    relations: Annotated[tuple[Relation, ...], Field(min_length=1)]
    translation_optimizer: OptimizerConfig = OptimizerConfig()

    @model_validator(mode="after")
    def _tables(self) -> Any:
        tables = {t.name for t in self.embeddings.tables}
        for r in self.relations:
            if r.lhs not in tables or r.rhs not in tables:
                raise ValueError(f"relation {r.name} names a missing table")
        return self


class TwhinDataConfig(Base):
    data_root: str
    per_replica_batch_size: Annotated[int, Field(gt=0)]
    global_negatives: int
    in_batch_negatives: int
    limit: Annotated[int, Field(gt=0)]
    offset: Annotated[int, Field(gt=0)] | None = None


class TwhinConfig(Base):
    runtime: RuntimeConfig = RuntimeConfig()
    training: TrainingConfig = TrainingConfig()
    model: TwhinModelConfig
    train_data: TwhinDataConfig
    validation_data: TwhinDataConfig
