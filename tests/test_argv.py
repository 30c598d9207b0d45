"""from_argv: a training script's command line."""

from __future__ import annotations

import pathlib

import pytest

import tmlcfg
from tmlcfg.optimizers import OptimizerConfig, SgdConfig
from tmlcfg.training import TrainingConfig


def test_configs_then_overrides(tmp_path: pathlib.Path) -> None:
    """--config files apply in order, then path=value overrides."""
    base, exp = tmp_path / "base.toml", tmp_path / "exp.toml"
    base.write_text("[sgd]\nlr = 0.5\n")
    exp.write_text("[sgd]\nmomentum = 0.9\n")
    config = tmlcfg.from_argv(OptimizerConfig, ["--config", str(base), "--config", str(exp), "sgd.lr=0.1"])
    assert config == OptimizerConfig(sgd=SgdConfig(lr=0.1, momentum=0.9))


def test_bad_input_prints_the_report_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value exits with 2 and the report, no traceback."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(TrainingConfig, ["num_train_steps=0", "nmu_epochs=2"])
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "2 problems in override (TrainingConfig):\n"
        "  override: nmu_epochs: unknown key; did you mean 'num_epochs'?\n"
        "  override: num_train_steps: must be > 0, got 0\n"
    )


def test_help_lists_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists each field path with its type, default and doc."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(OptimizerConfig, ["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "sgd.momentum" in out
    assert "float, >= 0 = 0.0" in out
    assert "Momentum factor; 0 is plain SGD." in out
    assert "adam.lr" in out


def test_print_config_with_origins(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--print-config prints the resolved TOML and exits; --origins adds where values came from."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(TrainingConfig, ["--print-config", "num_epochs=3"])
    assert info.value.code == 0
    assert "num_epochs = 3\n" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(TrainingConfig, ["--print-config", "--origins", "num_epochs=3"])
    out = capsys.readouterr().out
    assert "num_epochs = 3  # override" in out
    assert 'save_dir = "/tmp/model"  # default' in out
