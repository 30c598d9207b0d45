"""The tmlcfg command, through its console script and in-process."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmlcfg.__main__ import main

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
    """diff prints one line per differing path, and exits 1 as diff(1) does when there is one."""
    other = tmp_path / "other.toml"
    other.write_text(
        pathlib.Path(LOCAL).read_text().replace("num_epochs = 5", "num_epochs = 6").replace("lr = 0.05", "lr = 0.1")
    )
    assert main(["diff", TWHIN, LOCAL, str(other)]) == 1
    assert capsys.readouterr().out == "training.num_epochs: 5 -> 6\nmodel.translation_optimizer.sgd.lr: 0.05 -> 0.1\n"


def test_python_dash_m_runs_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """python -m tmlcfg is the same command."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["tmlcfg", "check", TWHIN, LOCAL])
    monkeypatch.chdir(ROOT)
    # run as a fresh module, as python -m does, though the tests import tmlcfg.__main__ for its main()
    monkeypatch.delitem(sys.modules, "tmlcfg.__main__", raising=False)
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


TRAINING = "tmlcfg.training:TrainingConfig"


def _orders(*words: str) -> list[list[str]]:
    """A few orders of one command's words: as given, flags first, flags last, and reversed positionals."""
    flags: list[str] = []
    positionals: list[str] = []
    it = iter(words)
    for w in it:
        if w.startswith("-"):
            flags.append(w)
            if w in ("-o", "--output", "--check", "--class"):
                flags.append(next(it))
        else:
            positionals.append(w)
    head, *rest = positionals
    return [list(words), [*flags, *positionals], [*positionals, *flags], [head, *flags, *rest]]


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("check", [TWHIN, LOCAL, "training.num_epochs=2", "-o", "{out}"]),
        ("show", [TWHIN, LOCAL, "training.num_epochs=2", "--origins", "-o", "{out}"]),
        ("template", [TRAINING, "-o", "{out}"]),
        ("schema", [TRAINING, "--output", "{out}"]),
        ("docs", [TRAINING, "-o", "{out}"]),
        ("diff", [TWHIN, LOCAL, "{other}", "-o", "{out}"]),
        ("convert", ["{yaml}", "--check", TRAINING, "-o", "{out}"]),
        ("convert", ["{yaml}", "--class", TRAINING, "-o", "{out}"]),
    ],
)
def test_every_subcommand_takes_its_flags_anywhere(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], command: str, words: list[str]
) -> None:
    """A subcommand's flags may come before, between or after its positionals, with one same result."""
    other = tmp_path / "other.toml"
    other.write_text(pathlib.Path(LOCAL).read_text().replace("num_epochs = 5", "num_epochs = 6"))
    yaml_file = tmp_path / "old.yaml"
    yaml_file.write_text("num_train_steps: 500\nsave_dir: /data\n")
    results = set()
    for order in _orders(*words):
        out = tmp_path / "out.txt"
        out.unlink(missing_ok=True)
        argv = [command, *(w.format(out=out, other=other, yaml=yaml_file) for w in order)]
        assert main(argv) == (1 if command == "diff" else 0), (argv, capsys.readouterr().err)
        assert capsys.readouterr() == ("", "")
        results.add(out.read_text(encoding="utf-8"))
    (result,) = results
    assert result


def test_show_origins_before_and_after_positionals(capsys: pytest.CaptureFixture[str]) -> None:
    """tmlcfg show --origins works in every place, as train.py's does."""
    outputs = []
    for argv in (
        ["show", "--origins", TWHIN, LOCAL, "training.num_epochs=2"],
        ["show", TWHIN, "--origins", LOCAL, "training.num_epochs=2"],
        ["show", TWHIN, LOCAL, "--origins", "training.num_epochs=2"],
        ["show", TWHIN, LOCAL, "training.num_epochs=2", "--origins"],
    ):
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert len(set(outputs)) == 1
    assert "num_epochs = 2  # override" in outputs[0].splitlines()


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["show", TWHIN, "--bogus"], "usage: tmlcfg show "),
        (["diff", TWHIN, LOCAL], "usage: tmlcfg diff "),
        (["convert"], "usage: tmlcfg convert "),
        (["schema", TRAINING, "extra"], "usage: tmlcfg schema "),
        (["check", "-o"], "usage: tmlcfg check "),
        (["frobnicate"], "usage: tmlcfg "),
        ([], "usage: tmlcfg "),
    ],
)
def test_usage_error_shows_the_subcommands_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistake in a subcommand's words exits 2 with that subcommand's usage, not the top-level one."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1 / 0\n", "cannot import 'broken_{n}': ZeroDivisionError: division by zero"),
        ("def f(:\n    pass\n", "cannot import 'broken_{n}': SyntaxError: invalid syntax (broken_{n}.py, line 1)"),
        ("import sys\nsys.exit(3)\n", "cannot import 'broken_{n}': SystemExit: it called exit(3)"),
        ("raise RuntimeError('no GPU\\nfound')\n", "cannot import 'broken_{n}': RuntimeError: no GPU found"),
        ("import no_such_dependency_xyz\n", "cannot import 'broken_{n}': No module named 'no_such_dependency_xyz'"),
        ("def __getattr__(name):\n    raise KeyError(name)\n", "cannot get 'C' from 'broken_{n}': KeyError: 'C'"),
    ],
)
def test_module_that_fails_to_import_is_a_one_line_usage_error(
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    message: str,
) -> None:
    """A module:Class whose module raises, has a syntax error or exits: exit 2 with its error on one line."""
    n = abs(hash((source, str(tmp_path))))
    (tmp_path / f"broken_{n}.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert main(["check", f"broken_{n}:C"]) == 2
    assert capsys.readouterr() == ("", f"tmlcfg check: {message.format(n=n)}\n")
    sys.modules.pop(f"broken_{n}", None)


def test_module_errors_from_the_console_script(tmp_path: pathlib.Path) -> None:
    """Through the console script too: exit 2, one line, no traceback."""
    (tmp_path / "boom_module.py").write_text("raise ValueError('bad setting')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [*script(), "show", "boom_module:C"], capture_output=True, text=True, cwd=tmp_path, check=False, env=env
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "tmlcfg show: cannot import 'boom_module': ValueError: bad setting\n"


def test_output_that_cannot_be_encoded_is_invalid_input(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value holding a lone surrogate (a non-UTF-8 byte on the command line) is exit 1 with a message, nothing written."""
    out = tmp_path / "out.toml"
    for extra in ([], ["-o", str(out)]):
        assert main(["show", TRAINING, 'save_dir="/data/\udcff"', *extra]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        # refused as it is read, before any output is made
        assert "override: save_dir: the text holds the lone surrogate U+DCFF at character 6" in captured.err
    assert not out.exists()


def test_ascii_terminal_gets_utf8_toml() -> None:
    """With stdout set to ASCII, the TOML still comes out, as UTF-8 (what TOML files are)."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "show", TRAINING, 'save_dir="/données/实验"'],
        capture_output=True,
        cwd=ROOT,
        check=False,
        env=env,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode("utf-8").startswith('save_dir = "/données/实验"\n')


def test_closed_stdout_is_not_a_traceback() -> None:
    """A reader that goes away (| head -0) ends the command quietly, without a traceback."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tmlcfg", "docs", TWHIN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, 1)
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_output_into_an_unwritable_system_directory(capsys: pytest.CaptureFixture[str]) -> None:
    """-o into a directory not even root may write in is a one-line usage error after the check passes."""
    if not pathlib.Path("/sys").is_dir() or (os.access("/sys", os.W_OK) and os.geteuid() != 0):
        pytest.skip("no read-only /sys here")
    target = "/sys/tmlcfg-test.toml"
    code = main(["template", TRAINING, "-o", target])
    if code == 0:  # pragma: no cover - a writable /sys: undo and say so
        os.unlink(target)
        pytest.skip("/sys is writable here")
    assert code == 2
    assert capsys.readouterr().err.startswith(f"tmlcfg template: -o {target}: cannot create a file in '/sys': ")


def test_long_module_error_is_shortened(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A module's error of any length stays one line of bounded length."""
    (tmp_path / "loud_module.py").write_text("raise RuntimeError('x' * 100_000)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert main(["check", "loud_module:C"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("tmlcfg check: cannot import 'loud_module': RuntimeError: xxx")
    assert line.endswith("x...") and len(line) < 400


def test_ascii_stdout_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ASCII text stream gets the UTF-8 bytes on its buffer, with what was printed before kept in order."""
    import io

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    stream.write("before\n")
    assert main(["show", TRAINING, 'save_dir="/données"']) == 0
    text = raw.getvalue().decode("utf-8")
    assert text.startswith('before\nsave_dir = "/données"\n')


def _interleave(positionals: list[str], flags: list[list[str]], data: st.DataObject) -> list[str]:
    """The positionals in their order, with each flag (and its value) dropped in at a drawn place."""
    words: list[list[str]] = [[p] for p in positionals]
    for unit in data.draw(st.permutations(flags)):
        words.insert(data.draw(st.integers(0, len(words))), unit)
    return [w for unit in words for w in unit]


@given(data=st.data())
def test_flags_anywhere_is_a_property(data: st.DataObject) -> None:
    """Any placement of show's and convert's flags among their positionals gives the same output."""
    import contextlib
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "out.toml")
        source = os.path.join(folder, "old.yaml")
        with open(source, "w") as f:
            f.write("num_train_steps: '500'\neval_timeout_in_s: 1e3\n")
        cases = [
            ("show", [TWHIN, LOCAL, "training.num_epochs=2"], [["--origins"], ["-o", out]]),
            ("convert", [source], [["--class", TRAINING], ["--output", out]]),
        ]
        results = []
        for command, positionals, flags in cases:
            argv = [command, *_interleave(positionals, flags, data)]
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                assert main(argv) == 0, (argv, err.getvalue())
            with open(out, encoding="utf-8") as f:
                results.append(f.read())
        assert "num_epochs = 2  # override" in results[0].splitlines()
        assert results[1] == "num_train_steps = 500\neval_timeout_in_s = 1000.0\n"
