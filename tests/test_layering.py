"""Layered files, overrides and origins."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base.keypaths import PathTuple, format_path
from tmlcfg._load.layers import load_layers, origins
from tmlcfg._toml.write import _inline
from tmlcfg.optimizers import AdamConfig, OptimizerConfig, SgdConfig

from .strategies import Generated, config_classes


def _leaves(data: dict[str, Any], below: dict[str, Any] | None, path: PathTuple = ()) -> list[tuple[PathTuple, Any]]:
    """Paths whose values a layer sets: scalars and arrays whole; tables key by key."""
    out = []
    for key, value in data.items():
        here = (*path, key)
        under = below.get(key) if isinstance(below, dict) else None
        if isinstance(value, dict) and isinstance(under, dict):
            out += _leaves(value, under, here)  # tables merge key by key (an empty one changes nothing)
        else:
            out.append((here, value))
    return out


two_instances = config_classes().flatmap(lambda g: st.tuples(st.just(g), g.instances, g.instances))


@given(two_instances)
def test_later_file_applies_over_earlier(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Generated, Any, Any]
) -> None:
    """load(C, a, b) is a with each of b's values applied over it, as replace would."""
    generated, first, second = case
    folder = tmp_path_factory.mktemp("layers")
    a, b = folder / "a.toml", folder / "b.toml"
    tmlcfg.dump(first, a)
    tmlcfg.dump(second, b)
    expected = tmlcfg.replace(
        first, {format_path(p): v for p, v in _leaves(tmlcfg.to_dict(second), tmlcfg.to_dict(first))}
    )
    assert tmlcfg.load(generated.cls, a, b, env=None) == expected


@given(two_instances)
def test_overrides_of_every_leaf_give_replace_result(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Generated, Any, Any]
) -> None:
    """Overriding every leaf with path=value gives what replace gives."""
    generated, first, second = case
    path = tmp_path_factory.mktemp("overrides") / "a.toml"
    tmlcfg.dump(first, path)
    leaves = _leaves(tmlcfg.to_dict(second), tmlcfg.to_dict(first))
    overrides = [f"{format_path(p)}={_inline(v, one_line=True)}" for p, v in leaves]
    expected = tmlcfg.replace(first, {format_path(p): v for p, v in leaves})
    assert tmlcfg.load(generated.cls, path, overrides=overrides, env=None) == expected


def test_later_layer_switches_the_group_member(tmp_path: pathlib.Path) -> None:
    """A base that picks adam and an experiment that picks sgd give SGD alone."""
    base, exp = tmp_path / "base.toml", tmp_path / "exp.toml"
    base.write_text("[adam]\nlr = 0.1\n\n[learning_rate]\nconstant = 0.1\n")
    exp.write_text("[sgd]\nlr = 0.2\n")
    config = tmlcfg.load(OptimizerConfig, base, exp)
    assert config.adam is None
    assert config.sgd == SgdConfig(lr=0.2)
    assert config.learning_rate is not None
    assert tmlcfg.load(OptimizerConfig, base, overrides=["sgd.lr=0.3"]).sgd == SgdConfig(lr=0.3)
    assert tmlcfg.load(OptimizerConfig, exp, overrides=["adam={}"]).adam == AdamConfig()


def test_problems_name_the_file_they_came_from(tmp_path: pathlib.Path) -> None:
    """Each problem names the layer whose value is wrong, with its line."""
    base, exp = tmp_path / "base.toml", tmp_path / "exp.toml"
    base.write_text("[adam]\nlr = -1.0\n")
    exp.write_text('\n\n[adam]\neps = "x"\n')
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(OptimizerConfig, base, exp)
    assert [str(p) for p in info.value.problems] == [
        f"{base}:2: adam.lr: must be > 0, got -1.0",
        f"{exp}:4: adam.eps: expected float, got str 'x'",
    ]


def test_origins(tmp_path: pathlib.Path) -> None:
    """Each value's origin: default, file:line, override or an environment variable."""
    base = tmp_path / "base.toml"
    base.write_text("[sgd]\nlr = 0.5\n\n[learning_rate]\nconstant = 0.5\n")
    from tmlcfg.training import TrainingConfig

    run = tmp_path / "run.toml"
    run.write_text('save_dir = "/tmp/${WHO}"\n')
    config, layers = load_layers(TrainingConfig, run, overrides=["num_epochs=3"], env={"WHO": "me"})
    where = origins(config, layers)
    assert where[("save_dir",)] == f"{run}:1 via ${{WHO}}"
    assert where[("num_epochs",)] == "override"
    assert where[("num_train_steps",)] == "default"
    config, layers = load_layers(OptimizerConfig, base)
    where = origins(config, layers)
    assert where[("sgd", "lr")] == f"{base}:2"
    assert where[("sgd", "momentum")] == "default"
