"""The `tmlcfg port` command: where it writes, its exit codes and hostile inputs."""

from __future__ import annotations

import os
import pathlib
import stat
import subprocess
import sys

import pytest

from tmlcfg.__main__ import main

pytest.importorskip("libcst")

MODEL = 'import pydantic\n\n\nclass A(pydantic.BaseModel, extra="forbid"):\n    """Docs."""\n\n    x: str = None\n'
PORTED = 'import tmlcfg\n\n\n@tmlcfg.config\nclass A:\n    """Docs."""\n\n    x: str | None = None\n'
PLAIN = "import os\n\nVALUE = os.sep\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the command, as the shell would see them."""
    try:
        code = main(["port", *argv])
    except SystemExit as e:  # argparse's own usage errors
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    """A package ``pkg`` with a model module, a plain module and an ``__init__``."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(MODEL)
    (package / "plain.py").write_text(PLAIN)
    return package


def test_importing_tmlcfg_and_its_command_does_not_import_libcst() -> None:
    """libcst is loaded by a port only, never by `import tmlcfg` or building the command line."""
    code = "import sys, tmlcfg, tmlcfg._cli.main; tmlcfg._cli.main._parser(); print('libcst' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_without_libcst_the_command_says_how_to_install_it(tmp_path: pathlib.Path) -> None:
    """Exit 2 and a one-line hint naming the port extra, not a traceback."""
    source = tmp_path / "m.py"
    source.write_text(MODEL)
    code = (
        "import sys; sys.modules['libcst'] = None\n"
        "from tmlcfg.__main__ import main\n"
        f"sys.exit(main(['port', {str(source)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == "tmlcfg port: porting pydantic classes needs libcst: pip install 'tmlcfg[port]'\n"
    assert result.stdout == ""


def test_one_file_goes_to_stdout_with_the_report_on_stderr(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path
) -> None:
    """The ported text on stdout, the report on stderr, the file itself unchanged."""
    code, out, err = run(capsys, str(project / "models.py"))
    assert (code, out) == (0, PORTED)
    assert err == f"{project / 'models.py'}: ported A\n"
    assert (project / "models.py").read_text() == MODEL


def test_several_files_need_a_place_to_go(capsys: pytest.CaptureFixture[str], project: pathlib.Path) -> None:
    """A directory or several files without -o or --in-place is a usage error; nothing is written."""
    code, out, err = run(capsys, str(project))
    assert (code, out) == (2, "")
    assert err == "tmlcfg port: 3 files to port: give -o OUT_DIR or --in-place to write several\n"
    assert (project / "models.py").read_text() == MODEL


def test_output_dir_holds_every_file_at_its_module_path(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """-o writes each scanned file, ported or not, under its package path; the sources stay."""
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, str(project), "-o", str(out_dir))
    assert (code, out) == (0, "")
    assert (out_dir / "pkg" / "models.py").read_text() == PORTED
    assert (out_dir / "pkg" / "plain.py").read_text() == PLAIN
    assert (out_dir / "pkg" / "__init__.py").read_text() == ""
    assert (project / "models.py").read_text() == MODEL
    assert err == f"{project / 'models.py'}: ported A\n"


def test_in_place_rewrites_only_what_changes_and_keeps_modes(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path
) -> None:
    """--in-place writes the ported files atomically with their mode; others are not touched."""
    models, plain = project / "models.py", project / "plain.py"
    models.chmod(0o640)
    before = plain.stat()
    code, out, _ = run(capsys, "--in-place", str(project))
    assert (code, out) == (0, "")
    assert models.read_text() == PORTED
    assert stat.S_IMODE(models.stat().st_mode) == 0o640
    after = plain.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not [p for p in project.iterdir() if p.name.startswith(".")]


def test_in_place_through_a_named_symlink_writes_its_target(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    """A symlink named on the command line is followed; the link itself stays a link."""
    target = tmp_path / "real.py"
    target.write_text(MODEL)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert run(capsys, str(link), "--in-place")[0] == 0
    assert link.is_symlink()
    assert target.read_text() == PORTED


@pytest.mark.parametrize(
    "order",
    [
        ["{pkg}", "--base", "pkg.models.Nothing", "-o", "{out}"],  # a base nothing uses is only noted
        ["-o", "{out}", "{models}", "--base", "pkg.models.Nothing", "{plain}"],
        ["{models}", "--output-dir", "{out}", "{plain}"],
        ["--base", "x.Y", "{models}", "--base", "pkg.models.Nothing", "{plain}", "-o", "{out}"],
    ],
)
def test_options_may_come_before_between_or_after_paths(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path, order: list[str]
) -> None:
    """Paths and options in any order give the same result."""
    out_dir = tmp_path / "out"
    names = {"pkg": project, "models": project / "models.py", "plain": project / "plain.py", "out": out_dir}
    code, _, err = run(capsys, *(item.format(**names) for item in order))
    assert code == 0, err
    assert (out_dir / "pkg" / "models.py").read_text() == PORTED


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "tmlcfg port: no PATH given: name .py files or directories to port\n"),
        (["{missing}"], "tmlcfg port: {missing}: no such file or directory\n"),
        (["{text}"], "tmlcfg port: {text}: not a .py file or a directory\n"),
        (["{empty}"], "tmlcfg port: no .py files under {empty}\n"),
        (["{models}", "-o", "{text}"], "tmlcfg port: -o {text}: not a directory\n"),
        (
            ["{models}", "--in-place", "-o", "{empty}"],
            "tmlcfg port: argument -o/--output-dir: not allowed with argument --in-place\n",
        ),
        (["{models}", "--nope"], "tmlcfg port: unrecognized arguments: --nope\n"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    project: pathlib.Path,
    tmp_path: pathlib.Path,
    argv: list[str],
    message: str,
) -> None:
    """Each mistake in calling the command is one line on stderr and exit code 2."""
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    names = {
        "missing": tmp_path / "missing.py",
        "text": tmp_path / "notes.txt",
        "empty": tmp_path / "empty",
        "models": project / "models.py",
    }
    code, out, err = run(capsys, *(a.format(**names) for a in argv))
    assert (code, out, err) == (2, "", message.format(**names))


def test_options_on_both_sides_of_the_paths_still_conflict(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """--in-place before the paths and -o after them is the same usage error."""
    code, _, err = run(capsys, "--in-place", str(project), "-o", str(tmp_path / "out"))
    assert (code, err) == (2, "tmlcfg port: --in-place and -o OUT_DIR: choose one\n")
    assert (project / "models.py").read_text() == MODEL


def test_an_unparseable_file_is_named_and_the_rest_is_ported(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """Exit 1 naming the file and line; the others are written, the broken one copied as it was."""
    broken = project / "broken.py"
    broken.write_text("import pydantic\n\nclass B(pydantic.BaseModel:\n    x: int\n")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, str(project), "-o", str(out_dir))
    assert code == 1
    assert f"{broken}:3: cannot parse:" in err
    assert "fix the syntax first" in err
    assert "Traceback" not in err
    assert (out_dir / "pkg" / "models.py").read_text() == PORTED
    assert (out_dir / "pkg" / "broken.py").read_bytes() == broken.read_bytes()


def test_a_class_that_cannot_be_ported_exits_1_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    """The class is named with its file and line; the file's other classes are still ported."""
    source = tmp_path / "m.py"
    source.write_text(MODEL + "\n\nclass Url(pydantic.BaseModel):\n    url: pydantic.HttpUrl\n")
    code, out, err = run(capsys, str(source))
    assert code == 1
    assert f"{source}:10: Url: cannot be ported: tmlcfg has no counterpart of pydantic.HttpUrl" in err
    assert out.startswith("import pydantic\nimport tmlcfg\n")
    assert "class Url(pydantic.BaseModel):" in out
    assert "@tmlcfg.config\nclass A:" in out


def test_files_that_are_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    """Bytes that do not decode are exit 1; a declared encoding is honoured and kept on writing."""
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"x = '\xff\xfe'\n")
    code, _, err = run(capsys, str(bad))
    assert code == 1
    assert f"{bad}: cannot decode:" in err and "save it as UTF-8" in err
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n" + MODEL.replace('"""Docs."""', '"""Caf\xe9."""').encode("latin-1"))
    assert run(capsys, "--in-place", str(latin))[0] == 0
    assert latin.read_bytes().decode("latin-1").endswith('"""Caf\xe9."""\n\n    x: str | None = None\n')


def test_symlinks_and_special_files_inside_directories_are_skipped(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """Links to files and directories (a loop too) and FIFOs are noted, not followed or read."""
    outside = tmp_path / "outside.py"
    outside.write_text(MODEL)
    (project / "linked.py").symlink_to(outside)
    (project / "loop").symlink_to(project)
    os.mkfifo(project / "fifo.py")
    code, _, err = run(capsys, str(project), "--in-place")
    assert code == 0
    assert f"tmlcfg port: skipped {project / 'linked.py'}: a symlink (name it to port it)\n" in err
    assert f"tmlcfg port: skipped {project / 'loop'}: a symlink to a directory (name it to port it)\n" in err
    assert f"tmlcfg port: skipped {project / 'fifo.py'}: not a regular file\n" in err
    assert outside.read_text() == MODEL
    assert (project / "models.py").read_text() == PORTED


def test_absurd_nesting_is_a_parse_problem_not_a_crash(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    """Code nested past the bound is exit 1 naming the bound, never a crash; just inside it ports."""
    from tmlcfg._base.limits import MAX_CODE_DEPTH

    deep = tmp_path / "deep.py"
    for text in ("(" * 5000 + "1" + ")" * 5000, "1+" * 50_000 + "1", "a" + ".b" * 20_000, "1+" * MAX_CODE_DEPTH + "1"):
        deep.write_text(f"x = {text}\n")
        code, out, err = run(capsys, str(deep))
        assert (code, out) == (1, ""), text[:10]
        assert err.startswith(f"1 problem in {deep}:\n  {deep}:"), err
        assert "cannot parse: " in err and "Traceback" not in err
    deep.write_text(
        f"import pydantic\n\n\nclass A(pydantic.BaseModel):\n    x: float = {'1+' * (MAX_CODE_DEPTH - 10)}1\n"
    )
    code, out, _ = run(capsys, str(deep))
    assert code == 0
    assert f"    x: float = {float(MAX_CODE_DEPTH - 9)!r}\n" in out


def test_odd_unicode_and_secrets(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    """Non-ASCII names and docs port as written; no field value reaches the report."""
    source = tmp_path / "m.py"
    source.write_text(
        "import pydantic\n\n\nclass Ünïcödé(pydantic.BaseModel):\n"
        '    """Δοκιμή 🚀 \u202e."""\n\n    clé: str = "hunter2"\n    token: str = pydantic.Field("s3cr3t", description="🔑")\n'
    )
    code, out, err = run(capsys, str(source))
    assert code == 0
    assert "@tmlcfg.config\nclass Ünïcödé:" in out
    assert 'token: str = tmlcfg.field(default="s3cr3t", doc="🔑")' in out
    assert "hunter2" not in err and "s3cr3t" not in err


def test_the_same_file_twice_and_other_files_in_directories(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """A file named twice (or also found in a directory) is ported once; non-.py files are ignored."""
    (project / "README.txt").write_text("not python")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, str(project / "models.py"), str(project), "-o", str(out_dir))
    assert code == 0
    assert err.count("ported A") == 1
    assert sorted(p.name for p in (out_dir / "pkg").iterdir()) == ["__init__.py", "models.py", "plain.py"]


def test_files_that_would_land_on_one_output_path(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    """Two top-level modules of one name in different places cannot both go under one -o directory."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.py").write_text(MODEL)
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out_dir))
    a, b = tmp_path / "a" / "config.py", tmp_path / "b" / "config.py"
    assert (code, err) == (2, f"tmlcfg port: {b} and {a} would both be written to {out_dir / 'config.py'}\n")
    assert not out_dir.exists()


def test_output_dir_given_twice(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """-o before and after the paths is one -o too many."""
    code, _, err = run(capsys, "-o", str(tmp_path / "x"), str(project), "-o", str(tmp_path / "y"))
    assert (code, err) == (2, "tmlcfg port: -o OUT_DIR given twice\n")


def test_unreadable_files_and_nul_bytes(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that cannot be read, or holds a NUL byte, is exit 1 naming it; the others are ported."""
    (project / "nul.py").write_bytes(b"x = 1\x00\n")
    real = pathlib.Path.read_bytes

    def read_bytes(self: pathlib.Path) -> bytes:
        if self.name == "plain.py":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    code, _, err = run(capsys, str(project), "--in-place")
    assert code == 1
    assert f"{project / 'plain.py'}: cannot read: Permission denied" in err
    assert f"{project / 'nul.py'}: cannot parse: " in err
    assert (project / "models.py").read_text() == PORTED


def test_a_failed_write_leaves_the_file_and_no_temporary(
    capsys: pytest.CaptureFixture[str], project: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename fails: exit 1 naming the file, the original whole, the temporary file removed."""

    def replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    code, _, err = run(capsys, str(project / "models.py"), "--in-place")
    assert code == 1
    assert f"{project / 'models.py'}: cannot write: No space left on device; the file is as it was" in err
    assert (project / "models.py").read_text() == MODEL
    assert sorted(p.name for p in project.iterdir()) == ["__init__.py", "models.py", "plain.py"]


def test_a_base_nothing_derives_from_is_noted(capsys: pytest.CaptureFixture[str], project: pathlib.Path) -> None:
    """A misspelled --base is said on stderr; the port goes on."""
    code, out, err = run(capsys, str(project / "models.py"), "--base", "pkg.models.Bsae")
    assert (code, out) == (0, PORTED)
    assert (
        "tmlcfg port: --base pkg.models.Bsae: no scanned class derives from it; give the name your code imports it by\n"
        in err
    )
