"""Run records from the command line: from_argv's run_dir, `tmlcfg runs show|diff`, wandb runs and the example."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import warnings

import pytest

import tmlcfg
import tmlcfg.runs
from examples.twhin.config import TwhinConfig
from tmlcfg._cli.main import main
from tmlcfg.runs import Record

from .test_runs import Experiment, Grown, NewStyle, OldStyle, Optimizer
from .test_wandb import LOCAL, ROOT, _finish, wandb_env  # noqa: F401 - the fixture

EXPERIMENT = "tests.test_runs:Experiment"


# -- from_argv ---------------------------------------------------------------------------------------------


def test_from_argv_saves_a_record_with_argv_and_origins(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_dir=: the config, the command line (secrets masked) and the origin of every value."""
    monkeypatch.setattr(sys, "argv", ["train.py"])
    base = tmp_path / "base.toml"
    base.write_text("name = 'exp'\n\n[optimizer]\nlr = 0.5\n")
    argv = ["--config", str(base), "steps=3", "token=hunter2"]
    config = tmlcfg.from_argv(Experiment, argv, run_dir=tmp_path / "run")
    assert config == Experiment(steps=3, name="exp", optimizer=Optimizer(lr=0.5), token="hunter2")
    restored = tmlcfg.runs.load(Experiment, tmp_path / "run")
    assert restored.record.argv == ("train.py", "--config", str(base), "steps=3", "token=***")
    assert dict(restored.record.origins) == {
        "steps": "override",
        "name": f"{base}:1",
        "optimizer.lr": f"{base}:4",
        "token": "override",
    }
    assert restored.config == Experiment(steps=3, name="exp", optimizer=Optimizer(lr=0.5))
    for path in (tmp_path / "run").iterdir():
        assert b"hunter2" not in path.read_bytes()


def test_the_run_dir_flag_wins_over_the_argument(tmp_path: pathlib.Path) -> None:
    """--run-dir DIR anywhere on the command line saves there, even when the script gave run_dir."""
    config = tmlcfg.from_argv(Experiment, ["steps=2", "--run-dir", str(tmp_path / "flag")], run_dir=tmp_path / "arg")
    assert not (tmp_path / "arg").exists()
    restored = tmlcfg.runs.load(Experiment, tmp_path / "flag")
    assert restored.config == config
    assert restored.record.origins["steps"] == "override"
    assert restored.record.origins["name"] == "default"


def test_no_record_without_a_run_dir_nor_for_print_config(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tmlcfg.from_argv(Experiment, ["steps=2"])
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(Experiment, ["--print-config", "--run-dir", "run"])
    assert os.listdir(tmp_path) == []


def test_a_run_dir_that_holds_a_record_exits_2(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The second run into the same directory stops before training, with the report and no traceback."""
    tmlcfg.from_argv(Experiment, ["--run-dir", str(tmp_path)])
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(Experiment, ["--run-dir", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'run.toml'}: already holds a run record" in err


# -- the command -------------------------------------------------------------------------------------------


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two_runs(tmp_path: pathlib.Path) -> tuple[str, str]:
    a, b = tmp_path / "a", tmp_path / "b"
    tmlcfg.runs.save(Experiment(steps=3), a, argv=["train.py", "steps=3"])
    tmlcfg.runs.save(Experiment(steps=4, token="s3cret"), b, argv=["train.py", "steps=4", "token=s3cret"])
    return str(a), str(b)


def test_show_prints_the_record(capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]) -> None:
    """Without a class: the record, one fact a line, and how to see the drift."""
    a, _ = two_runs
    record = tmlcfg.load(Record, os.path.join(a, "run.toml"))
    code, out, err = _main(capsys, "runs", "show", a)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:5] == [
        f"run: {a}",
        f"config class: {EXPERIMENT}",
        f"created: {record.created.isoformat(sep=' ', timespec='seconds')}",
        f"fingerprint: {record.fingerprint}",
        "command: train.py steps=3",
    ]
    assert f"  attrs {record.packages['attrs']}" in lines
    assert lines[-1] == f"(to see what has drifted since, name the class: tmlcfg runs show {a} {EXPERIMENT})"


def test_show_of_a_record_without_git_or_on_a_detached_head(
    capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]
) -> None:
    a, b = two_runs
    record = tmlcfg.load(Record, os.path.join(a, "run.toml"))
    tmlcfg.dump(tmlcfg.replace(record, {"git": None}), os.path.join(a, "run.toml"))
    detached = {"commit": "c" * 40, "dirty": True, "diff_sha256": "d" * 64}
    tmlcfg.dump(tmlcfg.replace(record, {"git": detached}), os.path.join(b, "run.toml"))
    assert "\ngit: none (not made in a git checkout)\n" in _main(capsys, "runs", "show", a)[1]
    assert f"\ngit: {'c' * 12} (detached HEAD), dirty (diff sha256 {'d' * 12})\n" in _main(capsys, "runs", "show", b)[1]
    code, out, _ = _main(capsys, "runs", "diff", a, b)
    assert code == 1
    assert f"  git: A was outside a git checkout, B at ccccccc (dirty, diff sha256 {'d' * 12})\n" in out


def test_show_escapes_control_characters_from_the_record(
    capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]
) -> None:
    """A hostile record cannot reach the terminal with escape sequences or forge lines."""
    a, _ = two_runs
    record = tmlcfg.load(Record, os.path.join(a, "run.toml"))
    forged = {"platform": "Linux\x1b[2J", "argv": ["train.py", "x\nfingerprint: forged"], "python": "3\rX"}
    tmlcfg.dump(tmlcfg.replace(record, forged), os.path.join(a, "run.toml"))
    code, out, _ = _main(capsys, "runs", "show", a)
    assert code == 0
    assert "\x1b" not in out and "\r" not in out
    assert "platform: Linux\\x1b[2J\n" in out
    assert "\nfingerprint: forged" not in out


@pytest.mark.parametrize("order", ["run-first", "class-first"])
def test_show_with_the_class_prints_the_drift(
    capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str], order: str
) -> None:
    """The class before or after the run: the same output, drift included, exit 0."""
    a, _ = two_runs
    args = [a, "tests.test_runs:Grown"] if order == "run-first" else ["tests.test_runs:Grown", a]
    code, out, err = _main(capsys, "runs", "show", *args)
    assert (code, err) == (0, "")
    drift = out.split("\ndrift (read as tests.test_runs:Grown today):\n")[1].splitlines()
    assert drift[:3] == [
        f"  the run's config class was `{EXPERIMENT}`; it is read as `tests.test_runs:Grown`",
        "  `training` was not in the run's file; it now defaults to { steps = 10, warmup = 100 }",
        "  `seed` was not in the run's file; it now defaults to 0",
    ]
    assert Grown  # the class read, importable by name
    code, out, _ = _main(capsys, "runs", "show", EXPERIMENT, a)
    assert out.endswith(
        f"\nno drift: read as {EXPERIMENT} today, the run's config, code and packages are as they were\n"
    )


def test_show_of_renamed_keys_prints_no_warnings_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    """Old keys are drift lines; the warnings that would say the same again are not printed."""
    tmlcfg.runs.save(OldStyle(lr=0.5), tmp_path)
    code, out, err = _main(capsys, "runs", "show", str(tmp_path), "tests.test_runs:NewStyle")
    assert (code, err) == (0, "")
    assert "  `lr` was renamed to `optimizer.lr` since\n" in out
    assert NewStyle


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "say what to do: show or diff"),
        (["list"], 2, "unknown action 'list'"),
        (["show"], 2, "expected one run directory, got 0"),
        (["show", "a", "b"], 2, "expected one run directory, got 2: a, b"),
        (["show", "x:Y", "z:W"], 2, "one module:Class at most, got 2"),
        (["show", "RUN", "no_such_module:C"], 2, "cannot import 'no_such_module'"),
        (["show", "--frobnicate", "RUN"], 2, "unrecognized arguments: --frobnicate"),
        (["diff", "RUN"], 2, "expected 2 run directories, got 1"),
        (["show", "missing-run"], 1, "missing-run: no such directory"),
        (["show", "missing-run", EXPERIMENT], 1, "missing-run: no such directory"),
    ],
)
def test_command_exit_codes(
    capsys: pytest.CaptureFixture[str],
    two_runs: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    message: str,
) -> None:
    """Usage mistakes exit 2, a missing or damaged run 1, each with one line and no traceback."""
    monkeypatch.chdir(os.path.dirname(two_runs[0]))
    os.rename("a", "RUN")
    got, out, err = _main(capsys, "runs", *args)
    assert (got, out) == (code, "")
    assert message in err
    assert "Traceback" not in err


def test_a_damaged_run_exits_1_with_the_located_report(
    capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]
) -> None:
    a, _ = two_runs
    pathlib.Path(a, "run.toml").write_text("python = 3\n")
    code, out, err = _main(capsys, "runs", "show", a, EXPERIMENT)
    assert (code, out) == (1, "")
    assert f"{a}/run.toml:1: python: expected str, got int 3" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["runs", "--help"])
    assert info.value.code == 0
    assert "show RUN [module:Class] | diff RUN_A RUN_B" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["runs", "show", "--help"])
    assert info.value.code == 0
    assert "RUN [module:Class]" in capsys.readouterr().out


def test_diff_of_two_runs(capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]) -> None:
    """Config differences as `tmlcfg diff` shows them, then the record's; exit 1; secrets never shown."""
    a, b = two_runs
    for args in ([a, b], [a, b, EXPERIMENT], [EXPERIMENT, a, b], [a, EXPERIMENT, b]):
        code, out, err = _main(capsys, "runs", "diff", *args)
        assert (code, err) == (1, "")
        assert out == (
            "config:\n  steps: 3 -> 4\nrecord:\n  command: train.py steps=3 -> train.py steps=4 'token=***'\n"
        )
    code, out, _ = _main(capsys, "runs", "diff", a, a)
    assert (code, out) == (0, f"{a} and {a}: the same config, code, packages and command\n")


def test_diff_names_the_record_differences(capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]) -> None:
    """Python, packages and git differences between two runs, one line each."""
    a, b = two_runs
    record = tmlcfg.load(Record, os.path.join(b, "run.toml"))
    packages = {**record.packages, "attrs": "0.0.1", "extra-dist": "1.0"}
    git = {"commit": "f" * 40, "branch": "exp", "dirty": True, "diff_sha256": "a" * 64}
    changes = {"packages": packages, "python": "3.99.0 (CPython)", "git": git}
    tmlcfg.dump(tmlcfg.replace(record, changes), os.path.join(b, "run.toml"))
    code, out, _ = _main(capsys, "runs", "diff", a, b)
    assert code == 1
    record_a = tmlcfg.load(Record, os.path.join(a, "run.toml"))
    assert record_a.git is not None  # the tests run in a checkout
    state = "dirty, diff sha256 " + record_a.git.diff_sha256[:12] if record_a.git.dirty else "clean"
    assert (
        f"  git: A was at {record_a.git.commit[:7]} ({state}), B at fffffff (dirty, diff sha256 aaaaaaaaaaaa)\n" in out
    )
    on = f"branch `{record_a.git.branch}`" if record_a.git.branch is not None else "a detached HEAD"
    assert f"  git: A was on {on}, B on branch `exp`\n" in out
    assert f"  python: {record_a.python} -> 3.99.0 (CPython)\n" in out
    assert f"  attrs {record_a.packages['attrs']} -> 0.0.1\n" in out
    assert "  extra-dist (not imported) -> 1.0\n" in out


def test_diff_with_a_class_that_cannot_be_imported(
    capsys: pytest.CaptureFixture[str], two_runs: tuple[str, str]
) -> None:
    """A record whose class is gone: exit 2, saying to name the class."""
    a, b = two_runs
    record = tmlcfg.load(Record, os.path.join(a, "run.toml"))
    tmlcfg.dump(tmlcfg.replace(record, config_class="gone_module:Experiment"), os.path.join(a, "run.toml"))
    code, _, err = _main(capsys, "runs", "diff", a, b)
    assert code == 2
    assert "cannot import 'gone_module'" in err and "give module:Class" in err
    code, _, _ = _main(capsys, "runs", "diff", a, b, EXPERIMENT)
    assert code == 1


def test_console_script(two_runs: tuple[str, str]) -> None:
    """python -m tmlcfg runs show: the same as in-process, exit 0."""
    a, _ = two_runs
    done = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "runs", "show", a, EXPERIMENT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"run: {a}\nconfig class: {EXPERIMENT}\n")


# -- wandb and the example ---------------------------------------------------------------------------------


def test_wandb_init_writes_the_record_and_load_reads_the_run_directory(wandb_env: pathlib.Path) -> None:  # noqa: F811
    """init saves tmlcfg-run.toml beside tmlcfg.toml; runs.load reads the run directory and wandb/latest-run."""
    from tmlcfg.wandb import WandbConfig, init

    experiment = tmlcfg.load(TwhinConfig, LOCAL)
    run_dir = _finish(init(WandbConfig(), experiment))
    files = run_dir / "files"
    assert (files / "tmlcfg.toml").read_text() == tmlcfg.pretty_print(experiment)
    record = tmlcfg.load(Record, files / "tmlcfg-run.toml")
    assert record.config_class == "examples.twhin.config:TwhinConfig"
    assert record.fingerprint == tmlcfg.fingerprint(experiment)
    assert "wandb" in record.packages
    for source in (run_dir, files, wandb_env / "wandb"):
        restored = tmlcfg.runs.load(TwhinConfig, source)
        assert restored.config == experiment
        assert restored.record == record
        assert restored.drift == ()


def test_a_wandb_record_masks_secrets_on_the_command_line(
    wandb_env: pathlib.Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command line a wandb run records has the values of secret fields masked, in every form."""
    from tmlcfg.wandb import WandbConfig, init

    from .test_wandb import Credentials, SecretExperiment

    secret = "s3cr3t-" + "z" * 24
    monkeypatch.setattr(sys, "argv", ["train.py", f"credentials.token={secret}", "--credentials.token", secret])
    experiment = SecretExperiment(credentials=Credentials(token=secret))
    run_dir = _finish(init(WandbConfig(), experiment))
    record = tmlcfg.load(Record, run_dir / "files" / "tmlcfg-run.toml")
    assert record.argv == ("train.py", "credentials.token=***", "--credentials.token", "***")
    restored = tmlcfg.runs.load(SecretExperiment, run_dir)
    assert restored.config == SecretExperiment()
    assert restored.drift[0] == (
        "`credentials.token` is secret, so the run's value was not recorded; it now takes its default"
    )
