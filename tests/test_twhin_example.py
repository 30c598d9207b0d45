"""The TwHIN example: its file loads to the original's values, and mistakes land on their lines."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

import tmlcfg
from examples.twhin.config import DataType, Operator, TwhinConfig
from tmlcfg.runs import Record

from .helpers import without_nulls
from .test_wandb import wandb_env  # noqa: F401 - the fixture

ROOT = pathlib.Path(__file__).parent.parent
LOCAL = ROOT / "examples" / "twhin" / "local.toml"
DATA = pathlib.Path(__file__).parent / "data"


def _table(name: str, rows: int, lr: float) -> dict[str, Any]:
    return {
        "name": name,
        "num_embeddings": rows,
        "embedding_dim": 4,
        "optimizer": {"learning_rate": {"constant": lr}, "sgd": {"lr": lr, "momentum": 0.0}},
        "data_type": "fp32",
    }


def _relation(name: str) -> dict[str, str]:
    return {"name": name, "lhs": "user", "rhs": "tweet", "operator": "translation"}


def _data(limit: int, **extra: int) -> dict[str, Any]:
    return {
        "data_root": "gs://follows_tml_01/tweet_eng/2023-01-23/large/edges/*",
        "per_replica_batch_size": 500,
        "global_negatives": 0,
        "in_batch_negatives": 10,
        "limit": limit,
        **extra,
    }


EXPECTED = {
    "runtime": {"enable_tensorfloat32": False, "enable_amp": False},
    "training": {
        "save_dir": "/tmp/model",
        "num_train_steps": 100000,
        "checkpoint_every_n": 100000,
        "train_log_every_n": 10,
        "num_eval_steps": 1000,
        "eval_log_every_n": 500,
        "eval_timeout_in_s": 10000.0,
        "num_epochs": 5,
    },
    "model": {
        "embeddings": {"tables": [_table("user", 424_241, 0.01), _table("tweet", 72_543, 0.005)]},
        "relations": [_relation(n) for n in ("fav", "reply", "retweet", "magic_recs")],
        "translation_optimizer": {"learning_rate": {"constant": 0.05}, "sgd": {"lr": 0.05, "momentum": 0.0}},
    },
    "train_data": _data(9990),
    "validation_data": _data(10, offset=9990),
}


def test_local_toml_gives_the_original_values() -> None:
    """examples/twhin/local.toml loads to the values written out here."""
    config = tmlcfg.load(TwhinConfig, LOCAL)
    assert tmlcfg.to_dict(config) == EXPECTED
    assert config.model.embeddings.tables[0].data_type is DataType.FP32
    assert config.model.relations[0].operator is Operator.TRANSLATION


def test_matches_what_the_original_pydantic_code_parsed() -> None:
    """The load equals the-algorithm-ml's own parse of the same experiment (nulls dropped)."""
    original = json.loads((DATA / "tml_reference_parse.json").read_text())["twhin"]
    assert tmlcfg.to_dict(tmlcfg.load(TwhinConfig, LOCAL)) == without_nulls(original)


def test_round_trips() -> None:
    """The loaded experiment round-trips through TOML."""
    config = tmlcfg.load(TwhinConfig, LOCAL)
    assert tmlcfg.loads(TwhinConfig, tmlcfg.dumps(config)) == config


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1


def _edit(old: str, new: str, occurrence: int = 1) -> tuple[str, int]:
    text = LOCAL.read_text()
    line = _line_of(text, old, occurrence)
    start = -1
    for _ in range(occurrence):
        start = text.index(old, start + 1)
    return text[:start] + new + text[start + len(old) :], line


MISTAKES = [
    # (what, old text, new text, occurrence, expected path, expected message)
    (
        "relation naming a missing table",
        'name = "retweet"\nlhs = "user"\nrhs = "tweet"',
        'name = "retweet"\nlhs = "user"\nrhs = "twet"',
        1,
        "model.relations[2].rhs",
        "'twet' is not a table; tables are 'user', 'tweet'",
    ),
    (
        "mismatched embedding dimensions",
        "embedding_dim = 4",
        "embedding_dim = 8",
        2,
        "model.embeddings.tables[1].embedding_dim",
        "all tables share one embedding_dim; 'tweet' has 8, 'user' has 4",
    ),
    (
        "both sgd and adam",
        "[model.translation_optimizer.sgd]\nlr = 0.05",
        "[model.translation_optimizer.sgd]\nlr = 0.05\n\n[model.translation_optimizer.adam]\nlr = 0.05",
        1,
        "model.translation_optimizer",
        "exactly one of adam, sgd, adagrad must be set; got adam, sgd",
    ),
    (
        "a negative batch size",
        "per_replica_batch_size = 500",
        "per_replica_batch_size = -500",
        1,
        "train_data.per_replica_batch_size",
        "must be > 0, got -500",
    ),
    (
        "a misspelled key",
        "train_log_every_n = 10",
        "train_log_every = 10",
        1,
        "training.train_log_every",
        "unknown key; did you mean 'train_log_every_n'?",
    ),
    (
        'lr = "0.1"',
        "lr = 0.01",
        'lr = "0.1"',
        1,
        "model.embeddings.tables[0].optimizer.sgd.lr",
        "expected float, got str '0.1'",
    ),
    (
        'data_type = "fp64"',
        'data_type = "fp32"',
        'data_type = "fp64"',
        1,
        "model.embeddings.tables[0].data_type",
        "expected one of 'fp32', 'fp16', got str 'fp64'",
    ),
    ("offset = 0", "offset = 9990", "offset = 0", 1, "validation_data.offset", "must be > 0, got 0"),
    (
        "a float step count",
        "num_train_steps = 100000",
        "num_train_steps = 1e5",
        1,
        "training.num_train_steps",
        "expected int, got float 100000.0",
    ),
    (
        "an unknown operator",
        'operator = "translation"',
        'operator = "rotation"',
        3,
        "model.relations[2].operator",
        "expected one of 'translation', got str 'rotation'",
    ),
    (
        "a bool for an int",
        "global_negatives = 0",
        "global_negatives = false",
        2,
        "validation_data.global_negatives",
        "expected int, got bool false",
    ),
    (
        "a string for a table",
        "[runtime]\nenable_amp = false",
        'runtime = "fast"',
        1,
        "runtime",
        "expected a table (RuntimeConfig), got str 'fast'",
    ),
    (
        "a missing required key",
        "limit = 9990\n",
        "",
        1,
        "train_data.limit",
        "missing required key",
    ),
    (
        "two learning-rate schedules",
        "[model.translation_optimizer.learning_rate]\nconstant = 0.05",
        "[model.translation_optimizer.learning_rate]\nconstant = 0.05\nlinear_ramp_to_constant = {learning_rate = 0.1}",
        1,
        "model.translation_optimizer.learning_rate",
        "exactly one of constant, linear_ramp_to_cosine, linear_ramp_to_constant, piecewise_constant must be set; "
        "got constant, linear_ramp_to_constant",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "occurrence", "path", "message"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_each_mistake_gives_its_one_problem_and_line(
    tmp_path: pathlib.Path, what: str, old: str, new: str, occurrence: int, path: str, message: str
) -> None:
    """A realistic mistake in a copy of local.toml gives exactly one problem, on the right line."""
    text, line = _edit(old, new, occurrence)
    expected_line = _line_of(text, new.splitlines()[-1]) if new else None
    if what == "a missing required key":
        expected_line = _line_of(text, "[train_data]")
    elif what in ("both sgd and adam",):
        expected_line = _line_of(text, "[model.translation_optimizer.adam]")
    elif what == "two learning-rate schedules":
        expected_line = _line_of(text, "linear_ramp_to_constant")
    elif what == "relation naming a missing table":
        expected_line = _line_of(text, 'rhs = "twet"')
    elif what == "mismatched embedding dimensions":
        expected_line = line
    file = tmp_path / "local.toml"
    file.write_text(text)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(TwhinConfig, file)
    assert [(p.path, p.message, p.line) for p in info.value.problems] == [(path, message, expected_line)]
    assert info.value.problems[0].source == str(file)


def test_mistakes_together_are_reported_together(tmp_path: pathlib.Path) -> None:
    """Several mistakes in one file are all reported at once, in file order."""
    text = LOCAL.read_text()
    for _, old, new, occurrence, _, _ in MISTAKES[3:8]:
        start = -1
        for _ in range(occurrence):
            start = text.index(old, start + 1)
        text = text[:start] + new + text[start + len(old) :]
    file = tmp_path / "local.toml"
    file.write_text(text)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(TwhinConfig, file)
    lines = [p.line or 0 for p in info.value.problems]
    assert len(info.value.problems) == 5
    assert lines == sorted(lines)


def test_each_twhin_class_obeys_the_laws() -> None:
    """check_config_class on every class of the example, with overrides where its checks need them."""
    from hypothesis import strategies as st

    from examples.twhin.config import (
        EmbeddingBagConfig,
        EmbeddingSnapshot,
        Relation,
        TwhinDataConfig,
        TwhinEmbeddingsConfig,
        TwhinModelConfig,
    )
    from tmlcfg.testing import check_config_class, configs

    # All tables share one embedding_dim and data_type; relations must name tables.
    tables = st.lists(
        configs(EmbeddingBagConfig, embedding_dim=4, data_type=DataType.FP32),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t.name,
    ).map(tuple)
    relations = configs(Relation, lhs="user", rhs="tweet").map(lambda r: (r,))
    user_tweet = st.just(
        TwhinEmbeddingsConfig(tables=(EmbeddingBagConfig(name="user"), EmbeddingBagConfig(name="tweet")))
    )
    for cls in (EmbeddingSnapshot, Relation, TwhinDataConfig, EmbeddingBagConfig):
        check_config_class(cls, max_examples=25)
    check_config_class(TwhinEmbeddingsConfig, max_examples=25, tables=tables)
    check_config_class(TwhinModelConfig, max_examples=25, embeddings=user_tweet, relations=relations)
    check_config_class(TwhinConfig, max_examples=10, **{"model.embeddings": user_tweet, "model.relations": relations})


def test_the_training_run_prints_where_its_record_is(wandb_env: pathlib.Path) -> None:  # noqa: F811
    """examples/twhin/train.py says where its run record is, and the record reads back with no drift."""
    env = {k: v for k, v in os.environ.items() if k != "WANDB_MODE"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "twhin" / "train.py"), "training.num_train_steps=20"],
        capture_output=True,
        text=True,
        cwd=wandb_env,
        env=env,
        check=True,
        timeout=120,
    )
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("run record: ")]
    path = pathlib.Path(line.split(": ", 1)[1].split(" (", 1)[0])
    assert path.name == "tmlcfg-run.toml" and path.is_file()
    record = tmlcfg.load(Record, path)
    assert record.argv[1:] == ("training.num_train_steps=20",)
    shown = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "runs", "show", str(path.parent.parent), "examples.twhin.config:TwhinConfig"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "command: " in shown.stdout and "training.num_train_steps=20" in shown.stdout
    assert "\nno drift: read as examples.twhin.config:TwhinConfig today" in shown.stdout
