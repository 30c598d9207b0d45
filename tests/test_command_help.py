"""The command's help: every word it takes explained, every example runnable anywhere."""

from __future__ import annotations

import argparse
import pathlib
import re
import subprocess
import sys

import pytest

from tmlcfg._cli.main import _parser, main

COMMANDS = ["check", "show", "template", "schema", "docs", "diff", "convert", "upgrade", "port"]


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    return capsys.readouterr().out


def test_every_positional_is_described() -> None:
    parser, commands = _parser()
    parsers = {"tmlcfg": parser, **commands}
    for name, p in parsers.items():
        for action in p._actions:
            if not action.option_strings and not isinstance(action, argparse._HelpAction):
                assert action.help, (name, action.metavar or action.dest)


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_lines_name_every_positional(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help([command, "--help"], capsys)
    usage = out[: out.index("\n\n")]
    listed = out[out.index("positional arguments:") :].split("\n\n")[0].splitlines()[1:]
    names = [line.split()[0] for line in listed if line.startswith("  ") and not line.startswith("   ")]
    assert names
    for name in names:
        assert name in usage.split() or f"[{name}" in usage, (name, usage)
    assert "..." not in usage.replace("...]", "")


@pytest.mark.parametrize("columns", ["30", "50", "80"])
@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_breaks_no_word(
    command: str | None, columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wrapped at any width, --in-place and the example class stay whole words."""
    monkeypatch.setenv("COLUMNS", columns)
    out = _help([command, "--help"] if command else ["--help"], capsys)
    for line in out.splitlines():
        assert not re.search(r"\w-$", line), line
    if command in (None, "upgrade"):
        assert "--in-place" in out.split() or "--in-place)" in out.split()


def test_the_example_class_works_outside_the_repository(tmp_path: pathlib.Path) -> None:
    """The module:Class the help gives as its example imports from any directory."""
    out = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "check", "--help"], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    (example,) = re.findall(r"e\.g\.\s+(\S+:\S+)", out)
    done = subprocess.run(
        [sys.executable, "-m", "tmlcfg", "check", example], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert (done.returncode, done.stderr) == (0, "")
