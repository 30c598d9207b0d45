"""Variant fields through Weights & Biases: the run config, restore, and sweeps over tags (real wandb, offline)."""

from __future__ import annotations

import pathlib

import pytest

import tmlcfg
from tmlcfg.wandb import WandbConfig, apply_sweep, init, restore, sweep_config

from .test_wandb import _finish, wandb_env  # noqa: F401  (the fixture: wandb confined, offline)


@tmlcfg.config
class AdamConfig:
    lr: float = 1e-3
    beta: float = 0.9


@tmlcfg.config
class SgdConfig:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class ApiConfig:
    token: str = tmlcfg.field(default="", secret=True)
    lr: float = 0.5


@tmlcfg.config
class Experiment:
    optimizer: AdamConfig | SgdConfig | ApiConfig = AdamConfig()
    stages: tuple[AdamConfig | SgdConfig, ...] = ()
    steps: int = 3


EXPERIMENT = Experiment(optimizer=SgdConfig(momentum=0.9), stages=(AdamConfig(), SgdConfig(lr=2.0)))


def test_the_run_config_holds_kind_and_restore_reads_it_back(wandb_env: pathlib.Path) -> None:  # noqa: F811
    """Logged with kind; restored from the run directory and from run.config to the chosen classes."""
    run = init(WandbConfig(), EXPERIMENT)
    logged = dict(run.config)
    run_dir = _finish(run)
    assert logged["optimizer"] == {"kind": "sgd", "lr": 0.1, "momentum": 0.9}
    assert [s["kind"] for s in logged["stages"]] == ["adam", "sgd"]
    assert restore(Experiment, run_dir) == EXPERIMENT
    back = restore(Experiment, logged)
    assert back == EXPERIMENT and type(back.optimizer) is SgdConfig


def test_a_secret_inside_a_variant_reaches_no_file(wandb_env: pathlib.Path) -> None:  # noqa: F811
    experiment = Experiment(optimizer=ApiConfig(token="tok-secret-42"))
    run = init(WandbConfig(), experiment)
    logged = dict(run.config)
    run_dir = _finish(run)
    assert logged["optimizer"] == {"kind": "api", "token": "***", "lr": 0.5}
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert b"tok-secret-42" not in path.read_bytes(), path
    assert restore(Experiment, logged) == Experiment(optimizer=ApiConfig())  # the secret takes its default


def test_a_sweep_over_tags_and_a_parameter_of_some_variants(
    wandb_env: pathlib.Path,  # noqa: F811
) -> None:
    """optimizer.kind switches each run; optimizer.momentum reaches the runs whose variant has it."""
    params = {"optimizer.kind": {"values": ["adam", "sgd"]}, "optimizer.momentum": {"values": [0.5]}}
    assert sweep_config(Experiment, params, method="grid")["parameters"] == params
    run = init(WandbConfig(), EXPERIMENT)
    # what an agent's run.config holds: the experiment as logged, and the sweep's values as dotted keys
    # (test_wandb.py hands a sweep over through WANDB_SWEEP_PARAM_PATH; wandb reads that once per process)
    run.config.update({"optimizer.kind": "adam", "optimizer.momentum": 0.5})
    logged = dict(run.config)
    _finish(run)
    assert (logged["optimizer.kind"], logged["optimizer.momentum"]) == ("adam", 0.5)
    swept = apply_sweep(EXPERIMENT, logged)
    assert type(swept.optimizer) is AdamConfig and swept.optimizer == AdamConfig()  # SGD's momentum 0.9 dropped
    # the agent's next run
    other = {**logged, "optimizer.kind": "sgd"}
    assert apply_sweep(EXPERIMENT, other).optimizer == SgdConfig(momentum=0.5)
    # without a kind in the sweep, the experiment's variant takes the value
    assert apply_sweep(EXPERIMENT, {"optimizer.momentum": 0.25}).optimizer == SgdConfig(momentum=0.25)
    # a value of the wrong type for the variant in use is still refused
    with pytest.raises(tmlcfg.ConfigError, match="optimizer.momentum: expected float"):
        apply_sweep(EXPERIMENT, {"optimizer.momentum": "x"})


def test_sweep_config_checks_tags_and_variant_fields() -> None:
    """Unknown tags, fields of no variant, fields of no swept variant, and values against the variants having them."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(
            Experiment,
            {
                "optimizer.kind": {"values": ["adam", "sdg", 3]},
                "optimizer.momentm": {"values": [0.1]},
                "optimizer.lr": {"values": ["fast"]},
                "stages": {"value": []},
            },
            method="grid",
        )
    assert [(p.path, p.message) for p in e.value.problems] == [
        ("optimizer.kind", "value 'sdg': unknown kind 'sdg'; did you mean 'sgd'?"),
        ("optimizer.kind", "value 3: expected a str naming the variant, one of 'adam', 'sgd', 'api'; got int 3"),
        ("optimizer.momentm", "optimizer.momentm is not a field of AdamConfig; expected one of lr, beta"),
        ("optimizer.lr", "value 'fast': expected float, got str 'fast'"),
    ]
    with pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(
            Experiment, {"optimizer.kind": {"value": "adam"}, "optimizer.momentum": {"value": 1.0}}, method="grid"
        )
    assert [(p.path, p.message) for p in e.value.problems] == [
        (
            "optimizer.momentum",
            "optimizer.momentum is a field of 'sgd' only, and this sweep's optimizer.kind is never one of them",
        )
    ]
    # a secret inside one variant: its sweep values are not shown
    with pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(Experiment, {"optimizer.token": {"values": [5]}}, method="grid")
    assert "5" not in str(e.value)


def test_sweep_config_refuses_malformed_kind_parameters() -> None:
    """A kind takes tags as value or values; no range, no empty list; a scalar field has nothing below it."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(
            Experiment,
            {"optimizer.kind": {"values": []}, "stages[0].kind": {"min": 1, "max": 2}, "steps.x": {"value": 1}},
            method="random",
        )
    assert [(p.path, p.message) for p in e.value.problems] == [
        ("optimizer.kind", "a kind takes value or values: the tags to try, such as values = ['adam', 'sgd']"),
        ("stages[0].kind", "stages[0] is not a field path of Experiment"),
        ("steps.x", "steps.x is not a field path of Experiment"),
    ]

    # through a plain nested config to a variant field, and a field below a variant that has none
    @tmlcfg.config
    class Outer:
        inner: Experiment = Experiment()

    assert sweep_config(Outer, {"inner.optimizer.kind": {"value": "sgd"}}, method="grid")
    with pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(Outer, {"inner.optimizer.lr.x": {"value": 1}}, method="grid")
    assert [p.message for p in e.value.problems] == [
        "inner.optimizer.lr is a field of type float, with no fields below it"
    ]
    with pytest.raises(tmlcfg.ConfigError, match="a kind takes value or values \\(tags\\), not a range"):
        sweep_config(Experiment, {"optimizer.kind": {"values": ["adam"], "min": 1}}, method="random")
    assert sweep_config(Experiment, {"optimizer.kind": {"value": "sgd"}}, method="grid")
