"""Must fail to type-check, each marked line with the error named beside it."""

from __future__ import annotations

import tmlcfg
import tmlcfg.wandb


@tmlcfg.config
class Training:
    num_train_steps: int = 10
    name: str = "run"


Training(num_train_steps="7")  # E: arg-type
Training(num_train_step=7)  # E: call-arg
Training(7)  # E: misc
t = Training()
t.name = "other"  # E: misc
tmlcfg.wandb.login("not a config")  # E: arg-type
tmlcfg.register_type(int, toml=str, structure=int, unstructure=str, nonsense=1)  # E: call-arg


@tmlcfg.config(migrations=(tmlcfg.renamed("steps", "num_train_steps"),))
class Migrated:
    num_train_steps: int = 10


Migrated(num_train_steps="7")  # E: arg-type
Migrated(steps=7)  # E: call-arg
mig = Migrated()
mig.num_train_steps = 3  # E: misc


@tmlcfg.config(tag="adam")
class AdamChoice:
    lr: float = 1e-3


@tmlcfg.config
class WithVariant:
    optimizer: AdamChoice | Migrated = AdamChoice()


WithVariant(optimizer=Training())  # E: arg-type
tmlcfg.config(tag=3)  # E: call-overload
