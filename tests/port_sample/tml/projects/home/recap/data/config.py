"""Configuration of the Recap datasets."""

import typing
from enum import Enum

import pydantic.v1 as pydantic

from tml.core.config import base_config


class ExplicitDateInputs(base_config.BaseConfig):
  """Arguments to select train/validation data using end_date and days of data."""

  data_root: str = pydantic.Field(..., description="Data path prefix.")
  end_date: str = pydantic.Field(..., description="Data end date, inclusive.")
  days: int = pydantic.Field(..., description="Number of days of data for dataset.")
  num_missing_days_tol: int = pydantic.Field(
    0, description="We tolerate <= num_missing_days_tol days of missing data."
  )


class ExplicitDatetimeInputs(base_config.BaseConfig):
  """Arguments to select train/validation data using end_datetime and hours of data."""

  data_root: str = pydantic.Field(..., description="Data path prefix.")
  end_datetime: str = pydantic.Field(..., description="Data end datetime, inclusive.")
  hours: int = pydantic.Field(..., description="Number of hours of data for dataset.")
  num_missing_hours_tol: int = pydantic.Field(
    0, description="We tolerate <= num_missing_hours_tol hours of missing data."
  )


class DdsCompressionOption(str, Enum):
  """The only valid compression option is 'AUTO'"""

  AUTO = "AUTO"


class DatasetConfig(base_config.BaseConfig):
  """Where the data is read from and how it is batched."""

  inputs: str = pydantic.Field(
    None, description="A glob for selecting data.", one_of="date_inputs_format"
  )
  explicit_datetime_inputs: ExplicitDatetimeInputs = pydantic.Field(
    None, one_of="date_inputs_format"
  )
  explicit_date_inputs: ExplicitDateInputs = pydantic.Field(None, one_of="date_inputs_format")

  global_batch_size: pydantic.PositiveInt

  num_files_to_keep: pydantic.PositiveInt = pydantic.Field(
    None, description="Number of shards to keep."
  )
  repeat_files: bool = pydantic.Field(
    True, description="DEPRECATED. Files are repeated no matter what this is set to."
  )
  file_batch_size: pydantic.PositiveInt = pydantic.Field(16, description="File batch size")

  cache: bool = pydantic.Field(
    False,
    description="Cache dataset in memory. Careful to only use this when"
    " dataset is small enough to fit in memory.",
  )

  # DDS related configuration
  dispatcher: str = pydantic.Field(None, at_most_one_of="dispatching")
  dispatcher_address: str = pydantic.Field(None, at_most_one_of="dispatching")
  dds_compression: typing.Optional[DdsCompressionOption] = pydantic.Field(
    "AUTO", description="Compression of the data service messages."
  )

  # Data shaping
  ignore_data_errors: bool = pydantic.Field(
    False, description="Whether to ignore tf.data errors."
  )
  file_shuffle_buffer: pydantic.NonNegativeInt = 64
  prefetch: pydantic.StrictInt = 2


class TaskData(base_config.BaseConfig):
  pos_downsampling_rate: float = pydantic.Field(
    1.0,
    description="Downsampling rate of positives used to generate dataset.",
  )
  neg_downsampling_rate: float = pydantic.Field(
    1.0,
    description="Downsampling rate of negatives used to generate dataset.",
  )


class SegDenseSchema(base_config.BaseConfig):
  schema_path: str = pydantic.Field(..., description="Path to feature config json.")
  features: typing.List[str] = pydantic.Field(
    [],
    description="List of features to keep. If empty, all features are kept.",
  )
  renamed_features: typing.Dict[str, str] = pydantic.Field(
    {}, description="Dictionary of renamed features."
  )
  mask_mantissa_features: typing.Dict[str, int] = pydantic.Field(
    {},
    description="(experimental) Number of mantissa bits to mask to simulate lower precision data.",
  )


class RecapDataConfig(DatasetConfig):
  """The Recap data: a dataset with labels and a schema."""

  seg_dense_schema: SegDenseSchema

  tasks: typing.Dict[str, TaskData] = pydantic.Field(
    description="Description of individual tasks in this dataset."
  )
  evaluation_tasks: typing.List[str] = pydantic.Field(
    [], description="If specified, lists the tasks we're generating metrics for."
  )
  preprocess_time_stamp: pydantic.constr(min_length=1, max_length=32) = "ts"
  label_names: typing.Set[str] = set()
  seed: typing.Union[int, None] = None

  @pydantic.root_validator(pre=True)
  def _map_legacy_inputs(cls, values):
    """The data root used to be called `input`."""
    if "input" in values:
      values["inputs"] = values.pop("input")
    return values

  @pydantic.root_validator()
  def _validate_evaluation_tasks(cls, values):
    if values.get("evaluation_tasks") is not None:
      for task in values["evaluation_tasks"]:
        if task not in values["tasks"]:
          raise ValueError(f"Evaluation task {task} must be in tasks")
    return values

  @pydantic.validator("file_batch_size", always=True)
  def _check_file_batch(cls, v, values):
    assert v <= values["global_batch_size"], "file_batch_size must not exceed global_batch_size"
    return v
