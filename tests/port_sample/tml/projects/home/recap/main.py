"""Training entry point: reads an experiment file and starts a job."""

import json

from tml.core.config import load_config_from_yaml
from tml.projects.home.recap.config import RecapConfig


def run(config_path: str, steps: int = 0) -> str:
  config = load_config_from_yaml(RecapConfig, config_path)
  if steps:
    config.training.num_train_steps = steps
  config.model.stratifiers.append({"country": "us"})
  smaller = config.copy(update={"training": config.training.copy(update={"num_train_steps": 1})})
  print(config.json())
  for name, value in config.dict().items():
    print(name, value)
  again = RecapConfig.parse_obj(json.loads(smaller.json()))
  return again.pretty_print()
