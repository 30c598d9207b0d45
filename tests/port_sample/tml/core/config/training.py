"""Shared training and runtime configs."""

import typing

import tml.core.config as base_config

import pydantic.v1 as pydantic


class WandbConfig(base_config.BaseConfig):
  """Where a run is logged."""

  host: str = pydantic.Field(
    "https://api.wandb.ai",
    description="URL of the wandb server.",
  )
  key_path: str = pydantic.Field(None, description="Path to the file holding the API key.")
  name: str = None
  entity: str = pydantic.Field("twitter", description="Team the run belongs to.")
  project: str = None
  tags: typing.List[str] = []
  notes: typing.Optional[str] = None
  metadata: typing.Dict[str, typing.Any] = pydantic.Field(None, description="Extra key/values logged with the run.")


class RuntimeConfig(base_config.BaseConfig):
  """How the job runs."""

  wandb: WandbConfig = pydantic.Field(None)
  enable_tensorfloat32: bool = pydantic.Field(
    False, description="Use tensorfloat32 if on Ampere devices."
  )
  enable_amp: bool = pydantic.Field(False, description="Enable automatic mixed precision.")


class TrainingConfig(base_config.BaseConfig):
  """How long to train and where to write checkpoints."""

  save_dir: str = pydantic.Field("/tmp/model", description="Directory to save checkpoints.")
  num_train_steps: pydantic.PositiveInt = 10000
  initial_checkpoint_dir: str = pydantic.Field(
    None, description="Directory of initial checkpoints", at_most_one_of="initialization"
  )
  checkpoint_every_n: pydantic.PositiveInt = 1000
  checkpoint_max_to_keep: pydantic.PositiveInt = pydantic.Field(
    None, description="Maximum number of checkpoints to keep. Defaults to keeping all."
  )
  train_log_every_n: pydantic.PositiveInt = 1000
  num_eval_steps: int = pydantic.Field(
    16384, description="Number of evaluation steps. If < 0 the entire dataset will be used."
  )
  eval_log_every_n: pydantic.PositiveInt = 5000

  eval_timeout_in_s: pydantic.PositiveFloat = 60 * 60

  gradient_accumulation: int = pydantic.Field(
    None, description="Number of replica steps to accumulate gradients."
  )
  num_epochs: pydantic.PositiveInt = 1
