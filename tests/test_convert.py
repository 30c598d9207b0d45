"""Converting pydantic-era YAML experiment files to TOML."""

from __future__ import annotations

import json
import pathlib

import pytest

import tmlcfg
from examples.twhin.config import TwhinConfig
from tmlcfg._cli import main
from tmlcfg._yaml import yaml_to_toml

from .helpers import without_nulls

YAML = """\
training:
  save_dir: ${HOME}/runs/${USER}
  num_train_steps: 10
  initial_checkpoint_dir: null
model:
  translation_optimizer:
    sgd:
      lr: 0.05
    adam: null
  embeddings:
    tables:
      - name: user
        num_embeddings: 10
        embedding_dim: 4
        data_type: fp32
        optimizer: {sgd: {lr: 0.1}}
      - name: tweet
        num_embeddings: 10
        embedding_dim: 4
        data_type: fp32
        optimizer: {sgd: {lr: 0.1}}
  relations:
    - {name: fav, lhs: user, rhs: tweet, operator: translation}
train_data: &data
  data_root: "gs://bucket/edges/*"
  per_replica_batch_size: 5
  global_negatives: 0
  in_batch_negatives: 1
  limit: 10
validation_data:
  <<: *data
  offset: 3
runtime:
  wandb:
    metadata:
      "a.b": 1
      empty: null
"""


def test_yaml_converts_and_loads(tmp_path: pathlib.Path) -> None:
    """Nulls dropped, lists of tables, dotted keys and ${HOME} kept for load time."""
    source = tmp_path / "local.yaml"
    source.write_text(YAML)
    text = yaml_to_toml(source)
    assert 'save_dir = "${HOME}/runs/${USER}"' in text
    assert "null" not in text and "adam" not in text
    assert "[[model.embeddings.tables]]" in text
    assert '"a.b" = 1' in text
    converted = tmp_path / "local.toml"
    converted.write_text(text)
    config = tmlcfg.load(TwhinConfig, converted, env={"HOME": "/home/me", "USER": "me"})
    assert config.training.save_dir == "/home/me/runs/me"
    assert config.model.translation_optimizer.adam is None
    assert config.validation_data.offset == 3
    assert config.runtime.wandb is not None
    assert config.runtime.wandb.metadata == {"a.b": 1}


def test_convert_command_checks(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """convert --check validates the result; bad YAML is a report, not a traceback."""
    source = tmp_path / "local.yaml"
    source.write_text(YAML)
    assert main(["convert", str(source), "--check", "examples.twhin.config:TwhinConfig"]) == 0
    assert "[training]" in capsys.readouterr().out
    source.write_text(YAML.replace("limit: 10", "limit: -1"))
    assert main(["convert", str(source), "--check", "examples.twhin.config:TwhinConfig"]) == 1
    assert "train_data.limit: must be > 0, got -1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1, null]\n", "a: a list holds null"),
        ("1: x\n", "key 1 is not a string"),
        ("a: b: c\n", "YAML syntax error"),
        ("- 1\n", "the document is not a mapping"),
        ("a: !!binary aGk=\n", "bytes has no TOML form"),
    ],
)
def test_bad_yaml(tmp_path: pathlib.Path, text: str, message: str) -> None:
    """What TOML cannot hold is reported with its path."""
    source = tmp_path / "bad.yaml"
    source.write_text(text)
    with pytest.raises(tmlcfg.ConfigError, match=message):
        yaml_to_toml(source)


def test_missing_yaml_file(tmp_path: pathlib.Path) -> None:
    """A missing file is a ConfigError."""
    with pytest.raises(tmlcfg.ConfigError, match="file not found"):
        yaml_to_toml(tmp_path / "nope.yaml")


def test_reference_recap_file_converts_back_from_its_parse(tmp_path: pathlib.Path) -> None:
    """The Recap reference parse, written as YAML, converts to the reference TOML's values."""
    import tomllib

    import yaml

    data = pathlib.Path(__file__).parent / "data"
    parsed = json.loads((data / "tml_reference_parse.json").read_text())["recap"]
    source = tmp_path / "recap.yaml"
    source.write_text(yaml.safe_dump(parsed, sort_keys=False))
    converted = tomllib.loads(yaml_to_toml(source))
    reference = tomllib.loads((data / "recap_local_prod.toml").read_text())
    assert converted.keys() == reference.keys()
    assert converted == without_nulls(parsed)
