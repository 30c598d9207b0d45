"""The configs tmlcfg ships build from defaults alone and obey the laws."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg import embedding, optimizers, training, wandb

SHIPPED = [
    wandb.WandbConfig,
    training.RuntimeConfig,
    training.TrainingConfig,
    optimizers.PiecewiseConstant,
    optimizers.LinearRampToConstant,
    optimizers.LinearRampToCosine,
    optimizers.LearningRate,
    optimizers.AdamConfig,
    optimizers.SgdConfig,
    optimizers.AdagradConfig,
    optimizers.OptimizerConfig,
    embedding.EmbeddingSnapshot,
    embedding.EmbeddingBagConfig,
    embedding.LargeEmbeddingsConfig,
]


@pytest.mark.parametrize("cls", SHIPPED, ids=lambda c: c.__name__)
def test_defaults_build_and_round_trip(cls: type) -> None:
    """Law 2 for every shipped class: C() builds and round-trips through dicts and TOML."""
    config = cls()
    assert tmlcfg.from_dict(cls, tmlcfg.to_dict(config)) == config
    assert tmlcfg.loads(cls, tmlcfg.dumps(config)) == config
    assert hash(config) == hash(cls())


def test_importing_shipped_modules_does_not_import_wandb() -> None:
    """import tmlcfg.training, tmlcfg.optimizers, tmlcfg.wandb pulls in no wandb."""
    code = (
        "import sys, tmlcfg.training, tmlcfg.optimizers, tmlcfg.embedding, tmlcfg.wandb; "
        "print([m for m in sys.modules if m == 'wandb' or m.startswith('wandb.')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_optimizer_defaults_and_choice() -> None:
    """OptimizerConfig() is Adam; get_optimizer_algorithm_config returns the chosen member."""
    assert optimizers.get_optimizer_algorithm_config(optimizers.OptimizerConfig()) == optimizers.AdamConfig()
    chosen = tmlcfg.loads(optimizers.OptimizerConfig, "[adagrad]\nlr = 0.1\n")
    assert optimizers.get_optimizer_algorithm_config(chosen) == optimizers.AdagradConfig(lr=0.1)
    assert optimizers.LearningRate().constant == 1e-3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"learning_rate_boundaries": [10, 5], "learning_rate_values": [1.0, 0.5, 0.1]},
            [("learning_rate_boundaries[1]", "boundaries must be strictly increasing; 5 follows 10")],
        ),
        (
            {"learning_rate_boundaries": [10], "learning_rate_values": [1.0]},
            [("learning_rate_values", "needs one more value than learning_rate_boundaries (2), got 1")],
        ),
    ],
)
def test_piecewise_constant_checks(data: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    """Piecewise schedules need one more value than boundaries, and increasing boundaries."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(optimizers.PiecewiseConstant, data)
    assert [(p.path, p.message) for p in info.value.problems] == expected


def test_cosine_must_end_after_its_ramp() -> None:
    """A cosine schedule that ends before its ramp is refused at final_num_steps."""
    with pytest.raises(tmlcfg.ConfigError, match="final_num_steps: must be greater than num_ramp_steps"):
        optimizers.LinearRampToCosine(num_ramp_steps=100, final_num_steps=50)


def test_embedding_tables_have_distinct_names_and_logged_tables_exist() -> None:
    """Table names are unique and tables_to_log names real tables."""
    table = embedding.EmbeddingBagConfig(name="user")
    with pytest.raises(tmlcfg.ConfigError) as info:
        embedding.LargeEmbeddingsConfig(tables=(table, table), tables_to_log=("tweet",))
    assert [str(p) for p in info.value.problems] == [
        "tables[1].name: table name 'user' is used twice",
        "tables_to_log[0]: 'tweet' is not a table; tables are 'user', 'user'",
    ]
    with pytest.raises(tmlcfg.ConfigError, match="tables: must have at least 1 item, got 0"):
        embedding.LargeEmbeddingsConfig(tables=())


@given(st.sampled_from(SHIPPED).flatmap(lambda cls: st.builds(lambda: cls())))
def test_shipped_defaults_survive_replace(config: Any) -> None:
    """replace with no change returns an equal config for every shipped class."""
    assert tmlcfg.replace(config) == config
