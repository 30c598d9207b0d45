"""Configuration for the main Recap model."""

import enum
import typing

import pydantic.v1 as pydantic

import tml.core.config as base_config
from tml.common.modules.embedding import config as embedding_config


class DropoutConfig(base_config.BaseConfig):
  """Configuration for the dropout layer."""

  rate: pydantic.PositiveFloat = pydantic.Field(
    0.1, description="Fraction of inputs to be dropped."
  )


class LayerNormConfig(base_config.BaseConfig):
  """Configruation for the layer normalization."""

  epsilon: float = pydantic.Field(
    1e-3, description="Small float added to variance to avoid dividing by zero."
  )
  axis: int = pydantic.Field(-1, description="Axis that should be normalized (typically the features axis).")
  center: bool = pydantic.Field(True, description="Whether to add learnable center.")
  scale: bool = pydantic.Field(True, description="Whether to add learnable scale.")


class BatchNormConfig(base_config.BaseConfig):
  """Configuration of the batch normalization layer."""

  epsilon: pydantic.PositiveFloat = 1e-5
  momentum: pydantic.NonNegativeFloat = 1
  training_mode_at_inference_time: bool = False
  use_renorm: bool = False
  center: bool = pydantic.Field(True, description="Whether to add learnable center.")
  scale: bool = pydantic.Field(True, description="Whether to add learnable scale.")


class DenseLayerConfig(base_config.BaseConfig):
  layer_size: pydantic.PositiveInt
  dropout: DropoutConfig = pydantic.Field(None, description="Optional dropout config for layer.")


class MlpConfig(base_config.BaseConfig):
  """Configuration for MLP model."""

  layer_sizes: typing.List[pydantic.PositiveInt] = None
  batch_norm: BatchNormConfig = None
  dropout: DropoutConfig = None
  final_layer_activation: bool = True


class BatchNormConfig2(BatchNormConfig):
  """A batch norm that may renormalize, with its own bounds."""

  renorm_clipping: pydantic.confloat(ge=0.0, lt=10.0) = 3


class FeaturizationConfig(base_config.BaseConfig):
  """Configuration for featurization."""

  log_transform: "DoubleNormLog" = pydantic.Field(None, one_of="featurization")
  clip_log_transform: "ClipLog" = pydantic.Field(None, one_of="featurization")
  feature_names_to_concat: typing.List[str] = pydantic.Field(
    [], description="Feature names to concatenate as raw values with the outputs of featurization."
  )


class DoubleNormLog(base_config.BaseConfig):
  batch_norm_config: BatchNormConfig = pydantic.Field(None)
  layer_norm_config: LayerNormConfig = pydantic.Field(None)


class ClipLog(base_config.BaseConfig):
  clip_magnitude: float = pydantic.Field(
    3.0e38, description="Threshold to clip values before log transform."
  )


FeaturizationConfig.update_forward_refs()


class DcnConfig(base_config.BaseConfig):
  """Config for DCN model."""

  poly_degree: pydantic.PositiveInt
  projection_dim: pydantic.PositiveInt = pydantic.Field(
    None, description="Factorizes main DCN matmul with this projection."
  )
  parallel_mlp: MlpConfig = pydantic.Field(None, description="Config for the mlp if used.")
  use_parallel: bool = pydantic.Field(True, description="Whether to use parallel DCN.")

  output_mlp: MlpConfig = pydantic.Field(None, description="Config for the mlp if used.")


class MaskBlockConfig(base_config.BaseConfig):
  output_size: int
  reduction_factor: float = pydantic.Field(
    None, one_of="aggregation_size", description="Output size of the aggregation layer."
  )
  aggregation_size: pydantic.PositiveInt = pydantic.Field(
    None, one_of="aggregation_size", description="Specify the aggregation size directly."
  )
  input_layer_norm: bool


class MaskNetConfig(base_config.BaseConfig):
  mask_blocks: typing.List[MaskBlockConfig]
  mlp: MlpConfig = pydantic.Field(None, description="MLP Configuration for parallel")
  use_parallel: bool = pydantic.Field(False, description="whether to use parallel MaskNet")


class PositionDebiasConfig(base_config.BaseConfig):
  """Configuration for Position Debias."""

  max_position: int = pydantic.Field(256, description="Bucket all later positions.")
  num_dims: pydantic.PositiveInt = pydantic.Field(
    64, description="Number of dimensions in embedding."
  )
  drop_probability: float = pydantic.Field(0.5, description="Probability of dropping position.")

  # Currently it should be 51 based on dataset being tested at the time of writing this model
  # However, no default provided here to make sure user of the model is aware of its importance.
  position_feature_index: int = pydantic.Field(
    description="The index of the position feature in the discrete features"
  )


class AffineMap(base_config.BaseConfig):
  """An affine map that scales the logits into the appropriate range."""

  scale: float = pydantic.Field(1.0)
  bias: float = pydantic.Field(0.0)


class TaskModel(base_config.BaseConfig):
  mlp_config: MlpConfig = pydantic.Field(None, one_of="architecture")
  dcn_config: DcnConfig = pydantic.Field(None, one_of="architecture")
  mask_net_config: MaskNetConfig = pydantic.Field(None, one_of="architecture")

  affine_map: AffineMap = pydantic.Field(
    None,
    description="Affine map applied to logits so we can represent a broader range of probabilities.",
  )


class MultiTaskType(str, enum.Enum):
  SHARE_NONE = "share_none"  # Tasks are separate.
  SHARE_ALL = "share_all"  # Tasks share same backbone.
  SHARE_PARTIAL = "share_partial"  # Tasks share some backbone, but have their own portions.


class ModelConfig(base_config.BaseConfig):
  """Specify model architecture."""

  tasks: typing.Dict[str, TaskModel] = pydantic.Field(
    description="Specification of architecture per task."
  )

  large_embeddings: embedding_config.LargeEmbeddingsConfig = pydantic.Field(None)
  small_embeddings: embedding_config.SmallEmbeddingsConfig = pydantic.Field(None)
  position_debias_config: PositionDebiasConfig = pydantic.Field(
    default=None, description="position debias model configuration"
  )

  featurization_config: FeaturizationConfig = pydantic.Field(None)

  multi_task_type: MultiTaskType = pydantic.Field(
    MultiTaskType.SHARE_NONE, description="Multi task architecture"
  )

  backbone: TaskModel = pydantic.Field(None, description="Type of architecture for the backbone.")
  stratifiers: typing.List[typing.Dict] = pydantic.Field(
    default=None, description="Discrete features and values to stratify metrics by."
  )

  @pydantic.root_validator()
  def _validate_mtl(cls, values):
    if values.get("multi_task_type", None) is None:
      return values
    elif values["multi_task_type"] in [MultiTaskType.SHARE_ALL, MultiTaskType.SHARE_PARTIAL]:
      if values.get("backbone", None) is None:
        raise ValueError("Require `backbone` for SHARE_ALL and SHARE_PARTIAL.")
    elif values["multi_task_type"] in [
      MultiTaskType.SHARE_NONE,
    ]:
      if values.get("backbone", None) is not None:
        raise ValueError("Can not have backbone if the share type is SHARE_NONE")
    return values
