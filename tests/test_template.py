"""Templates: commented TOML of every field that loads back to the defaults."""

from __future__ import annotations

import pytest
from hypothesis import given

import tmlcfg
from tmlcfg._cli.template import template
from tmlcfg.optimizers import OptimizerConfig

from .strategies import Generated, config_classes


@given(config_classes(secrets=False).filter(lambda g: g.all_default))
def test_template_of_an_all_default_class_loads_to_its_defaults(generated: Generated) -> None:
    """loads(C, template(C)) == C() whenever C() works and holds no secret (whose value a template hides)."""
    assert tmlcfg.loads(generated.cls, template(generated.cls)) == generated.cls()


@given(config_classes().filter(lambda g: not g.all_default))
def test_template_of_a_class_with_required_fields_names_them(generated: Generated) -> None:
    """Required fields are placeholders, which loading reports as missing."""
    with pytest.raises(tmlcfg.ConfigError, match=r"missing required key|exactly one of"):
        tmlcfg.loads(generated.cls, template(generated.cls))


def test_template_shows_docs_types_and_defaults() -> None:
    """Each field comes with its doc, type and bounds; unchosen members are commented out."""
    text = template(OptimizerConfig)
    assert "# Learning rate (PyTorch's default). (float, > 0)\nlr = 0.001\n" in text
    assert "# SGD. (SgdConfig | None; exactly one of adam, sgd, adagrad)\n# [sgd]\n" in text
    assert text.startswith("# An optimizer (exactly one of adam, sgd, adagrad; Adam by default) and its schedule.\n")


def test_a_one_member_group_note_says_what_it_means() -> None:
    """A lone member is described as optional (or to be set), not as 'at most one of x'."""

    @tmlcfg.config
    class Training:
        initial_checkpoint_dir: str | None = tmlcfg.field(
            default=None, doc="Where to start from.", at_most_one_of="initialization"
        )
        only: int | None = tmlcfg.field(default=None, one_of="g")

    text = " ".join(template(Training).replace("#", " ").split())
    assert "at most one of initial_checkpoint_dir" not in text
    assert "optional, the only member of group 'initialization' so far" in text
    assert "set it, the only member of group 'g' so far" in text
