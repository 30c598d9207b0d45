"""Base class for all config (forbids extra fields)."""

import collections
import functools
from pprint import pformat

import pydantic.v1 as pydantic


class BaseConfig(pydantic.BaseModel):
  """Base class for all derived config classes.

  This class provides some convenient functionality:
    - Disallows extra fields when constructing an object. User error
      should be reduced by exact arguments.
    - "one_of" fields. A subclass can group optional fields and enforce
      that only one of the fields be set. For example:

      ```
      class ExampleConfig(BaseConfig):
        x: int = Field(None, one_of="group_1")
        y: int = Field(None, one_of="group_1")

      ExampleConfig(x=1) # ok
      ExampleConfig(y=1) # ok
      ExampleConfig(x=1, y=1) # throws error
      ```
  """

  class Config:
    """Forbids extras."""

    extra = pydantic.Extra.forbid  # noqa

  @classmethod
  @functools.lru_cache()
  def _field_data_map(cls, field_data_name):
    """Create a map of fields with provided the field data."""
    schema = cls.schema()
    one_of = collections.defaultdict(list)
    for field, fdata in schema["properties"].items():
      if field_data_name in fdata:
        one_of[fdata[field_data_name]].append(field)
    return one_of

  @pydantic.root_validator
  def check_one_of(cls, values):
    """Validates that exactly one field of each one_of group is set."""
    one_of_map = cls._field_data_map("one_of")
    for one_of, field_names in one_of_map.items():
      if sum([values.get(n, None) is not None for n in field_names]) != 1:
        raise ValueError(f"Exactly one of {','.join(field_names)} required.")
    return values

  @pydantic.root_validator(skip_on_failure=True)
  def check_at_most_one_of(cls, values):
    """Validates that at most one field of each at_most_one_of group is set."""
    one_of_map = cls._field_data_map("at_most_one_of")
    for one_of, field_names in one_of_map.items():
      if sum([values.get(n, None) is not None for n in field_names]) > 1:
        raise ValueError(f"At most one of {','.join(field_names)} can be set.")
    return values

  def pretty_print(self) -> str:
    """Returns a human readable string representation of the config."""
    return pformat(self.dict())
