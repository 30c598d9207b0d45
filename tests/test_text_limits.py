"""Hostile text: depth beyond MAX_DEPTH, overrides that hide more than one value, huge keys."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base.limits import MAX_DEPTH, MAX_SHOWN

DEEP = ".".join(["a"] * 999)
TOO_DEEP = f"nested deeper than {MAX_DEPTH} arrays and tables; flatten it"


@tmlcfg.config
class Opt:
    lr: float = 0.1


@tmlcfg.config
class Exp:
    name: str = ""
    steps: int = 1
    opt: Opt = Opt()
    extra: Mapping[str, Any] = tmlcfg.field(factory=dict)


def _write(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        f"{DEEP} = '$x'\n",
        f"extra.{DEEP} = 1\n",
        f"[{DEEP}]\nx = 1\n",
        f"[[{DEEP}]]\nx = 1\n",
        f"extra = {{ {DEEP} = 1 }}\n",
    ],
    ids=["dotted", "dotted-in-any", "header", "array-header", "inline"],
)
@pytest.mark.parametrize("layers", [1, 2])
def test_a_999_level_key_is_a_problem_where_the_depth_is_crossed(
    tmp_path: pathlib.Path, text: str, layers: int
) -> None:
    """load (substituting) and two-layer merging report the depth at its path and line, never RecursionError."""
    path = _write(tmp_path, "deep.toml", text)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Exp, *[path] * layers, env={})
    (problem,) = info.value.problems
    assert problem.message == TOO_DEEP
    assert (problem.source, problem.line) == (str(path), 1)
    segments = problem.path.replace("[0]", ".0").split(".")
    assert len(segments) == MAX_DEPTH


def test_depth_is_checked_with_no_environment_when_layers_merge(tmp_path: pathlib.Path) -> None:
    """Merging two files deeper than MAX_DEPTH is a problem even when nothing is substituted."""
    path = _write(tmp_path, "deep.toml", f"extra.{DEEP} = 1\n")
    with pytest.raises(tmlcfg.ConfigError, match="nested deeper than"):
        tmlcfg.load(Exp, path, path, env=None)


def test_just_under_the_limit_loads(tmp_path: pathlib.Path) -> None:
    """Tables MAX_DEPTH - 1 levels below extra still load and merge."""
    key = ".".join(["b"] * (MAX_DEPTH - 2))
    path = _write(tmp_path, "ok.toml", f"extra.{key} = '$$'\n")
    exp = tmlcfg.load(Exp, path, path, env={})
    value: Any = exp.extra
    for _ in range(MAX_DEPTH - 2):
        value = value["b"]
    assert value == "$"


def test_origins_of_a_deep_file_need_no_recursion(tmp_path: pathlib.Path) -> None:
    """Lines of a 999-level key are found without RecursionError, kept up to the depth that matters."""
    from tmlcfg._toml.positions import key_lines

    lines = key_lines(f"[{DEEP}]\n{DEEP} = 1\n")
    assert max(len(p) for p in lines) == MAX_DEPTH + 1


def test_a_deep_override_path_is_a_problem() -> None:
    """An override path deeper than MAX_DEPTH is refused, shortened in the message."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Exp, overrides=[f"{DEEP}=1"])
    (problem,) = info.value.problems
    assert "the path is nested deeper than" in problem.message
    assert len(problem.message) < MAX_SHOWN + 100


def test_a_deep_override_value_is_a_problem_not_a_string() -> None:
    """A value nested too deep to read is refused, not taken as the text of a string."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Exp, overrides=["name=" + "[" * 5000])
    (problem,) = info.value.problems
    assert problem.path == "name"
    assert "the value is nested deeper than" in problem.message


@pytest.mark.parametrize(
    "override",
    [
        "steps=1\n[opt]\nlr=5",
        "steps=1\nname='x'",
        "steps=1\r\n[opt]\r\nlr=5",
        "steps=1 # fine\n[opt]",
        "opt={lr = 1}\n[extra]\nx=1",
    ],
)
def test_an_override_is_one_toml_value(override: str) -> None:
    """Text after the value (more keys, tables) is an error, not silently dropped."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Exp, overrides=[override])
    (problem,) = info.value.problems
    assert problem.source == "override"
    assert problem.message.endswith("the value must be one TOML value, with nothing after it")


@pytest.mark.parametrize(
    ("override", "field", "value"),
    [
        ("steps=7 # a comment", "steps", 7),
        ("name=hello world", "name", "hello world"),
        ("name='a\nb'", "name", "'a\nb'"),
        ('name="""a\nb"""', "name", "a\nb"),
        ("steps = 3\n", "steps", 3),
    ],
)
def test_one_value_overrides_still_work(override: str, field: str, value: Any) -> None:
    """A value, a comment after it, a multi-line string or plain text stay valid overrides."""
    got = getattr(tmlcfg.load(Exp, overrides=[override]), field)
    assert (type(got), got) == (type(value), value)


def test_an_unknown_key_of_a_megabyte_is_shown_shortened() -> None:
    """A huge unknown key appears in the message cut to MAX_SHOWN characters."""
    key = "k" * 1_000_000
    for load in (
        lambda: tmlcfg.loads(Exp, f"{key} = 1\n", source="big.toml"),
        lambda: tmlcfg.from_dict(Exp, {key: 1}),
        lambda: tmlcfg.load(Exp, overrides=[f"{key}=1"]),
    ):
        with pytest.raises(tmlcfg.ConfigError) as info:
            load()
        assert len(str(info.value)) < 2 * MAX_SHOWN + 200


@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_in_a_file_give_a_config_or_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    """Fuzz: whatever a file holds, load returns a config or raises ConfigError, with any environment."""
    path = tmp_path_factory.mktemp("fuzz") / "f.toml"
    path.write_bytes(raw)
    try:
        tmlcfg.load(Exp, path, path, env={"A": "$$"})
    except tmlcfg.ConfigError as e:
        str(e).encode("utf-8")


@given(st.text(max_size=300))
def test_any_text_gives_a_config_or_a_config_error(text: str) -> None:
    """Fuzz: loads of any str, surrogates included, returns a config or raises a printable ConfigError."""
    for env in (None, {"A": "x"}):
        try:
            tmlcfg.loads(Exp, text, env=env)
        except tmlcfg.ConfigError as e:
            str(e).encode("utf-8")


def test_the_one_value_error_names_the_override_path() -> None:
    """The error for text after an override's value is at the override's path, with the text shown escaped."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Exp, overrides=["steps=1\n[opt]\nlr=5"])
    assert str(info.value.problems[0]) == (
        "override: steps: override 'steps=1\\n[opt]\\nlr=5': the value must be one TOML value, with nothing after it"
    )


def test_restoring_a_deep_run_file_is_a_config_error(tmp_path: pathlib.Path) -> None:
    """A run directory whose saved TOML nests too deep is reported, not an internal error."""
    from tmlcfg._wandb.bridge import CONFIG_FILE, restore

    (tmp_path / CONFIG_FILE).write_text(f"extra.{DEEP} = '$$'\n")
    with pytest.raises(tmlcfg.ConfigError, match="cannot read it: extra.a.a.*nested deeper than"):
        restore(Exp, tmp_path)


def test_a_long_key_is_cut_but_the_rest_of_the_path_is_kept() -> None:
    """Only the keys longer than MAX_SHOWN are cut; the path around them stays whole."""
    from tmlcfg._base.keypaths import shown_path

    path = "model.tasks." + "x" * 10_000 + ".weights[12].lr"
    shown = shown_path(path)
    assert shown.startswith('model.tasks."xxx') and shown.endswith('xxx".weights[12].lr')
    assert len(shown) < MAX_SHOWN + 40
    assert shown_path("a." * 60 + "b") == "a." * 60 + "b"


def test_an_override_value_nested_past_the_limit_is_a_problem() -> None:
    """A value that parses but nests past MAX_DEPTH (with its path) is refused, at once, as a file's would be."""
    from tmlcfg._load.layers import parse_override

    path_depth = 2  # extra.k
    fits = "[" * (MAX_DEPTH - path_depth) + "]" * (MAX_DEPTH - path_depth)
    assert parse_override(f"extra.k={fits}")[0] == ("extra", "k")
    assert tmlcfg.load(Exp, overrides=["extra.k=" + "[" * 10 + "]" * 10]).extra["k"] is not None
    with pytest.raises(tmlcfg.ConfigError, match="the value is nested deeper than"):
        tmlcfg.load(Exp, overrides=[f"extra.k=[{fits}]"])
