"""Configs that outlive their classes: declared renames, moves and removals, at every way in."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import warnings
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._load.layers import load_layers, origins
from tmlcfg._migrate.plan import plan_of
from tmlcfg.testing import check_config_class

from .strategies import classes_with_instances


@tmlcfg.config
class Sgd:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class Adam:
    lr: float = 0.001


@tmlcfg.config
class Optimizer:
    sgd: Sgd | None = tmlcfg.field(default=None, one_of="algorithm")
    adam: Adam | None = tmlcfg.field(default=Adam(), one_of="algorithm")


@tmlcfg.config(migrations=(tmlcfg.renamed("relation", "name"),))
class Task:
    name: str = "follows"
    weight: float = 1.0


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("num_steps", "num_train_steps"),
        tmlcfg.renamed("lr", "optimizer.sgd.lr"),
        tmlcfg.renamed("eval_timeout_in_s", "eval_timeout", convert=lambda s: f"{s}s"),
        tmlcfg.removed("use_fp16", reason="use runtime.enable_amp"),
        tmlcfg.renamed("api_key", "token"),
    )
)
class Training:
    num_train_steps: int = 100
    eval_timeout: str = "60s"
    optimizer: Optimizer = Optimizer()
    tasks: tuple[Task, ...] = ()
    token: str = tmlcfg.field(default="", secret=True)
    name: str = "run"


def recorded() -> Any:
    """Record every MigrationWarning (pytest turns warnings into errors otherwise)."""
    return pytest.warns(tmlcfg.MigrationWarning)


def migration_warnings(record: Any) -> list[tmlcfg.MigrationWarning]:
    return [w.message for w in record if isinstance(w.message, tmlcfg.MigrationWarning)]


@pytest.fixture
def experiments(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A working directory for experiment files, so messages show short relative names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- declaring history ---------------------------------------------------------------------


def test_bare_and_called_decorator_make_the_same_kind_of_class() -> None:
    """@tmlcfg.config and @tmlcfg.config(migrations=...) both make frozen configs; only the latter has a plan."""

    @tmlcfg.config
    class Bare:
        steps: int = 1

    @tmlcfg.config()
    class Called:
        steps: int = 1

    assert Bare(steps=2) == Bare(steps=2)
    assert Called(steps=2).steps == 2
    assert plan_of(Bare) is None
    assert plan_of(Called) is None
    assert plan_of(Training) is not None


def test_classes_without_history_pay_nothing() -> None:
    """No plan for a tree with no migrations; a plan for a class that only nests one with migrations."""

    @tmlcfg.config
    class Plain:
        sgd: Sgd = Sgd()
        items: tuple[Sgd, ...] = ()

    @tmlcfg.config
    class Holder:
        tasks: tuple[Task, ...] = ()

    @tmlcfg.config
    class ByName:
        tasks: Mapping[str, Task] = tmlcfg.field(factory=dict)

    with recorded() as record:
        got_by_name = tmlcfg.loads(ByName, "[tasks.a]\nrelation = 'x'\n\n[tasks.b]\nname = 'y'\n")
    assert got_by_name == ByName(tasks={"a": Task(name="x"), "b": Task(name="y")})
    assert [(w.old, w.line) for w in migration_warnings(record)] == [("tasks.a.relation", 2)]

    assert plan_of(Plain) is None
    holder = plan_of(Holder)
    assert holder is not None
    assert holder.rules == ()
    with recorded() as record:
        got = tmlcfg.from_dict(Holder, {"tasks": [{"relation": "x"}, {"name": "y"}]})
    assert got == Holder(tasks=(Task(name="x"), Task(name="y")))
    assert [w.old for w in migration_warnings(record)] == ["tasks[0].relation"]


@pytest.mark.parametrize(
    ("migrations", "message"),
    [
        (
            (tmlcfg.renamed("old", "nope"),),
            "renamed('old', 'nope'): the new path must be a field: nope is not a field path",
        ),
        (
            (tmlcfg.renamed("x", "y"), tmlcfg.renamed("y", "z")),
            "renamed('y', 'z'): the new path must be a field: z is not a field path",
        ),
        ((tmlcfg.renamed("steps", "sgd.lr"),), "steps is a current field; an old path must be gone from the class"),
        (
            (tmlcfg.renamed("a", "steps"), tmlcfg.removed("a", reason="gone")),
            "renamed('a', 'steps') and removed('a', reason='gone') both claim 'a'; keep one",
        ),
        (
            (tmlcfg.renamed("a", "b"), tmlcfg.renamed("b", "c"), tmlcfg.renamed("c", "a")),
            "migrations form a cycle: renamed('a', 'b') -> renamed('b', 'c') -> renamed('c', 'a') -> renamed('a', 'b')",
        ),
        ((tmlcfg.renamed("a[0]", "steps"),), "old must name keys only (no [index])"),
        ((tmlcfg.renamed("a..b", "steps"),), "old is not a path"),
        ((tmlcfg.renamed("a", "steps", convert=5),), "convert must be a function of the old value"),  # type: ignore[arg-type]
        ((tmlcfg.removed("a", reason=" "),), "give a reason"),
        (("steps",), "migrations= takes tmlcfg.renamed(...) and tmlcfg.removed(...), not 'steps'"),
        (tmlcfg.renamed("a", "steps"), "migrations= takes a tuple"),
        ((tmlcfg.renamed("tags.x", "steps"),), "tags is a current Mapping[str, int] field"),
        ((tmlcfg.renamed("a", "sgd.lrr"),), "sgd.lrr is not a field path of Bad; did you mean 'sgd.lr'?"),
        ((tmlcfg.renamed("a", 3),), "new must be a path string, got int"),  # type: ignore[arg-type]
    ],
)
def test_bad_declarations_are_definition_errors(migrations: Any, message: str) -> None:
    """Every broken history is refused when the class is defined, naming the migration and the fix."""

    with pytest.raises(tmlcfg.DefinitionError) as e:

        @tmlcfg.config(migrations=migrations)
        class Bad:
            steps: int = 1
            sgd: Sgd = Sgd()
            tags: Mapping[str, int] = tmlcfg.field(factory=dict)

    assert message in str(e.value)
    assert str(e.value).startswith("test_bad_declarations_are_definition_errors.<locals>.Bad: ")


def test_new_paths_reach_group_members_and_chains_resolve() -> None:
    """a -> b then b -> c (b gone) lands a at c; a move may end inside a group member."""

    @tmlcfg.config(
        migrations=(
            tmlcfg.renamed("b", "c"),
            tmlcfg.renamed("a", "b"),
            tmlcfg.renamed("momentum", "optimizer.sgd.momentum"),
        )
    )
    class Chained:
        c: int = 0
        optimizer: Optimizer = Optimizer()

    with recorded() as record:
        got = tmlcfg.from_dict(Chained, {"a": 7, "momentum": 0.5})
    assert got == Chained(c=7, optimizer=Optimizer(sgd=Sgd(momentum=0.5)))
    assert [(w.old, w.new) for w in migration_warnings(record)] == [("a", "c"), ("momentum", "optimizer.sgd.momentum")]


def test_subclasses_inherit_their_bases_history() -> None:
    """A subclass of a config with migrations still reads the base's old names."""

    @tmlcfg.config
    class Longer(Training):
        epochs: int = 1

    with recorded():
        assert tmlcfg.from_dict(Longer, {"num_steps": 3, "epochs": 2}) == Longer(num_train_steps=3, epochs=2)


def test_migrations_are_shown_as_declared() -> None:
    """renamed and removed read back as written, convert elided."""
    assert repr(tmlcfg.renamed("a", "b")) == "renamed('a', 'b')"
    assert repr(tmlcfg.renamed("a", "b", convert=str)) == "renamed('a', 'b', convert=...)"
    assert repr(tmlcfg.removed("a", reason="r")) == "removed('a', reason='r')"
    assert issubclass(tmlcfg.MigrationWarning, UserWarning)


# -- every way in --------------------------------------------------------------------------


def test_a_dict_under_old_names_gives_the_current_config() -> None:
    """from_dict: one warning per old key, naming old and new path (or the reason) and tmlcfg upgrade."""
    data = {"num_steps": 5, "lr": 0.5, "eval_timeout_in_s": 90, "use_fp16": True}
    with recorded() as record:
        got = tmlcfg.from_dict(Training, data)
    assert got == Training(num_train_steps=5, eval_timeout="90s", optimizer=Optimizer(sgd=Sgd(lr=0.5)))
    assert type(got.optimizer.sgd.lr) is float  # type: ignore[union-attr]
    assert data == {"num_steps": 5, "lr": 0.5, "eval_timeout_in_s": 90, "use_fp16": True}  # not edited
    messages = [str(w) for w in migration_warnings(record)]
    assert messages == [
        "num_steps was renamed to num_train_steps (Training); run `tmlcfg upgrade` on files that use it",
        "lr was renamed to optimizer.sgd.lr (Training); run `tmlcfg upgrade` on files that use it",
        "eval_timeout_in_s was renamed to eval_timeout (Training); run `tmlcfg upgrade` on files that use it",
        "use_fp16 was removed (Training): use runtime.enable_amp; run `tmlcfg upgrade` on files that use it",
    ]
    assert [w.reason for w in migration_warnings(record)][-1] == "use runtime.enable_amp"
    assert record[0].filename == __file__  # points at the caller, not into tmlcfg


def test_a_converted_value_is_held_to_the_new_fields_rules() -> None:
    """convert's result is structured strictly: a bad one is a ConfigError at the new path."""

    @tmlcfg.config(migrations=(tmlcfg.renamed("timeout_s", "timeout_ms", convert=lambda s: s * 1000),))
    class Timing:
        timeout_ms: int = 0

    with recorded():
        assert tmlcfg.from_dict(Timing, {"timeout_s": 2}).timeout_ms == 2000
    with recorded(), pytest.raises(tmlcfg.ConfigError, match=r"timeout_ms: expected int, got str 'aaa"):
        tmlcfg.from_dict(Timing, {"timeout_s": "a"})
    with (
        recorded(),
        pytest.raises(tmlcfg.ConfigError, match=r"timeout_ms: the value of timeout_s could not be converted"),
    ):
        tmlcfg.from_dict(Timing, {"timeout_s": None})


def test_a_failed_convert_into_a_secret_shows_no_value() -> None:
    """The conversion error of a secret field's old value does not leak it."""

    def explode(value: Any) -> Any:
        raise ValueError(f"bad {value}")

    @tmlcfg.config(migrations=(tmlcfg.renamed("password", "token", convert=explode),))
    class Login:
        token: str = tmlcfg.field(default="", secret=True)

    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.from_dict(Login, {"password": "hunter2"})
    assert "hunter2" not in str(e.value)


def test_a_file_under_old_names_warns_with_file_and_line(experiments: pathlib.Path) -> None:
    """load: each old key's warning names file:line and the upgrade command for that file."""
    (experiments / "old.toml").write_text('name = "x"\n# how long\nnum_steps = 5\nuse_fp16 = true\n')
    with recorded() as record:
        got = tmlcfg.load(Training, "old.toml", env={})
    assert got == Training(num_train_steps=5, name="x")
    found = migration_warnings(record)
    assert [(w.source, w.line, w.old, w.new) for w in found] == [
        ("old.toml", 3, "num_steps", "num_train_steps"),
        ("old.toml", 4, "use_fp16", None),
    ]
    assert str(found[0]) == (
        "old.toml:3: num_steps was renamed to num_train_steps (Training); "
        "run `tmlcfg upgrade tests.test_migrate:Training old.toml` to rewrite the file"
    )


def test_loads_text_has_lines_without_a_file() -> None:
    """loads with no source: the warning still says the line, and no file name is made up."""
    with recorded() as record:
        tmlcfg.loads(Training, "\n\nnum_steps = 1\n")
    (w,) = migration_warnings(record)
    assert (w.source, w.line) == (None, 3)
    assert str(w).startswith("<text>:3: num_steps was renamed")


def test_every_layer_and_nested_configs_are_migrated(experiments: pathlib.Path) -> None:
    """Old keys in any layer, inside arrays of tables, warn each with their own file and line."""
    (experiments / "a.toml").write_text("num_steps = 1\n\n[[tasks]]\nrelation = 'likes'\n")
    (experiments / "b.toml").write_text("lr = 0.3\n")
    with recorded() as record:
        got = tmlcfg.load(Training, "a.toml", "b.toml", env={})
    assert got == Training(num_train_steps=1, tasks=(Task(name="likes"),), optimizer=Optimizer(sgd=Sgd(lr=0.3)))
    assert [(w.source, w.line, w.old) for w in migration_warnings(record)] == [
        ("a.toml", 1, "num_steps"),
        ("a.toml", 4, "tasks[0].relation"),
        ("b.toml", 1, "lr"),
    ]


def test_overrides_under_old_paths(experiments: pathlib.Path) -> None:
    """An override by an old path sets the new one (converted), with one warning from 'override'."""
    with recorded() as record:
        got = tmlcfg.load(
            Training, overrides=["num_steps=5", "eval_timeout_in_s=30", "use_fp16=true", "lr=0.2"], env={}
        )
    assert got == Training(num_train_steps=5, eval_timeout="30s", optimizer=Optimizer(sgd=Sgd(lr=0.2)))
    found = migration_warnings(record)
    assert [(w.source, w.old) for w in found] == [
        ("override", "num_steps"),
        ("override", "eval_timeout_in_s"),
        ("override", "use_fp16"),
        ("override", "lr"),
    ]
    assert str(found[0]) == (
        "override: num_steps was renamed to num_train_steps (Training); use the new name (`tmlcfg upgrade` rewrites files)"
    )


def test_an_override_table_holding_old_keys(experiments: pathlib.Path) -> None:
    """A table given whole by an override is migrated by its own class's history."""
    with recorded() as record:
        got = tmlcfg.load(Training, overrides=["tasks=[{relation = 'x'}]"], env={})
    assert got.tasks == (Task(name="x"),)
    assert [w.old for w in migration_warnings(record)] == ["tasks[0].relation"]


def test_replace_with_old_dotted_paths() -> None:
    """replace takes old paths and old keyword names, one warning each."""
    base = Training(tasks=(Task(),))
    with recorded() as record:
        got = tmlcfg.replace(base, {"tasks[0].relation": "x", "lr": 0.7}, num_steps=9, use_fp16=False)
    assert got == Training(num_train_steps=9, tasks=(Task(name="x"),), optimizer=Optimizer(sgd=Sgd(lr=0.7)))
    assert [(w.source, w.old) for w in migration_warnings(record)] == [
        ("replace", "tasks[0].relation"),
        ("replace", "lr"),
        ("replace", "num_steps"),
        ("replace", "use_fp16"),
    ]


def test_from_argv_with_old_names(experiments: pathlib.Path) -> None:
    """A training script's old --config files and old overrides give the current config."""
    (experiments / "old.toml").write_text("num_steps = 4\n")
    with recorded() as record:
        got = tmlcfg.from_argv(Training, ["--config", "old.toml", "lr=0.4"])
    assert got == Training(num_train_steps=4, optimizer=Optimizer(sgd=Sgd(lr=0.4)))
    assert [(w.source, w.old) for w in migration_warnings(record)] == [("old.toml", "num_steps"), ("override", "lr")]


def test_sweeps_map_old_parameter_names() -> None:
    """sweep_config sends an old parameter under its new path; sweeping a removed or converted key is refused."""
    from tmlcfg.wandb import apply_sweep, sweep_config

    with recorded() as record:
        sweep = sweep_config(Training, {"num_steps": {"values": [1, 2]}, "name": {"value": "a"}}, method="grid")
    assert sweep["parameters"] == {"num_train_steps": {"values": [1, 2]}, "name": {"value": "a"}}
    assert [(w.source, w.old) for w in migration_warnings(record)] == [("sweep", "num_steps")]
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        sweep_config(
            Training,
            {
                "use_fp16": {"values": [True]},
                "eval_timeout_in_s": {"values": [1]},
                "num_steps": {"value": 1},
                "num_train_steps": {"value": 2},
            },
            method="grid",
        )
    text = str(e.value)
    assert "use_fp16: use_fp16 was removed (Training): use runtime.enable_amp; sweeping it would change nothing" in text
    assert "eval_timeout_in_s: eval_timeout_in_s was renamed to eval_timeout (Training) with a conversion" in text
    assert "num_train_steps: given both as num_steps and as num_train_steps" in text
    with recorded() as record:
        swept = apply_sweep(Training(), {"num_steps": 3, "lr": 0.9, "_wandb": {}})
    assert swept == Training(num_train_steps=3, optimizer=Optimizer(sgd=Sgd(lr=0.9)))
    assert [(w.source, w.old) for w in migration_warnings(record)] == [
        ("run config", "num_steps"),
        ("run config", "lr"),
    ]


def test_restore_from_an_old_run_config_mapping() -> None:
    """A run config logged under old names (tables and dotted keys) restores to the current config."""
    from tmlcfg.wandb import restore

    logged = {"num_steps": 11, "optimizer.sgd.momentum": 0.5, "lr": 0.2, "tasks": [{"relation": "r"}], "_wandb": {}}
    with recorded() as record:
        got = restore(Training, logged)
    assert got == Training(
        num_train_steps=11, optimizer=Optimizer(sgd=Sgd(lr=0.2, momentum=0.5)), tasks=(Task(name="r"),)
    )
    assert sorted(w.old for w in migration_warnings(record)) == ["lr", "num_steps", "tasks[0].relation"]
    with recorded(), pytest.raises(tmlcfg.ConfigError, match="given both as num_steps and as num_train_steps"):
        restore(Training, {"num_steps": 1, "num_train_steps": 2})


def test_the_converter_hook_migrates_too() -> None:
    """Configs structured by tmlcfg.converter (a list of them, say) read old names as well."""
    with recorded() as record:
        got = tmlcfg.converter.structure([{"relation": "a"}, {"name": "b"}], list[Task])
    assert got == [Task(name="a"), Task(name="b")]
    assert [w.old for w in migration_warnings(record)] == ["[0].relation"]
    with recorded() as record:
        assert tmlcfg.converter.structure({"relation": "c"}, Task) == Task(name="c")
    assert [w.old for w in migration_warnings(record)] == ["relation"]


def test_a_current_table_emptied_by_a_removal_still_counts() -> None:
    """Removing a key from a group member's table keeps the table: naming it still chooses the member."""
    from tmlcfg._migrate.upgrade import upgrade_text

    @tmlcfg.config(
        migrations=(tmlcfg.removed("sgd.nesterov", reason="PyTorch's default now"), tmlcfg.renamed("old.x", "y"))
    )
    class Choice:
        sgd: Sgd | None = tmlcfg.field(default=None, one_of="algorithm")
        adam: Adam | None = tmlcfg.field(default=Adam(), one_of="algorithm")
        y: int = 0

    text = "[sgd] # chosen\nnesterov = true\n\n[old]\nx = 1\n"
    with recorded():
        assert tmlcfg.loads(Choice, text) == Choice(sgd=Sgd(), y=1)
    new, _ = upgrade_text(Choice, text)
    assert new == "y = 1\n\n[sgd] # chosen\n\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Choice, new) == Choice(sgd=Sgd(), y=1)


def test_converted_old_paths_in_overrides_and_replace() -> None:
    """An override or replace under a converted old name is converted; below it, or failing, it is a problem."""

    @tmlcfg.config(
        migrations=(
            tmlcfg.renamed("timeout_min", "timeout_s", convert=lambda m: m * 60),
            tmlcfg.renamed("window", "span", convert=lambda t: {"size": t["width"]}),
            tmlcfg.renamed("password", "token", convert=lambda p: p.encode("ascii")),
        )
    )
    class Timed:
        timeout_s: int = 0
        span: Mapping[str, int] = tmlcfg.field(factory=dict)
        token: str = tmlcfg.field(default="", secret=True)

    with recorded():
        assert tmlcfg.load(Timed, overrides=["timeout_min=2"], env={}).timeout_s == 120
        assert tmlcfg.replace(Timed(), timeout_min=3).timeout_s == 180
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.load(Timed, overrides=["window.width=2", "timeout_min={a=1}", "password='ключ'"], env={})
    assert [(p.path, p.message, p.source) for p in e.value.problems] == [
        ("window.width", "window was renamed to span (Timed) with a conversion; set span instead", "override"),
        (
            "timeout_min",
            "could not be converted for timeout_s: unsupported operand type(s) for *: 'dict' and 'int'",
            "override",
        ),
        ("password", "could not be converted for token", "override"),  # the secret's error could show it
    ]
    assert "ключ" not in str(e.value)
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.replace(Timed(), {"window.width": 2, "password": "ключ"})
    assert [(p.path, p.message) for p in e.value.problems] == [
        ("window.width", "window was renamed to span (Timed) with a conversion; set span instead"),
        ("password", "could not be converted for token"),
    ]


def test_replace_with_a_whole_table_under_old_keys() -> None:
    """A table or array given whole to replace is migrated by its own classes' history."""
    with recorded() as record:
        got = tmlcfg.replace(Training(), {"tasks": [{"relation": "a"}], "optimizer": {"sgd": {"lr": 0.2}}})
    assert got.tasks == (Task(name="a"),)
    assert [(w.source, w.old) for w in migration_warnings(record)] == [("replace", "tasks[0].relation")]


def test_a_seconds_field_becomes_a_timedelta() -> None:
    """eval_timeout_in_s = 90 reads as eval_timeout = "90s"; a value the timedelta refuses is reported at the new path."""
    import datetime as dt

    from tmlcfg._migrate.upgrade import upgrade_text

    @tmlcfg.config(migrations=(tmlcfg.renamed("eval_timeout_in_s", "eval_timeout", convert=lambda s: f"{s}s"),))
    class Evaluation:
        eval_timeout: dt.timedelta = dt.timedelta(hours=1)

    with recorded():
        assert tmlcfg.loads(Evaluation, "eval_timeout_in_s = 90\n").eval_timeout == dt.timedelta(seconds=90)
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Evaluation, "eval_timeout_in_s = 90.5\n", source="e.toml")
    (problem,) = e.value.problems
    assert (problem.path, problem.line) == ("eval_timeout", 1)
    assert problem.message.startswith("invalid timedelta '90.5s': write whole units")
    assert upgrade_text(Evaluation, "eval_timeout_in_s = 90 # wait\n")[0] == 'eval_timeout = "90s" # wait\n'


# -- old and new both given ----------------------------------------------------------------


def test_old_and_new_in_one_file_is_an_error_naming_both_places() -> None:
    """One layer giving both: a ConfigError at the new path with both lines."""
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Training, "num_train_steps = 1\nnum_steps = 2\n", source="exp.toml")
    (problem,) = e.value.problems
    assert (problem.path, problem.source, problem.line) == ("num_train_steps", "exp.toml", 1)
    assert problem.message.startswith(
        "given both as num_steps (exp.toml:2) and as num_train_steps (exp.toml:1); "
        "num_steps is the old name of num_train_steps: keep only num_train_steps"
    )


def test_two_old_names_of_one_field_in_one_input_conflict() -> None:
    """Two old paths of one new path (a chain's links) are both given too."""

    @tmlcfg.config(migrations=(tmlcfg.renamed("a", "b"), tmlcfg.renamed("b", "c")))
    class Chain:
        c: int = 0

    with recorded(), pytest.raises(tmlcfg.ConfigError, match="c: given both as b and as a; b is the old name of c"):
        tmlcfg.from_dict(Chain, {"a": 1, "b": 2})


def test_old_and_new_across_layers_and_overrides(experiments: pathlib.Path) -> None:
    """Across files, and between a file and an override, both-given names each place."""
    (experiments / "old.toml").write_text("num_steps = 1\n")
    (experiments / "new.toml").write_text("\nnum_train_steps = 2\n")
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.load(Training, "old.toml", "new.toml", env={})
    (problem,) = e.value.problems
    assert (problem.path, problem.source, problem.line) == ("num_train_steps", "new.toml", 2)
    assert "given both as num_steps (old.toml:1) and as num_train_steps (new.toml:2)" in problem.message
    with (
        recorded(),
        pytest.raises(
            tmlcfg.ConfigError, match=r"given both as num_steps \(old.toml:1\) and as override num_train_steps"
        ),
    ):
        tmlcfg.load(Training, "old.toml", overrides=["num_train_steps=3"], env={})
    with (
        recorded(),
        pytest.raises(
            tmlcfg.ConfigError, match=r"given both as override num_steps and as num_train_steps \(new.toml:2\)"
        ),
    ):
        tmlcfg.load(Training, "new.toml", overrides=["num_steps=3"], env={})
    with (
        recorded(),
        pytest.raises(tmlcfg.ConfigError, match=r"given both as override num_steps and as override num_train_steps"),
    ):
        tmlcfg.load(Training, overrides=["num_train_steps=2", "num_steps=3"], env={})
    with recorded(), pytest.raises(tmlcfg.ConfigError, match=r"given both as num_steps and as num_train_steps"):
        tmlcfg.replace(Training(), num_steps=1, num_train_steps=2)


def test_old_names_in_two_layers_take_the_later(experiments: pathlib.Path) -> None:
    """Layers all under the old name layer as usual: the later wins, each warns."""
    (experiments / "a.toml").write_text("num_steps = 1\n")
    (experiments / "b.toml").write_text("num_steps = 2\n")
    with recorded() as record:
        got, _ = load_layers(Training, overrides=["num_steps=3", "num_steps=4"], env={})
    assert got.num_train_steps == 4
    with recorded():
        assert tmlcfg.load(Training, "a.toml", "b.toml", env={}).num_train_steps == 2
    with recorded() as record:
        assert tmlcfg.load(Training, "a.toml", "b.toml", overrides=["num_steps=5"], env={}).num_train_steps == 5
    assert [w.source for w in migration_warnings(record)] == ["a.toml", "b.toml", "override"]


def test_restore_from_a_run_file_names_both_places(tmp_path: pathlib.Path) -> None:
    """A run's tmlcfg.toml giving an old key and its new one: the error names both lines of that file."""
    from tmlcfg.wandb import restore

    (tmp_path / "files").mkdir()
    saved = tmp_path / "files" / "tmlcfg.toml"
    saved.write_text("num_train_steps = 1\nname = 'x'\nnum_steps = 2\n")
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        restore(Training, tmp_path)
    (problem,) = e.value.problems
    assert (problem.path, problem.source, problem.line) == ("num_train_steps", str(saved), 1)
    assert problem.message.startswith(f"given both as num_steps ({saved}:3) and as num_train_steps ({saved}:1)")


# -- where values came from ----------------------------------------------------------------


def test_origins_say_renamed_from(experiments: pathlib.Path) -> None:
    """show --origins names the old key and its line for a moved value."""
    (experiments / "old.toml").write_text("name = 'n'\nnum_steps = 5\nlr = 0.5\n")
    with recorded():
        config, layers = load_layers(Training, "old.toml", env={})
    where = origins(config, layers)
    assert where[("num_train_steps",)] == "renamed from num_steps, old.toml:2"
    assert where[("optimizer", "sgd", "lr")] == "renamed from lr, old.toml:3"
    assert where[("name",)] == "old.toml:1"


def test_problems_at_moved_values_point_at_the_old_line() -> None:
    """A bad value under an old name is reported at its new path, on the old key's line."""
    with recorded(), pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Training, "name = 'a'\n\nnum_steps = 'many'\n", source="exp.toml")
    (problem,) = e.value.problems
    assert (problem.path, problem.line) == ("num_train_steps", 3)


# -- properties ----------------------------------------------------------------------------


def _field_paths(cls: type, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every field path of a generated class through nested configs (group members included)."""
    from tmlcfg._engine.nodes import ConfigNode
    from tmlcfg._engine.spec import spec_of

    spec = spec_of(cls)
    assert spec is not None
    out = []
    for f in spec.fields:
        out.append((*prefix, f.name))
        if isinstance(f.node, ConfigNode):
            out += _field_paths(f.node.cls, (*prefix, f.name))
    return out


@st.composite
def histories(draw: st.DrawFn) -> tuple[type, Any, dict[tuple[str, ...], list[str]]]:
    """A generated class and instance, and a subclass whose history moves some field paths to old names.

    Each chosen field path gets a chain of one to three old names; the oldest may sit inside
    another nested config's table (a move out of it).
    """
    from tmlcfg._engine.nodes import ConfigNode
    from tmlcfg._engine.spec import spec_of

    generated, instance = draw(classes_with_instances())
    paths = _field_paths(generated.cls)
    chosen: list[tuple[str, ...]] = []
    for path in draw(st.lists(st.sampled_from(paths), unique=True, max_size=4)) if paths else []:
        if not any(path[: len(c)] == c or c[: len(path)] == path for c in chosen):
            chosen.append(path)
    spec = spec_of(generated.cls)
    assert spec is not None
    hosts = ["host"]  # the subclass's own nested config, always written
    hosts += [f.name for f in spec.fields if isinstance(f.node, ConfigNode) and all(c[0] != f.name for c in chosen)]
    chains: dict[tuple[str, ...], list[str]] = {}
    for i, path in enumerate(chosen):
        names = [f"old{i}_{j}" for j in range(draw(st.integers(1, 3)))]
        if draw(st.booleans()):
            names[0] = f"{draw(st.sampled_from(hosts))}.{names[0]}"
        chains[path] = names
    declared = []
    for path, names in chains.items():
        targets = [*names[1:], ".".join(path)]
        declared += [tmlcfg.renamed(a, b) for a, b in zip(names, targets, strict=True)]
    declared = draw(st.permutations(declared))
    namespace = {"__annotations__": {"host": Host}, "host": Host()}
    cls = tmlcfg.config(migrations=tuple(declared))(type("Migrated", (generated.cls,), namespace))
    return cls, instance, chains


@tmlcfg.config
class Host:
    """A nested config old names may sit in, in generated histories."""

    kept: int = 0


def _plain(config: Any) -> dict[str, Any]:
    return tmlcfg.to_dict(config)


@settings(deadline=None)
@given(histories(), st.data())
def test_generated_histories_load_old_data_to_the_same_config(
    history: tuple[type, Any, dict[tuple[str, ...], list[str]]], data: st.DataObject
) -> None:
    """For generated classes and rename chains, any link of a chain reads back the instance, one warning each."""
    from tmlcfg._migrate.apply import get_path, pop_path, put_path

    cls, instance, chains = history
    current = tmlcfg.from_dict(cls, _plain(instance))
    written = _plain(current)
    expected_old = []
    for path, names in chains.items():
        found, value = get_path(written, path)
        # an old name inside another config's table is usable only where that table is written
        usable = [n for n in names if "." not in n or isinstance(written.get(n.split(".")[0]), dict)]
        if not found or not usable:
            continue
        old = data.draw(st.sampled_from(usable))
        written = put_path(pop_path(written, path), tuple(old.split(".")), value)
        expected_old.append(old)
        event("an old name inside a nested config's table" if "." in old else "an old top-level name")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        back = tmlcfg.from_dict(cls, written)
        again = tmlcfg.loads(cls, tmlcfg._toml.write.write_toml(written))
    assert back == current
    assert again == current
    olds = [w.message.old for w in record if isinstance(w.message, tmlcfg.MigrationWarning)]
    assert sorted(olds) == sorted(expected_old * 2)


@settings(deadline=None)
@given(st.integers(2, 6), st.data())
def test_generated_cycles_are_refused(length: int, data: st.DataObject) -> None:
    """A rename chain that returns to its start, declared in any order, is a DefinitionError."""
    names = [f"k{i}" for i in range(length)]
    declared = data.draw(
        st.permutations([tmlcfg.renamed(a, b) for a, b in zip(names, [*names[1:], names[0]], strict=True)])
    )
    with pytest.raises(tmlcfg.DefinitionError, match="migrations form a cycle"):

        @tmlcfg.config(migrations=tuple(declared))
        class Cyclic:
            x: int = 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.nested_given])
@given(classes_with_instances())
def test_check_config_class_proves_renames_of_generated_classes(generated_instance: tuple[Any, Any]) -> None:
    """check_config_class passes for a subclass renaming every top-level field from an old name."""
    generated, _ = generated_instance
    from tmlcfg._engine.spec import spec_of

    spec = spec_of(generated.cls)
    assert spec is not None
    declared = tuple(tmlcfg.renamed(f"was_{f.name}", f.name) for f in spec.fields)
    cls = tmlcfg.config(migrations=declared)(type("Renamed", (generated.cls,), {}))
    check_config_class(cls, max_examples=5)


def test_check_config_class_catches_old_names_that_do_not_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were old names ignored, check_config_class would fail naming the renamed-key law."""
    from tmlcfg._migrate import apply as _migrate
    from tmlcfg.testing import LawBroken

    monkeypatch.setattr(_migrate._Run, "apply", lambda self, plan, rule, data, path, placed: data)
    with pytest.raises(LawBroken, match=r"breaks the renamed-key \(api_key -> token\) law"):
        check_config_class(Training, max_examples=5)


# -- tools ---------------------------------------------------------------------------------


def test_json_schema_lists_old_keys_as_deprecated() -> None:
    """Old keys are deprecated properties naming the new path, typed when there is no convert."""
    schema = tmlcfg.json_schema(Training)
    props = schema["properties"]
    assert props["num_steps"] == {
        "type": "integer",
        "deprecated": True,
        "description": "num_steps: renamed to num_train_steps",
    }
    assert props["lr"] == {"type": "number", "deprecated": True, "description": "lr: renamed to optimizer.sgd.lr"}
    assert props["eval_timeout_in_s"] == {
        "deprecated": True,
        "description": "eval_timeout_in_s: renamed to eval_timeout, converted",
    }
    assert props["use_fp16"] == {"deprecated": True, "description": "use_fp16: removed (use runtime.enable_amp)"}
    assert schema["$defs"]["Task"]["properties"]["relation"]["deprecated"] is True
    assert "num_steps" not in schema.get("required", [])


def test_json_schema_of_old_keys_validates_old_files() -> None:
    """jsonschema accepts a document under old names (and still refuses a wrong type under one)."""
    import jsonschema

    schema = tmlcfg.json_schema(Training)
    jsonschema.validate({"num_steps": 5, "use_fp16": True, "eval_timeout_in_s": 3}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"num_steps": "five"}, schema)


def test_template_and_docs_have_a_renamed_and_removed_section() -> None:
    """template and docs end with the history, nested classes' included by full path."""
    from tmlcfg._cli.reference import markdown_reference
    from tmlcfg._cli.template import template

    @tmlcfg.config
    class Outer:
        training: Training = Training()

    text = template(Outer)
    assert text.endswith(
        "# Renamed and removed: old files still load, with a warning; `tmlcfg upgrade` rewrites them.\n"
        "#   training.api_key: renamed to training.token\n"
        "#   training.eval_timeout_in_s: renamed to training.eval_timeout, converted\n"
        "#   training.lr: renamed to training.optimizer.sgd.lr\n"
        "#   training.num_steps: renamed to training.num_train_steps\n"
        "#   training.use_fp16: removed (use runtime.enable_amp)\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tmlcfg.loads(Outer, text)  # the history is comments only
    docs = markdown_reference(Training)
    assert (
        "### Renamed and removed\n\nOld files still load, with a warning; `tmlcfg upgrade` rewrites them.\n\n" in docs
    )
    assert "- `num_steps`: renamed to num_train_steps\n" in docs
    assert "- `use_fp16`: removed (use runtime.enable_amp)\n" in docs
    assert "Renamed and removed" not in template(Sgd) + markdown_reference(Sgd)


def test_check_config_class_with_history() -> None:
    """The law of old names holds for the test class (renames without convert)."""
    check_config_class(Training, max_examples=10)


def test_commands_show_each_old_key_as_one_warning_line(experiments: pathlib.Path) -> None:
    """tmlcfg check of an old file passes, with one 'warning:' line per old key on stderr and no source dump."""
    (experiments / "old.toml").write_text("num_steps = 3\nuse_fp16 = true\n")
    result = _cli("check", "tests.test_migrate:Training", "old.toml", cwd=experiments)
    assert (result.returncode, result.stdout) == (0, "ok: old.toml make a valid Training\n")
    target = "tests.test_migrate:Training"
    assert result.stderr.splitlines() == [
        "tmlcfg check: warning: old.toml:1: num_steps was renamed to num_train_steps (Training); "
        f"run `tmlcfg upgrade {target} old.toml` to rewrite the file",
        "tmlcfg check: warning: old.toml:2: use_fp16 was removed (Training): use runtime.enable_amp; "
        f"run `tmlcfg upgrade {target} old.toml` to rewrite the file",
    ]


def test_from_argv_help_lists_the_history(capsys: pytest.CaptureFixture[str]) -> None:
    """--help ends with the renamed and removed keys, so a script's users learn the new names."""
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(Training, ["--help"])
    out = capsys.readouterr().out
    assert out.endswith(
        "renamed and removed (old names still read, with a warning):\n"
        "  api_key: renamed to token\n"
        "  eval_timeout_in_s: renamed to eval_timeout, converted\n"
        "  lr: renamed to optimizer.sgd.lr\n"
        "  num_steps: renamed to num_train_steps\n"
        "  use_fp16: removed (use runtime.enable_amp)\n"
    )


# -- tmlcfg upgrade ------------------------------------------------------------------------

OLD_FILE = """\
# an experiment from last quarter
num_steps = 424_241  # steps
name = 'single quoted'
use_fp16 = true   # fp16 was faster then
eval_timeout_in_s = 90 # seconds

[[tasks]]
relation = "follows" # the edge
weight = 1e3

[[tasks]]
name = "likes"
"""

NEW_FILE = """\
# an experiment from last quarter
num_train_steps = 424_241  # steps
name = 'single quoted'
eval_timeout = "90s" # seconds

[[tasks]]
name = "follows" # the edge
weight = 1e3

[[tasks]]
name = "likes"
"""


def test_upgrade_text_keeps_everything_but_the_old_keys() -> None:
    """Renames in place keep comments and spellings; removed keys go with their line; converts apply."""
    from tmlcfg._migrate.upgrade import upgrade_text

    new, uses = upgrade_text(Training, OLD_FILE)
    assert new == NEW_FILE
    assert [u.old for u in uses] == [("num_steps",), ("eval_timeout_in_s",), ("use_fp16",), ("tasks", 0, "relation")]
    with recorded():
        before = tmlcfg.loads(Training, OLD_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Training, new) == before
    assert upgrade_text(Training, NEW_FILE) == (NEW_FILE, [])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("lr = 0.5\n", "\n[optimizer.sgd]\nlr = 0.5\n"),
        ("lr = 0.5\n\n[optimizer.sgd]\nmomentum = 0.9\n", "\n[optimizer.sgd]\nmomentum = 0.9\nlr = 0.5\n"),
        (
            "name = 'x'\nlr = 0.5 # fast\n[optimizer]\nsgd = {momentum = 0.9}\n",
            "name = 'x'\n[optimizer]\nsgd = {momentum = 0.9, lr = 0.5}\n",
        ),
    ],
)
def test_upgrade_moves_keys_into_tables(old: str, new: str) -> None:
    """A move into a nested config lands in its table, made when missing, inline tables included."""
    from tmlcfg._migrate.upgrade import upgrade_text

    got, _ = upgrade_text(Training, old)
    assert got == new
    with recorded():
        before = tmlcfg.loads(Training, old)
    assert tmlcfg.loads(Training, got) == before


def test_upgrade_renames_and_empties_tables() -> None:
    """A renamed table keeps its header comment; a table emptied by a move out is removed."""
    from tmlcfg._migrate.upgrade import upgrade_text

    @tmlcfg.config(migrations=(tmlcfg.renamed("optim", "optimizer"), tmlcfg.renamed("extra.steps", "steps")))
    class Renamed:
        optimizer: Optimizer = Optimizer()
        steps: int = 0

    old = "[optim] # the optimizer\nsgd = {lr = 1.0}\n\n[extra]\nsteps = 3\n"
    got, _ = upgrade_text(Renamed, old)
    assert got == "steps = 3\n\n[optimizer] # the optimizer\nsgd = {lr = 1.0}\n\n"
    expected = Renamed(optimizer=Optimizer(sgd=Sgd(lr=1.0)), steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Renamed, got) == expected
    with recorded():  # the emptied [extra] is no unknown key when loading the old file either
        assert tmlcfg.loads(Renamed, old) == expected


def test_upgrade_refuses_both_given_and_bad_toml() -> None:
    """A file giving old and new, or not TOML, is a ConfigError; nothing is guessed."""
    from tmlcfg._migrate.upgrade import upgrade_text

    with pytest.raises(tmlcfg.ConfigError, match="given both as num_steps .line 2. and as num_train_steps .line 1."):
        upgrade_text(Training, "num_train_steps = 1\nnum_steps = 2\n", "a.toml")
    with pytest.raises(tmlcfg.ConfigError, match="TOML syntax error"):
        upgrade_text(Training, "num_steps = \n", "a.toml")


_SPELLINGS = {
    "int": st.sampled_from(["424_241", "0x1F", "7", "+3", "0o17", "1_000"]),
    "str": st.sampled_from(["'single'", '"double"', "'''lit'''", '"ünï \\u00e9"', '""']),
    "bool": st.sampled_from(["true", "false"]),
    "float": st.sampled_from(["1e3", "0.5", "-0.0", "6.626e-34", "inf"]),
}


@tmlcfg.config(migrations=(tmlcfg.renamed("learning_rate", "rate"),))
class Inner:
    rate: float = 0.1
    depth: int = 1


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("steps", "num_steps"),
        tmlcfg.renamed("num_steps", "num_train_steps"),
        tmlcfg.renamed("lr", "inner.rate"),
        tmlcfg.renamed("timeout_s", "timeout", convert=lambda s: f"{s}s"),
        tmlcfg.removed("fp16", reason="use amp"),
    )
)
class Exp:
    num_train_steps: int = 1
    name: str = ""
    timeout: str = "0s"
    flag: bool = False
    inner: Inner = Inner()
    tasks: tuple[Task, ...] = ()


_OLD_KEYS = ("steps", "num_steps", "lr", "timeout_s", "fp16")


@st.composite
def old_documents(draw: st.DrawFn) -> tuple[str, set[str]]:
    """A TOML document for Exp mixing old and current keys, comments, blank lines and odd spellings."""
    entries: list[tuple[str, str]] = []
    steps = draw(st.sampled_from([None, "steps", "num_steps", "num_train_steps"]))
    if steps:
        entries.append((steps, draw(_SPELLINGS["int"])))
    if draw(st.booleans()):
        entries.append(("name", draw(_SPELLINGS["str"])))
    if draw(st.booleans()):
        entries.append(("flag", draw(_SPELLINGS["bool"])))
    timeout = draw(st.sampled_from([None, "timeout_s", "timeout"]))
    if timeout == "timeout_s":
        entries.append((timeout, draw(st.sampled_from(["90", "1_000", "0x10"]))))
    elif timeout:
        entries.append((timeout, draw(st.sampled_from(["'90s'", '"1m"']))))
    if draw(st.booleans()):
        entries.append(("fp16", draw(_SPELLINGS["bool"])))
    rate = draw(st.sampled_from([None, "lr", "inner", "inner_old"]))
    if rate == "lr":
        entries.append(("lr", draw(_SPELLINGS["float"])))
    entries = draw(st.permutations(entries))
    lines: list[str] = []
    for key, value in entries:
        if draw(st.booleans()):
            lines.append(f"# about {key}")
        comment = draw(st.sampled_from(["", "  # why", " #no space", "\t# tab"]))
        sep = draw(st.sampled_from([" = ", "=", "  =  "]))
        lines.append(f"{key}{sep}{value}{comment}")
        if draw(st.booleans()):
            lines.append("")
    inner = []
    if rate in ("inner", "inner_old"):
        key = "rate" if rate == "inner" else "learning_rate"
        inner.append(f"{key} = {draw(_SPELLINGS['float'])}{draw(st.sampled_from(['', ' # the rate']))}")
    if draw(st.booleans()):
        inner.append(f"depth = {draw(_SPELLINGS['int'])} # inner depth")
    inline = False
    if inner:
        shape = draw(st.sampled_from(["table", "dotted", "inline"]))
        if shape == "table":
            lines += ["", "[inner] # the inner table", *inner]
        elif shape == "dotted":
            lines += [f"inner.{line}" for line in inner]
        else:
            inline = True
            lines.append("inner = {" + ", ".join(i.split(" #")[0] for i in inner) + "}")
    exempt = {k for k, _ in entries if k in _OLD_KEYS}
    if rate == "inner_old":
        exempt.add("learning_rate")
    if inline and rate in ("lr", "inner_old"):
        exempt.add("inner = {")
    for _ in range(draw(st.integers(0, 2))):
        # arrays of tables come last: a key after them would belong to the last one
        lines += ["", "[[tasks]]" + draw(st.sampled_from(["", " # a task"]))]
        key = draw(st.sampled_from(["relation", "name", None]))
        if key:
            lines.append(f"{key} = {draw(_SPELLINGS['str'])}{draw(st.sampled_from(['', ' # edge']))}")
            if key == "relation":
                exempt.add("relation")
        if draw(st.booleans()):
            lines.append(f"weight = {draw(_SPELLINGS['float'])}")
    text = "\n".join(lines) + ("\n" if draw(st.booleans()) else "")
    return text, exempt


def _is_subsequence(kept: list[str], lines: list[str]) -> bool:
    it = iter(lines)
    return all(any(line == k for line in it) for k in kept)


@settings(deadline=None)
@given(old_documents())
def test_upgrade_round_trips_generated_documents(document: tuple[str, set[str]]) -> None:
    """The upgraded text differs only on the migrated keys, and loads with no warning to the same config."""
    from tmlcfg._migrate.upgrade import upgrade_text

    text, exempt = document
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        before = tmlcfg.loads(Exp, text)
    new, uses = upgrade_text(Exp, text)
    assert {u.old[-1] for u in uses} == {k for k in exempt if k in (*_OLD_KEYS, "relation", "learning_rate")}
    untouched = [line for line in text.splitlines() if not any(_mentions(line, k) for k in exempt)]
    assert _is_subsequence(untouched, new.splitlines())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        after = tmlcfg.loads(Exp, new)
    assert after == before
    assert upgrade_text(Exp, new) == (new, [])


def _mentions(line: str, key: str) -> bool:
    if key == "inner = {":
        return line.startswith(key)
    written = line.split("=")[0].strip()
    return written == key or written.endswith(f".{key}")


def _cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    root = pathlib.Path(__file__).parent.parent
    env_path = f"{root}"
    return subprocess.run(
        [sys.executable, "-m", "tmlcfg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_upgrade_command_diff_check_and_in_place(experiments: pathlib.Path) -> None:
    """No flag prints a diff; --check lists old keys and exits 1; --in-place rewrites, then --check passes."""
    from tmlcfg.__main__ import main

    old = experiments / "old.toml"
    old.write_text(OLD_FILE)
    clean = experiments / "clean.toml"
    clean.write_text(NEW_FILE)
    target = "tests.test_migrate:Training"
    sys.path.insert(0, str(pathlib.Path(__file__).parent.parent))
    try:
        diff = _cli("upgrade", target, "old.toml", "clean.toml", cwd=experiments)
        assert diff.returncode == 0, diff.stderr
        assert diff.stdout.startswith("--- a/old.toml\n+++ b/old.toml\n")
        assert "-num_steps = 424_241  # steps\n+num_train_steps = 424_241  # steps\n" in diff.stdout
        assert "clean.toml" not in diff.stdout
        assert old.read_text() == OLD_FILE
        check = _cli("upgrade", target, "old.toml", "clean.toml", "--check", cwd=experiments)
        assert check.returncode == 1
        assert check.stderr.splitlines() == [
            "4 problems in old.toml (Training):",
            f"  old.toml:2: num_steps: renamed to num_train_steps; run `tmlcfg upgrade {target} --in-place old.toml`",
            f"  old.toml:4: use_fp16: removed: use runtime.enable_amp; run `tmlcfg upgrade {target} --in-place old.toml`",
            f"  old.toml:5: eval_timeout_in_s: renamed to eval_timeout; run `tmlcfg upgrade {target} --in-place old.toml`",
            f"  old.toml:8: tasks[0].relation: renamed to tasks[0].name; run `tmlcfg upgrade {target} --in-place old.toml`",
        ]
        assert old.read_text() == OLD_FILE
        link = experiments / "link.toml"
        link.symlink_to(old)
        old.chmod(0o640)
        assert main(["upgrade", target, "link.toml", "--in-place"]) == 0
        assert link.is_symlink()
        assert old.read_text() == NEW_FILE
        assert oct(old.stat().st_mode & 0o777) == oct(0o640)
        assert main(["upgrade", target, "old.toml", "--check"]) == 0
        with pytest.raises(SystemExit, match="2"):
            main(["upgrade", target, "old.toml", "--check", "--in-place"])
    finally:
        sys.path.remove(str(pathlib.Path(__file__).parent.parent))


def test_upgrade_command_failures_are_one_line(experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file, a FIFO, a both-given file: exit 1 with a report, never a traceback."""
    from tmlcfg.__main__ import main

    target = "tests.test_migrate:Training"
    assert main(["upgrade", target, "missing.toml"]) == 1
    assert "missing.toml: file not found" in capsys.readouterr().err
    (experiments / "both.toml").write_text("num_steps = 1\nnum_train_steps = 2\n")
    assert main(["upgrade", target, "both.toml", "--in-place"]) == 1
    assert "both.toml:2: num_train_steps: given both as num_steps (line 1)" in capsys.readouterr().err
    assert (experiments / "both.toml").read_text() == "num_steps = 1\nnum_train_steps = 2\n"
    assert main(["upgrade", "tests.test_migrate:Nope", "both.toml"]) == 2


def test_import_tmlcfg_does_not_import_tomlkit(tmp_path: pathlib.Path) -> None:
    """tomlkit is for tmlcfg upgrade only; without it the command says what to install."""
    code = "import sys, tmlcfg, tmlcfg._migrate.upgrade, tmlcfg._cli.main; print('tomlkit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    (tmp_path / "old.toml").write_text("num_steps = 1\n")
    code = (
        "import sys; sys.modules['tomlkit'] = None\n"
        "from tmlcfg.__main__ import main\n"
        "sys.exit(main(['upgrade', 'tests.test_migrate:Training', 'old.toml']))\n"
    )
    root = str(pathlib.Path(__file__).parent.parent)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": root},
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "tmlcfg upgrade: tmlcfg upgrade needs tomlkit: pip install 'tmlcfg[upgrade]'\n",
    )


def test_upgrade_diff_never_shows_a_secret(experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A renamed secret key, and a secret on a context line, show as "***" in the diff; the file keeps them."""
    from tmlcfg.__main__ import main

    (experiments / "secret.toml").write_text('api_key = "hunter2"\nname = "x"\nnum_steps = 3\n')
    assert main(["upgrade", "tests.test_migrate:Training", "secret.toml"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert '-api_key = "***"\n+token = "***"\n' in out
    assert main(["upgrade", "tests.test_migrate:Training", "secret.toml", "--in-place"]) == 0
    assert (experiments / "secret.toml").read_text() == 'token = "hunter2"\nname = "x"\nnum_train_steps = 3\n'


def test_upgrade_refuses_special_files(experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO or a directory is reported, never read (a FIFO would block) nor replaced."""
    import os

    from tmlcfg.__main__ import main

    os.mkfifo(experiments / "pipe.toml")
    (experiments / "folder.toml").mkdir()
    for name in ("pipe.toml", "folder.toml"):
        assert main(["upgrade", "tests.test_migrate:Training", name, "--in-place"]) == 1
        assert f"{name}: is not a regular file; nothing was read or written" in capsys.readouterr().err
    assert (experiments / "pipe.toml").is_fifo()


def test_upgrade_handles_quoted_and_unicode_keys() -> None:
    """Old keys that need quotes (a dot, unicode) are found, and new unicode keys are written quoted."""
    from tmlcfg._migrate.upgrade import upgrade_text

    @tmlcfg.config(migrations=(tmlcfg.renamed('"a.b"', '"ключ"'), tmlcfg.renamed('"ünï"', "plain")))
    class Quoted:
        ключ: int = 0
        plain: int = 0

    text = '"a.b" = 1 # dotted\n"ünï" = 2\n'
    new, _ = upgrade_text(Quoted, text)
    assert new == '"ключ" = 1 # dotted\nplain = 2\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Quoted, new) == Quoted(ключ=1, plain=2)
    with recorded() as record:
        assert tmlcfg.loads(Quoted, text) == Quoted(ключ=1, plain=2)
    assert [w.old for w in migration_warnings(record)] == ['"a.b"', '"ünï"']


def test_upgrade_refuses_what_it_cannot_rewrite_faithfully(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were a move lost on the way, upgrade would refuse the file rather than write a different config."""
    from tmlcfg._migrate import upgrade as _upgrade

    monkeypatch.setattr(_upgrade, "_apply", lambda tomlkit, doc, use: None)
    with pytest.raises(tmlcfg.ConfigError, match="could not rewrite this file faithfully; edit the old keys by hand"):
        _upgrade.upgrade_text(Training, "num_steps = 1\n", "a.toml")


def test_upgrade_in_place_is_all_or_nothing(experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One bad file among several: every problem reported together, and no file written."""
    from tmlcfg.__main__ import main

    (experiments / "good.toml").write_text("num_steps = 1\n")
    (experiments / "both.toml").write_text("num_steps = 1\nnum_train_steps = 2\n")
    (experiments / "broken.toml").write_text("num_steps = \n")
    assert main(["upgrade", "tests.test_migrate:Training", "good.toml", "both.toml", "broken.toml", "--in-place"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("2 problems in both.toml, broken.toml (Training):\n")
    assert "both.toml:2: num_train_steps: given both as num_steps (line 1)" in err
    assert "broken.toml:1: TOML syntax error" in err
    assert (experiments / "good.toml").read_text() == "num_steps = 1\n"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (RecursionError, "nested too deep for tmlcfg upgrade to rewrite"),
        (KeyError, "tmlcfg upgrade could not rewrite this file faithfully"),
    ],
)
def test_upgrade_turns_tomlkit_failures_into_config_errors(
    monkeypatch: pytest.MonkeyPatch, fault: type[Exception], message: str
) -> None:
    """Whatever tomlkit raises on a valid document is a located ConfigError, never a traceback."""
    from tmlcfg._migrate import upgrade as _upgrade

    def broken(tomlkit: Any, doc: Any, use: Any) -> None:
        raise fault("inside tomlkit")

    monkeypatch.setattr(_upgrade, "_apply", broken)
    with pytest.raises(tmlcfg.ConfigError, match=f"a.toml: {message}"):
        _upgrade.upgrade_text(Training, "num_steps = 1\n", "a.toml")


@pytest.mark.parametrize(
    ("text", "upgraded"),
    [
        ("inner.learning_rate = 1.0\ninner.depth = 2\n", "inner.depth = 2\ninner.rate = 1.0\n"),
        ("inner.learning_rate = 1.0\nname = 'n'\ninner.depth = 2\n", "name = 'n'\ninner.depth = 2\ninner.rate = 1.0\n"),
        ("inner = {learning_rate = 1.0, depth = 2}\n", "inner = {rate = 1.0, depth = 2}\n"),
        ("[inner]\n  learning_rate=1.0 # why\n", "[inner]\n  rate=1.0 # why\n"),
        ("steps = 3\ninner.depth = 2\n", "num_train_steps = 3\ninner.depth = 2\n"),
    ],
)
def test_upgrade_of_dotted_inline_and_indented_keys(text: str, upgraded: str) -> None:
    """Keys of a table written with dotted keys (even in pieces), inline or indented are renamed."""
    from tmlcfg._migrate.upgrade import upgrade_text

    assert upgrade_text(Exp, text)[0] == upgraded
    with recorded():
        before = tmlcfg.loads(Exp, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Exp, upgraded) == before


def test_upgrade_of_a_class_without_history_changes_nothing() -> None:
    """No plan: the text comes back as it was, still checked to be TOML."""
    from tmlcfg._migrate.upgrade import upgrade_text

    assert upgrade_text(Sgd, "lr = 1 # c\n") == ("lr = 1 # c\n", [])
    with pytest.raises(tmlcfg.ConfigError, match="TOML syntax error"):
        upgrade_text(Sgd, "lr = = 1\n")


def test_upgrade_diff_masks_secrets_below_secret_configs_and_in_arrays(
    experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A secret config field hides every key below it; secrets inside arrays of tables are found by index."""
    from tmlcfg.__main__ import main

    (experiments / "vault.toml").write_text(
        "steps = 1\n[vault]\nkey = 'k1'\nuser = 'u'\n\n[[logins]]\npassword = 'p1'\nname = 'n'\n"
    )
    assert main(["upgrade", "tests.test_migrate:Vaulted", "vault.toml"]) == 0
    assert capsys.readouterr().out == (
        "--- a/vault.toml\n+++ b/vault.toml\n@@ -1,4 +1,4 @@\n"
        '-steps = 1\n+num_steps = 1\n [vault]\n key = "***"\n user = "***"\n'
    )
    (experiments / "logins.toml").write_text("steps = 2\n[[logins]]\npassword = 'p1'\nname = 'n'\n")
    assert main(["upgrade", "tests.test_migrate:Vaulted", "logins.toml"]) == 0
    out = capsys.readouterr().out
    assert "p1" not in out
    assert " password = \"***\"\n name = 'n'\n" in out


@tmlcfg.config
class Login:
    password: str = tmlcfg.field(default="", secret=True)
    name: str = ""


@tmlcfg.config
class Vault:
    key: str = ""
    user: str = ""


@tmlcfg.config(migrations=(tmlcfg.renamed("steps", "num_steps"),))
class Vaulted:
    """A class with secrets for the upgrade diff test."""

    num_steps: int = 0
    vault: Vault = tmlcfg.field(factory=Vault, secret=True)
    logins: tuple[Login, ...] = ()


def test_upgrade_renames_arrays_of_tables_and_empties_a_table_once(capsys: pytest.CaptureFixture[str]) -> None:
    """A renamed array of tables keeps its elements' comments; an old table loses its keys one by one."""
    from tmlcfg._migrate.upgrade import upgrade_text

    @tmlcfg.config(
        migrations=(
            tmlcfg.renamed("jobs", "tasks"),
            tmlcfg.renamed("extra.steps", "steps"),
            tmlcfg.renamed("extra.rate", "rate"),
        )
    )
    class Jobs:
        tasks: tuple[Task, ...] = ()
        steps: int = 0
        rate: float = 0.0

    text = "[extra]\nsteps = 3\nrate = 0.5\n\n[[jobs]] # first\nname = 'a'\n\n[[jobs]]\nrelation = 'b'\n"
    new, uses = upgrade_text(Jobs, text)
    assert new == "steps = 3\nrate = 0.5\n[[tasks]] # first\nname = 'a'\n\n[[tasks]]\nname = 'b'\n"
    assert [format_use(u) for u in uses] == ["extra.steps", "extra.rate", "jobs", "tasks[1].relation"]
    with recorded():
        before = tmlcfg.loads(Jobs, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.loads(Jobs, new) == before == Jobs(tasks=(Task(name="a"), Task(name="b")), steps=3, rate=0.5)


def format_use(use: Any) -> str:
    from tmlcfg._base.keypaths import format_path

    return format_path(use.old)


def test_upgrade_check_in_process_lists_every_old_key(
    experiments: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check: exit 1 and each old key, with its reason for a removal, on stderr; unknown keys pass untouched."""
    from tmlcfg.__main__ import main

    (experiments / "old.toml").write_text("mystery = 1\nuse_fp16 = true\nnum_steps = 2\n")
    assert main(["upgrade", "tests.test_migrate:Training", "old.toml", "--check"]) == 1
    target = "tests.test_migrate:Training"
    assert capsys.readouterr().err.splitlines() == [
        "2 problems in old.toml (Training):",
        f"  old.toml:2: use_fp16: removed: use runtime.enable_amp; run `tmlcfg upgrade {target} --in-place old.toml`",
        f"  old.toml:3: num_steps: renamed to num_train_steps; run `tmlcfg upgrade {target} --in-place old.toml`",
    ]
    assert main(["upgrade", target, "old.toml"]) == 0
    assert capsys.readouterr().out.endswith(" mystery = 1\n-use_fp16 = true\n-num_steps = 2\n+num_train_steps = 2\n")


# -- hostile input -------------------------------------------------------------------------


def test_hostile_histories() -> None:
    """A 5,000-link rename chain defines in linear time; an old path deeper than the bound is refused."""
    import time

    names = [f"k{i}" for i in range(5000)]
    started = time.perf_counter()

    @tmlcfg.config(migrations=tuple(tmlcfg.renamed(a, b) for a, b in zip(names, [*names[1:], "x"], strict=True)))
    class Long:
        x: int = 0

    assert time.perf_counter() - started < 2.0
    with recorded() as record:
        assert tmlcfg.from_dict(Long, {"k0": 3}) == Long(x=3)
    assert [(w.old, w.new) for w in migration_warnings(record)] == [("k0", "x")]
    with pytest.raises(tmlcfg.DefinitionError, match="old is 101 keys deep; the most is 100"):

        @tmlcfg.config(migrations=(tmlcfg.renamed(".".join(["a"] * 101), "x"),))
        class Deep:
            x: int = 0


def test_many_old_keys_in_a_long_file_cost_linear_time() -> None:
    """5,000 array tables under an old key load in well under a second or so, each warned about once."""
    import time

    text = "num_steps = 1\n" + "".join(f"\n[[tasks]]\nrelation = 'r{i}' # c\nweight = {i}.5\n" for i in range(5000))
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        config = tmlcfg.loads(Training, text, source="long.toml")
    assert time.perf_counter() - started < 5.0  # a quadratic pass over the file's lines took a minute
    assert config.tasks[4999] == Task(name="r4999", weight=4999.5)
    found = migration_warnings(record)
    assert len(found) == 5001
    assert (found[-1].old, found[-1].line) == ("tasks[4999].relation", 4 * 4999 + 4)
