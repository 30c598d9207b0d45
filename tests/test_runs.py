"""Run records: what a run writes beside its config, what reads back, and the drift reported since."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg
import tmlcfg.runs
from tmlcfg.runs import GitState, Record

from .strategies import classes_with_instances

ROOT = pathlib.Path(__file__).parent.parent


@tmlcfg.config
class Optimizer:
    lr: float = 0.1


@tmlcfg.config
class Experiment:
    """What the tests save and read back."""

    steps: int = 10
    name: str = "base"
    optimizer: Optimizer = Optimizer()
    token: str | None = tmlcfg.field(default=None, secret=True)


@tmlcfg.config
class Renamed:
    """Experiment, later: the same fields under another class name."""

    steps: int = 10
    name: str = "base"
    optimizer: Optimizer = Optimizer()
    token: str | None = tmlcfg.field(default=None, secret=True)


@tmlcfg.config
class Training:
    steps: int = 10
    warmup: int = 100


@tmlcfg.config
class Grown:
    """Experiment with a new nested key and a new top-level key."""

    steps: int = 10
    name: str = "base"
    optimizer: Optimizer = Optimizer()
    token: str | None = tmlcfg.field(default=None, secret=True)
    training: Training = Training()
    seed: int = 0


@tmlcfg.config
class Sgd:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class OldStyle:
    """The run's class: a flat lr and a flag since removed."""

    lr: float = 0.1
    use_fp16: bool = False
    api_token: str | None = tmlcfg.field(default=None, secret=True)


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("lr", "optimizer.lr"),
        tmlcfg.removed("use_fp16", reason="use runtime.enable_amp"),
        tmlcfg.renamed("api_token", "token"),
    )
)
class NewStyle:
    """OldStyle, later: lr moved, use_fp16 gone, api_token renamed."""

    optimizer: Sgd = Sgd()
    token: str | None = tmlcfg.field(default=None, secret=True)


@tmlcfg.config
class Wandb:
    project: str = "p"
    key: str | None = tmlcfg.field(default=None, secret=True)


@tmlcfg.config
class WithNestedSecret:
    wandb: Wandb = Wandb()
    headers: Mapping[str, str] | None = tmlcfg.field(default=None, secret=True)
    steps: int = 1


def _files(folder: pathlib.Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _load(cls: type, source: Any) -> tmlcfg.runs.Restored[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning unless a test expects one
        return tmlcfg.runs.load(cls, source)


# -- importing ---------------------------------------------------------------------------------------------


def test_import_tmlcfg_stays_light() -> None:
    """`import tmlcfg` imports neither tmlcfg.runs nor importlib.metadata nor subprocess; tmlcfg.runs may."""
    code = (
        "import sys, tmlcfg\n"
        "print(sorted(m for m in ('tmlcfg.runs', 'tmlcfg._runs', 'importlib.metadata', 'subprocess') if m in sys.modules))\n"
        "import tmlcfg.runs\n"
        "print('tmlcfg.runs' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout == "[]\nTrue\n"


def test_public_surface() -> None:
    """tmlcfg.runs names its six public objects, sorted, all shown as tmlcfg.runs's."""
    assert tmlcfg.runs.__all__ == sorted(tmlcfg.runs.__all__)
    assert tmlcfg.runs.__all__ == ["GitState", "Record", "Restored", "load", "save", "snapshot"]
    for name in tmlcfg.runs.__all__:
        assert getattr(tmlcfg.runs, name).__module__ == "tmlcfg.runs"


# -- save and load -----------------------------------------------------------------------------------------


def test_save_writes_the_config_and_the_record(tmp_path: pathlib.Path) -> None:
    """config.toml is the config as pretty_print writes it; run.toml is the record save returns."""
    config = Experiment(steps=3, optimizer=Optimizer(lr=0.5))
    record = tmlcfg.runs.save(config, tmp_path / "a" / "b", argv=["train.py", "steps=3"])
    folder = tmp_path / "a" / "b"
    assert sorted(os.listdir(folder)) == ["config.toml", "run.toml"]
    assert (folder / "config.toml").read_text() == tmlcfg.pretty_print(config)
    assert tmlcfg.loads(Record, (folder / "run.toml").read_text()) == record
    assert record.config_class == "tests.test_runs:Experiment"
    assert record.fingerprint == tmlcfg.fingerprint(config)
    assert record.argv == ("train.py", "steps=3")
    assert record.created.tzinfo == dt.UTC
    assert abs(dt.datetime.now(dt.UTC) - record.created) < dt.timedelta(minutes=5)
    assert record.python.startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    assert record.platform and record.tmlcfg_version
    assert type(record.packages["attrs"]) is str  # a module imported now, from its distribution
    assert "tmlcfg" not in record.origins and dict(record.origins) == {}
    restored = _load(Experiment, folder)
    assert restored.config == config
    assert restored.record == record
    assert restored.drift == ()


@settings(max_examples=25)
@given(classes_with_instances(secrets=False))
def test_load_after_save_is_the_config_with_no_drift(generated: Any) -> None:
    """Over generated classes: load(cls, dir) after save(c, dir) gives c back and () as drift."""
    meta, config = generated
    with tempfile.TemporaryDirectory() as folder:
        record = tmlcfg.runs.save(config, folder)
        restored = _load(meta.cls, folder)
        assert restored.config == config
        assert type(restored.config) is meta.cls
        assert restored.record == record
        assert restored.drift == ()
        again = _load(meta.cls, tmlcfg.runs.snapshot(config))
        assert again.config == config
        assert again.drift == ()


@settings(max_examples=15)
@given(classes_with_instances(secrets=True))
def test_no_secret_value_reaches_a_record(generated: Any) -> None:
    """Over generated classes with secrets: the files equal what pretty_print and a record show, nothing more."""
    _, config = generated
    with tempfile.TemporaryDirectory() as folder:
        record = tmlcfg.runs.save(config, folder)
        assert pathlib.Path(folder, "config.toml").read_text() == tmlcfg.pretty_print(config)
        assert record.fingerprint == tmlcfg.fingerprint(config)


_names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_hex = st.text("0123456789abcdef", min_size=1, max_size=64)
records = st.builds(
    Record,
    config_class=_names,
    fingerprint=_hex,
    created=st.datetimes(timezones=st.just(dt.UTC)),
    argv=st.lists(_names, max_size=4).map(tuple),
    python=_names,
    platform=_names,
    tmlcfg_version=_names,
    git=st.none() | st.builds(GitState, commit=_hex, branch=st.none() | _names, dirty=st.booleans(), diff_sha256=_hex),
    packages=st.dictionaries(_names, _names, max_size=4).map(tmlcfg.FrozenDict),
    origins=st.dictionaries(_names, _names, max_size=4).map(tmlcfg.FrozenDict),
)


@given(records)
def test_record_round_trips(record: Record) -> None:
    """A Record reads back equal from its TOML and from its plain data, and from a snapshot's form of it."""
    assert tmlcfg.loads(Record, tmlcfg.dumps(record)) == record
    assert tmlcfg.from_dict(Record, tmlcfg.to_dict(record)) == record


def test_record_is_a_strict_frozen_config() -> None:
    """Record obeys the laws of every config class (tmlcfg.testing), and refuses what a config refuses."""
    from tmlcfg.testing import check_config_class

    check_config_class(Record, max_examples=20)
    check_config_class(GitState, max_examples=20)
    with pytest.raises(tmlcfg.ConfigError, match="fingerprint"):
        tmlcfg.from_dict(Record, {"config_class": "a:B", "fingerprint": 3})


def test_snapshot_is_plain_data_for_a_checkpoint(tmp_path: pathlib.Path) -> None:
    """snapshot holds only str, bool, int, lists and dicts (created as text), and load restores from it."""
    config = Experiment(steps=4, token="hunter2")
    snap = tmlcfg.runs.snapshot(config, argv=["train.py", "token=hunter2"])
    assert set(snap) == {"config", "record"}
    assert snap["config"] == tmlcfg.pretty_print(config)

    def kinds(value: Any) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(kinds(v) for v in value.values()), *(kinds(k) for k in value))
        if isinstance(value, list):
            return {list}.union(*(kinds(v) for v in value))
        return {type(value)}

    assert kinds(snap) <= {dict, list, str, bool, int}
    assert "hunter2" not in repr(snap)
    assert snap["record"]["argv"] == ["train.py", "token=***"]
    restored = _load(Experiment, snap)
    assert restored.config == Experiment(steps=4)  # the secret was never written: it takes its default
    assert restored.record.created == dt.datetime.fromisoformat(snap["record"]["created"])
    assert restored.drift[0] == "`token` is secret, so the run's value was not recorded; it now takes its default"


def test_save_refuses_a_directory_that_holds_a_record(tmp_path: pathlib.Path) -> None:
    """A second save into a run directory is a ConfigError naming run.toml, unless overwrite=True."""
    tmlcfg.runs.save(Experiment(steps=1), tmp_path)
    before = _files(tmp_path)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.runs.save(Experiment(steps=2), tmp_path)
    (problem,) = info.value.problems
    assert problem.source == str(tmp_path / "run.toml")
    assert "already holds a run record" in problem.message and "overwrite=True" in problem.message
    assert _files(tmp_path) == before
    tmlcfg.runs.save(Experiment(steps=2), tmp_path, overwrite=True)
    assert _load(Experiment, tmp_path).config == Experiment(steps=2)


def test_save_refuses_to_overwrite_a_config_toml_of_someone_else(tmp_path: pathlib.Path) -> None:
    """A config.toml already in the directory is not silently replaced."""
    (tmp_path / "config.toml").write_text("mine = 1\n")
    with pytest.raises(tmlcfg.ConfigError, match="already holds a config"):
        tmlcfg.runs.save(Experiment(), tmp_path)
    assert (tmp_path / "config.toml").read_text() == "mine = 1\n"
    assert not (tmp_path / "run.toml").exists()


def test_save_into_a_file_is_a_config_error(tmp_path: pathlib.Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(tmlcfg.ConfigError, match="cannot create the run directory"):
        tmlcfg.runs.save(Experiment(), tmp_path / "f")


def test_save_into_a_path_with_a_nul_is_a_config_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(tmlcfg.ConfigError, match=r"cannot create the run directory: .*embedded null (byte|character)"):
        tmlcfg.runs.save(Experiment(), f"{tmp_path}/a\0b")


def test_hostile_argv_is_recorded_as_text(tmp_path: pathlib.Path) -> None:
    """A byte that was not UTF-8 (a lone surrogate), odd unicode, a word of many '=': all recorded, readable."""
    argv = ["train.py", "name=caf\udce9", "name=\u202eevil", "steps=" + "=" * 100_000, "token=" + "=" * 100_000]
    record = tmlcfg.runs.save(Experiment(), tmp_path, argv=argv)
    assert record.argv == ("train.py", "name=caf\\udce9", "name=\u202eevil", argv[3], "token=***")
    assert _load(Experiment, tmp_path).record == record


def test_save_checks_its_arguments(tmp_path: pathlib.Path) -> None:
    """A non-config, an argv that is one string, origins that are not a mapping: TypeErrors naming them."""
    with pytest.raises(tmlcfg.DefinitionError):
        tmlcfg.runs.save(object(), tmp_path)
    with pytest.raises(TypeError, match="argv must be a list of str"):
        tmlcfg.runs.save(Experiment(), tmp_path, argv="train.py steps=3")
    with pytest.raises(TypeError, match="origins must map"):
        tmlcfg.runs.save(Experiment(), tmp_path, origins=[("steps", "default")])  # type: ignore[arg-type]
    assert not (tmp_path / "run.toml").exists()


# -- secrets -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["token=hunter2"], ["token=***"]),
        (["--token", "hunter2", "steps=3"], ["--token", "***", "steps=3"]),
        (["--token=hunter2"], ["--token=***"]),
        (["token = hunter2"], ["token =***"]),
        (['"token"=hunter2'], ['"token"=***']),
        (["name=token=hunter2"], ["name=token=hunter2"]),  # the name field's value, not a secret
        (["--config", "a.toml", "steps=3"], ["--config", "a.toml", "steps=3"]),
        (["--token"], ["--token"]),  # nothing after it to hide
    ],
)
def test_argv_words_that_set_a_secret_are_masked(tmp_path: pathlib.Path, argv: list[str], shown: list[str]) -> None:
    """path=value, --path=value and --path value forms of a secret field show ***."""
    record = tmlcfg.runs.save(Experiment(), tmp_path, argv=argv)
    assert list(record.argv) == shown
    assert tmlcfg.load(Record, tmp_path / "run.toml").argv == tuple(shown)


def test_argv_masks_old_names_and_values_that_hold_a_secret(tmp_path: pathlib.Path) -> None:
    """An old (migrated) name of a secret, a table holding one, a dashed flag: all masked."""
    record = tmlcfg.runs.save(NewStyle(), tmp_path / "a", argv=["api_token=s3cret", "--api-token", "s3cret"])
    assert record.argv == ("api_token=***", "--api-token", "***")
    record = tmlcfg.runs.save(
        WithNestedSecret(),
        tmp_path / "b",
        argv=["wandb={key='s3cret'}", "wandb.key=s3cret", "wandb.project=p", "--headers", "{a='s3cret'}"],
    )
    assert record.argv == ("wandb=***", "wandb.key=***", "wandb.project=p", "--headers", "***")


def test_argv_words_that_name_no_field_are_kept(tmp_path: pathlib.Path) -> None:
    """Words that are no path, paths no longer in the class (removed), a bare --flag: recorded as given."""
    argv = ['"unterminated=x', "use_fp16=true", "--", "--=x", "plain"]
    assert tmlcfg.runs.save(NewStyle(), tmp_path, argv=argv).argv == tuple(argv)


def test_origins_take_path_strings_or_tuples(tmp_path: pathlib.Path) -> None:
    """save's origins= may be keyed in the path language or by tuples; anything else is a TypeError or ValueError."""
    origins = {"optimizer.lr": "a.toml:3", ("steps",): "default", 'tasks."a.b"': "override"}
    record = tmlcfg.runs.save(Experiment(), tmp_path / "a", origins=origins)
    assert dict(record.origins) == {"optimizer.lr": "a.toml:3", "steps": "default", 'tasks."a.b"': "override"}
    with pytest.raises(ValueError, match="'a..b' is not a key path"):
        tmlcfg.runs.save(Experiment(), tmp_path / "b", origins={"a..b": "default"})
    with pytest.raises(TypeError, match="keyed by path strings or tuples, got int"):
        tmlcfg.runs.save(Experiment(), tmp_path / "c", origins={3: "default"})
    with pytest.raises(TypeError, match=r"origins\['steps'\] must be str"):
        tmlcfg.runs.save(Experiment(), tmp_path / "d", origins={"steps": 3})
    assert sorted(os.listdir(tmp_path)) == ["a"]


def test_secrets_reach_no_file(tmp_path: pathlib.Path) -> None:
    """A config with secrets set, saved with argv and origins naming them: no file holds a secret value."""
    config = WithNestedSecret(wandb=Wandb(key="s3cret-key"), headers=tmlcfg.FrozenDict({"s3cret-name": "s3cret-v"}))
    origins = {("wandb", "key"): "override", ("headers", "s3cret-name"): "a.toml:3", "steps": "default"}
    record = tmlcfg.runs.save(config, tmp_path, argv=["wandb.key=s3cret-key"], origins=origins)
    for name, data in _files(tmp_path).items():
        assert b"s3cret" not in data, name
    assert dict(record.origins) == {"wandb.key": "override", "headers": "a.toml:3", "steps": "default"}
    assert "s3cret" not in repr(tmlcfg.runs.snapshot(config, argv=["wandb.key=s3cret-key"], origins=origins))


@tmlcfg.config
class Fleet:
    ships: tuple[Wandb, ...] = ()
    named: Mapping[str, Wandb] = tmlcfg.field(factory=dict)


def test_secrets_inside_arrays_and_tables_of_configs_take_their_defaults(tmp_path: pathlib.Path) -> None:
    """A masked secret of a config in a tuple or a mapping is dropped where it was, and named in the drift."""
    config = Fleet(ships=(Wandb(key="k1"), Wandb(project="q")), named={"a": Wandb(key="k2")})
    tmlcfg.runs.save(config, tmp_path)
    restored = _load(Fleet, tmp_path)
    assert restored.config == Fleet(ships=(Wandb(), Wandb(project="q")), named={"a": Wandb()})
    assert restored.drift[:2] == (
        "`ships[0].key` is secret, so the run's value was not recorded; it now takes its default",
        "`named.a.key` is secret, so the run's value was not recorded; it now takes its default",
    )


# -- hostile and damaged runs ------------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: pathlib.Path) -> pathlib.Path:
    tmlcfg.runs.save(Experiment(steps=3), tmp_path)
    return tmp_path


def _problem(cls: type, source: Any, path: str | None = None) -> tmlcfg.Problem:
    """The problem at ``path`` (else the first) of the ConfigError that loading ``source`` raises."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.runs.load(cls, source)
    assert "Traceback" not in str(info.value)
    return next(p for p in info.value.problems if path is None or p.path == path)


@pytest.mark.parametrize(
    ("text", "path", "line", "message"),
    [
        ('fingerprint = 3\nconfig_class = "a:B"\n', "fingerprint", 1, "expected str, got int 3"),
        ("surprise = 1\n", "surprise", 1, "unknown key"),
        ("created = [\n", "", 1, "TOML syntax error"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "", None, "nested too deep to read"),
        ("packages = " + "{a=" * 150 + "1" + "}" * 150 + "\n", "packages.a", 1, "expected str, got table"),
    ],
)
def test_a_damaged_record_is_a_located_config_error(
    saved: pathlib.Path, text: str, path: str, line: int | None, message: str
) -> None:
    """Wrong types, unknown keys, bad syntax, absurd nesting in run.toml: a problem with its file and line."""
    (saved / "run.toml").write_text(text)
    problem = _problem(Experiment, saved, path)
    assert problem.source == str(saved / "run.toml")
    assert problem.line == line
    assert message in problem.message


def test_a_damaged_config_is_a_located_config_error(saved: pathlib.Path) -> None:
    """A wrong value or bad syntax in config.toml is located there."""
    (saved / "config.toml").write_text("steps = 3\nname = 5\n")
    problem = _problem(Experiment, saved)
    assert (problem.source, problem.line, problem.path) == (str(saved / "config.toml"), 2, "name")
    (saved / "config.toml").write_bytes(b"steps = 3\nname = '\xff'\n")
    problem = _problem(Experiment, saved)
    assert (problem.source, problem.line) == (str(saved / "config.toml"), 2)
    assert "not valid UTF-8" in problem.message


@pytest.mark.parametrize("name", ["run.toml", "config.toml"])
def test_hostile_files_are_refused_before_reading(saved: pathlib.Path, name: str) -> None:
    """A 100 MB file, a symlink to /dev/zero and a FIFO: refused at once, never read whole or waited on."""
    target = saved / name
    target.unlink()
    with open(target, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    assert "is larger than 16,777,216 bytes" in _problem(Experiment, saved).message
    target.unlink()
    target.symlink_to("/dev/zero")
    assert "is not a regular file" in _problem(Experiment, saved).message
    target.unlink()
    os.mkfifo(target)
    assert "is not a regular file" in _without_hanging(target, lambda: _problem(Experiment, saved)).message
    target.unlink()
    target.mkdir()
    assert "is a directory, not a TOML file" in _problem(Experiment, saved).message
    target.rmdir()
    target.symlink_to(saved / "nowhere")
    assert "file not found" in _problem(Experiment, saved).message


def _without_hanging(fifo: pathlib.Path, attempt: Callable[[], Any]) -> Any:
    """What ``attempt`` returns; if it blocks on ``fifo``, the reader is let go and the test fails."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(attempt()), daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"reading {fifo} blocked")
    (result,) = outcome
    return result


def test_a_file_larger_than_its_size_says_is_cut_at_the_bound(saved: pathlib.Path) -> None:
    """Growth past the bound while reading is caught too: at most one byte more than the bound is read."""
    from tmlcfg._base.limits import MAX_RUN_FILE_BYTES

    (saved / "run.toml").write_bytes(b"#" * (MAX_RUN_FILE_BYTES + 1))
    assert "is larger than" in _problem(Experiment, saved).message


def test_missing_runs_and_missing_files(tmp_path: pathlib.Path, saved: pathlib.Path) -> None:
    """No directory, a file, a directory without a record, a record without its config: each said so."""
    assert "no such directory" in _problem(Experiment, tmp_path / "nope").message
    (tmp_path / "file").write_text("")
    assert "is not a directory" in _problem(Experiment, tmp_path / "file").message
    (tmp_path / "empty").mkdir()
    problem = _problem(Experiment, tmp_path / "empty")
    assert problem.source == str(tmp_path / "empty")
    assert "no run.toml here" in problem.message and "tmlcfg.runs.save" in problem.message
    (saved / "config.toml").unlink()
    problem = _problem(Experiment, saved)
    assert (problem.source, problem.message.split(" (")[0]) == (str(saved / "config.toml"), "file not found")


@pytest.mark.parametrize(
    ("snap", "path", "message"),
    [
        ({}, "", "a snapshot holds exactly 'config' and 'record'"),
        ({"config": "", "record": {}, "model": 1}, "", "got 'config', 'model', 'record'"),
        ({"config": b"x", "record": {}}, "config", "must be TOML text"),
        ({"config": "", "record": []}, "record", "must be a table"),
        ({"config": "", "record": {"created": "yesterday"}}, "record.created", ""),
    ],
)
def test_a_damaged_snapshot_is_a_config_error(snap: dict[str, Any], path: str, message: str) -> None:
    problem = _problem(Experiment, snap, path)
    assert problem.source == "snapshot"
    assert message in problem.message


def test_load_checks_its_arguments(saved: pathlib.Path) -> None:
    with pytest.raises(TypeError, match="run directory or a snapshot mapping"):
        tmlcfg.runs.load(Experiment, 3)  # type: ignore[arg-type]
    with pytest.raises(tmlcfg.DefinitionError):
        tmlcfg.runs.load(object, saved)


# -- drift -------------------------------------------------------------------------------------------------


def test_drift_when_the_class_was_renamed(saved: pathlib.Path) -> None:
    """Read as another class, the run says which class it was."""
    restored = _load(Renamed, saved)
    assert restored.config == Renamed(steps=3)
    assert restored.drift == (
        "the run's config class was `tests.test_runs:Experiment`; it is read as `tests.test_runs:Renamed`",
    )


def test_read_as_another_class_that_refuses_it_says_which_class_the_run_had(saved: pathlib.Path) -> None:
    """A ConfigError from the run's file under a class it was not made with ends by naming the run's class."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.runs.load(OldStyle, saved)
    *problems, hint = info.value.problems
    assert [(p.path, p.line) for p in problems][:1] == [("steps", 1)]
    assert hint.source == str(saved / "config.toml")
    assert hint.message.startswith(
        "the run's config class was `tests.test_runs:Experiment`, not `tests.test_runs:OldStyle`"
    )


def test_drift_names_each_key_that_now_takes_a_default(saved: pathlib.Path) -> None:
    """Keys the run's file did not have, nested ones included, each with the default it now takes."""
    restored = _load(Grown, saved)
    assert restored.config == Grown(steps=3)
    assert restored.drift[1:3] == (
        "`training` was not in the run's file; it now defaults to { steps = 10, warmup = 100 }",
        "`seed` was not in the run's file; it now defaults to 0",
    )
    assert restored.drift[3].startswith("the fingerprint differs: the record has ")
    assert len(restored.drift) == 4


def test_drift_for_a_new_key_inside_a_table_the_run_had(tmp_path: pathlib.Path) -> None:
    @tmlcfg.config
    class Before:
        training: Optimizer = Optimizer()

    @tmlcfg.config
    class After:
        training: Training = Training()

    tmlcfg.runs.save(Before(), tmp_path)
    (tmp_path / "config.toml").write_text("[training]\nsteps = 5\n")
    drift = _load(After, tmp_path).drift
    assert "`training.warmup` was not in the run's file; it now defaults to 100" in drift


def test_drift_counts_what_it_does_not_list(tmp_path: pathlib.Path) -> None:
    """Thirty new keys: twenty lines, then how many more, so the drift stays readable."""
    tmlcfg.runs.save(Optimizer(), tmp_path)
    namespace: dict[str, Any] = {"__annotations__": {"lr": float, **{f"k{i}": int for i in range(30)}}, "lr": 0.1}
    namespace.update({f"k{i}": i for i in range(30)})
    wide = tmlcfg.config(type("Wide", (), namespace))
    drift = _load(wide, tmp_path).drift
    assert drift[1:22] == (
        *(f"`k{i}` was not in the run's file; it now defaults to {i}" for i in range(20)),
        "... and 10 more keys now take defaults",
    )


def test_drift_names_renamed_and_removed_keys(tmp_path: pathlib.Path) -> None:
    """Old names in the run's file: one line each from the class's migrations, and the usual warnings."""
    tmlcfg.runs.save(OldStyle(lr=0.5, use_fp16=True, api_token="x"), tmp_path)
    with pytest.warns(tmlcfg.MigrationWarning) as seen:
        restored = tmlcfg.runs.load(NewStyle, tmp_path)
    assert restored.config == NewStyle(optimizer=Sgd(lr=0.5))
    assert len(seen) == 2  # lr and use_fp16; the masked api_token was not read
    assert restored.drift[:5] == (
        "the run's config class was `tests.test_runs:OldStyle`; it is read as `tests.test_runs:NewStyle`",
        "`lr` was renamed to `optimizer.lr` since",
        "`use_fp16` was removed since (use runtime.enable_amp); the run's value is ignored",
        "`optimizer.momentum` was not in the run's file; it now defaults to 0.0",
        "`token` is secret, so the run's value was not recorded; it now takes its default",
    )


def test_drift_when_the_file_was_edited_after_the_run(saved: pathlib.Path) -> None:
    """A config.toml changed by hand no longer matches the record's fingerprint."""
    config_toml = saved / "config.toml"
    config_toml.write_text(config_toml.read_text().replace("steps = 3", "steps = 4"))
    (line,) = _load(Experiment, saved).drift
    assert line == (
        f"the fingerprint differs: the record has {tmlcfg.fingerprint(Experiment(steps=3))[:12]}, the config "
        f"read back {tmlcfg.fingerprint(Experiment(steps=4))[:12]}; it is not the exact config the run used"
    )


def _rewrite_record(folder: pathlib.Path, **changes: Any) -> None:
    record = tmlcfg.load(Record, folder / "run.toml")
    tmlcfg.dump(tmlcfg.replace(record, changes), folder / "run.toml")


def test_drift_for_packages(saved: pathlib.Path) -> None:
    """A version that changed, a package gone, a package imported now that the run did not import."""
    import importlib.metadata

    import attrs

    record = tmlcfg.load(Record, saved / "run.toml")
    packages = dict(record.packages)
    packages["attrs"] = "0.0.1"
    packages["no-such-distribution-at-all"] = "1.0"
    del packages["hypothesis"]
    # tmlcfg's own dependencies load when tmlcfg needs them, not when the run did: never said to appear
    del packages["tomli"]
    _rewrite_record(saved, packages=packages)
    assert _load(Experiment, saved).drift == (
        f"attrs 0.0.1 -> {attrs.__version__}",
        "no-such-distribution-at-all 1.0 is not installed any more",
        f"hypothesis {importlib.metadata.version('hypothesis')} is imported now; the run did not import it",
    )


def test_drift_for_python_and_tmlcfg(saved: pathlib.Path) -> None:
    from tmlcfg._runs.provenance import tmlcfg_version

    _rewrite_record(saved, python="2.7.18 (CPython)", tmlcfg_version="0.0.1")
    python, version = _load(Experiment, saved).drift
    assert python.startswith("python 2.7.18 (CPython) -> 3.")
    assert version == f"tmlcfg 0.0.1 -> {tmlcfg_version()}"


# -- git ---------------------------------------------------------------------------------------------------


def _git(repo: pathlib.Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    return done.stdout.strip()


_MODULE = """
import tmlcfg

@tmlcfg.config
class Config:
    steps: int = 10
"""


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> Iterator[tuple[pathlib.Path, type]]:
    """A git checkout made here, holding a module with a config class, imported; and the class."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    name = f"runs_repo_{uuid.uuid4().hex}"
    (repo / f"{name}.py").write_text(_MODULE)
    (repo / "notes.txt").write_text("one\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    spec = importlib.util.spec_from_file_location(name, repo / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield repo, module.Config
    del sys.modules[name]


def test_git_of_the_class_module_checkout(repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path) -> None:
    """Commit, branch, clean: the checkout holding the config class's module, wherever the process runs."""
    checkout, cls = repo
    record = tmlcfg.runs.save(cls(), tmp_path / "run")
    assert record.git == GitState(
        commit=_git(checkout, "rev-parse", "HEAD"),
        branch="main",
        dirty=False,
        diff_sha256=hashlib.sha256(b"").hexdigest(),
    )
    assert _load(cls, tmp_path / "run").drift == ()


def test_git_dirty_tree_and_its_diff(repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path) -> None:
    """Uncommitted changes to tracked files: dirty, with the SHA-256 of `git diff HEAD`; untracked files do not count."""
    checkout, cls = repo
    (checkout / "untracked.txt").write_text("x")
    assert tmlcfg.runs.save(cls(), tmp_path / "clean").git.dirty is False  # type: ignore[union-attr]
    (checkout / "notes.txt").write_text("two\n")
    record = tmlcfg.runs.save(cls(), tmp_path / "dirty")
    diff = subprocess.run(["git", "diff", "HEAD"], cwd=checkout, capture_output=True, check=True).stdout
    assert record.git is not None and record.git.dirty is True
    assert record.git.diff_sha256 == hashlib.sha256(diff).hexdigest()
    head = _git(checkout, "rev-parse", "HEAD")[:7]
    assert _load(cls, tmp_path / "clean").drift == (
        f"git: the checkout has uncommitted changes on {head} that the run did not have",
    )
    (checkout / "notes.txt").write_text("three\n")
    (line,) = _load(cls, tmp_path / "dirty").drift
    assert line.startswith(f"git: the uncommitted changes on {head} differ from the run's (diff sha256 ")
    (checkout / "notes.txt").write_text("one\n")
    assert _load(cls, tmp_path / "dirty").drift == (
        f"git: the run had uncommitted changes on {head}; the checkout has none",
    )


def test_git_new_commit_and_branch(repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path) -> None:
    """The class changed and committed on another branch: the drift names both commits and both branches."""
    checkout, cls = repo
    (checkout / "notes.txt").write_text("dirty\n")
    tmlcfg.runs.save(cls(), tmp_path / "run")
    old = _git(checkout, "rev-parse", "HEAD")[:7]
    _git(checkout, "checkout", "-q", "-b", "exp")
    _git(checkout, "commit", "-q", "-am", "second")
    new = _git(checkout, "rev-parse", "HEAD")[:7]
    assert _load(cls, tmp_path / "run").drift == (
        f"git: the run was at {old} (dirty), the checkout is at {new}",
        "git: the run was on branch `main`, the checkout is on branch `exp`",
    )
    _git(checkout, "checkout", "-q", "--detach")
    assert (
        _load(cls, tmp_path / "run").drift[1] == "git: the run was on branch `main`, the checkout is on a detached HEAD"
    )
    assert tmlcfg.runs.save(cls(), tmp_path / "detached").git.branch is None  # type: ignore[union-attr]


def test_without_git_on_path_the_record_has_no_git(
    repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git missing is no error: the record goes without git, and reads back saying so."""
    _, cls = repo
    tmlcfg.runs.save(cls(), tmp_path / "with")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    record = tmlcfg.runs.save(cls(), tmp_path / "without")
    assert record.git is None
    assert "git" not in (tmp_path / "without" / "run.toml").read_text()
    assert _load(cls, tmp_path / "without").drift == ()
    (line,) = _load(cls, tmp_path / "with").drift
    assert line.startswith("git: the run was at ") and line.endswith("there is no git checkout here to compare it with")


def test_a_module_outside_any_checkout_takes_the_working_directory(
    repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config class whose module is in no checkout: the git state is the working directory's."""
    checkout, _ = repo
    outside = tmp_path / "outside"
    outside.mkdir()
    name = f"runs_outside_{uuid.uuid4().hex}"
    (outside / f"{name}.py").write_text(_MODULE)
    spec = importlib.util.spec_from_file_location(name, outside / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        monkeypatch.chdir(checkout)
        record = tmlcfg.runs.save(module.Config(), tmp_path / "run")
        assert record.git is not None and record.git.commit == _git(checkout, "rev-parse", "HEAD")
        monkeypatch.chdir(outside)
        assert tmlcfg.runs.save(module.Config(), tmp_path / "nogit").git is None
        (line,) = _load(module.Config, tmp_path / "run").drift
        assert line.endswith("there is no git checkout here to compare it with")
    finally:
        del sys.modules[name]


def test_a_run_outside_git_read_in_a_checkout(repo: tuple[pathlib.Path, type], tmp_path: pathlib.Path) -> None:
    checkout, cls = repo
    tmlcfg.runs.save(cls(), tmp_path / "run")
    _rewrite_record(tmp_path / "run", git=None)
    (line,) = _load(cls, tmp_path / "run").drift
    assert (
        line
        == f"git: the run was made outside a git checkout; the code is now at {_git(checkout, 'rev-parse', 'HEAD')[:7]}"
    )
