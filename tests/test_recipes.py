"""The recipes the docs give work as written: from_argv's default files, turning MigrationWarning into an error."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

import tmlcfg
from tmlcfg.optimizers import OptimizerConfig, SgdConfig

ROOT = pathlib.Path(__file__).parent.parent


def test_from_argv_reads_the_scripts_files_first(tmp_path: pathlib.Path) -> None:
    base, today = tmp_path / "base.toml", tmp_path / "today.toml"
    base.write_text("[sgd]\nlr = 0.5\nmomentum = 0.1\n")
    today.write_text("[sgd]\nmomentum = 0.9\n")
    assert tmlcfg.from_argv(OptimizerConfig, [], config_files=[base]) == OptimizerConfig(
        sgd=SgdConfig(lr=0.5, momentum=0.1)
    )
    config = tmlcfg.from_argv(OptimizerConfig, ["sgd.lr=0.2", "--config", str(today)], config_files=[str(base)])
    assert config == OptimizerConfig(sgd=SgdConfig(lr=0.2, momentum=0.9))


def test_from_argv_help_shows_what_the_scripts_files_make(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.toml"
    base.write_text("[sgd]\nlr = 0.25\n")
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(OptimizerConfig, ["--help"], config_files=[base])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "with the values used:" in " ".join(out.split())
    assert ["sgd.lr", "float,", ">", "0", "=", "0.25"] in [line.split() for line in out.splitlines()]


def test_from_argv_reports_a_bad_default_file_like_any_other(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(OptimizerConfig, [], config_files=[tmp_path / "missing.toml"])
    assert info.value.code == 2
    assert "missing.toml: file not found" in capsys.readouterr().err


@pytest.mark.parametrize("files", ["base.toml", b"base.toml", pathlib.Path("base.toml"), 3])
def test_config_files_is_a_list(files: object) -> None:
    with pytest.raises(TypeError, match="config_files takes a list of paths"):
        tmlcfg.from_argv(OptimizerConfig, [], config_files=files)  # type: ignore[arg-type]


def test_the_example_script_takes_its_file_as_a_default() -> None:
    source = (ROOT / "examples" / "twhin" / "train.py").read_text()
    assert 'config_files=[HERE / "local.toml"]' in source
    assert '"--config"' not in source


OLD = """
import warnings
import tmlcfg

@tmlcfg.config(migrations=(tmlcfg.renamed("steps", "num_steps"),))
class Run:
    num_steps: int = 1
"""


def _python(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_simplefilter_makes_old_names_an_error(tmp_path: pathlib.Path) -> None:
    code = OLD + 'warnings.simplefilter("error", tmlcfg.MigrationWarning)\ntmlcfg.from_dict(Run, {"steps": 2})\n'
    done = _python("-c", code, cwd=tmp_path)
    assert done.returncode == 1
    assert "tmlcfg.MigrationWarning: steps was renamed to num_steps" in done.stderr.replace("_plan.", ".")


def test_pythons_own_w_option_is_ignored_as_the_docs_say(tmp_path: pathlib.Path) -> None:
    done = _python(
        "-W", "error::tmlcfg.MigrationWarning", "-c", OLD + 'tmlcfg.from_dict(Run, {"steps": 2})\n', cwd=tmp_path
    )
    assert "Invalid -W option ignored" in done.stderr
    assert done.returncode == 0


@pytest.mark.parametrize("how", ["option", "ini"])
def test_pytest_filterwarnings_makes_old_names_an_error(tmp_path: pathlib.Path, how: str) -> None:
    (tmp_path / "test_old.py").write_text(OLD + '\n\ndef test_old():\n    tmlcfg.from_dict(Run, {"steps": 2})\n')
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "test_old.py"]
    if how == "option":
        args += ["-W", "error::tmlcfg.MigrationWarning"]
    else:
        (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    error::tmlcfg.MigrationWarning\n")
    done = _python(*args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "MigrationWarning" in done.stdout


#: plugins a developer may have installed that would judge the inner run by their own rules
#: (pytest-benchmark warns under xdist; the inner run turns warnings into errors)
_QUIET = ("-p", "no:benchmark", "-p", "no:xdist")


def test_a_green_run_writes_no_hypothesis_patch(tmp_path: pathlib.Path) -> None:
    """Tests whose Hypothesis failures are expected (find inside a property, a law meant to break) pass silently."""
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (tmp_path / "test_expected.py").write_text(
        "import pytest\n"
        "from hypothesis import HealthCheck, find, given, settings, strategies as st\n\n\n"
        "@given(st.integers())\n"
        "@settings(max_examples=3, database=None, suppress_health_check=[HealthCheck.nested_given])\n"
        "def test_find_inside(n):\n"
        "    assert find(st.integers(0, 9), lambda x: x >= 5, settings=settings(database=None, max_examples=1000)) == 5\n\n\n"
        "def test_expected_failure():\n"
        "    @given(st.integers())\n"
        "    @settings(database=None)\n"
        "    def broken(n):\n"
        "        assert n < 10\n\n"
        "    with pytest.raises(AssertionError):\n"
        "        broken()\n"
    )
    done = _python("-m", "pytest", "-q", "-p", "no:cacheprovider", *_QUIET, "test_expected.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "git apply" not in done.stdout
    assert not (tmp_path / ".hypothesis" / "patches").exists()
    # a real failure still gets its patch
    (tmp_path / "test_failing.py").write_text(
        "from hypothesis import given, settings, strategies as st\n\n\n"
        "@given(st.integers())\n@settings(database=None)\ndef test_fails(n):\n    assert n < 10\n"
    )
    failed = _python("-m", "pytest", "-q", "-p", "no:cacheprovider", *_QUIET, "test_failing.py", cwd=tmp_path)
    assert failed.returncode == 1
    assert "git apply .hypothesis/patches/" in failed.stdout
