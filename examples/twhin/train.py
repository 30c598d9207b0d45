"""Train the TwHIN example (a stand-in loop) and log it to Weights & Biases.

    python examples/twhin/train.py training.num_train_steps=200
    python examples/twhin/train.py --config my.toml runtime.wandb.project=twhin
    python examples/twhin/train.py --help

Loads ``local.toml`` beside this file, then any ``--config`` files and
``path=value`` overrides. Logs to wandb from ``runtime.wandb`` (or
``WandbConfig()``): with no API key anywhere the run is offline and needs no
account or network. The loop is a stand-in for the real model: it logs a
synthetic loss every ``training.train_log_every_n`` steps.
"""

from __future__ import annotations

import math
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run as a script from anywhere in the repository

import tmlcfg  # noqa: E402
from examples.twhin.config import TwhinConfig  # noqa: E402
from tmlcfg.optimizers import get_optimizer_algorithm_config  # noqa: E402
from tmlcfg.wandb import WandbConfig, init  # noqa: E402


def synthetic_loss(step: int, lr: float) -> float:
    """A loss that falls like a real one would, faster with a larger learning rate."""
    return 2.0 * math.exp(-lr * step / 5) + 0.1 + 0.05 * math.sin(step / 7)


def progress(step: int, total: int, loss: float, width: int = 30) -> None:
    done = width * step // total
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {step}/{total} loss {loss:.4f}")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    experiment = tmlcfg.from_argv(TwhinConfig, argv, config_files=[HERE / "local.toml"])
    training = experiment.training
    lr = get_optimizer_algorithm_config(experiment.model.translation_optimizer).lr
    run = init(experiment.runtime.wandb or WandbConfig(), experiment)
    started = time.perf_counter()
    loss = synthetic_loss(0, lr)
    for step in range(1, training.num_train_steps + 1):
        loss = synthetic_loss(step, lr)
        if step % training.train_log_every_n == 0 or step == training.num_train_steps:
            run.log({"train/loss": loss}, step=step)
            progress(step, training.num_train_steps, loss)
    sys.stderr.write("\n")
    run.summary["final_loss"] = loss
    run_dir = pathlib.Path(run.dir).parent
    record = pathlib.Path(run.dir) / "tmlcfg-run.toml"  # written by init: the class, commit, packages, command
    mode = run.settings.mode
    run.finish()
    print(f"trained {training.num_train_steps} steps in {time.perf_counter() - started:.2f}s, final loss {loss:.4f}")
    print(f"wandb run ({mode}): {run_dir}")
    print(f"run record: {record} (read it back: tmlcfg runs show {run_dir} examples.twhin.config:TwhinConfig)")
    if mode == "offline":
        print(f"upload it later with: wandb sync {run_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
