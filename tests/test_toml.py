"""Writing TOML: layout, atomic files, pretty_print; and loading from files."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given

import tmlcfg

from .strategies import Generated, classes_with_instances


@tmlcfg.config
class Adam:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)


@tmlcfg.config
class Table:
    name: str
    dim: int = 4
    optimizer: Adam = Adam()


@tmlcfg.config
class Run:
    """A run."""

    name: str = "run"
    note: str | None = None
    api_key: str = tmlcfg.field(default="", secret=True)
    tables: tuple[Table, ...] = ()
    tasks: Mapping[str, Adam] = tmlcfg.field(factory=dict)
    tags: tuple[str, ...] = ()
    started: dt.date = dt.date(2024, 1, 2)


RUN = Run(tables=(Table(name="user"), Table(name="tweet", dim=8)), tasks={"a.b": Adam()}, api_key="k" * 8)


def test_dumps_reads_like_a_hand_written_file() -> None:
    """Nested configs as [tables], tuples of configs as [[arrays of tables]], keys in field order."""
    assert tmlcfg.dumps(RUN) == (
        'name = "run"\n'
        'api_key = "kkkkkkkk"\n'
        "tags = []\n"
        "started = 2024-01-02\n"
        "\n"
        "[[tables]]\n"
        'name = "user"\n'
        "dim = 4\n"
        "\n"
        "[tables.optimizer]\n"
        "lr = 0.001\n"
        "betas = [0.9, 0.999]\n"
        "\n"
        "[[tables]]\n"
        'name = "tweet"\n'
        "dim = 8\n"
        "\n"
        "[tables.optimizer]\n"
        "lr = 0.001\n"
        "betas = [0.9, 0.999]\n"
        "\n"
        '[tasks."a.b"]\n'
        "lr = 0.001\n"
        "betas = [0.9, 0.999]\n"
    )


def test_to_dict_omits_none_and_keeps_empty_collections() -> None:
    """None fields are left out; empty tuples and mappings stay."""
    data = tmlcfg.to_dict(Run())
    assert "note" not in data
    assert data["tables"] == [] and data["tasks"] == {}


def test_pretty_print_masks_secrets() -> None:
    """pretty_print is TOML for logs with every secret shown as '***'."""
    text = tmlcfg.pretty_print(RUN)
    assert 'api_key = "***"' in text
    assert "kkkk" not in text
    assert tmlcfg.dumps(RUN).replace('"kkkkkkkk"', '"***"') == text


@given(classes_with_instances())
def test_dump_and_load_files(tmp_path_factory: pytest.TempPathFactory, case: tuple[Generated, Any]) -> None:
    """dump then load gives back an equal config."""
    generated, config = case
    path = tmp_path_factory.mktemp("dump") / "c.toml"
    tmlcfg.dump(config, path)
    assert tmlcfg.load(generated.cls, path, env=None) == config


def test_dump_is_atomic(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed dump leaves the old file as it was and no temporary file behind."""
    path = tmp_path / "run.toml"
    tmlcfg.dump(Run(), path)
    before = path.read_text()

    def fail(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(tmlcfg.ConfigError, match=f"{path}: cannot write: disk full"):
        tmlcfg.dump(RUN, path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["run.toml"]


def test_load_with_no_files_is_the_defaults() -> None:
    """load with no paths gives the defaults."""
    assert tmlcfg.load(Run) == Run()


def test_environment_substitution() -> None:
    """${VAR} and ${VAR:-default} in strings only when env is given; $$ is a literal $ either way."""
    text = 'name = "${WHO}-${MISSING:-x}-$$5-$"\n'
    assert tmlcfg.loads(Run, text, env={"WHO": "me"}).name == "me-x-$5-$"
    assert tmlcfg.loads(Run, text).name == "${WHO}-${MISSING:-x}-$5-$"
    with pytest.raises(tmlcfg.ConfigError, match="environment variable WHO is not set"):
        tmlcfg.loads(Run, text, env={})


def test_user_falls_back_to_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """${USER} falls back to the login name, as the original loader did."""
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "login")
    assert tmlcfg.loads(Run, 'name = "${USER}"\n', env={}).name == "login"
    assert tmlcfg.loads(Run, 'name = "${USER}"\n', env={"USER": "env"}).name == "env"

    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", no_user)
    with pytest.raises(tmlcfg.ConfigError, match="USER is not set"):
        tmlcfg.loads(Run, 'name = "${USER}"\n', env={})


def test_substitution_cannot_add_keys() -> None:
    """A variable's value is text inside a string, never TOML: it cannot add or change keys."""
    run = tmlcfg.loads(Run, 'name = "${EVIL}"\n', env={"EVIL": '"\napi_key = "stolen'})
    assert run.name == '"\napi_key = "stolen'
    assert run.api_key == ""


def test_overrides_apply_last() -> None:
    """path=value overrides are read as TOML values, else as strings, and checked."""
    run = tmlcfg.load(Run, overrides=["name=my-run", 'tags=["a", "b"]', "tables=[{name = 'u'}]", "tables[0].dim=2"])
    assert run.name == "my-run" and run.tags == ("a", "b") and run.tables == (Table(name="u", dim=2),)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Run, overrides=["nam=x", "tables[3].dim=1", "started=7"])
    # one override that cannot be set hides none of the others' problems
    assert [str(p) for p in info.value.problems] == [
        "override: tables: no array is given here to index with [3]; set the whole array",
        "override: nam: unknown key; did you mean 'name'?",
        "override: started: expected date, got int 7",
    ]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Run, overrides=["nam=x", "started=7"])
    assert [str(p) for p in info.value.problems] == [
        "override: nam: unknown key; did you mean 'name'?",
        "override: started: expected date, got int 7",
    ]
    for bad in ["novalue", "a..b=1"]:
        with pytest.raises(tmlcfg.ConfigError, match="override"):
            tmlcfg.load(Run, overrides=[bad])
