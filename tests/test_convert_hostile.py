"""convert: what TOML cannot hold is a located problem, and --check speaks of the YAML file's own lines."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmlcfg._cli.main import main

TRAINING = "tmlcfg.training:TrainingConfig"


def _convert(
    tmp_path: pathlib.Path, text: str, *flags: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    source = tmp_path / "old.yaml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.toml"
    out.unlink(missing_ok=True)
    code = main(["convert", str(source), *flags, "-o", str(out)])
    err = capsys.readouterr().err.replace(str(source), "old.yaml")
    return code, out.read_text() if out.exists() else "", err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('save_dir: "\\ud800"\n', "old.yaml:1: save_dir: the text holds a lone surrogate (U+D800)"),
        ('a:\n  b: [1, "x\\udfffy"]\n', "old.yaml:2: a.b[1]: the text holds a lone surrogate (U+DFFF)"),
        ('a:\n  "\\udc80k": 1\n', "old.yaml:2: a: a key holds a lone surrogate (U+DC80)"),
        ('a: 1\n"\\ud800": 1\n', "old.yaml:2: a key holds a lone surrogate (U+D800)"),
        ("n: 9223372036854775808\n", "old.yaml:1: n: an integer beyond TOML's range"),
        ("\n\nn: -9223372036854775809\n", "old.yaml:3: n: an integer beyond TOML's range"),
        ("l:\n- 1\n- 0x1_0000_0000_0000_0000\n", "old.yaml:3: l[1]: an integer beyond TOML's range"),
        ("n: " + "7" * 5000 + "\n", "old.yaml:1: n: an integer beyond TOML's range (64-bit: -2**63 to 2**63 - 1) (too"),
        ("x: 1\nn: 0b" + "1" * 5000 + "\n", "old.yaml:2: n: an integer beyond TOML's range"),
        ("x: 1\nn: 0" + "7" * 5000 + "\n", "old.yaml:2: n: an integer beyond TOML's range"),
        ("a: 1\n? 0b" + "1" * 20000 + "\n: x\n", "key (an integer of 20000 bits) is not a string"),
        ("a:\n  ? 2020-01-01\n  : y\n", "old.yaml:1: a: key datetime.date(2020, 1, 1) is not a string"),
        ("a:\n  ? " + "9" * 200 + "\n  : y\n", "key (an integer of 665 bits) is not a string"),
    ],
)
def test_what_toml_cannot_hold_exits_1_at_its_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    """Exit 1, the problem located in the YAML file, nothing written, no traceback."""
    code, written, err = _convert(tmp_path, text, capsys=capsys)
    assert (code, written) == (1, "")
    assert problem in err, err
    assert "Traceback" not in err


def test_int64_bounds_convert(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, written, _ = _convert(tmp_path, "a: 9223372036854775807\nb: -9223372036854775808\n", capsys=capsys)
    assert (code, written) == (0, "a = 9223372036854775807\nb = -9223372036854775808\n")


def test_a_huge_number_text_in_an_int_field_is_refused_by_the_check(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, written, err = _convert(tmp_path, f'num_train_steps: "{"9" * 5000}"\n', "--check", TRAINING, capsys=capsys)
    assert (code, written) == (1, "")
    assert "old.yaml:1: num_train_steps: expected int" in err


YAML = """\
# an old experiment, written by hand

sgd:
  # the rate
  lr: 0          # line 5
  momentum: -1   # line 6

bogus: 1         # line 8
"""


def test_check_reports_the_yaml_files_own_lines(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not the generated TOML's lines labelled with the YAML file's name."""
    code, written, err = _convert(tmp_path, YAML, "--check", "tmlcfg.optimizers:OptimizerConfig", capsys=capsys)
    assert (code, written) == (1, "")
    lines = err.splitlines()
    assert lines[0] == "3 problems in old.yaml (OptimizerConfig):"
    assert [line.split(": ")[0].strip() for line in lines[1:]] == ["old.yaml:5", "old.yaml:6", "old.yaml:8"], err


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["", "# note", "  # indented note"])), max_size=8))
def test_check_lines_follow_the_yaml_file(inserts: list[tuple[int, str]]) -> None:
    """Wherever comments and blank lines put the bad key, the report gives its line in the YAML file."""
    import contextlib
    import io
    import tempfile

    body = ["sgd:", "  momentum: 0.5", "  lr: 0"]
    for at, line in inserts:
        body.insert(1 + at % len(body), line)
    expected = body.index("  lr: 0") + 1
    with tempfile.TemporaryDirectory() as d:
        source = pathlib.Path(d) / "x.yaml"
        source.write_text("\n".join(body) + "\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            assert main(["convert", str(source), "--check", "tmlcfg.optimizers:OptimizerConfig"]) == 1
    assert f"{source}:{expected}: sgd.lr: must be > 0" in err.getvalue(), (body, err.getvalue())
