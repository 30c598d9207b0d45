"""The tmlcfg command, through its console script and in-process."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from tmlcfg._cli import main

ROOT = pathlib.Path(__file__).parent.parent
TWHIN = "examples.twhin.config:TwhinConfig"
LOCAL = str(ROOT / "examples" / "twhin" / "local.toml")


def script() -> list[str]:
    found = shutil.which("tmlcfg", path=os.path.dirname(sys.executable)) or shutil.which("tmlcfg")
    return [found] if found else [sys.executable, "-m", "tmlcfg"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*script(), *args], capture_output=True, text=True, cwd=ROOT, check=False)


def test_console_script_exit_codes(tmp_path: pathlib.Path) -> None:
    """0 for a valid file, 1 for invalid input with the report on stderr, 2 for usage errors."""
    ok = run("check", TWHIN, LOCAL, "training.num_train_steps=5")
    assert (ok.returncode, ok.stdout) == (0, f"ok: {LOCAL} make a valid TwhinConfig\n")
    bad = run("check", TWHIN, LOCAL, "training.num_train_steps=-5")
    assert bad.returncode == 1
    assert bad.stderr == (
        "1 problem in override (TwhinConfig):\n  override: training.num_train_steps: must be > 0, got -5\n"
    )
    assert "Traceback" not in bad.stderr
    assert run("check", "no.such.module:X", LOCAL).returncode == 2
    assert run("check", "examples.twhin.config:Nope", LOCAL).returncode == 2
    assert run("check", "examples.twhin.config", LOCAL).returncode == 2
    assert run("check", "examples.twhin.config:Operator", LOCAL).returncode == 2
    assert run("frobnicate").returncode == 2
    module = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "check", TWHIN, LOCAL], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert module.returncode == 0


def test_check_reports_file_and_line(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid file's report names its file and line."""
    bad = tmp_path / "bad.toml"
    bad.write_text(pathlib.Path(LOCAL).read_text().replace("num_epochs = 5", "num_epochs = 0"))
    assert main(["check", TWHIN, str(bad)]) == 1
    assert capsys.readouterr().err == (
        f"1 problem in {bad} (TwhinConfig):\n  {bad}:12: training.num_epochs: must be > 0, got 0\n"
    )


def test_show_with_origins(capsys: pytest.CaptureFixture[str]) -> None:
    """show prints resolved TOML; --origins says where each value came from."""
    assert main(["show", TWHIN, LOCAL, "training.num_epochs=2"]) == 0
    shown = capsys.readouterr().out
    assert "num_epochs = 2\n" in shown
    assert main(["show", TWHIN, LOCAL, "training.num_epochs=2", "--origins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "num_epochs = 2  # override" in lines
    assert f"num_train_steps = 100000  # {LOCAL}:6" in lines
    assert "enable_tensorfloat32 = false  # default" in lines


def test_output_file_is_written(tmp_path: pathlib.Path) -> None:
    """-o writes the result to a file instead of stdout."""
    out = tmp_path / "resolved.toml"
    assert main(["show", TWHIN, LOCAL, "-o", str(out)]) == 0
    assert "[[model.relations]]" in out.read_text()


def test_template_schema_docs(capsys: pytest.CaptureFixture[str]) -> None:
    """template, schema and docs print their documents."""
    assert main(["template", "tmlcfg.training:TrainingConfig"]) == 0
    assert '# Directory to save checkpoints. (str)\nsave_dir = "/tmp/model"\n' in capsys.readouterr().out
    assert main(["schema", "tmlcfg.training:TrainingConfig"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "TrainingConfig"
    assert main(["docs", "tmlcfg.training:TrainingConfig"]) == 0
    assert "| `num_train_steps` | `int`, > 0 | `10000` | Number of training steps. |" in capsys.readouterr().out


def test_diff(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """diff prints one line per differing path."""
    other = tmp_path / "other.toml"
    other.write_text(
        pathlib.Path(LOCAL).read_text().replace("num_epochs = 5", "num_epochs = 6").replace("lr = 0.05", "lr = 0.1")
    )
    assert main(["diff", TWHIN, LOCAL, str(other)]) == 0
    assert capsys.readouterr().out == "training.num_epochs: 5 -> 6\nmodel.translation_optimizer.sgd.lr: 0.05 -> 0.1\n"


def test_python_dash_m_runs_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """python -m tmlcfg is the same command."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["tmlcfg", "check", TWHIN, LOCAL])
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as info:
        runpy.run_module("tmlcfg", run_name="__main__")
    assert info.value.code == 0
    assert "make a valid TwhinConfig" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "examples.twhin.config"], "expected module:Class"),
        (["check", "examples.twhin.config:Nope"], "has no 'Nope'"),
        (["check", "no_such_module_here:X"], "cannot import 'no_such_module_here'"),
        (["check", "examples.twhin.config:Operator"], "is not a tmlcfg config"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad module:Class is a usage error with its reason."""
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_check_defaults_only(capsys: pytest.CaptureFixture[str]) -> None:
    """check with no files checks the defaults."""
    assert main(["check", "tmlcfg.training:TrainingConfig"]) == 0
    assert capsys.readouterr().out == "ok: defaults make a valid TrainingConfig\n"
