"""The Recap experiment: model, data, training and the job around it."""

import typing

import pydantic.v1 as pydantic

from tml.common.modules.embedding.config import LargeEmbeddingsConfig  # noqa: F401
from tml.core.config import base_config
from tml.core.config.training import RuntimeConfig, TrainingConfig as BaseTrainingConfig
from tml.optimizers.config import OptimizerConfig
from tml.projects.home.recap.data import config as data_config
from tml.projects.home.recap.model import config as model_config


class TrainingConfig(BaseTrainingConfig):
  """Recap's training adds evaluation and time limits."""

  max_train_time_in_s: pydantic.PositiveFloat = pydantic.Field(
    24 * 60 * 60, description="Wall-clock limit."
  )
  warmup_steps: pydantic.conint(ge=0) = 0
  eval_steps: typing.Dict[str, pydantic.PositiveInt] = pydantic.Field(default_factory=dict)


class RecapConfig(base_config.BaseConfig):
  """Top-level config of a Recap training job."""

  training: TrainingConfig = pydantic.Field(TrainingConfig())
  runtime: RuntimeConfig = RuntimeConfig()
  model: model_config.ModelConfig
  train_data: data_config.RecapDataConfig
  validation_data: typing.Dict[str, data_config.RecapDataConfig]
  optimizer: OptimizerConfig
  which_metrics: pydantic.conlist(str, min_items=1) = ["auc"]
  metric_weights: typing.Dict = {}
  owners: typing.List[pydantic.StrictStr] = pydantic.Field(default_factory=lambda: ["recap"])
  label_smoothing: typing.Optional[float] = pydantic.Field(None, ge=0, lt=1)
  calibration_bins: typing.List[typing.List[int]] = [[0, 10], [10, 100]]
  scale: typing.Union[int, str] = 1
  dry_run: pydantic.StrictBool = False

  @pydantic.validator("validation_data")
  def _has_validation(cls, v):
    if not v:
      raise ValueError("name at least one validation dataset")
    return v

  @pydantic.validator("which_metrics", each_item=True)
  def _known_metric(cls, v):
    if v not in ("auc", "prauc", "ndcg"):
      raise ValueError(f"unknown metric {v}")
    return v
