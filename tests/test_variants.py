"""Variant fields: one of several config classes, chosen by the tag under ``kind``."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg.testing import check_config_class, configs


@tmlcfg.config(tag="adam")
class AdamConfig:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)


@tmlcfg.config
class SgdConfig:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class LinearRampToCosine:
    steps: int = 100


@tmlcfg.config
class HTTPRetryConfig:
    attempts: int = 3


@tmlcfg.config
class Training:
    optimizer: AdamConfig | SgdConfig = AdamConfig()
    schedule: LinearRampToCosine | SgdConfig | None = None
    stages: tuple[AdamConfig | SgdConfig, ...] = ()
    by_name: Mapping[str, AdamConfig | SgdConfig] = tmlcfg.field(factory=dict)


@tmlcfg.config
class Required:
    optimizer: AdamConfig | SgdConfig


DESIGN_FILE = """\
[optimizer]
kind = "sgd"
momentum = 0.9

[[stages]]
kind = "adam"

[by_name.warmup]
kind = "sgd"
lr = 0.01
"""


def problems(error: pytest.ExceptionInfo[tmlcfg.ConfigError]) -> list[str]:
    return [str(p) for p in error.value.problems]


# -- defining ------------------------------------------------------------------------


def test_tags_default_to_the_class_name_in_snake_case_without_config() -> None:
    """SgdConfig -> sgd, LinearRampToCosine -> linear_ramp_to_cosine, HTTPRetryConfig -> http_retry."""

    @tmlcfg.config
    class Holder:
        a: SgdConfig | LinearRampToCosine | HTTPRetryConfig = SgdConfig()

    tags = [tmlcfg.to_dict(Holder(a=v))["a"]["kind"] for v in (SgdConfig(), LinearRampToCosine(), HTTPRetryConfig())]
    assert tags == ["sgd", "linear_ramp_to_cosine", "http_retry"]
    assert tmlcfg.to_dict(Training())["optimizer"]["kind"] == "adam"  # tag= given


@pytest.mark.parametrize("bad", ["", "a-b", "ädam", "adam ", "sgd\u200b", "x.y", 5, b"adam"])
def test_a_tag_that_is_not_letters_digits_and_underscore_is_refused(bad: Any) -> None:
    """Empty, punctuated, non-ASCII and non-str tags are refused where the class is defined."""
    with pytest.raises(tmlcfg.DefinitionError, match=r"Bad: @tmlcfg.config\(tag=...\): a tag is a non-empty str"):

        @tmlcfg.config(tag=bad)
        class Bad:
            x: int = 1


def test_old_tags_are_checked_like_tags() -> None:
    """old_tags is a tuple of tags; a str alone, a bad tag, a repeat or the class's own tag is refused."""
    for old_tags, match in [
        ("plain", "takes a tuple of tags"),
        (("ok", "no way"), "a tag is a non-empty str"),
        (("a", "a"), "names a tag twice"),
        (("sgd",), "its tag 'sgd' cannot be one of its old_tags"),
    ]:
        with pytest.raises(tmlcfg.DefinitionError, match=match):

            @tmlcfg.config(tag="sgd", old_tags=old_tags)
            class Bad:
                x: int = 1


def test_two_members_with_one_tag_are_refused_naming_field_and_classes() -> None:
    """Two classes answering to one tag (own or old) could not be told apart in a file."""

    @tmlcfg.config(tag="sgd")
    class Other:
        y: int = 1

    with pytest.raises(tmlcfg.DefinitionError, match=r"Bad.opt: SgdConfig and Other .* both answer to the tag 'sgd'"):

        @tmlcfg.config
        class Bad:
            opt: SgdConfig | Other = SgdConfig()

    @tmlcfg.config(tag="new", old_tags=("adam",))
    class Renamed:
        y: int = 1

    with pytest.raises(tmlcfg.DefinitionError, match="both answer to the tag 'adam'"):

        @tmlcfg.config
        class Bad2:
            opt: tuple[AdamConfig | Renamed, ...] = ()


def test_a_member_with_a_field_named_kind_is_refused() -> None:
    """`kind` names the variant in a file, so no variant may have a field of that name."""

    @tmlcfg.config
    class Kindly:
        kind: str = "x"

    with pytest.raises(tmlcfg.DefinitionError, match=r"Bad.opt: Kindly .* has a field named 'kind'"):

        @tmlcfg.config
        class Bad:
            opt: Mapping[str, SgdConfig | Kindly] = tmlcfg.field(factory=dict)

    # a class with a kind field is still a fine nested config, outside a union
    @tmlcfg.config
    class Fine:
        k: Kindly = Kindly()

    assert tmlcfg.loads(Fine, '[k]\nkind = "y"\n') == Fine(k=Kindly(kind="y"))


def test_a_class_whose_name_gives_no_tag_needs_one() -> None:
    """A class named with non-ASCII letters is fine alone; in a union it needs tag=."""

    Ädam = tmlcfg.config(type("Ädam", (), {"__annotations__": {"x": int}, "x": 1}))
    with pytest.raises(tmlcfg.DefinitionError, match=r"Ädam in the union of Ädam, SgdConfig has no usable tag"):

        @tmlcfg.config
        class Bad:
            opt: Ädam | SgdConfig = SgdConfig()  # type: ignore[valid-type]


def test_a_union_of_configs_and_a_scalar_or_container_is_refused() -> None:
    """A variant holds config classes only (and None)."""
    for annotation, match in [
        (SgdConfig | str, r"mixes config classes \(SgdConfig\) with str"),
        (SgdConfig | AdamConfig | tuple[int, ...], r"with tuple\[int, \.\.\.\]"),
    ]:
        with pytest.raises(tmlcfg.DefinitionError, match=match):
            tmlcfg.config(type("Bad", (), {"__annotations__": {"x": annotation}}))


def test_an_optional_variant_must_default_to_none() -> None:
    """As every `| None` field: TOML has no null to write for None."""
    with pytest.raises(tmlcfg.DefinitionError, match="must default to None"):

        @tmlcfg.config
        class Bad:
            opt: SgdConfig | AdamConfig | None = SgdConfig()


# -- reading -------------------------------------------------------------------------


def test_the_file_chooses_each_variant_by_its_kind() -> None:
    """Fields, arrays of tables and mappings each get the chosen class itself, never a base or the default."""
    t = tmlcfg.loads(Training, DESIGN_FILE)
    assert type(t.optimizer) is SgdConfig
    assert t.optimizer == SgdConfig(momentum=0.9)
    assert t.schedule is None
    assert t.stages == (AdamConfig(),) and type(t.stages[0]) is AdamConfig
    assert dict(t.by_name) == {"warmup": SgdConfig(lr=0.01)}


def test_a_subclass_is_its_own_variant() -> None:
    """A subclass of a member is handed back as itself, and is refused where it is not a member."""

    @tmlcfg.config
    class NesterovConfig(SgdConfig):
        dampening: float = 0.0

    @tmlcfg.config
    class Holder:
        opt: SgdConfig | NesterovConfig = SgdConfig()

    got = tmlcfg.loads(Holder, '[opt]\nkind = "nesterov"\nmomentum = 0.5\n')
    assert type(got.opt) is NesterovConfig and got.opt.momentum == 0.5
    assert type(tmlcfg.loads(Holder, '[opt]\nkind = "sgd"\n').opt) is SgdConfig
    with pytest.raises(tmlcfg.ConfigError, match=r"expected a table \(AdamConfig \| SgdConfig\), got NesterovConfig"):
        Training(optimizer=NesterovConfig())


def test_every_problem_of_every_variant_field_in_one_located_report() -> None:
    """Unknown tag, missing kind, another variant's key, a non-str kind: each at its path, file and line."""
    text = """\
[optimizer]
kind = "sdg"
momentum = 0.9

[schedule]
steps = 3

[[stages]]
kind = "adam"
momentum = 3

[[stages]]
kind = 5

[by_name.warmup]
lr = 0.01
"""
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Training, text, source="x.toml")
    assert problems(e) == [
        "x.toml:2: optimizer.kind: unknown kind 'sdg'; did you mean 'sgd'?",
        "x.toml:5: schedule: missing kind; one of 'linear_ramp_to_cosine', 'sgd'",
        "x.toml:10: stages[0].momentum: unknown key; expected one of lr, betas",
        "x.toml:13: stages[1].kind: expected a str naming the variant, one of 'adam', 'sgd'; got int 5",
        "x.toml:15: by_name.warmup: missing kind; one of 'adam', 'sgd'",
    ]


def test_the_other_variants_key_gets_a_hint_among_the_chosen_ones() -> None:
    """An SGD key under an Adam table: did-you-mean among Adam's fields, not SGD's."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Training, '[optimizer]\nkind = "adam"\nbeta = [0.1, 0.2]\nmomentum = 0.9\n')
    assert problems(e) == [
        "optimizer.beta: unknown key; did you mean 'betas'?",
        "optimizer.momentum: unknown key; expected one of lr, betas",
    ]


def test_kind_left_out_means_the_fields_current_variant() -> None:
    """The default's variant (from a default or a factory); none at all is 'missing kind'."""
    assert tmlcfg.loads(Training, "[optimizer]\nlr = 0.5\n").optimizer == AdamConfig(lr=0.5)

    @tmlcfg.config
    class Factory:
        opt: AdamConfig | SgdConfig = tmlcfg.field(factory=SgdConfig)

    assert tmlcfg.loads(Factory, "[opt]\nmomentum = 0.5\n").opt == SgdConfig(momentum=0.5)
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Required, "[optimizer]\nlr = 0.5\n")
    assert problems(e) == ["optimizer: missing kind; one of 'adam', 'sgd'"]
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Required, "")
    assert problems(e) == ["optimizer: missing required key"]
    assert tmlcfg.loads(Required, '[optimizer]\nkind = "sgd"\n') == Required(optimizer=SgdConfig())


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("true", "expected a str naming the variant, one of 'adam', 'sgd'; got bool true"),
        ("1.5", "expected a str naming the variant, one of 'adam', 'sgd'; got float 1.5"),
        ("[1]", "expected a str naming the variant, one of 'adam', 'sgd'; got array"),
        ("{a = 1}", "expected a str naming the variant, one of 'adam', 'sgd'; got table"),
        ('""', "unknown kind ''; one of 'adam', 'sgd'"),
        ('"Sgd"', "unknown kind 'Sgd'; did you mean 'sgd'?"),
        ('"sgd\\u200b"', "unknown kind 'sgd\\u200b'; did you mean 'sgd'?"),
        ('"sgd\\u0000\\n"', "unknown kind 'sgd\\x00\\n'; did you mean 'sgd'?"),
        ('"\uff53\uff47\uff44"', "unknown kind '\uff53\uff47\uff44'; one of 'adam', 'sgd'"),
    ],
)
def test_a_bad_kind_is_a_problem_at_kind(kind: str, message: str) -> None:
    """Non-str kinds, the empty tag, odd unicode and control characters: a located problem, escaped."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.loads(Training, f"[optimizer]\nkind = {kind}\n", source="f.toml")
    assert [(p.path, p.message, p.line) for p in e.value.problems] == [("optimizer.kind", message, 2)]
    assert "\n" not in str(e.value).split("\n", 1)[1].rstrip("\n")  # one line per problem


def test_a_huge_kind_is_cut_short_in_the_message() -> None:
    """A megabyte of tag is neither matched against the tags nor printed whole."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.from_dict(Training, {"optimizer": {"kind": "s" * 1_000_000}})
    (problem,) = e.value.problems
    assert problem.path == "optimizer.kind" and len(problem.message) < 200


def test_the_converter_structures_a_union_of_configs_directly() -> None:
    """tmlcfg.converter.structure({'kind': 'sgd'}, AdamConfig | SgdConfig), strictly, with the same errors."""
    conv = tmlcfg.converter
    got = conv.structure({"kind": "sgd", "momentum": 1}, AdamConfig | SgdConfig)
    assert type(got) is SgdConfig and got == SgdConfig(momentum=1.0)
    with pytest.raises(tmlcfg.ConfigError, match="missing kind; one of 'adam', 'sgd'"):
        conv.structure({"lr": 1}, AdamConfig | SgdConfig | None)  # no default variant here
    assert conv.structure(None, AdamConfig | SgdConfig | None) is None
    assert conv.structure([{"kind": "adam"}, {"kind": "sgd"}], list[AdamConfig | SgdConfig]) == [
        AdamConfig(),
        SgdConfig(),
    ]
    with pytest.raises(tmlcfg.ConfigError) as e:
        conv.structure([{"kind": "sgd", "lr": "7"}, {"kind": "adm"}], tuple[AdamConfig | SgdConfig, ...])
    assert problems(e) == [
        "[0].lr: expected float, got str '7'",
        "[1].kind: unknown kind 'adm'; did you mean 'adam'?",
    ]
    assert conv.unstructure(SgdConfig(), AdamConfig | SgdConfig) == {"kind": "sgd", "lr": 0.1, "momentum": 0.0}


def test_python_takes_instances_and_never_shows_kind() -> None:
    """Training(optimizer=SgdConfig()) works; kind is no attribute of an instance."""
    t = Training(optimizer=SgdConfig(), stages=(SgdConfig(), AdamConfig()))
    assert type(t.optimizer) is SgdConfig
    assert not hasattr(t.optimizer, "kind")
    assert "kind" not in repr(t)
    with pytest.raises(tmlcfg.ConfigError, match="expected a table"):
        Training(optimizer=LinearRampToCosine())  # type: ignore[arg-type]


# -- writing -------------------------------------------------------------------------


def test_kind_is_written_first_in_its_table() -> None:
    """to_dict, dumps and pretty_print write kind, first, in tables, arrays of tables and mappings."""
    t = tmlcfg.loads(Training, DESIGN_FILE)
    data = tmlcfg.to_dict(t)
    assert list(data["optimizer"]) == ["kind", "lr", "momentum"]
    assert list(data["stages"][0]) == ["kind", "lr", "betas"]
    assert next(iter(data["by_name"]["warmup"])) == "kind"
    text = tmlcfg.dumps(t)
    assert '[optimizer]\nkind = "sgd"\n' in text
    assert '[[stages]]\nkind = "adam"\n' in text
    assert '[by_name.warmup]\nkind = "sgd"\n' in text
    assert tmlcfg.pretty_print(t) == text  # no secrets here


def test_the_choice_survives_the_saved_file(tmp_path: pathlib.Path) -> None:
    """dump then load gives the same variants back (the choice is not lost in the file)."""
    t = Training(
        optimizer=SgdConfig(momentum=0.5),
        schedule=LinearRampToCosine(steps=3),
        stages=(SgdConfig(), AdamConfig(lr=2.0)),
        by_name={"a": AdamConfig(), "b": SgdConfig()},
    )
    tmlcfg.dump(t, tmp_path / "t.toml")
    back = tmlcfg.load(Training, tmp_path / "t.toml")
    assert back == t
    assert [type(s) for s in back.stages] == [SgdConfig, AdamConfig]
    assert type(back.schedule) is LinearRampToCosine


def test_check_config_class_proves_the_laws_for_variant_fields() -> None:
    """tmlcfg.testing's check covers a class with variants in fields, tuples and mappings."""
    check_config_class(Training)
    check_config_class(Required)


@given(configs(Training))
def test_configs_draws_every_variant(t: Training) -> None:
    """Drawn instances are valid and round-trip."""
    assert tmlcfg.loads(Training, tmlcfg.dumps(t)) == t


def test_configs_reaches_each_variant() -> None:
    """Every variant of every variant field is drawn, each in a field, in an array and in a mapping."""
    seen: set[tuple[str, type]] = set()

    @given(configs(Training))
    def collect(t: Training) -> None:
        seen.add(("optimizer", type(t.optimizer)))
        seen.add(("schedule", type(t.schedule)))
        seen.update(("stages", type(s)) for s in t.stages)
        seen.update(("by_name", type(v)) for v in t.by_name.values())

    collect()
    for where, classes in [
        ("optimizer", {AdamConfig, SgdConfig}),
        ("schedule", {LinearRampToCosine, SgdConfig, type(None)}),
        ("stages", {AdamConfig, SgdConfig}),
        ("by_name", {AdamConfig, SgdConfig}),
    ]:
        assert {c for w, c in seen if w == where} == classes


# -- layering, overrides, replace, reset -----------------------------------------------


@pytest.fixture
def base(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "base.toml"
    path.write_text('[optimizer]\nkind = "sgd"\nmomentum = 0.9\nlr = 0.2\n')
    return path


def test_a_later_file_naming_another_variant_drops_the_earlier_one(base: pathlib.Path) -> None:
    """Old arguments are not kept after a switch: the new variant starts from its defaults."""
    later = base.parent / "later.toml"
    later.write_text('[optimizer]\nkind = "adam"\nbetas = [0.5, 0.6]\n')
    assert tmlcfg.load(Training, base, later).optimizer == AdamConfig(betas=(0.5, 0.6))


def test_the_same_variant_or_no_kind_merges(base: pathlib.Path) -> None:
    """Same tag, or none, merges key by key as tables always do."""
    later = base.parent / "later.toml"
    later.write_text('[optimizer]\nkind = "sgd"\nlr = 0.3\n')
    assert tmlcfg.load(Training, base, later).optimizer == SgdConfig(lr=0.3, momentum=0.9)
    later.write_text("[optimizer]\nlr = 0.4\n")
    assert tmlcfg.load(Training, base, later).optimizer == SgdConfig(lr=0.4, momentum=0.9)
    # no kind over the default's variant: a key of another variant is then unknown, located
    first = base.parent / "first.toml"
    first.write_text("[optimizer]\nlr = 0.5\n")
    later.write_text("[optimizer]\nmomentum = 0.4\n")
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.load(Training, first, later)
    assert [(p.path, p.source, p.line) for p in e.value.problems] == [("optimizer.momentum", str(later), 2)]


def test_a_switch_in_a_later_file_inside_mappings(tmp_path: pathlib.Path) -> None:
    """A mapping's variant switches per key; other keys merge."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[by_name.x]\nkind = "sgd"\nmomentum = 0.5\n[by_name.y]\nkind = "sgd"\nmomentum = 0.5\n')
    b.write_text('[by_name.x]\nkind = "adam"\n[by_name.y]\nlr = 1.0\n')
    got = tmlcfg.load(Training, a, b).by_name
    assert dict(got) == {"x": AdamConfig(), "y": SgdConfig(lr=1.0, momentum=0.5)}


@pytest.mark.parametrize(
    "overrides",
    [["optimizer.kind=adam", "optimizer.lr=2"], ["optimizer.lr=2", "optimizer.kind=adam"]],
)
def test_an_override_of_kind_switches_whatever_its_place(base: pathlib.Path, overrides: list[str]) -> None:
    """optimizer.kind=adam drops what the files said; values beside it are the new variant's."""
    assert tmlcfg.load(Training, base, overrides=overrides).optimizer == AdamConfig(lr=2.0)


def test_an_override_of_the_same_kind_merges(base: pathlib.Path) -> None:
    got = tmlcfg.load(Training, base, overrides=["optimizer.kind=sgd", "optimizer.lr=2"])
    assert got.optimizer == SgdConfig(lr=2.0, momentum=0.9)


def test_an_override_chooses_a_variant_where_there_was_none(base: pathlib.Path) -> None:
    """A `| None` variant field set by its kind alone, then its fields."""
    got = tmlcfg.load(Training, base, overrides=["schedule.kind=linear_ramp_to_cosine", "schedule.steps=7"])
    assert got.schedule == LinearRampToCosine(steps=7)
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.load(Training, base, overrides=["schedule.steps=7"])
    assert [(p.path, p.message, p.source) for p in e.value.problems] == [
        ("schedule", "missing kind; one of 'linear_ramp_to_cosine', 'sgd'", "override")
    ]


def test_reset_drops_what_earlier_layers_said(base: pathlib.Path) -> None:
    """~path: the field takes its default; for any field, not only variants; None for `| None`."""
    assert tmlcfg.load(Training, base, overrides=["~optimizer"]).optimizer == AdamConfig()
    assert tmlcfg.load(Training, base, overrides=["~optimizer.momentum"]).optimizer == SgdConfig(lr=0.2)
    assert tmlcfg.load(Training, base, overrides=["~optimizer", "optimizer.lr=3"]).optimizer == AdamConfig(lr=3.0)
    later = base.parent / "later.toml"
    later.write_text('[schedule]\nkind = "sgd"\n[by_name.a]\nkind = "sgd"\n')
    got = tmlcfg.load(Training, base, later, overrides=["~schedule", "~by_name.a"])
    assert got.schedule is None and dict(got.by_name) == {}
    # a plain nested config's field, and a field nothing set
    from tmlcfg.optimizers import OptimizerConfig

    later.write_text("[adam]\nlr = 0.5\n")
    assert tmlcfg.load(OptimizerConfig, later, overrides=["~adam.lr"]) == OptimizerConfig()
    assert tmlcfg.load(Training, overrides=["~stages"]) == Training()


@pytest.mark.parametrize(
    ("override", "path", "message"),
    [
        ("~optimzer", "optimzer", "~ names no field; did you mean 'optimizer'?"),
        ("~optimizer.momentm", "optimizer.momentm", "~ names no field; did you mean 'momentum'?"),
        ("~optimizer.betas", "optimizer.betas", "~ names no field; expected one of lr, momentum"),
        ("~stages[0]", "stages[0]", "~ resets a field to its default; an array's item is not a field"),
        (
            "~optimizer.kind",
            "optimizer.kind",
            "~ resets fields, and kind names the variant; ~optimizer resets the variant",
        ),
        ("~optimizer.lr.x", "optimizer.lr.x", "~ resets a field to its default; a key inside a value is not a field"),
    ],
)
def test_reset_of_an_unknown_path_is_a_problem(base: pathlib.Path, override: str, path: str, message: str) -> None:
    """~ on a path that names no field: a ConfigError with did-you-mean among the variant in use."""
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.load(Training, base, overrides=[override])
    assert [(p.path, p.message, p.source) for p in e.value.problems] == [(path, message, "override")]


def test_reset_on_the_command_line(base: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`tmlcfg show` takes ~path among its inputs."""
    from tmlcfg._cli.main import main

    assert main(["show", f"{__name__}:Training", str(base), "~optimizer"]) == 0
    assert '[optimizer]\nkind = "adam"\n' in capsys.readouterr().out


def test_replace_switches_both_ways() -> None:
    """replace by path (kind first, whatever the order) and by instance."""
    t = Training(optimizer=SgdConfig(momentum=0.9))
    assert tmlcfg.replace(t, {"optimizer.kind": "adam"}).optimizer == AdamConfig()
    assert tmlcfg.replace(t, {"optimizer.lr": 2, "optimizer.kind": "adam"}).optimizer == AdamConfig(lr=2.0)
    assert tmlcfg.replace(t, {"optimizer.lr": 2}).optimizer == SgdConfig(lr=2.0, momentum=0.9)
    assert tmlcfg.replace(t, optimizer=AdamConfig(lr=3)).optimizer == AdamConfig(lr=3.0)
    assert tmlcfg.replace(t, {"stages": [{"kind": "sgd"}]}).stages == (SgdConfig(),)
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.replace(t, {"optimizer.kind": "nope"})
    assert problems(e) == ["optimizer.kind: unknown kind 'nope'; one of 'adam', 'sgd'"]


# -- diff, fingerprint ------------------------------------------------------------------


def test_diff_reports_a_switch_as_the_whole_table() -> None:
    """A switch is one difference, the whole table; the same variant differs field by field."""
    a, b = Training(optimizer=SgdConfig(momentum=0.9)), Training()
    (d,) = tmlcfg.diff(a, b)
    assert d.path == "optimizer"
    assert d.left == {"kind": "sgd", "lr": 0.1, "momentum": 0.9}
    assert d.right == {"kind": "adam", "lr": 0.001, "betas": [0.9, 0.999]}
    assert [str(x) for x in tmlcfg.diff(a, Training(optimizer=SgdConfig(momentum=0.8)))] == [
        "optimizer.momentum: 0.9 -> 0.8"
    ]


@given(configs(Training), configs(Training))
def test_applying_a_diff_with_replace_gives_the_second_config(a: Training, b: Training) -> None:
    """For every pair, switches included."""
    assert tmlcfg.replace(a, {d.path: d.right for d in tmlcfg.diff(a, b)}) == b


def test_fingerprint_tells_variants_with_equal_fields_apart() -> None:
    """Two variants with the same fields and values differ by their tag."""

    @tmlcfg.config
    class Left:
        x: int = 1

    @tmlcfg.config
    class Right:
        x: int = 1

    @tmlcfg.config
    class Holder:
        v: Left | Right = Left()

    assert tmlcfg.fingerprint(Holder()) != tmlcfg.fingerprint(Holder(v=Right()))
    assert tmlcfg.fingerprint(Holder()) == tmlcfg.fingerprint(Holder(v=Left()))
    assert Holder() != Holder(v=Right())


# -- secrets, hostile input ----------------------------------------------------------------


@tmlcfg.config
class ApiOptimizer:
    token: str = tmlcfg.field(default="tok-default", secret=True)
    lr: float = 0.1


@tmlcfg.config
class WithSecret:
    optimizer: AdamConfig | ApiOptimizer = AdamConfig()
    hidden: AdamConfig | SgdConfig | None = tmlcfg.field(default=None, secret=True)


def test_a_secret_inside_one_variant_is_masked_everywhere() -> None:
    """repr, pretty_print, diff, errors, schema and fingerprint never show it."""
    c = WithSecret(optimizer=ApiOptimizer(token="tok-42"), hidden=SgdConfig(lr=0.123456))
    shown = [repr(c), tmlcfg.pretty_print(c), str(tmlcfg.json_schema(WithSecret))]
    shown += [str(d) for d in tmlcfg.diff(c, WithSecret())]
    shown += [str(d) for d in tmlcfg.diff(c, tmlcfg.replace(c, {"optimizer.token": "tok-43"}))]
    with pytest.raises(tmlcfg.ConfigError) as e:
        tmlcfg.from_dict(WithSecret, {"optimizer": {"kind": "api_optimizer", "token": 5}, "hidden": {"kind": "tok-7"}})
    shown.append(str(e.value))
    # field names and kind are the class's, not secret: the paths stay readable
    assert [p.path for p in e.value.problems] == ["optimizer.token", "hidden.kind"]
    for text in shown:
        assert "tok-" not in text and "0.123456" not in text, text
    assert tmlcfg.fingerprint(c) == tmlcfg.fingerprint(tmlcfg.replace(c, {"optimizer.token": "other"}))
    assert 'token = "***"' in tmlcfg.pretty_print(c)
    assert tmlcfg.loads(WithSecret, tmlcfg.dumps(c)) == c


def test_ten_thousand_stages() -> None:
    """An array of 10,000 variant tables reads and writes back equal."""
    text = "".join(f'[[stages]]\nkind = "{"sgd" if i % 2 else "adam"}"\nlr = {i}.5\n' for i in range(10_000))
    t = tmlcfg.loads(Training, text)
    assert len(t.stages) == 10_000 and type(t.stages[1]) is SgdConfig and t.stages[9_998] == AdamConfig(lr=9998.5)
    assert tmlcfg.loads(Training, tmlcfg.dumps(t)) == t


def test_deeply_nested_variants() -> None:
    """Variants of variants, ten deep: read, written, switched and reset at depth."""

    @tmlcfg.config
    class Leaf:
        x: int = 0

    level: Any = Leaf
    classes = []
    for i in range(10):
        a = tmlcfg.config(type(f"A{i}", (), {"__annotations__": {"inner": level | None}, "inner": None}))
        b = tmlcfg.config(type(f"B{i}", (), {"__annotations__": {"y": int}, "y": i}))
        classes.append((a, b))
        level = a | b
    Top = tmlcfg.config(type("Top", (), {"__annotations__": {"v": level | None}, "v": None}))
    path = ".".join(["v", *["inner"] * 9])
    chosen: dict[str, Any] = {f"{path}.inner.x": 5}
    for depth in range(10):
        chosen[".".join(["v", *["inner"] * depth, "kind"])] = f"a{9 - depth}"
    top = tmlcfg.replace(Top(), chosen)
    assert tmlcfg.loads(Top, tmlcfg.dumps(top)) == top
    switched = tmlcfg.load(
        Top, overrides=[f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in chosen.items()]
    )
    assert switched == top
    deeper = tmlcfg.replace(top, {f"{path}.kind": "b0"})
    assert tmlcfg.diff(top, deeper)[0].path == path


# -- schema ------------------------------------------------------------------------------


def _validator(cls: type) -> jsonschema.Draft202012Validator:
    schema = tmlcfg.json_schema(cls)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@given(configs(Training))
def test_every_written_instance_validates(t: Training) -> None:
    from tmlcfg._load.schema import json_plain

    _validator(Training).validate(json_plain(tmlcfg.to_dict(t)))


def test_the_schema_is_one_of_with_const_tags() -> None:
    """An unknown tag fails; kind may be left out only where the field has a default variant."""
    v = _validator(Training)
    schema = tmlcfg.json_schema(Training)
    branches = schema["properties"]["optimizer"]["oneOf"]
    tags = [schema["$defs"][b["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]["const"] for b in branches]
    assert tags == ["adam", "sgd"]
    assert v.is_valid({"optimizer": {"kind": "sgd", "momentum": 1.0}})
    assert v.is_valid({"optimizer": {"lr": 1.0}})  # the default's variant, as tmlcfg reads it
    assert not v.is_valid({"optimizer": {"kind": "sdg"}})
    assert not v.is_valid({"optimizer": {"kind": "adam", "momentum": 1.0}})  # SGD's key under Adam
    assert not v.is_valid({"schedule": {"steps": 1}})  # no default variant: kind required
    assert not v.is_valid({"stages": [{"lr": 1.0}]})
    assert v.is_valid({"by_name": {"a": {"kind": "adam"}}})
    assert not _validator(Required).is_valid({"optimizer": {"lr": 1.0}})


@given(st.text(max_size=8))
def test_schema_and_tmlcfg_agree_on_tags(kind: str) -> None:
    """A tag the schema accepts is one tmlcfg reads, and the other way round."""
    data = {"optimizer": {"kind": kind}}
    try:
        tmlcfg.from_dict(Training, data)
        read = True
    except tmlcfg.ConfigError:
        read = False
    assert _validator(Training).is_valid(data) == read


# -- template, docs, --help ------------------------------------------------------------------


def test_template_shows_the_variant_in_use_and_the_others_to_switch_to() -> None:
    """The default's variant is live (so the template loads to C()); each other one is commented, with its kind."""
    from tmlcfg._cli.template import template

    text = template(Training)
    assert tmlcfg.loads(Training, text) == Training()
    assert '[optimizer]\nkind = "adam"\n' in text
    assert "# or, kind = 'sgd' (SgdConfig):\n# [optimizer]\n# kind = \"sgd\"\n" in text
    assert "# momentum = 0.0" in text
    assert "# kind = 'linear_ramp_to_cosine' (LinearRampToCosine):\n# [schedule]\n" in text
    assert "kind: 'adam' (AdamConfig), 'sgd' (SgdConfig)" in text  # the tags, also for stages and by_name


def test_docs_reference_lists_tags_and_each_variants_fields() -> None:
    from tmlcfg._cli.reference import markdown_reference

    text = markdown_reference(Training)
    assert (
        "| `optimizer` | `AdamConfig \\| SgdConfig` | `AdamConfig()` (kind 'adam') | kind: 'adam' (AdamConfig)" in text
    )
    assert "| `optimizer.momentum` (kind 'sgd') | `float` | `0.0` |" in text
    assert "| `schedule.steps` (kind 'linear_ramp_to_cosine') | `int` | `100` |" in text


def test_help_shows_the_fields_of_the_variant_in_use(
    base: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--help after --config: the variant the files chose, its fields, and the tags to choose from."""
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as e:
        tmlcfg.from_argv(Training, ["--config", str(base), "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "optimizer.kind      AdamConfig | SgdConfig = sgd" in out
    assert "optimizer.momentum  float = 0.9" in out
    assert "optimizer.betas" not in out
    assert "kind: 'adam' (AdamConfig), 'sgd' (SgdConfig); naming another starts it from its defaults" in out
    with pytest.raises(SystemExit):
        tmlcfg.from_argv(Training, ["--config", str(base), "optimizer.kind=adam", "--help"])
    out = capsys.readouterr().out
    assert "optimizer.betas" in out and "optimizer.momentum" not in out


def test_from_argv_switches_and_resets(base: pathlib.Path) -> None:
    assert tmlcfg.from_argv(Training, ["--config", str(base), "optimizer.kind=adam"]).optimizer == AdamConfig()
    assert tmlcfg.from_argv(Training, ["--config", str(base), "~optimizer.lr"]).optimizer == SgdConfig(momentum=0.9)


# -- migrations ----------------------------------------------------------------------------


@tmlcfg.config(
    tag="sgd",
    old_tags=("plain_sgd",),
    migrations=(tmlcfg.renamed("mom", "momentum"), tmlcfg.removed("nesterov", reason="use momentum")),
)
class SgdV2:
    lr: float = 0.1
    momentum: float = 0.0


@tmlcfg.config
class TrainingV2:
    optimizer: AdamConfig | SgdV2 = AdamConfig()
    stages: tuple[AdamConfig | SgdV2, ...] = ()
    by_name: Mapping[str, AdamConfig | SgdV2] = tmlcfg.field(factory=dict)


OLD_FILE = """\
[optimizer]
kind = "plain_sgd"  # the old name
mom = 0.5
nesterov = true

[[stages]]
kind = "plain_sgd"
mom = 1.0

[by_name.a]
kind = 'adam'
"""


def test_an_old_tag_loads_with_one_located_warning_per_use() -> None:
    """old_tags and the variant's own renamed/removed, through fields and arrays of variants."""
    with pytest.warns(tmlcfg.MigrationWarning) as seen:
        got = tmlcfg.loads(TrainingV2, OLD_FILE, source="old.toml")
    assert got == TrainingV2(optimizer=SgdV2(momentum=0.5), stages=(SgdV2(momentum=1.0),), by_name={"a": AdamConfig()})
    assert [(w.message.line, w.message.old, w.message.new) for w in seen] == [  # type: ignore[union-attr]
        (2, "optimizer.kind", "optimizer.kind"),
        (3, "optimizer.mom", "optimizer.momentum"),
        (4, "optimizer.nesterov", None),
        (7, "stages[0].kind", "stages[0].kind"),
        (8, "stages[0].mom", "stages[0].momentum"),
    ]
    assert str(seen[0].message).startswith(
        "old.toml:2: optimizer.kind: the tag 'plain_sgd' was renamed to 'sgd' (SgdV2); run `tmlcfg upgrade"
    )


def test_old_tags_in_every_way_in() -> None:
    """from_dict, the converter, layered files and replace: an old tag reads as the current one, with a warning."""
    with pytest.warns(tmlcfg.MigrationWarning, match="the tag 'plain_sgd' was renamed to 'sgd'"):
        assert tmlcfg.from_dict(TrainingV2, {"optimizer": {"kind": "plain_sgd"}}).optimizer == SgdV2()
    with pytest.warns(tmlcfg.MigrationWarning) as seen:
        got = tmlcfg.converter.structure({"kind": "plain_sgd", "mom": 2}, AdamConfig | SgdV2)
    assert got == SgdV2(momentum=2.0)
    assert [str(w.message).partition(";")[0] for w in seen] == [
        "kind: the tag 'plain_sgd' was renamed to 'sgd' (SgdV2)",
        "mom was renamed to momentum (SgdV2)",
    ]
    with pytest.warns(tmlcfg.MigrationWarning, match=r"override: optimizer.mom was renamed to optimizer.momentum"):
        got = tmlcfg.load(TrainingV2, overrides=["optimizer.kind=sgd", "optimizer.mom=3"])
    assert got.optimizer == SgdV2(momentum=3.0)


def test_an_old_tag_and_a_switch_from_it(tmp_path: pathlib.Path) -> None:
    """A later file naming the old tag of the same variant merges; another tag switches."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[optimizer]\nkind = "sgd"\nmomentum = 0.5\n')
    b.write_text('[optimizer]\nkind = "plain_sgd"\nlr = 1.0\n')
    with pytest.warns(tmlcfg.MigrationWarning):
        assert tmlcfg.load(TrainingV2, a, b).optimizer == SgdV2(lr=1.0, momentum=0.5)
    b.write_text('[optimizer]\nkind = "adam"\n')
    assert tmlcfg.load(TrainingV2, a, b).optimizer == AdamConfig()


def test_upgrade_rewrites_old_tags_and_a_variants_old_keys(tmp_path: pathlib.Path) -> None:
    """tmlcfg upgrade: the current tag in place (comment kept), old keys renamed; then no warning."""
    import warnings

    from tmlcfg._cli.main import main

    path = tmp_path / "old.toml"
    path.write_text(OLD_FILE)
    assert main(["upgrade", f"{__name__}:TrainingV2", "--check", str(path)]) == 1
    with pytest.warns(tmlcfg.MigrationWarning):
        before = tmlcfg.load(TrainingV2, path)
    assert main(["upgrade", f"{__name__}:TrainingV2", "--in-place", str(path)]) == 0
    text = path.read_text()
    assert text.startswith('[optimizer]\nkind = "sgd"  # the old name\nmomentum = 0.5\n')
    assert '[[stages]]\nkind = "sgd"\nmomentum = 1.0\n' in text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tmlcfg.load(TrainingV2, path) == before
    assert main(["upgrade", f"{__name__}:TrainingV2", "--check", str(path)]) == 0


def test_an_old_tag_given_as_a_value_warns_too(tmp_path: pathlib.Path) -> None:
    """optimizer.kind=plain_sgd on the command line and in replace: the current tag, with a warning."""
    with pytest.warns(tmlcfg.MigrationWarning) as seen:
        got = tmlcfg.load(TrainingV2, overrides=["optimizer.kind=plain_sgd", "stages=[{kind='plain_sgd'}]"])
    assert got.optimizer == SgdV2() and got.stages == (SgdV2(),)
    assert [str(w.message).partition(";")[0] for w in seen] == [
        "override: optimizer.kind: the tag 'plain_sgd' was renamed to 'sgd' (SgdV2)",
        "override: stages[0].kind: the tag 'plain_sgd' was renamed to 'sgd' (SgdV2)",
    ]
    with pytest.warns(tmlcfg.MigrationWarning, match="replace: optimizer.kind: the tag 'plain_sgd'"):
        assert tmlcfg.replace(TrainingV2(), {"optimizer.kind": "plain_sgd"}).optimizer == SgdV2()


def test_origins_after_a_switch_name_no_earlier_layer(base: pathlib.Path) -> None:
    """What a switch dropped came from no file: the new variant's untouched fields are defaults."""
    from tmlcfg._load.layers import load_layers, origins

    later = base.parent / "later.toml"
    later.write_text('[optimizer]\nkind = "adam"\nbetas = [0.1, 0.2]\n')
    config, layers = load_layers(Training, base, later)
    assert origins(config, layers)[("optimizer", "lr")] == "default"
    assert origins(config, layers)[("optimizer", "betas")] == f"{later}:3"
    config, layers = load_layers(Training, base, overrides=["optimizer.kind=adam"])
    assert origins(config, layers)[("optimizer", "lr")] == "default"
    assert origins(config, layers)[("optimizer", "kind")] == "override"
    # the same variant again merges: the earlier file still gave what it gave
    later.write_text('[optimizer]\nkind = "sgd"\nlr = 0.3\n')
    config, layers = load_layers(Training, base, later)
    assert origins(config, layers)[("optimizer", "momentum")] == f"{base}:3"
    # naming the first variant of a field with none merges with what came before
    first, second = base.parent / "first.toml", base.parent / "second.toml"
    first.write_text("[optimizer]\nlr = 0.5\n")
    second.write_text('[optimizer]\nkind = "sgd"\n')
    config, layers = load_layers(Required, first, second)
    assert origins(config, layers)[("optimizer", "lr")] == f"{first}:2"


def test_configs_takes_overrides_below_a_variant_field() -> None:
    """configs(C, **{"optimizer.lr": ...}) fixes lr in each variant that has it; a field of none is refused."""
    from hypothesis import find
    from hypothesis.errors import InvalidArgument

    drawn = find(configs(Training, **{"optimizer.momentum": 0.25}), lambda t: type(t.optimizer) is SgdConfig)
    assert drawn.optimizer.momentum == 0.25  # type: ignore[union-attr]
    with pytest.raises(InvalidArgument, match="optimizer.nope is a field of none of the variants"):
        configs(Training, **{"optimizer.nope": 1}).example()


def test_variants_in_sets_and_fixed_tuples_keep_the_laws() -> None:
    """frozenset[A | B] and tuple[A | B, int] round-trip through dicts and TOML, as checked by tmlcfg.testing."""

    @tmlcfg.config
    class Shapes:
        pool: frozenset[AdamConfig | SgdConfig] = frozenset()
        pair: tuple[AdamConfig | SgdConfig, int] = (AdamConfig(), 1)

    check_config_class(Shapes)
    s = Shapes(pool=frozenset({AdamConfig(), SgdConfig(), SgdConfig(lr=1.0)}), pair=(SgdConfig(), 2))
    assert tmlcfg.loads(Shapes, tmlcfg.dumps(s)) == s
    assert [t["kind"] for t in tmlcfg.to_dict(s)["pool"]] == sorted(t["kind"] for t in tmlcfg.to_dict(s)["pool"])
