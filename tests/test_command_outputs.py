"""What the command writes and what its exit status says: ``-o`` never replaces an input, ``diff`` exits as diff(1)."""

from __future__ import annotations

import os
import pathlib
import warnings

import pytest

import tmlcfg
from tmlcfg._cli.main import main

TRAINING = "tmlcfg.training:TrainingConfig"


@tmlcfg.config(migrations=(tmlcfg.renamed("steps", "num_steps"),))
class Old:
    num_steps: int = 1
    name: str = "run"


OLD = "tests.test_command_outputs:Old"


@pytest.fixture
def here(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.toml").write_text("num_train_steps = 5\n")
    (tmp_path / "b.toml").write_text("num_train_steps = 6\n")
    (tmp_path / "old.toml").write_text("# the run\nsteps = 3  # few\n")
    (tmp_path / "y.yaml").write_text("num_train_steps: 5\n")
    return tmp_path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["diff", TRAINING, "a.toml", "b.toml"], (1, "num_train_steps: 5 -> 6\n")),
        (["diff", TRAINING, "a.toml", "a.toml"], (0, "")),
        (["diff", TRAINING, "b.toml", "a.toml"], (1, "num_train_steps: 6 -> 5\n")),
    ],
)
def test_diff_exits_1_when_the_files_differ(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: tuple[int, str]
) -> None:
    code, out, err = _run(argv, capsys)
    assert ((code, out), err) == (expected, "")


def test_diff_of_an_invalid_file_is_still_1_with_a_report(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "bad.toml").write_text("num_train_steps = 0\n")
    code, out, err = _run(["diff", TRAINING, "a.toml", "bad.toml"], capsys)
    assert (code, out) == (1, "")
    assert "bad.toml:1: num_train_steps: must be > 0" in err


def _links(here: pathlib.Path, name: str) -> list[str]:
    """Other ways to name the file ``name``: itself, ./, through a directory, a symlink, a hard link."""
    (here / "sub").mkdir(exist_ok=True)
    (here / f"sym-{name}").symlink_to(here / name)
    os.link(here / name, here / f"hard-{name}")
    return [name, f"./{name}", f"sub/../{name}", str(here / name), f"sym-{name}", f"hard-{name}"]


@pytest.mark.parametrize(
    ("argv", "input"),
    [
        (["check", TRAINING, "a.toml"], "a.toml"),
        (["show", TRAINING, "a.toml", "num_epochs=2"], "a.toml"),
        (["show", TRAINING, "b.toml", "a.toml", "--origins"], "a.toml"),
        (["diff", TRAINING, "b.toml", "a.toml"], "a.toml"),
        (["convert", "y.yaml", "--check", TRAINING], "y.yaml"),
        (["upgrade", OLD, "old.toml"], "old.toml"),
    ],
)
def test_o_never_replaces_an_input(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str], argv: list[str], input: str
) -> None:
    """However the output names an input, the command refuses (exit 2) and every file stays as it was."""
    before = {p.name: p.read_bytes() for p in here.iterdir() if p.is_file()}
    for output in _links(here, input):
        code, out, err = _run([*argv, "-o", output], capsys)
        assert (code, out) == (2, ""), output
        assert err.startswith(f"tmlcfg {argv[0]}: -o {output}: ")
        assert f"the input {input}; write the output to another file" in err
        assert {p.name: p.read_bytes() for p in here.iterdir() if p.is_file() and p.name in before} == before


def test_o_never_replaces_the_module_of_the_class(here: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "mymod.py").write_text("import tmlcfg\n\n@tmlcfg.config\nclass C:\n    x: int = 1\n")
    source = (here / "mymod.py").read_text()
    for command in ("template", "schema", "docs"):
        code, _, err = _run([command, "mymod:C", "-o", "mymod.py"], capsys)
        assert code == 2
        assert "would replace the input" in err
    assert (here / "mymod.py").read_text() == source


def test_o_to_another_file_still_writes(here: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["diff", TRAINING, "a.toml", "b.toml", "-o", "d.txt"], capsys)[0] == 1
    assert (here / "d.txt").read_text() == "num_train_steps: 5 -> 6\n"
    assert _run(["show", TRAINING, "a.toml", "-o", "shown.toml"], capsys)[0] == 0
    assert "num_train_steps = 5" in (here / "shown.toml").read_text()


def test_upgrade_o_writes_the_upgraded_file(here: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``upgrade FILE -o NEW`` writes the upgraded TOML, as ``convert -o`` writes TOML; FILE is untouched."""
    old = (here / "old.toml").read_text()
    assert _run(["upgrade", OLD, "old.toml", "-o", "new.toml"], capsys) == (0, "", "")
    assert (here / "new.toml").read_text() == "# the run\nnum_steps = 3  # few\n"
    assert (here / "old.toml").read_text() == old
    # a file already current is written as it is
    assert _run(["upgrade", OLD, "new.toml", "-o", "same.toml"], capsys)[0] == 0
    assert (here / "same.toml").read_text() == (here / "new.toml").read_text()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["a.toml", "-o", "x.toml"], "-o writes one upgraded file: give one FILE, or --in-place to rewrite several"),
        (["-o", "x.toml", "--in-place"], "-o writes the upgraded file; it does not go with --in-place"),
        (["-o", "x.toml", "--check"], "-o writes the upgraded file; it does not go with --check"),
    ],
)
def test_upgrade_o_is_one_file_and_no_other_mode(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    old = (here / "old.toml").read_text()
    assert _run(["upgrade", OLD, "old.toml", *extra], capsys) == (2, "", f"tmlcfg upgrade: {message}\n")
    assert not (here / "x.toml").exists()
    assert (here / "old.toml").read_text() == old


@pytest.mark.parametrize("blocked", ["dir", "file"])
def test_upgrade_in_place_writes_nothing_unless_it_can_write_everything(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, blocked: str
) -> None:
    """A later file that cannot be written (its directory, or itself read-only) stops the run before any write."""
    (here / "ro").mkdir()
    for name in ("first.toml", "ro/second.toml", "third.toml"):
        (here / name).write_text("steps = 3\n")
    locked = str(here / "ro") if blocked == "dir" else str(here / "ro" / "second.toml")
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if os.path.realpath(str(path)) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    code, out, err = _run(["upgrade", OLD, "first.toml", "ro/second.toml", "third.toml", "--in-place"], capsys)
    assert (code, out) == (1, "")
    assert "ro/second.toml" in err and "no file was rewritten" in err
    for name in ("first.toml", "ro/second.toml", "third.toml"):
        assert (here / name).read_text() == "steps = 3\n"
    monkeypatch.setattr(os, "access", real_access)
    assert _run(["upgrade", OLD, "first.toml", "ro/second.toml", "third.toml", "--in-place"], capsys)[0] == 0
    assert {(here / n).read_text() for n in ("first.toml", "ro/second.toml", "third.toml")} == {"num_steps = 3\n"}


def test_upgrade_in_place_replaces_no_file_when_writing_any_fails(
    here: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failing late (a full disk on the third file) leaves every file as it was, and no temp file."""
    import tmlcfg._toml.atomic as atomic

    names = ["first.toml", "second.toml", "third.toml"]
    for name in names:
        (here / name).write_text("steps = 3\n")
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    code, out, err = _run(["upgrade", OLD, *names, "--in-place"], capsys)
    assert (code, out) == (1, "")
    assert "third.toml: cannot write: No space left on device" in err
    assert sorted(p.name for p in here.iterdir() if p.name.startswith(".")) == []
    for name in names:
        assert (here / name).read_text() == "steps = 3\n"


@pytest.mark.parametrize("text", ["steps = 3\r\n", "num_steps = 3\r\n"])
def test_upgrade_o_keeps_the_byte_order_mark(here: pathlib.Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    (here / "bom.toml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert _run(["upgrade", OLD, "bom.toml", "-o", "out.toml"], capsys)[0] == 0
    assert (here / "out.toml").read_bytes() == b"\xef\xbb\xbfnum_steps = 3\r\n"
