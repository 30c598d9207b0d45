"""Misusing the API: a wrong kind of argument is a clear TypeError (or ConfigError) naming the argument."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

import tmlcfg
from tmlcfg.training import TrainingConfig
from tmlcfg.wandb import sweep_config

TEXT = 'save_dir = "${RUN_DIR}"\n'


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RUN_DIR": 5}, "env must map str to str; env['RUN_DIR'] is int"),
        ({"RUN_DIR": None}, "env must map str to str; env['RUN_DIR'] is NoneType"),
        ({"RUN_DIR": b"/data"}, "env must map str to str; env['RUN_DIR'] is bytes"),
        ({5: "x"}, "env must map str to str; env[5] is str"),
        (["RUN_DIR=/data"], "env must be a mapping of variable names to str values, such as os.environ; got list"),
        ("RUN_DIR=/data", "env must be a mapping of variable names to str values, such as os.environ; got str"),
    ],
)
def test_env_of_the_wrong_kind(tmp_path: pathlib.Path, env: Any, message: str) -> None:
    """loads and load refuse an env that is not str to str, whether or not the text uses it."""
    path = tmp_path / "c.toml"
    path.write_text(TEXT)
    for call in (
        lambda: tmlcfg.loads(TrainingConfig, TEXT, env=env),
        lambda: tmlcfg.loads(TrainingConfig, "", env=env),
        lambda: tmlcfg.load(TrainingConfig, path, env=env),
    ):
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == message


def test_env_values_are_not_shown() -> None:
    """The message names the variable and the value's type, never the value (it may be a secret)."""
    with pytest.raises(TypeError) as info:
        tmlcfg.loads(TrainingConfig, TEXT, env={"API_TOKEN": 123456789})
    assert "123456789" not in str(info.value)


def test_good_envs_still_work() -> None:
    """A plain dict, os.environ and None are all fine."""
    import os

    assert tmlcfg.loads(TrainingConfig, TEXT, env={"RUN_DIR": "/d"}).save_dir == "/d"
    assert tmlcfg.loads(TrainingConfig, TEXT, env=None).save_dir == "${RUN_DIR}"
    assert tmlcfg.loads(TrainingConfig, "", env=os.environ) == TrainingConfig()


@pytest.mark.parametrize("text", [b'save_dir = "x"\n', None, 5, pathlib.Path("c.toml")])
def test_loads_of_something_not_text(text: Any) -> None:
    """loads takes TOML text; bytes, None or a path is a TypeError saying so."""
    with pytest.raises(TypeError) as info:
        tmlcfg.loads(TrainingConfig, text)
    assert str(info.value) == (f"text must be str (TOML text); got {type(text).__name__}; to read a file, use load")


PARAMETERS = {"num_epochs": {"values": [1, 2]}}


@pytest.mark.parametrize("parameters", [None, [("num_epochs", {"values": [1]})], "num_epochs"])
def test_sweep_parameters_of_the_wrong_kind(parameters: Any) -> None:
    """sweep_config's parameters must be a mapping; anything else is a TypeError naming it."""
    with pytest.raises(TypeError, match=r"^sweep_config: parameters must be a mapping of field paths"):
        sweep_config(TrainingConfig, parameters, method="grid")


def test_sweep_of_no_class() -> None:
    """sweep_config(None, ...) says None is not a config class."""
    with pytest.raises(tmlcfg.DefinitionError, match="None is not a tmlcfg config"):
        sweep_config(None, PARAMETERS, method="grid")  # type: ignore[arg-type]


@pytest.mark.parametrize("metric", ["loss", 5, ["loss"]])
def test_sweep_metric_of_the_wrong_kind(metric: Any) -> None:
    """metric is a mapping such as {'name': 'loss'}; a bare name or anything else is a TypeError naming it."""
    with pytest.raises(TypeError, match=r"^sweep_config: metric must be a mapping such as"):
        sweep_config(TrainingConfig, PARAMETERS, method="bayes", metric=metric)


@pytest.mark.parametrize("name", [5, None, ["loss"]])
def test_sweep_metric_name_not_a_str(name: Any) -> None:
    """A metric name that is not a str is a problem at metric.name."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        sweep_config(TrainingConfig, PARAMETERS, method="random", metric={"name": name})
    (problem,) = info.value.problems
    assert problem.path == "metric.name"
    assert problem.message.startswith("must be the logged metric's name, a str; got ")
