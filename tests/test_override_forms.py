"""Overrides: an old path given as a table migrates as its dotted form; one bad override hides no other."""

from __future__ import annotations

import pathlib
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg.optimizers import OptimizerConfig


@tmlcfg.config
class Sgd:
    lr: float = 0.1


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("old.deep.key", "name"),
        tmlcfg.renamed("old.deep.other", "note"),
        tmlcfg.removed("sgd.nesterov", reason="never used"),
        tmlcfg.renamed("legacy.steps", "sgd.lr"),
    )
)
class Exp:
    name: str = "n"
    note: str = ""
    sgd: Sgd = Sgd()


def _load(*overrides: str, files: tuple[pathlib.Path, ...] = ()) -> Exp:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        return tmlcfg.load(Exp, *files, overrides=overrides, env={})


@pytest.mark.parametrize(
    ("table", "dotted"),
    [
        (["old.deep={key='x'}"], ["old.deep.key=x"]),
        (["old={deep={key='x'}}"], ["old.deep.key=x"]),
        (["old={deep={key='x', other='y'}}"], ["old.deep.key=x", "old.deep.other=y"]),
        (["old.deep={other='y'}", "name=z"], ["old.deep.other=y", "name=z"]),
        (["legacy={steps=0.5}"], ["legacy.steps=0.5"]),
        (["sgd={nesterov=true, lr=0.5}"], ["sgd.lr=0.5"]),
    ],
)
def test_an_old_path_given_as_a_table_migrates_like_its_dotted_form(table: list[str], dotted: list[str]) -> None:
    assert _load(*table) == _load(*dotted)


def test_a_current_table_given_whole_still_replaces_the_files(tmp_path: pathlib.Path) -> None:
    exp = tmp_path / "exp.toml"
    exp.write_text("[sgd]\nlr = 0.3\n")
    assert _load("sgd={nesterov=true}", files=(exp,)).sgd == Sgd()
    assert _load("sgd={}", files=(exp,)).sgd == Sgd()


def test_an_old_table_override_with_an_unknown_key_is_reported_at_its_path() -> None:
    with pytest.raises(tmlcfg.ConfigError) as info:
        _load("old.deep={key='x', typo=1}")
    assert [p.path for p in info.value.problems] == ["old"]
    assert "unknown key" in info.value.problems[0].message


def test_old_and_new_given_as_tables_are_both_given() -> None:
    with pytest.raises(tmlcfg.ConfigError, match="given both as override old.deep.key"):
        _load("old.deep={key='x'}", "name=y")


# -- one report for every bad override ---------------------------------------------------------

BAD = {
    "sgd.lr.x=1": "sgd.lr: expected float, got table",
    "a b=1": "override 'a b=1': unexpected ' '",
    "noequals=": None,  # a valid override of an unknown key
    "x..y=2": "override 'x..y=2': expected a key",
    "nmae=3": "nmae: unknown key; did you mean 'name'?",
    "name=[1]": "name: expected str",
    "sgd[0]=1": "override: sgd: ",  # worded by whether sgd is a table yet
}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(BAD)), min_size=1, max_size=5, unique=True))
def test_every_bad_override_is_in_the_one_report(chosen: list[str]) -> None:
    with pytest.raises(tmlcfg.ConfigError) as info:
        _load(*chosen, "note=fine")
    text = str(info.value)
    for override in chosen:
        expected = BAD[override]
        if expected is not None:
            assert expected in text, (override, text)
    assert text.startswith(f"{len(info.value.problems)} problem")


def test_an_array_step_beside_a_typo_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from tmlcfg._cli.main import main

    root = pathlib.Path(__file__).parent.parent
    code = main(
        [
            "check",
            "examples.twhin.config:TwhinConfig",
            str(root / "examples/twhin/local.toml"),
            "model.relations.0.lhs=5",
            "trainig.num_epochs=3",
            "training.num_epochs=0",
        ]
    )
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "3 problems in override (TwhinConfig):",
        "  override: model.relations: cannot set key '0' inside array",
        "  override: trainig: unknown key; did you mean 'training'?",
        "  override: training.num_epochs: must be > 0, got 0",
    ]


def test_from_argv_reports_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(OptimizerConfig, ["sgd.lr=0", "sgd..lr=1", "sgd.momentum=-1"])
    err = capsys.readouterr().err
    assert err.startswith("3 problems in override (OptimizerConfig):")
