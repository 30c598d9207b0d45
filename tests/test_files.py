"""Writing files: dump and the command's -o share one atomic writer that respects what sits at the path."""

from __future__ import annotations

import os
import pathlib
import stat
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg.__main__ import main
from tmlcfg._toml.atomic import check_target, write_atomic
from tmlcfg.training import TrainingConfig

CONFIG = TrainingConfig(save_dir="/data/run-1", num_train_steps=7)
TEXT = tmlcfg.dumps(CONFIG)
ROOT_USER = os.geteuid() == 0


def _only(folder: pathlib.Path) -> list[str]:
    """The names in a folder: a temp file left behind shows up here."""
    return sorted(p.name for p in folder.iterdir())


def test_new_file_gets_the_umask_mode(tmp_path: pathlib.Path) -> None:
    """A new file is made as any new file is (0o666 less the umask), not 0600."""
    old = os.umask(0o022)
    try:
        tmlcfg.dump(CONFIG, tmp_path / "c.toml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "c.toml").stat().st_mode) == 0o644
    assert (tmp_path / "c.toml").read_text(encoding="utf-8") == TEXT
    assert _only(tmp_path) == ["c.toml"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o755, 0o444, 0o600])
def test_existing_file_keeps_its_mode(tmp_path: pathlib.Path, mode: int) -> None:
    """Replacing a file keeps its permission bits, read-only ones included."""
    path = tmp_path / "c.toml"
    path.write_text("old = 1\n")
    path.chmod(mode)
    tmlcfg.dump(CONFIG, path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_text(encoding="utf-8") == TEXT
    assert tmlcfg.load(TrainingConfig, path) == CONFIG
    assert _only(tmp_path) == ["c.toml"]


def test_symlink_is_followed_and_its_target_written(tmp_path: pathlib.Path) -> None:
    """dump through a symlink updates the file it points to; the link stays a link."""
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "c.toml"
    real.write_text("old = 1\n")
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    tmlcfg.dump(CONFIG, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == TEXT
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # the temp file went beside the target, so the rename stayed in one directory
    assert _only(tmp_path / "real") == ["c.toml"]
    assert _only(tmp_path) == ["link.toml", "real"]


def test_symlink_chain_and_relative_links(tmp_path: pathlib.Path) -> None:
    """A chain of links, relative ones included, leads to one file, which is written."""
    (tmp_path / "d").mkdir()
    real = tmp_path / "d" / "real.toml"
    real.write_text("")
    (tmp_path / "d" / "b.toml").symlink_to("real.toml")
    (tmp_path / "a.toml").symlink_to("d/b.toml")
    tmlcfg.dump(CONFIG, tmp_path / "a.toml")
    assert real.read_text(encoding="utf-8") == TEXT
    assert (tmp_path / "a.toml").is_symlink() and (tmp_path / "d" / "b.toml").is_symlink()


def test_dangling_symlink_creates_its_target(tmp_path: pathlib.Path) -> None:
    """A link to a file not yet there creates that file, as shell redirection does."""
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "new.toml")
    tmlcfg.dump(CONFIG, link)
    assert link.is_symlink()
    assert (tmp_path / "new.toml").read_text(encoding="utf-8") == TEXT


def test_dangling_symlink_into_a_missing_directory(tmp_path: pathlib.Path) -> None:
    """A link into a directory that does not exist is refused, naming the link and where it leads."""
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "gone" / "new.toml")
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.dump(CONFIG, link)
    (problem,) = info.value.problems
    assert problem.source == str(link)
    assert "does not exist" in problem.message and str(tmp_path / "gone") in problem.message
    assert _only(tmp_path) == ["link.toml"]


def test_symlink_loop_is_refused(tmp_path: pathlib.Path) -> None:
    """Links that point at each other are a ConfigError, not an OSError."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(tmlcfg.ConfigError, match="cannot write here"):
        tmlcfg.dump(CONFIG, tmp_path / "a")
    assert _only(tmp_path) == ["a", "b"]


def test_directory_is_refused(tmp_path: pathlib.Path) -> None:
    """A directory at the path is a ConfigError naming it; nothing is written in or beside it."""
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.dump(CONFIG, target)
    assert str(info.value) == (
        f"1 problem in {target} (TrainingConfig):\n  {target}: is a directory; give the path of a file inside it"
    )
    assert target.is_dir() and _only(target) == [] and _only(tmp_path) == ["out"]


def test_symlink_to_a_directory_is_refused(tmp_path: pathlib.Path) -> None:
    """A link to a directory is refused, and the message says where it leads."""
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")
    with pytest.raises(tmlcfg.ConfigError, match=r"leads to .*, which is a directory"):
        tmlcfg.dump(CONFIG, tmp_path / "link")
    assert (tmp_path / "link").is_symlink()


def test_fifo_is_refused_without_blocking(tmp_path: pathlib.Path) -> None:
    """A FIFO is refused before it is opened (opening one would wait for a reader) and stays a FIFO."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done: list[BaseException] = []

    def attempt() -> None:
        try:
            tmlcfg.dump(CONFIG, fifo)
        except BaseException as e:
            done.append(e)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the writer so the test run can go on
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        pytest.fail("dump opened the FIFO")
    (error,) = done
    assert isinstance(error, tmlcfg.ConfigError)
    assert "is a FIFO" in str(error) and str(fifo) in str(error)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _only(tmp_path) == ["pipe"]


def test_dev_null_is_refused_and_left_alone() -> None:
    """/dev/null (and a link to it) is refused by the writer's check, and is still a character device."""
    for path in ("/dev/null", "/dev/zero"):
        with pytest.raises(tmlcfg.ConfigError, match="is a character device"):
            check_target(path)
        assert stat.S_ISCHR(os.stat(path).st_mode)


def test_device_is_refused_by_dump(tmp_path: pathlib.Path) -> None:
    """dump onto a device node (a private copy of /dev/null, so nothing shared is at risk) writes nothing."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here: {e}")
    link = tmp_path / "link"
    link.symlink_to(node)
    for path in (node, link):
        with pytest.raises(tmlcfg.ConfigError, match="character device") as info:
            tmlcfg.dump(CONFIG, path)
        assert info.value.problems[0].source == str(path)
        assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert _only(tmp_path) == ["link", "null"]


def test_missing_directory_is_refused(tmp_path: pathlib.Path) -> None:
    """A path in a directory that does not exist is refused, naming the directory; none is created."""
    target = tmp_path / "no" / "such" / "c.toml"
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.dump(CONFIG, target)
    (problem,) = info.value.problems
    assert problem.source == str(target)
    assert problem.message == f"the directory {str(tmp_path / 'no' / 'such')!r} does not exist; create it first"
    assert _only(tmp_path) == []


def test_path_through_a_file_is_refused(tmp_path: pathlib.Path) -> None:
    """A path whose directory part is a regular file is a ConfigError."""
    (tmp_path / "f").write_text("")
    with pytest.raises(tmlcfg.ConfigError):
        tmlcfg.dump(CONFIG, tmp_path / "f" / "c.toml")
    assert (tmp_path / "f").read_text() == ""


def test_unwritable_system_directory_is_refused() -> None:
    """A directory not even root may write in (sysfs) gives a ConfigError naming the path."""
    target = pathlib.Path("/sys/tmlcfg-test.toml")
    if not pathlib.Path("/sys").is_dir() or (os.access("/sys", os.W_OK) and not ROOT_USER):
        pytest.skip("no read-only /sys here")
    try:
        tmlcfg.dump(CONFIG, target)
    except tmlcfg.ConfigError as e:
        (problem,) = e.problems
        assert problem.source == str(target)
        assert problem.message.startswith("cannot create a file in '/sys': ")
    else:  # pragma: no cover - a writable /sys: undo and say so
        target.unlink()
        pytest.skip("/sys is writable here")
    assert not target.exists()


@pytest.mark.skipif(ROOT_USER, reason="root may write in a read-only directory")
def test_read_only_directory_is_refused(tmp_path: pathlib.Path) -> None:
    """A directory without write permission gives a ConfigError; the file in it is untouched."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "c.toml").write_text("old = 1\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(tmlcfg.ConfigError, match="cannot create a file in"):
            tmlcfg.dump(CONFIG, folder / "c.toml")
        assert (folder / "c.toml").read_text() == "old = 1\n"
        assert _only(folder) == ["c.toml"]
    finally:
        folder.chmod(0o755)


def test_unencodable_text_writes_nothing(tmp_path: pathlib.Path) -> None:
    """Text with a lone surrogate is a ConfigError with its line, and the old file is kept."""
    path = tmp_path / "c.toml"
    path.write_text("old = 1\n")
    with pytest.raises(tmlcfg.ConfigError) as info:
        write_atomic(path, 'a = 1\nb = "\udc80"\n')
    (problem,) = info.value.problems
    assert (problem.source, problem.line) == (str(path), 2)
    assert "cannot be written as UTF-8" in problem.message
    assert path.read_text() == "old = 1\n"
    assert _only(tmp_path) == ["c.toml"]


def test_empty_path_is_refused() -> None:
    """An empty path is a ConfigError, not a write to the current directory."""
    with pytest.raises(tmlcfg.ConfigError, match="the output path is empty"):
        tmlcfg.dump(CONFIG, "")


@pytest.mark.parametrize("make", ["directory", "missing", "fifo", "file-in-path"])
def test_command_output_refused_before_the_work(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    """-o at a path that cannot take a file is a one-line usage error (exit 2), no traceback, nothing written."""
    target = tmp_path / "out"
    if make == "directory":
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    elif make == "file-in-path":
        target.write_text("")
        target = target / "c.toml"
    else:
        target = tmp_path / "missing" / "c.toml"
    before = _only(tmp_path)
    assert main(["show", "tmlcfg.training:TrainingConfig", "-o", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"tmlcfg show: -o {target}: ")
    assert _only(tmp_path) == before


def test_command_output_through_a_symlink_keeps_mode(tmp_path: pathlib.Path) -> None:
    """-o uses the same writer as dump: through a link, keeping the target's mode."""
    real = tmp_path / "real.toml"
    real.write_text("")
    real.chmod(0o664)
    (tmp_path / "link.toml").symlink_to(real)
    assert main(["show", "tmlcfg.training:TrainingConfig", "-o", str(tmp_path / "link.toml")]) == 0
    assert real.read_text(encoding="utf-8") == tmlcfg.pretty_print(TrainingConfig())
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    assert (tmp_path / "link.toml").is_symlink()


@pytest.mark.parametrize("suffix", ["new/", "new.toml/"])
def test_trailing_slash_is_refused(tmp_path: pathlib.Path, suffix: str) -> None:
    """A path ending in a slash names a directory: refused, where realpath would have made a file of it."""
    with pytest.raises(tmlcfg.ConfigError, match="ends with a slash"):
        tmlcfg.dump(CONFIG, f"{tmp_path}/{suffix}")
    assert _only(tmp_path) == []


def test_nul_in_the_path_is_refused(tmp_path: pathlib.Path) -> None:
    """A NUL character in the path is a ConfigError, not a ValueError from the OS layer."""
    with pytest.raises(tmlcfg.ConfigError, match="NUL character"):
        tmlcfg.dump(CONFIG, f"{tmp_path}/a\0b.toml")
    assert _only(tmp_path) == []


def test_name_at_the_length_limit_is_written(tmp_path: pathlib.Path) -> None:
    """A file name of 255 bytes (the usual limit) is written; its temp file's name is shortened."""
    path = tmp_path / ("n" * 250 + ".toml")
    tmlcfg.dump(CONFIG, path)
    assert tmlcfg.load(TrainingConfig, path) == CONFIG
    with pytest.raises(tmlcfg.ConfigError, match="cannot write here"):
        tmlcfg.dump(CONFIG, tmp_path / ("n" * 300 + ".toml"))
    assert _only(tmp_path) == [path.name]


@given(
    mode=st.integers(0, 0o7777),
    links=st.lists(st.booleans(), max_size=4),
    config=st.builds(
        TrainingConfig,
        # "$" is the environment's business, tested with the round-trip law; here only the writer is
        save_dir=st.text(st.characters(codec="utf-8", exclude_characters="$"), max_size=20),
        num_train_steps=st.integers(1, 2**63 - 1),
    ),
)
def test_dump_writes_the_file_at_the_end_of_any_chain(mode: int, links: list[bool], config: TrainingConfig) -> None:
    """Through any chain of links (relative or absolute), dump writes the last file, keeps its mode and every link."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "d").mkdir()
        target = root / "d" / "target.toml"
        target.write_text("old = 1\n")
        os.chmod(target, mode)
        mode_before = stat.S_IMODE(target.stat().st_mode)  # as the file system keeps it
        path = target
        for i, relative in enumerate(links):
            link = root / f"link{i}"
            link.symlink_to(os.path.relpath(path, root) if relative else path)
            path = link
        tmlcfg.dump(config, path)
        assert stat.S_IMODE(target.stat().st_mode) == mode_before
        os.chmod(target, 0o600)
        assert tmlcfg.load(TrainingConfig, target, env={}) == config
        assert all((root / f"link{i}").is_symlink() for i in range(len(links)))
        assert _only(root / "d") == ["target.toml"]


@pytest.mark.skipif(not ROOT_USER, reason="only root may give a file to another user")
def test_root_keeps_the_files_owner(tmp_path: pathlib.Path) -> None:
    """Root rewriting another user's file leaves it theirs, as editing it in place would."""
    path = tmp_path / "c.toml"
    path.write_text("old = 1\n")
    os.chown(path, 12345, 23456)
    tmlcfg.dump(CONFIG, path)
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)
    assert path.read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize(
    "name",
    [
        "ünïcødé.toml",
        "日本語.toml",
        "a b.toml",
        "-o.toml",
        ".hidden.toml",
        "line\nbreak.toml",
        "e\u0301.toml",
        "\u202eltr.toml",
    ],
)
def test_odd_file_names(tmp_path: pathlib.Path, name: str) -> None:
    """Names with non-ASCII, spaces, a leading dash or dot, a newline or bidi marks are written like any other."""
    tmlcfg.dump(CONFIG, tmp_path / name)
    assert _only(tmp_path) == [name]
    assert tmlcfg.load(TrainingConfig, tmp_path / name) == CONFIG


def test_undecodable_file_name(tmp_path: pathlib.Path) -> None:
    """A name whose bytes are not UTF-8 (as os.listdir gives it, surrogate-escaped) is written under those bytes."""
    name = os.fsdecode(b"caf\xe9.toml")
    tmlcfg.dump(CONFIG, tmp_path / name)
    assert os.listdir(os.fsencode(tmp_path)) == [b"caf\xe9.toml"]
