"""one_of and at_most_one_of groups, and the default member of a one_of group."""

from __future__ import annotations

import pytest

import tmlcfg


@tmlcfg.config
class Adam:
    lr: float = 1e-3


@tmlcfg.config
class Sgd:
    lr: float = 0.1


@tmlcfg.config
class Optimizer:
    adam: Adam | None = tmlcfg.field(factory=Adam, one_of="optimizer")
    sgd: Sgd | None = tmlcfg.field(default=None, one_of="optimizer")


@tmlcfg.config
class Required:
    adam: Adam | None = tmlcfg.field(default=None, one_of="optimizer")
    sgd: Sgd | None = tmlcfg.field(default=None, one_of="optimizer")


@tmlcfg.config
class Init:
    checkpoint: str | None = tmlcfg.field(default=None, at_most_one_of="init")
    snapshot: str | None = tmlcfg.field(default=None, at_most_one_of="init")


def test_default_member_applies_only_when_no_member_is_given() -> None:
    """Optimizer() is Adam; naming sgd selects SGD alone, from Python and from files."""
    assert Optimizer() == Optimizer(adam=Adam(), sgd=None)
    assert Optimizer(sgd=Sgd()).adam is None
    assert tmlcfg.loads(Optimizer, "[sgd]\nlr = 0.5\n") == Optimizer(sgd=Sgd(lr=0.5))
    assert tmlcfg.from_dict(Optimizer, {}) == Optimizer()


def test_both_members_is_an_error_naming_them() -> None:
    """Setting two members of a one_of group names the group's members and the ones set."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Optimizer, {"adam": {}, "sgd": {}})
    assert info.value.problems[0].message == "exactly one of adam, sgd must be set; got adam, sgd"


def test_required_group() -> None:
    """A one_of group with no default member is required: C() names the group."""
    with pytest.raises(tmlcfg.ConfigError, match="exactly one of adam, sgd must be set; got none"):
        Required()
    assert Required(sgd=Sgd()).sgd == Sgd()


def test_at_most_one_of() -> None:
    """at_most_one_of allows none or one member."""
    assert Init() == Init(checkpoint=None, snapshot=None)
    assert Init(checkpoint="c").checkpoint == "c"
    with pytest.raises(
        tmlcfg.ConfigError, match="at most one of checkpoint, snapshot may be set; got checkpoint, snapshot"
    ):
        Init(checkpoint="c", snapshot="s")


def test_replace_switches_the_member() -> None:
    """replace naming another member drops the earlier choice; unsetting it brings back the default."""
    sgd = tmlcfg.replace(Optimizer(), sgd=Sgd())
    assert sgd == Optimizer(sgd=Sgd())
    assert tmlcfg.replace(sgd, {"adam.lr": 0.5}) == Optimizer(adam=Adam(lr=0.5))
    assert tmlcfg.replace(sgd, sgd=None) == Optimizer()


def test_group_problem_sits_with_other_problems() -> None:
    """A group problem is reported alongside the config's other problems."""

    @tmlcfg.config
    class Both:
        steps: int = 1
        adam: Adam | None = tmlcfg.field(default=None, one_of="o")
        sgd: Sgd | None = tmlcfg.field(default=None, one_of="o")

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Both, {"steps": "x"})
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("steps", "expected int, got str 'x'"),
        ("", "exactly one of adam, sgd must be set; got none"),
    ]
