"""Law 5: every problem at once, each with its path, file and line."""

from __future__ import annotations

import os
import pathlib
from typing import Any, ClassVar

import pytest

import tmlcfg


@tmlcfg.config
class Training:
    save_dir: str = "/tmp/model"
    num_train_steps: tmlcfg.PositiveInt = 10_000


@tmlcfg.config
class Relation:
    name: str
    lhs: str
    rhs: str


@tmlcfg.config
class Adam:
    lr: float = 1e-3


@tmlcfg.config
class Sgd:
    lr: float = 0.1


@tmlcfg.config
class Adagrad:
    lr: float = 0.01


@tmlcfg.config
class Optimizer:
    adam: Adam | None = tmlcfg.field(default=None, one_of="optimizer")
    sgd: Sgd | None = tmlcfg.field(default=None, one_of="optimizer")
    adagrad: Adagrad | None = tmlcfg.field(default=None, one_of="optimizer")


@tmlcfg.config
class Model:
    relations: tuple[Relation, ...] = ()
    translation_optimizer: Optimizer = Optimizer(sgd=Sgd())


@tmlcfg.config
class Experiment:
    training: Training = Training()
    model: Model = Model()


EXPERIMENT = """\
# A TwHIN-style experiment with three mistakes in it.
[training]
save_dir = "/tmp/run"
num_train_step = 100

[[model.relations]]
name = "fav"
lhs = "user"
rhs = "tweet"

[[model.relations]]
name = "reply"
lhs = 5
rhs = "tweet"

[model.translation_optimizer.adam]
lr = 0.1

[model.translation_optimizer.sgd]
lr = 0.05
"""


def test_whole_report_with_lines(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with three different problems gives all three, in file order, with lines."""
    monkeypatch.chdir(tmp_path)
    pathlib.Path("experiment.toml").write_text(EXPERIMENT)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Experiment, "experiment.toml")
    assert str(info.value) == (
        "3 problems in experiment.toml (Experiment):\n"
        "  experiment.toml:4: training.num_train_step: unknown key; did you mean 'num_train_steps'?\n"
        "  experiment.toml:13: model.relations[1].lhs: expected str, got int 5\n"
        "  experiment.toml:19: model.translation_optimizer: exactly one of adam, sgd, adagrad must be set; got adam, sgd"
    )
    first = info.value.problems[0]
    assert first == tmlcfg.Problem(
        path="training.num_train_step",
        message="unknown key; did you mean 'num_train_steps'?",
        source="experiment.toml",
        line=4,
    )


def test_hierarchy() -> None:
    """ConfigError is a ValueError, DefinitionError a TypeError; both are TmlcfgErrors."""
    assert issubclass(tmlcfg.ConfigError, ValueError)
    assert issubclass(tmlcfg.ConfigError, tmlcfg.TmlcfgError)
    assert issubclass(tmlcfg.DefinitionError, TypeError)
    assert issubclass(tmlcfg.DefinitionError, tmlcfg.TmlcfgError)


def test_missing_and_unknown_keys() -> None:
    """Missing keys are named; unknown keys get a suggestion or the list of keys."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Relation, {"name": "x", "zzz": 1})
    assert str(info.value) == (
        "3 problems in Relation:\n"
        "  zzz: unknown key; expected one of name, lhs, rhs\n"
        "  lhs: missing required key\n"
        "  rhs: missing required key"
    )


def test_missing_key_line_is_its_table(tmp_path: pathlib.Path) -> None:
    """A missing key is reported at the line of the table that lacks it."""
    path = tmp_path / "e.toml"
    path.write_text('[training]\nsave_dir = "x"\n\n[[model.relations]]\nname = "a"\nlhs = "u"\n')
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Experiment, path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.source) == ("model.relations[0].rhs", 4, str(path))


def test_quoted_keys_in_paths() -> None:
    """Keys that hold dots are quoted in paths."""

    from collections.abc import Mapping

    @tmlcfg.config
    class Weights:
        tasks: Mapping[str, Mapping[str, float]] = tmlcfg.field(factory=dict)

    text = '[tasks."recap.engagement.is_favorited"]\npos_weight = "high"\n'
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Weights, text, source="w.toml")
    assert str(info.value.problems[0]) == (
        "w.toml:2: tasks.\"recap.engagement.is_favorited\".pos_weight: expected float, got str 'high'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = \n", "e.toml:1: TOML syntax error: invalid value (column 5)"),
        # tomllib words the rest differently from one Python to the next
        ("[x]\n[x]\n", "e.toml:2: TOML syntax error: "),
        ('s = "abc', "e.toml:1: TOML syntax error: "),
        ("a = " + "[" * 5000 + "]" * 5000, "e.toml: TOML syntax error: arrays or tables nested too deep to read"),
        ("a = " + "9" * 5000, "e.toml: TOML value error: Exceeds the limit (4300 digits)"),
        ("a = 1\x00", "e.toml:1: TOML syntax error: "),
    ],
)
def test_syntax_errors_name_file_line_and_column(text: str, expected: str) -> None:
    """TOML syntax errors, absurd input included, are ConfigErrors with file and line."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Training, text, source="e.toml")
    assert str(info.value.problems[0]).startswith(expected)


def test_unreadable_files(tmp_path: pathlib.Path) -> None:
    """A missing file, a directory and invalid UTF-8 are ConfigErrors naming the file."""
    cases: list[tuple[Any, str]] = [
        (tmp_path / "missing.toml", "file not found; check the path"),
        (tmp_path, "is a directory, not a TOML file"),
    ]
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'save_dir = "ok"\nx = "\xff"\n')
    cases.append((bad, "not valid UTF-8 (byte 21); save the file as UTF-8"))
    for path, message in cases:
        with pytest.raises(tmlcfg.ConfigError) as info:
            tmlcfg.load(Training, path)
        (problem,) = info.value.problems
        assert (problem.source, problem.message) == (os.fspath(path), message)
    assert info.value.problems[0].line == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_permission_denied(tmp_path: pathlib.Path) -> None:  # pragma: no cover - CI runs as root
    """An unreadable file is a ConfigError."""
    path = tmp_path / "secret.toml"
    path.write_text("")
    path.chmod(0)
    with pytest.raises(tmlcfg.ConfigError, match="cannot read"):
        tmlcfg.load(Training, path)


def test_deep_nesting_in_a_dict_is_a_config_error() -> None:
    """Nesting thousands deep inside a free-form mapping is a ConfigError, not a crash."""
    from collections.abc import Mapping

    @tmlcfg.config
    class Free:
        data: Mapping[str, Any] = tmlcfg.field(factory=dict)

    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Free, {"data": deep})
    (problem,) = info.value.problems
    # crossed at the 101st table: the field's own, then a hundred more, the last refused
    assert problem.path == "data" + ".a" * 100
    assert problem.message == "nested deeper than 100 arrays and tables; flatten it"


def test_secret_values_never_appear_in_errors() -> None:
    """A secret field's bad value is not shown in the error."""

    @tmlcfg.config
    class Login:
        key: str = tmlcfg.field(default="", secret=True)

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Login, {"key": 1234567})
    assert "1234567" not in str(info.value)
    assert "key: expected str, got int (the value is secret and not shown)" in str(info.value)
    assert "hunter2" not in repr(Login(key="hunter2"))

    @tmlcfg.config
    class Defaulted:
        key: str = tmlcfg.field(default="hunter2", secret=True)

    import inspect

    assert str(inspect.signature(Defaulted)) == "(*, key: 'str' = '***')"


def test_did_you_mean_is_remembered_within_bounds() -> None:
    """Suggestions are remembered per key, but hostile keys grow neither the count nor the size."""
    from tmlcfg._engine.spec import _MAX_HINT_KEY, _MAX_HINTS, spec_of

    @tmlcfg.config
    class Small:
        learning_rate: float = 0.1

    spec = spec_of(Small)
    assert spec is not None
    for i in range(3 * _MAX_HINTS):
        with pytest.raises(tmlcfg.ConfigError, match=f"k{i}: unknown key; expected one of learning_rate"):
            tmlcfg.from_dict(Small, {f"k{i}": 1})
        assert len(spec._hints) <= _MAX_HINTS
    long_key = "learning_rat" + "e" * _MAX_HINT_KEY
    with pytest.raises(tmlcfg.ConfigError):
        tmlcfg.from_dict(Small, {long_key: 1})
    assert long_key not in spec._hints
    for _ in range(2):  # the remembered hint is the one difflib gives
        with pytest.raises(tmlcfg.ConfigError, match="did you mean 'learning_rate'"):
            tmlcfg.from_dict(Small, {"learning_rat": 1})


def test_a_config_error_survives_pickling() -> None:
    """A ConfigError crosses processes (multiprocessing, pytest-xdist) with its problems and target."""
    import pickle

    error = tmlcfg.ConfigError([tmlcfg.Problem("a.b", "bad", "f.toml", 3)], target="Exp")
    again = pickle.loads(pickle.dumps(error))
    assert (again.problems, again.target, str(again)) == (error.problems, error.target, str(error))


def test_a_users_message_cannot_forge_report_lines() -> None:
    """A validator quoting a value from the file, newline and terminal escape included, stays on its one line."""

    def echo(value: str) -> None:
        if value:
            raise ValueError(f"refused {value}")

    @tmlcfg.config
    class Echo:
        s: str = tmlcfg.field(default="", validator=echo)

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Echo, 's = "x\\n  t: forged problem\\u001b[31m"')
    report = str(info.value)
    assert len(report.splitlines()) == 2
    assert "\x1b" not in report


class _DType:
    """A dtype read by a dict lookup, the obvious way to write one: a KeyError for a name it lacks."""

    NAMES: ClassVar[dict[str, int]] = {"float32": 4, "bfloat16": 2}

    def __init__(self, name: str) -> None:
        self.size = self.NAMES[name]
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


tmlcfg.register_type(_DType, toml=str, structure=_DType, unstructure=lambda d: d.name)


def _no_odd(value: int) -> None:
    if value % 2:
        raise TypeError(f"odd {value}")


@tmlcfg.config
class _Model:
    dtype: _DType = _DType("float32")
    width: int = tmlcfg.field(default=2, validator=_no_odd)
    heads: int = 1
    secret_dtype: _DType = tmlcfg.field(default=_DType("float32"), secret=True)

    def __attrs_post_init__(self) -> None:
        {2: "pairs", 1: "single"}[self.width // self.heads]  # a lookup that fails for other shapes


def test_a_users_function_may_raise_anything() -> None:
    """Any exception from a registered type's structure, a validator or a cross-field check is a problem at its
    path, with the exception's type and message, from every way in; tmlcfg's own hint never crashes on it."""
    text = 'dtype = "float16"\nwidth = 3\nsecret_dtype = "sk-private-dtype"\n'
    expected = [
        ("dtype", "invalid _DType 'float16': KeyError: 'float16'", 1),
        ("width", "TypeError: odd 3", 2),
        ("secret_dtype", "invalid _DType ***: KeyError: ***", 3),
    ]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(_Model, text, source="m.toml")
    assert [(p.path, p.message, p.line) for p in info.value.problems] == expected
    data = {"dtype": "float16", "width": 3, "secret_dtype": "sk-private-dtype"}
    for build in (
        lambda: tmlcfg.from_dict(_Model, data),
        lambda: _Model(**data),
        lambda: tmlcfg.replace(_Model(), **data),
    ):
        with pytest.raises(tmlcfg.ConfigError) as info:
            build()
        assert [(p.path, p.message) for p in info.value.problems] == [e[:2] for e in expected]
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(_Model, "heads = 4")
    assert [(p.path, p.message) for p in info.value.problems] == [("", "KeyError: 0")]
    # a number where the dtype's text is wanted: the hint tries the text "16.0", which fails its own way
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(_Model, "dtype = 16.0")
    assert [p.message for p in info.value.problems] == [
        "expected _DType (a TOML str), got float 16.0; as text it would be refused too: KeyError: '16.0'"
    ]
