"""Must type-check clean under mypy --strict and pyright: configs are real classes to them."""

from __future__ import annotations

from collections.abc import Mapping

import tmlcfg


@tmlcfg.config
class Adam:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)


@tmlcfg.config
class Training:
    save_dir: str = tmlcfg.field(default="/tmp/model", doc="Where checkpoints go.")
    num_train_steps: tmlcfg.PositiveInt = 10_000
    checkpoint: str | None = tmlcfg.field(default=None, at_most_one_of="init")
    extra: Mapping[str, int] = tmlcfg.field(factory=dict)
    optimizer: Adam = tmlcfg.field(factory=Adam)
    name: str


@tmlcfg.config
class LongTraining(Training):
    epochs: int = 1


t: Training = Training(name="run", num_train_steps=5)
steps: int = t.num_train_steps
lr: float = t.optimizer.lr
long = LongTraining(name="x", epochs=3)
epochs: int = long.epochs
copy: Training = tmlcfg.replace(t, {"optimizer.lr": 0.1}, name="other")
loaded: Training = tmlcfg.loads(Training, 'name = "x"\n')
from_file: Training = tmlcfg.load(Training, "a.toml", overrides=["name=y"], env=None)
back: Training = tmlcfg.from_dict(Training, tmlcfg.to_dict(t))
text: str = tmlcfg.dumps(t) + tmlcfg.pretty_print(t)
try:
    Training(name="x")
except tmlcfg.ConfigError as e:
    paths: list[str] = [p.path for p in e.problems]


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("steps", "num_train_steps"),
        tmlcfg.renamed("timeout_in_s", "timeout", convert=lambda s: f"{s}s"),
        tmlcfg.removed("use_fp16", reason="use amp"),
    )
)
class Migrated:
    num_train_steps: int = 10
    timeout: str = "90s"
    name: str


m: Migrated = Migrated(name="x", num_train_steps=3)
migrated_steps: int = m.num_train_steps
warning: type[UserWarning] = tmlcfg.MigrationWarning


# tmlcfg.wandb's calls load on first use, yet type checkers see their real signatures
def _wandb_calls(cfg: tmlcfg.wandb.WandbConfig, run_config: dict[str, object]) -> None:
    from typing import assert_type

    import tmlcfg.wandb

    assert_type(tmlcfg.wandb.login(cfg, verify=False), bool)
    assert_type(tmlcfg.wandb.restore(Training, run_config), Training)


@tmlcfg.config(tag="adam", old_tags=("adam_v1",))
class AdamChoice:
    lr: float = 1e-3


@tmlcfg.config
class SgdChoice:
    momentum: float = 0.0


@tmlcfg.config
class WithVariant:
    optimizer: AdamChoice | SgdChoice = AdamChoice()
    stages: tuple[AdamChoice | SgdChoice, ...] = ()


chosen: AdamChoice | SgdChoice = WithVariant(optimizer=SgdChoice(), stages=(AdamChoice(),)).optimizer
