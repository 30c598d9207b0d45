"""The one path language: format and parse are inverses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmlcfg._paths import PathSyntaxError, format_path, parse_path

paths = (
    st.lists(st.text(max_size=8), min_size=1, max_size=5)
    .flatmap(lambda keys: st.tuples(*(st.tuples(st.just(k), st.lists(st.integers(0, 99), max_size=2)) for k in keys)))
    .map(lambda parts: tuple(seg for key, idx in parts for seg in (key, *idx)))
)


@given(paths)
def test_parse_inverts_format(path: tuple[str | int, ...]) -> None:
    """Any path of keys and indexes survives format then parse."""
    assert parse_path(format_path(path)) == path


def test_examples() -> None:
    """Dots in keys are quoted; indexes are bracketed."""
    assert format_path(("model", "relations", 3, "lhs")) == "model.relations[3].lhs"
    assert format_path(("tasks", "recap.engagement.is_favorited", "w")) == 'tasks."recap.engagement.is_favorited".w'
    assert parse_path('a."b\\u0041\\"".c[0]') == ("a", 'bA"', "c", 0)


@pytest.mark.parametrize("bad", ["", "a.", ".a", "a[x]", "[0]", 'a."b', "a b", "a[1]b", 'a."\\uZZZZ"'])
def test_bad_paths(bad: str) -> None:
    """A path that does not parse says so."""
    with pytest.raises(PathSyntaxError):
        parse_path(bad)
