"""Environment references in strings: ``$$`` escaping, substitution rules and malformed references."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Mapping
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg

from .strategies import DOLLAR_PIECES, Generated, classes_with_instances, dollar_texts

#: every name the generated strings refer to, set to text that would change them if it were read
HOSTILE = {"A": "JUNK$$${A}", "RUN_ID": "", "USER": "${RUN_ID}", "d": "x", "HOME": "/junk"}


@tmlcfg.config
class Inner:
    cmd: str = ""
    parts: tuple[str, ...] = ()


@tmlcfg.config
class Run:
    name: str = "run"
    token: str = tmlcfg.field(default="", secret=True)
    tags: tuple[str, ...] = ()
    env: Mapping[str, str] = tmlcfg.field(factory=dict)
    extra: Mapping[str, Any] = tmlcfg.field(factory=dict)
    steps: tuple[Inner, ...] = ()
    inner: Inner = Inner()


runs = st.builds(
    Run,
    name=dollar_texts,
    tags=st.lists(dollar_texts, max_size=3).map(tuple),
    env=st.dictionaries(dollar_texts, dollar_texts, max_size=3),
    extra=st.dictionaries(dollar_texts, st.lists(dollar_texts, max_size=2) | dollar_texts, max_size=2),
    steps=st.lists(st.builds(Inner, cmd=dollar_texts, parts=st.lists(dollar_texts, max_size=2).map(tuple)), max_size=2),
    inner=st.builds(Inner, cmd=dollar_texts),
)


@given(runs)
def test_dollar_strings_survive_every_way_back(tmp_path_factory: pytest.TempPathFactory, run: Run) -> None:
    """dumps/loads with and without an environment, and dump/load, give the config back."""
    text = tmlcfg.dumps(run)
    assert tmlcfg.loads(Run, text) == run
    assert tmlcfg.loads(Run, text, env=HOSTILE) == run
    assert tmlcfg.loads(Run, text, env={}) == run
    path = tmp_path_factory.mktemp("env") / "run.toml"
    tmlcfg.dump(run, path)
    assert tmlcfg.load(Run, path, env=HOSTILE) == run
    with mock.patch.dict(os.environ, HOSTILE):
        assert tmlcfg.load(Run, path) == run
        assert tmlcfg.loads(Run, text, env=os.environ) == run


@settings(max_examples=25)
@given(classes_with_instances())
def test_generated_configs_survive_a_hostile_environment(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Generated, Any]
) -> None:
    """Law 1 for files: load after dump is the identity whatever the environment holds."""
    generated, config = case
    path = tmp_path_factory.mktemp("env") / "c.toml"
    tmlcfg.dump(config, path)
    assert tmlcfg.load(generated.cls, path, env=HOSTILE) == config
    assert tmlcfg.loads(generated.cls, tmlcfg.dumps(config), env=HOSTILE) == config


@given(runs)
def test_pretty_print_reads_back_with_secrets_masked(run: Run) -> None:
    """pretty_print is TOML that loads back, in any environment, to the config with its secret masked."""
    import attrs

    assert tmlcfg.loads(Run, tmlcfg.pretty_print(run), env=HOSTILE) == attrs.evolve(run, token="***")


def test_every_dollar_is_written_doubled() -> None:
    """dumps writes $ as $$ in strings, keys aside (keys are never substituted)."""
    run = Run(name="${RUN_ID}", tags=("$5",), env={"${K}": "$"})
    text = tmlcfg.dumps(run)
    assert 'name = "$${RUN_ID}"' in text
    assert 'tags = ["$$5"]' in text
    assert '"${K}" = "$$"' in text


def test_template_defaults_read_back_in_any_environment() -> None:
    """A default holding ${...} is written escaped in the template, so loading it gives the default."""
    from tmlcfg._cli.template import template

    @tmlcfg.config
    class Paths:
        out: str = "/runs/${RUN_ID}/$$"

    assert tmlcfg.loads(Paths, template(Paths), env=HOSTILE) == Paths()


@pytest.mark.parametrize(
    ("value", "env", "expected"),
    [
        ("${A:-d}", {"A": ""}, "d"),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": "a"}, "a"),
        ("${A}", {"A": ""}, ""),
        ("${A:-}", {}, ""),
        ("${A:-$$5}", {}, "$5"),
        ("${A:-cost $5}", {}, "cost $5"),
        ("$A $5 $", {}, "$A $5 $"),
        ("$${A}", {"A": "x"}, "${A}"),
        ("$$$${A}", {"A": "x"}, "$${A}"),
        ("$$${A}", {"A": "x"}, "$x"),
    ],
)
def test_substitution_rules(value: str, env: dict[str, str], expected: str) -> None:
    """An empty variable counts as unset for ${A:-d}, as in the shell; $$ is a literal $."""
    assert tmlcfg.loads(Run, f"name = '{value}'\n", env=env).name == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("${A", "${A at character 1 of the value: no closing }"),
        ("${A-x}", "${A...} at character 1 of the value: the name must be followed by } or :-default}"),
        ("${U:-${A}}", "${U:-...} at character 1 of the value: the default (not shown) must end with }"),
        ("x ${} y", "at character 3 of the value: ${ must be followed by a variable name"),
        ("${1A}", "at character 1 of the value: ${ must be followed by a variable name"),
        ("${A:-{}", "${A:-...} at character 1 of the value: the default (not shown) must end with }"),
    ],
)
def test_malformed_references_are_problems(value: str, shown: str) -> None:
    """A reference that does not parse is a located problem, not literal text."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Run, f"\nname = '{value}'\n", source="exp.toml", env={"A": "a", "U": "u"})
    (problem,) = info.value.problems
    assert (problem.path, problem.source, problem.line) == ("name", "exp.toml", 2)
    assert problem.message.startswith(f"malformed reference {shown}")
    assert "; write ${NAME} or ${NAME:-default}" in problem.message


SECRET = "sk-live-S3CRET"


@pytest.mark.parametrize(
    "value",
    [
        f"${{TOKEN:-{SECRET}${{X}}}}",
        f"${{TOKEN:-{SECRET}",
        f"${{TOKEN:-{SECRET}{{}}",
        f"${{TOKEN:-a$${SECRET}${{",
        f"${{{SECRET}}}",
        f"${{ {SECRET}}}",
        f"prefix {SECRET} ${{",
        f"${{A}}{SECRET}${{B-{SECRET}}}",
        f"${{TOKEN:-{SECRET}}}${{TOKEN:-{SECRET}",
    ],
)
@pytest.mark.parametrize("secret", [True, False])
def test_a_malformed_reference_never_shows_the_text_around_it(value: str, secret: bool) -> None:
    """A default or a would-be name may be a key written inline: no part of it is in the message."""

    @tmlcfg.config
    class Keys:
        token: str = tmlcfg.field(default="", secret=secret)

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Keys, f"token = '{value}'\n", env={"A": "a"})
    text = str(info.value)
    assert "malformed reference" in text
    for n in range(4, len(SECRET) + 1):
        for start in range(len(SECRET) - n + 1):
            assert SECRET[start : start + n] not in text


def test_malformed_reference_is_shown_shortened() -> None:
    """An unclosed reference a megabyte long is shown in at most MAX_SHOWN characters."""
    from tmlcfg._base.limits import MAX_SHOWN

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Run, f"name = '${{{'A' * 1_000_000}'\n", env={})
    assert len(str(info.value)) < MAX_SHOWN + 200


def test_without_an_environment_references_stay_as_written() -> None:
    """With env=None nothing is looked up and nothing malformed is reported; $$ still reads as $."""
    run = tmlcfg.loads(Run, "name = '${A-x} ${B} $$'\n")
    assert run.name == "${A-x} ${B} $"


def test_an_escaped_dollar_in_toml_escapes_counts() -> None:
    """\\u0024 is a $ once parsed, so \\u0024\\u0024 reads as one $ too."""
    assert tmlcfg.loads(Run, 'name = "\\u0024\\u0024"\n').name == "$"


def test_restore_from_a_run_directory_reads_dollars_back(tmp_path: pathlib.Path) -> None:
    """The TOML a wandb run saves (pretty_print) is read back with $$ as $."""
    from tmlcfg._toml.files import read_plain

    run = Run(name="${RUN_ID}$$", tags=("$",))
    assert read_plain(tmlcfg.pretty_print(run))["name"] == "${RUN_ID}$$"


def test_pieces_cover_what_the_escaping_must_handle() -> None:
    """The generated strings hold references, $$ and lone $ (so the properties above can fail)."""
    assert {"$", "$$", "${A}", "${"} <= set(DOLLAR_PIECES)


def test_show_writes_toml_that_reads_back_the_same(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """tmlcfg show prints the resolved config with $ doubled, so saving and loading it changes nothing."""
    from tmlcfg.__main__ import main
    from tmlcfg.training import TrainingConfig

    source = tmp_path / "run.toml"
    source.write_text('save_dir = "/runs/${RUN_ID}/$$5"\n')
    monkeypatch.setenv("RUN_ID", "r7")
    assert main(["show", "tmlcfg.training:TrainingConfig", str(source)]) == 0
    shown = capsys.readouterr().out
    assert 'save_dir = "/runs/r7/$$5"' in shown
    monkeypatch.setenv("RUN_ID", "junk")
    assert tmlcfg.loads(TrainingConfig, shown, env=os.environ).save_dir == "/runs/r7/$5"
