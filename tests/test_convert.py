"""Converting pydantic-era YAML experiment files to TOML."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from examples.twhin.config import TwhinConfig
from tmlcfg.__main__ import main
from tmlcfg._base.limits import MAX_DEPTH, MAX_YAML_NODES
from tmlcfg._cli.yaml import yaml_to_toml

from .helpers import without_nulls

YAML = """\
training:
  save_dir: ${HOME}/runs/${USER}
  num_train_steps: 10
  initial_checkpoint_dir: null
model:
  translation_optimizer:
    sgd:
      lr: 0.05
    adam: null
  embeddings:
    tables:
      - name: user
        num_embeddings: 10
        embedding_dim: 4
        data_type: fp32
        optimizer: {sgd: {lr: 0.1}}
      - name: tweet
        num_embeddings: 10
        embedding_dim: 4
        data_type: fp32
        optimizer: {sgd: {lr: 0.1}}
  relations:
    - {name: fav, lhs: user, rhs: tweet, operator: translation}
train_data: &data
  data_root: "gs://bucket/edges/*"
  per_replica_batch_size: 5
  global_negatives: 0
  in_batch_negatives: 1
  limit: 10
validation_data:
  <<: *data
  offset: 3
runtime:
  wandb:
    metadata:
      "a.b": 1
      empty: null
"""


def test_yaml_converts_and_loads(tmp_path: pathlib.Path) -> None:
    """Nulls dropped, lists of tables, dotted keys and ${HOME} kept for load time."""
    source = tmp_path / "local.yaml"
    source.write_text(YAML)
    text = yaml_to_toml(source)
    assert 'save_dir = "${HOME}/runs/${USER}"' in text
    assert "null" not in text and "adam" not in text
    assert "[[model.embeddings.tables]]" in text
    assert '"a.b" = 1' in text
    converted = tmp_path / "local.toml"
    converted.write_text(text)
    config = tmlcfg.load(TwhinConfig, converted, env={"HOME": "/home/me", "USER": "me"})
    assert config.training.save_dir == "/home/me/runs/me"
    assert config.model.translation_optimizer.adam is None
    assert config.validation_data.offset == 3
    assert config.runtime.wandb is not None
    assert config.runtime.wandb.metadata == {"a.b": 1}


def test_convert_command_checks(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """convert --check validates the result; bad YAML is a report, not a traceback."""
    source = tmp_path / "local.yaml"
    source.write_text(YAML)
    assert main(["convert", str(source), "--check", "examples.twhin.config:TwhinConfig"]) == 0
    assert "[training]" in capsys.readouterr().out
    source.write_text(YAML.replace("limit: 10", "limit: -1"))
    assert main(["convert", str(source), "--check", "examples.twhin.config:TwhinConfig"]) == 1
    assert "train_data.limit: must be > 0, got -1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1, null]\n", "a: a list holds null"),
        ("1: x\n", "key 1 is not a string"),
        ("a: b: c\n", "YAML syntax error"),
        ("- 1\n", "the document is not a mapping"),
        ("a: !!binary aGk=\n", "bytes has no TOML form"),
    ],
)
def test_bad_yaml(tmp_path: pathlib.Path, text: str, message: str) -> None:
    """What TOML cannot hold is reported with its path."""
    source = tmp_path / "bad.yaml"
    source.write_text(text)
    with pytest.raises(tmlcfg.ConfigError, match=message):
        yaml_to_toml(source)


def test_missing_yaml_file(tmp_path: pathlib.Path) -> None:
    """A missing file is a ConfigError."""
    with pytest.raises(tmlcfg.ConfigError, match="file not found"):
        yaml_to_toml(tmp_path / "nope.yaml")


def test_reference_recap_file_converts_back_from_its_parse(tmp_path: pathlib.Path) -> None:
    """The Recap reference parse, written as YAML, converts to the reference TOML's values."""
    import tomllib

    import yaml

    data = pathlib.Path(__file__).parent / "data"
    parsed = json.loads((data / "tml_reference_parse.json").read_text())["recap"]
    source = tmp_path / "recap.yaml"
    source.write_text(yaml.safe_dump(parsed, sort_keys=False))
    converted = tomllib.loads(yaml_to_toml(source))
    reference = tomllib.loads((data / "recap_local_prod.toml").read_text())
    assert converted.keys() == reference.keys()
    assert converted == without_nulls(parsed)


def _converted(tmp_path: pathlib.Path, text: str, cls: type | None = None) -> dict[str, Any]:
    import tomllib

    source = tmp_path / "in.yaml"
    source.write_text(text)
    return tomllib.loads(yaml_to_toml(source, cls))


def _refused(tmp_path: pathlib.Path, text: str) -> tmlcfg.Problem:
    source = tmp_path / "in.yaml"
    source.write_text(text)
    with pytest.raises(tmlcfg.ConfigError) as info:
        yaml_to_toml(source)
    (problem,) = info.value.problems
    assert problem.source == str(source)
    return problem


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _merges(levels: int) -> str:
    lines = ["m0: &m0 {k0: 1}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "path"),
    [
        (_laughs(9), 6, "a5"),  # a 500-byte file that would be 100 million values; a5 alone is a million
        (_merges(60), 18, 'm17."<<"'),  # merge keys doubling: PyYAML alone would take hours
        ("s: &s " + "x" * 20_000 + "\nl: [" + ", ".join(["*s"] * 60_000) + "]\n", 2, "l"),
    ],
    ids=["laughs", "merge-keys", "long-string"],
)
def test_aliases_cannot_multiply_a_file(tmp_path: pathlib.Path, text: str, line: int, path: str) -> None:
    """A document that aliases expand beyond MAX_YAML_NODES is refused where it crosses, before it is built."""
    problem = _refused(tmp_path, text)
    assert (problem.path, problem.line) == (path, line)
    assert problem.message == (
        f"aliases expand this document beyond {MAX_YAML_NODES:,} values; write the repeated parts out, or repeat them less"
    )


def test_aliases_below_the_bound_expand(tmp_path: pathlib.Path) -> None:
    """Aliases and merge keys that stay within the bound convert to their expanded values."""
    data = _converted(tmp_path, _laughs(5) + "m0: &m0 {k0: 1}\nm1: {<<: [*m0, *m0], k1: 2}\n")
    assert data["a4"] == [[[[["x"] * 10] * 10] * 10] * 10] * 10
    assert data["m1"] == {"k0": 1, "k1": 2}


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n", "a: &a {b: [{c: *a}]}\n"])
def test_alias_to_itself_is_refused(tmp_path: pathlib.Path, text: str) -> None:
    """A value that contains itself (TOML cannot hold it) is a problem, not a RecursionError."""
    problem = _refused(tmp_path, text)
    assert problem.message == "the alias *a refers to a value that contains it"
    assert problem.line == 1


def _nested(depth: int) -> str:
    return "a: " + "[" * depth + "1" + "]" * depth + "\n"


def test_nesting_up_to_the_bound_converts(tmp_path: pathlib.Path) -> None:
    """Lists nested MAX_DEPTH deep below the top-level table convert."""
    value: Any = _converted(tmp_path, _nested(MAX_DEPTH))["a"]
    for _ in range(MAX_DEPTH):
        (value,) = value
    assert value == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 100_000])
def test_deep_yaml_is_a_problem_at_its_path(tmp_path: pathlib.Path, depth: int) -> None:
    """Nesting beyond MAX_DEPTH is a problem at the path where it is crossed, never a RecursionError."""
    problem = _refused(tmp_path, _nested(depth))
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep"
    # the list at level MAX_DEPTH + 1, counting the top-level table as 0 and a's list as 1
    assert problem.path == "a" + "[0]" * MAX_DEPTH


def test_deep_mapping_and_alias_chain(tmp_path: pathlib.Path) -> None:
    """Deep block mappings, and aliases that nest a value deeper at each step, are refused with their line."""
    text = "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "leaf: 1\n"
    problem = _refused(tmp_path, text)
    assert (problem.line, problem.path) == (MAX_DEPTH + 2, ".".join(f"k{i}" for i in range(MAX_DEPTH + 1)))
    chain = "c0: &c0 [1]\n" + "".join(f"c{i}: &c{i} [*c{i - 1}]\n" for i in range(1, 150))
    problem = _refused(tmp_path, chain)
    assert (problem.line, problem.path) == (MAX_DEPTH + 1, f"c{MAX_DEPTH}")
    assert problem.message == f"aliases nest this value more than {MAX_DEPTH} levels deep"


def test_convert_command_reports_bounds_with_exit_1(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command turns a bound crossed into exit 1 and a report, no traceback."""
    source = tmp_path / "bomb.yaml"
    source.write_text(_laughs(9))
    assert main(["convert", str(source)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"1 problem in {source}:\n  {source}:6: a5: aliases expand this document")


@tmlcfg.config
class Numbers:
    """Fields of every kind a YAML number might be meant for."""

    lr: float = 0.1
    steps: int = 1
    name: str = "n"
    ratio: float | None = None
    weights: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    limits: Mapping[str, int] = tmlcfg.field(factory=dict)
    either: int | str = 0
    extra: Mapping[str, Any] = tmlcfg.field(factory=dict)


NUMBER_CASES = [
    # (yaml, without the class, with the class)
    ("lr: 1e-3", 0.001, 0.001),
    ("lr: 1E+3", 1000.0, 1000.0),
    ("lr: -.5e1", -5.0, -5.0),
    ("lr: 1.5e3", 1500.0, 1500.0),  # no sign in the exponent: a string to PyYAML
    ("lr: 1.5e-3", 0.0015, 0.0015),  # YAML 1.1 reads this one itself
    ("lr: 2", 2, 2),
    ("lr: '1e-3'", "1e-3", 0.001),  # quoted: text, which pydantic made the field's float
    ("lr: '0.25'", "0.25", 0.25),
    ("lr: 'fast'", "fast", "fast"),
    ("lr: 'inf'", "inf", "inf"),
    ("steps: '12'", "12", 12),
    ("steps: 1e3", 1000.0, "1e3"),  # pydantic refused 1e3 for an int too; the check will say so
    ("name: 1e3", 1000.0, "1e3"),  # a name that looks like a number stays as written
    ("name: '5'", "5", "5"),
    ("ratio: 5e-1", 0.5, 0.5),
    ("weights: [1e-1, '2e-1', 3]", [0.1, "2e-1", 3], [0.1, 0.2, 3]),
    ("labels: [1e3, x]", [1000.0, "x"], ["1e3", "x"]),
    ("limits: {a: '7', b: 1e2}", {"a": "7", "b": 100.0}, {"a": 7, "b": "1e2"}),
    ("either: 1e2", 100.0, "1e2"),
    ("extra: {x: 1e-2, y: '1e-2'}", {"x": 0.01, "y": "1e-2"}, {"x": 0.01, "y": "1e-2"}),
    ("unknown: 1e-2", 0.01, 0.01),
]


@pytest.mark.parametrize(("text", "plain", "typed"), NUMBER_CASES)
def test_numbers_read_as_the_pydantic_era_loader_did(tmp_path: pathlib.Path, text: str, plain: Any, typed: Any) -> None:
    """1e-3 is a number, as pydantic made it; given the class, each field's type decides."""
    key = text.split(":")[0]
    for cls, expected in ((None, plain), (Numbers, typed)):
        got = _converted(tmp_path, text + "\n", cls)[key]
        assert got == expected and _kinds(got) == _kinds(expected), (cls, got)


def _kinds(value: Any) -> Any:
    """The value's shape with each scalar's type, so that 1 == 1.0 cannot hide a difference."""
    if isinstance(value, dict):
        return {k: _kinds(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_kinds(v) for v in value]
    return type(value)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_every_exponent_form_reads_as_its_float(x: float) -> None:
    """Any float written in e-notation, with or without a dot or a sign, converts to that float."""
    import tempfile

    mantissa, exponent = f"{x:.17e}".split("e")
    digits = mantissa.replace(".", "").lstrip("-")
    # the same number as <integer>e<exponent>, with no dot: YAML 1.1 reads it as a string
    integral = f"{'-' if x < 0 or mantissa.startswith('-') else ''}{digits}e{int(exponent) - 17}"
    with tempfile.TemporaryDirectory() as folder:
        for text in (f"{x:e}", integral, f"{x:E}".replace("E+", "E")):
            data = _converted(pathlib.Path(folder), f"lr: {text}\n", Numbers)
            assert type(data["lr"]) is float and data["lr"] == float(text)


def test_convert_command_class_flag(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--class makes the field types decide; --check alone does the same with its class."""
    source = tmp_path / "old.yaml"
    source.write_text("lr: '1e-3'\nname: 1e3\n")
    assert main(["convert", str(source)]) == 0
    assert capsys.readouterr().out == 'lr = "1e-3"\nname = 1000.0\n'
    for flag in ("--class", "--check"):
        assert main(["convert", flag, "tests.test_convert:Numbers", str(source)]) == 0
        assert capsys.readouterr().out == 'lr = 0.001\nname = "1e3"\n'


def test_unreadable_and_empty_yaml(tmp_path: pathlib.Path) -> None:
    """A directory given as the file is a ConfigError; an empty document is an empty TOML file."""
    with pytest.raises(tmlcfg.ConfigError, match="cannot read"):
        yaml_to_toml(tmp_path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    assert yaml_to_toml(empty) == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a: 1\nb: \x00\n", "not YAML text: character U+0000 at character 8 (special characters are not allowed)"),
        (b"a: \x07\n", "not YAML text: character U+0007 at character 3 (special characters are not allowed)"),
        (b"a: \xff\xfe\n", "cannot read: 'utf-8' codec can't decode byte 0xff in position 3: invalid start byte"),
    ],
)
def test_binary_yaml_is_one_line_problem(tmp_path: pathlib.Path, data: bytes, message: str) -> None:
    """Bytes that are not YAML text give a one-line problem, not PyYAML's multi-line report."""
    source = tmp_path / "binary.yaml"
    source.write_bytes(data)
    with pytest.raises(tmlcfg.ConfigError) as info:
        yaml_to_toml(source)
    (problem,) = info.value.problems
    assert problem.message == message
