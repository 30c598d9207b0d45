"""from_argv: a training script's command line."""

from __future__ import annotations

import pathlib

import pytest

import tmlcfg
from tmlcfg.optimizers import OptimizerConfig, SgdConfig
from tmlcfg.training import TrainingConfig


def test_configs_then_overrides(tmp_path: pathlib.Path) -> None:
    """--config files apply in order, then path=value overrides."""
    base, exp = tmp_path / "base.toml", tmp_path / "exp.toml"
    base.write_text("[sgd]\nlr = 0.5\n")
    exp.write_text("[sgd]\nmomentum = 0.9\n")
    config = tmlcfg.from_argv(OptimizerConfig, ["--config", str(base), "--config", str(exp), "sgd.lr=0.1"])
    assert config == OptimizerConfig(sgd=SgdConfig(lr=0.1, momentum=0.9))


def test_bad_input_prints_the_report_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value exits with 2 and the report, no traceback."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(TrainingConfig, ["num_train_steps=0", "nmu_epochs=2"])
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "2 problems in override (TrainingConfig):\n"
        "  override: nmu_epochs: unknown key; did you mean 'num_epochs'?\n"
        "  override: num_train_steps: must be > 0, got 0\n"
    )


def test_help_lists_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists each field path with its type, default and doc."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(OptimizerConfig, ["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "sgd.momentum" in out
    assert "float, >= 0 = 0.0" in out
    assert "Momentum factor; 0 is plain SGD." in out
    assert "adam.lr" in out


def test_print_config_with_origins(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--print-config prints the resolved TOML and exits; --origins adds where values came from."""
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(TrainingConfig, ["--print-config", "num_epochs=3"])
    assert info.value.code == 0
    assert "num_epochs = 3\n" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(TrainingConfig, ["--print-config", "--origins", "num_epochs=3"])
    out = capsys.readouterr().out
    assert "num_epochs = 3  # override" in out
    assert 'save_dir = "/tmp/model"  # default' in out


def _exit(cls: type, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(cls, argv)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


@pytest.mark.parametrize(
    "order",
    [
        ["--config", "{exp}", "sgd.momentum=0.5", "--print-config"],
        ["--print-config", "--config", "{exp}", "sgd.momentum=0.5"],
        ["sgd.momentum=0.5", "--print-config", "--config", "{exp}"],
        ["sgd.momentum=0.5", "--config", "{exp}", "--print-config"],
        ["--print-config", "sgd.momentum=0.5", "--config={exp}"],
    ],
)
def test_flags_anywhere_among_the_overrides(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], order: list[str]
) -> None:
    """--config and --print-config may come before, between or after the overrides, with one result."""
    exp = tmp_path / "exp.toml"
    exp.write_text("[sgd]\nlr = 0.25\n")
    code, out, err = _exit(OptimizerConfig, [w.format(exp=exp) for w in order], capsys)
    assert (code, err) == (0, "")
    assert tmlcfg.loads(OptimizerConfig, out) == OptimizerConfig(sgd=SgdConfig(lr=0.25, momentum=0.5))


def test_overrides_around_a_config_flag_return_the_config(tmp_path: pathlib.Path) -> None:
    """Overrides on both sides of --config all apply, after the file."""
    exp = tmp_path / "exp.toml"
    exp.write_text("[sgd]\nlr = 0.25\nmomentum = 0.1\n")
    config = tmlcfg.from_argv(OptimizerConfig, ["sgd.lr=0.5", "--config", str(exp), "sgd.momentum=0.75"])
    assert config == OptimizerConfig(sgd=SgdConfig(lr=0.5, momentum=0.75))


@pytest.mark.parametrize("argv", [["--origins"], ["num_epochs=3", "--origins"], ["--origins", "--config", "x.toml"]])
def test_origins_without_print_config_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """--origins alone would start a training run; it is a usage error that shows the usage."""
    code, out, err = _exit(TrainingConfig, argv, capsys)
    assert (code, out) == (2, "")
    assert err.startswith("usage: ")
    assert err.endswith("error: --origins only goes with --print-config\n")


@pytest.mark.parametrize("where", ["before", "after"])
def test_help_shows_the_values_the_files_make(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """--help shows the value each field will have after the --config files and overrides, not the defaults."""
    exp = tmp_path / "exp.toml"
    exp.write_text("[sgd]\nlr = 0.25\n")
    rest = ["--config", str(exp), "sgd.momentum=0.5"]
    code, out, _ = _exit(OptimizerConfig, ["--help", *rest] if where == "before" else [*rest, "--help"], capsys)
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["sgd.lr", "float,", ">", "0", "=", "0.25"] in lines
    assert ["sgd.momentum", "float,", ">=", "0", "=", "0.5"] in lines
    assert ["adam", "|", "sgd", "|", "adagrad", "one", "of", "=", "sgd"] in lines
    assert "with the values used:" in " ".join(out.split())


def test_help_without_files_shows_defaults_and_group_alternatives(capsys: pytest.CaptureFixture[str]) -> None:
    """Without files --help shows the defaults, and a one_of group as its alternatives with the default member."""
    code, out, _ = _exit(OptimizerConfig, ["-h"], capsys)
    assert code == 0
    assert "with their defaults:" in " ".join(out.split())
    lines = [line.split() for line in out.splitlines()]
    assert ["adam", "|", "sgd", "|", "adagrad", "one", "of", "=", "adam"] in lines
    index = lines.index(["adam", "|", "sgd", "|", "adagrad", "one", "of", "=", "adam"])
    assert " ".join(lines[index + 1] + lines[index + 2]).startswith(
        "alternatives: set one; naming one drops the others; adam when none is named"
    )


def test_help_with_bad_files_still_helps(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--help with a broken file prints the help with defaults and says the inputs have problems."""
    code, out, err = _exit(OptimizerConfig, ["--help", "sgd.lr=-1"], capsys)
    assert (code, err) == (0, "")
    assert "with their defaults: the files and overrides given have problems" in " ".join(out.split())
    assert ["sgd.lr", "float,", ">", "0", "=", "0.001"] in [line.split() for line in out.splitlines()]


@pytest.mark.parametrize("columns", [40, 60, 100, 200])
def test_help_wraps_to_the_terminal_width(
    columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every line of --help fits in COLUMNS, and a wide terminal is used, not a fixed 80."""
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = _exit(OptimizerConfig, ["--help"], capsys)
    assert code == 0
    # only a word (a path) longer than the terminal is wider: it is never cut
    too_wide = [line for line in out.splitlines() if len(line) > columns]
    assert all(len(line.split()) == 1 for line in too_wide), too_wide
    assert columns >= 60 or too_wide
    if columns >= 200:
        # the longest doc sits on one line beside its path's column
        assert any(
            line.strip().startswith("The learning rate before the first boundary, then after each;")
            and line.rstrip().endswith("boundaries.")
            for line in out.splitlines()
        )


@tmlcfg.config
class _Token:
    """Credentials below a secret field."""

    value: str = "tok-default-0001"
    user: str = "robot"


@tmlcfg.config
class _Endpoint:
    """A server and its password, held in a list."""

    url: str = "https://a.example"
    password: str = tmlcfg.field(default="pw-default-0003", secret=True)


@tmlcfg.config
class _WithSecrets:
    """A script with secrets."""

    api_key: str = tmlcfg.field(default="sk-default-123", secret=True, doc="The API key.")
    token: _Token = tmlcfg.field(factory=_Token, secret=True)
    steps: int = 5
    endpoints: tuple[_Endpoint, ...] = (_Endpoint(),)


def test_help_masks_secrets_values_and_defaults(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--help shows neither a secret's default nor its value from a file, nor anything below a secret config field."""
    exp = tmp_path / "exp.toml"
    exp.write_text(
        'api_key = "sk-file-456"\n[token]\nvalue = "tok-file-0002"\nuser = "someone"\n'
        '[[endpoints]]\nurl = "https://b.example"\npassword = "pw-file-0004"\n'
    )
    for argv in (["--help"], ["--help", "--config", str(exp)]):
        code, out, _ = _exit(_WithSecrets, argv, capsys)
        assert code == 0
        for secret in (
            "sk-default-123",
            "sk-file-456",
            "tok-default-0001",
            "tok-file-0002",
            "robot",
            "someone",
            "pw-default-0003",
            "pw-file-0004",
        ):
            assert secret not in out
        assert 'password = "***"' in " ".join(out.split())
        lines = [line.split() for line in out.splitlines()]
        assert ["api_key", "str", "=", "'***'"] in lines
        assert ["token.value", "str", "=", "'***'"] in lines
        assert ["steps", "int", "=", "5"] in lines


@tmlcfg.config
class _Required:
    """A script whose config cannot be built from defaults alone."""

    name: str = tmlcfg.field(doc="What the run is called.")
    note: str | None = None


def test_help_of_a_class_with_required_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """--help works when the defaults alone are not a config: required fields say so, unset ones too."""
    code, out, err = _exit(_Required, ["--help"], capsys)
    assert (code, err) == (0, "")
    lines = [line.split() for line in out.splitlines()]
    assert ["name", "str", "=", "required"] in lines
    assert ["note", "str", "|", "None", "=", "unset"] in lines
    assert "have problems" not in out  # nothing was given, so nothing given is wrong
    code, out, _ = _exit(_Required, ["--help", 'name="run-1"'], capsys)
    assert ["name", "str", "=", '"run-1"'] in [line.split() for line in out.splitlines()]


@tmlcfg.config
class _Accents:
    """Réglages d'entraînement — les accents passent partout."""

    dossier: str = tmlcfg.field(default="/données/expérience", doc="Où écrire les points de contrôle ✓.")


@pytest.mark.parametrize("argv", [["--help"], ["--print-config"], ["--print-config", "--origins"]])
def test_ascii_stdout_gets_utf8(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    """--help and --print-config on an ASCII stdout write UTF-8 instead of failing with UnicodeEncodeError."""
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    with pytest.raises(SystemExit) as info:
        tmlcfg.from_argv(_Accents, argv)
    assert info.value.code == 0
    out = raw.getvalue().decode("utf-8")
    assert "/données/expérience" in out
    if argv == ["--help"]:
        assert "Où écrire les points de contrôle ✓." in out


@pytest.mark.parametrize("columns", [30, 40, 57, 80, 200])
@pytest.mark.parametrize("cls", [OptimizerConfig, TrainingConfig])
def test_help_lists_each_field_once_and_whole(
    cls: type, columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each field path is one whole word in the left column, once; no word of help is cut at a hyphen."""
    from tmlcfg._engine.converter import require_spec
    from tmlcfg._engine.nodes import ConfigNode

    def leaves(spec: object, prefix: str = "") -> list[str]:
        out = []
        for f in spec.fields:  # type: ignore[attr-defined]
            if isinstance(f.node, ConfigNode):
                out += leaves(f.node.spec, f"{prefix}{f.name}.")
            else:
                out.append(f"{prefix}{f.name}")
        return out

    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = _exit(cls, ["--help"], capsys)
    assert code == 0
    fields = out[out.index("fields of") :]
    firsts = [line.split()[0] for line in fields.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    for path in leaves(require_spec(cls)):
        assert firsts.count(path) == 1, (path, firsts)
    assert "--print-config" in out.split() and "--config" in out.split()
    lines = out.splitlines()
    assert not any(line.rstrip().endswith("-") and not line.rstrip().endswith(" -") for line in lines), out
