"""Migrations see values after ``${VAR}`` substitution: a convert never rewrites a reference."""

from __future__ import annotations

import pathlib
import warnings

import pytest

import tmlcfg
from tmlcfg._load.layers import load_layers, origins


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("Mode", "mode", convert=str.lower),
        tmlcfg.renamed("Tags", "tags", convert=lambda v: [t.upper() for t in v]),
        tmlcfg.removed("legacy_token", reason="gone"),
        tmlcfg.renamed("dir", "save_dir"),
    )
)
class Run:
    mode: str = "train"
    tags: tuple[str, ...] = ()
    save_dir: str = "/tmp"


def _load(tmp_path: pathlib.Path, text: str, env: dict[str, str], *overrides: str) -> tuple[Run, list[object]]:
    path = tmp_path / "exp.toml"
    path.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        return load_layers(Run, path, overrides=overrides, env=env)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "env", "mode"),
    [
        ('Mode = "${MODE}"\n', {"MODE": "PROD", "mode": "wrong"}, "prod"),
        ('Mode = "${MODE:-Eval}"\n', {}, "eval"),
        ('Mode = "${MODE:-Eval}"\n', {"MODE": "Serve", "mode": "wrong"}, "serve"),
        ('Mode = "x-${MODE}-$$Y"\n', {"MODE": "AB"}, "x-ab-$y"),
    ],
)
def test_a_convert_sees_the_substituted_value(
    tmp_path: pathlib.Path, text: str, env: dict[str, str], mode: str
) -> None:
    config, _ = _load(tmp_path, text, env)
    assert config.mode == mode


def test_a_convert_of_a_table_value_sees_substituted_strings(tmp_path: pathlib.Path) -> None:
    config, _ = _load(tmp_path, 'Tags = ["${A}", "b"]\n', {"A": "a", "a": "wrong"})
    assert config.tags == ("A", "B")


def test_an_unset_variable_under_an_old_name_is_reported_where_written(tmp_path: pathlib.Path) -> None:
    with pytest.raises(tmlcfg.ConfigError) as info:
        _load(tmp_path, '\nMode = "${MODE}"\n', {"mode": "set-in-lowercase"})
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == ("Mode", 2)
    assert problem.message.startswith("environment variable MODE is not set")


def test_a_removed_key_needs_no_variable(tmp_path: pathlib.Path) -> None:
    config, _ = _load(tmp_path, 'legacy_token = "${NOT_SET}"\ndir = "/d/${RUN}"\n', {"RUN": "r1"})
    assert config == Run(save_dir="/d/r1")


def test_origins_follow_the_value_and_its_variable(tmp_path: pathlib.Path) -> None:
    config, layers = _load(tmp_path, 'dir = "/d/${RUN}"\nMode = "${MODE}"\n', {"RUN": "r1", "MODE": "X"})
    where = origins(config, layers)  # type: ignore[arg-type]
    assert where[("save_dir",)].startswith("renamed from dir, ")
    assert where[("save_dir",)].endswith("exp.toml:1 via ${RUN}")
    assert where[("mode",)].endswith("exp.toml:2 via ${MODE}")
