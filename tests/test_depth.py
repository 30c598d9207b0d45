"""Depth on the value side: free-form values nest at most MAX_DEPTH, and crossing it is a problem at its path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import tmlcfg
from tmlcfg._base.limits import MAX_DEPTH


@tmlcfg.config
class Free:
    data: Mapping[str, Any] = tmlcfg.field(factory=dict)


def _nested(levels: int) -> Any:
    """``levels`` arrays and tables in turn, outermost first: ``[{"k": [{"k": ... 1}]}]``."""
    value: Any = 1
    for i in reversed(range(levels)):
        value = [value] if i % 2 == 0 else {"k": value}
    return value


def _path(levels: int) -> str:
    """The path of the container ``levels`` steps inside the outermost one."""
    return "".join("[0]" if i % 2 == 0 else ".k" for i in range(levels))


def test_max_depth_is_taken_and_survives_every_output() -> None:
    """The field's table and MAX_DEPTH - 1 more build, compare, print, dump and fingerprint."""
    value = _nested(MAX_DEPTH - 1)
    config = Free(data={"a": value})
    assert config == Free(data={"a": value})
    assert hash(config) == hash(Free(data={"a": value}))
    assert tmlcfg.from_dict(Free, tmlcfg.to_dict(config)) == config
    assert tmlcfg.loads(Free, tmlcfg.dumps(config)) == config
    assert repr(config).count("[") == repr(config).count("]")
    assert tmlcfg.fingerprint(config) == tmlcfg.fingerprint(tmlcfg.loads(Free, tmlcfg.dumps(config)))
    assert tmlcfg.diff(config, Free()) != []


@pytest.mark.parametrize("extra", [1, 2, 5000])
def test_one_level_more_is_a_problem_where_it_is_crossed(extra: int) -> None:
    """Deeper values, from a dict, a constructor or replace, are one problem at the first level too deep."""
    value = _nested(MAX_DEPTH - 1 + extra)
    # data is level 1 and data.a level 2: the container MAX_DEPTH - 1 steps inside data.a opens level MAX_DEPTH + 1
    expected = "data.a" + _path(MAX_DEPTH - 1)
    message = f"nested deeper than {MAX_DEPTH} arrays and tables; flatten it"
    for make in (
        lambda: tmlcfg.from_dict(Free, {"data": {"a": value}}),
        lambda: Free(data={"a": value}),
        lambda: tmlcfg.replace(Free(), {"data": {"a": value}}),
    ):
        with pytest.raises(tmlcfg.ConfigError) as info:
            make()
        assert [(p.path, p.message) for p in info.value.problems] == [(expected, message)]
