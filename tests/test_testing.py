"""tmlcfg.testing: strategies and law checks for users' own config classes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import tmlcfg
from tmlcfg import optimizers
from tmlcfg.testing import LawBroken, check_config_class, configs
from tmlcfg.wandb import WandbConfig

from .strategies import Generated, config_classes
from .test_shipped import SHIPPED


@given(config_classes().flatmap(lambda g: st.tuples(st.just(g), configs(g.cls))))
def test_every_drawn_instance_is_accepted(case: tuple[Generated, Any]) -> None:
    """Meta-property: whatever configs(C) draws, from_dict(C, to_dict(x)) accepts and returns."""
    generated, config = case
    assert type(config) is generated.cls
    assert tmlcfg.from_dict(generated.cls, tmlcfg.to_dict(config)) == config


@given(config_classes().filter(lambda g: bool(g.groups)))
@settings(max_examples=10, suppress_health_check=[HealthCheck.nested_given, HealthCheck.too_slow])
def test_drawn_instances_cover_every_group_member(generated: Generated) -> None:
    """Meta-property: for every group, some drawn instance sets each member."""
    for members in generated.groups.values():
        for member in members:
            found = find(
                configs(generated.cls),
                lambda c, m=member: getattr(c, m) is not None,
                settings=settings(max_examples=300, database=None, phases=[Phase.generate]),
            )
            assert getattr(found, member) is not None


@pytest.mark.parametrize("cls", SHIPPED, ids=lambda c: c.__name__)
def test_shipped_classes_obey_the_laws(cls: type) -> None:
    """check_config_class passes for every shipped class."""
    check_config_class(cls, max_examples=30)


def test_overrides_fix_fields() -> None:
    """Overrides give a field a fixed value or a strategy of its own."""
    strategy = configs(
        optimizers.OptimizerConfig, **{"sgd.lr": 0.5, "learning_rate": st.none(), "sgd.momentum": st.just(0.25)}
    )
    drawn = find(strategy, lambda c: True, settings=settings(database=None))
    assert drawn.sgd == optimizers.SgdConfig(lr=0.5, momentum=0.25)
    assert drawn.learning_rate is None
    with pytest.raises(
        InvalidArgument, match=r"sgd\.lrr is not a field path of OptimizerConfig; did you mean 'sgd\.lr'\?"
    ):
        configs(optimizers.OptimizerConfig, **{"sgd.lrr": 1.0})
    with pytest.raises(InvalidArgument, match=r"override 'a\.\.b'"):
        configs(optimizers.OptimizerConfig, **{"a..b": 1.0})


@tmlcfg.config
class Window:
    lo: int = 0
    hi: int = 1000

    def __attrs_post_init__(self) -> None:
        if self.lo + 1000 != self.hi:
            raise tmlcfg.ConfigError([tmlcfg.Problem("hi", "must be lo + 1000")])


def test_hopeless_checks_get_a_clear_message() -> None:
    """A check that refuses nearly every draw says which override to pass."""

    @given(configs(Window))
    @settings(database=None)
    def uses(window: Window) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"refused \d+ draws and passed \d+(.|\n)*override for 'hi'"):
        uses()
    with pytest.raises(LawBroken, match="override"):
        check_config_class(Window, max_examples=5)
    check_config_class(Window, max_examples=5, hi=st.just(1000), lo=0)


def test_broken_classes_fail_naming_the_law() -> None:
    """A lying __eq__, a lying __hash__ and a check that changes values are each caught."""

    @tmlcfg.config
    class Liar:
        x: int = 0

    Liar.__eq__ = lambda self, other: False  # type: ignore[method-assign,assignment,misc]
    with pytest.raises(LawBroken, match="Liar breaks the dict round-trip law\n  instance: Liar"):
        check_config_class(Liar, max_examples=5)

    @tmlcfg.config
    class Unhashed:
        x: int = 0

    counter = iter(range(10**9))
    Unhashed.__hash__ = lambda self: next(counter)  # type: ignore[method-assign,assignment,misc]
    with pytest.raises(LawBroken, match="breaks the hash agrees with == law"):
        check_config_class(Unhashed, max_examples=5)

    @tmlcfg.config
    class Drifting:
        """Its check 'normalizes' a value each time: not idempotent."""

        steps: int = 0

        def __attrs_post_init__(self) -> None:
            object.__setattr__(self, "steps", self.steps + 1)

    with pytest.raises(LawBroken, match=r"Drifting breaks the dict round-trip law\n  instance: Drifting\(steps=\d+\)"):
        check_config_class(Drifting, max_examples=5)

    @tmlcfg.config
    class Leaky:
        items: tuple[int, ...] = ()

        def __attrs_post_init__(self) -> None:
            object.__setattr__(self, "items", list(self.items))

    with pytest.raises(LawBroken, match=r"immutability|round-trip"):
        check_config_class(Leaky, max_examples=5)


def test_defaults_law_is_checked() -> None:
    """An all-default class whose C() fails breaks the defaults law."""

    @tmlcfg.config
    class NoDefault:
        x: int = 0

        def __attrs_post_init__(self) -> None:
            if self.x == 0:
                raise ValueError("x must not be 0")

    with pytest.raises(LawBroken, match=r"breaks the defaults law: NoDefault\(\) failed"):
        check_config_class(NoDefault, max_examples=5)


def test_without_hypothesis_the_import_says_how_to_install() -> None:
    """import tmlcfg.testing without Hypothesis is an ImportError with the install hint."""
    code = "import sys; sys.modules['hypothesis'] = None; import tmlcfg.testing"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "ImportError: tmlcfg.testing needs Hypothesis: pip install 'tmlcfg[testing]'" in out.stderr


class _Sha:
    """A commit id: 40 hex digits, which random text almost never is."""

    def __init__(self, text: str) -> None:
        if len(text) != 40 or text.strip("0123456789abcdef"):
            raise ValueError("a sha is 40 hex digits")
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Sha) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


tmlcfg.register_type(_Sha, toml=str, structure=_Sha, unstructure=lambda s: s.text)


@tmlcfg.config
class _Code:
    pinned: tuple[int, _Sha] = (1, _Sha("0" * 40))


@tmlcfg.config
class _Tracked:
    wandb: WandbConfig = WandbConfig()
    code: _Code = _Code()


def test_the_field_that_refused_the_draws_is_named() -> None:
    """A registered type without a strategy, nested in a tuple two tables down, is named at its field when it
    refuses the draws, not a cross-field check elsewhere (WandbConfig's host) that refuses some of its own."""
    with pytest.raises(tmlcfg.testing.LawBroken) as info:
        tmlcfg.testing.check_config_class(_Tracked, max_examples=20)
    lines = str(info.value).splitlines()
    assert lines[1].startswith("code.pinned: _Sha, registered without a strategy, refused ")
    assert "register_type a strategy for _Sha, or give an override for 'code.pinned'" in lines[1]
    assert "wandb" not in str(info.value)
    # given the override it asks for, the class passes
    sha = st.text("0123456789abcdef", min_size=40, max_size=40).map(_Sha)
    tmlcfg.testing.check_config_class(_Tracked, max_examples=20, **{"code.pinned": st.tuples(st.integers(0, 9), sha)})
