"""Line numbers for paths in TOML text, which tomllib does not give."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tmlcfg._positions import key_lines, line_for
from tmlcfg._write import write_toml

leaves = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=3))
names = st.text(min_size=1, max_size=5) | st.sampled_from(["a.b", "x", '"', "'''"])
documents = st.recursive(
    st.dictionaries(names, leaves, max_size=3),
    lambda inner: st.dictionaries(names, inner | st.lists(inner, min_size=1, max_size=2), max_size=3),
    max_leaves=12,
)


def _leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaf_paths(v, (*path, k))]
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        return [p for i, v in enumerate(data) for p in _leaf_paths(v, (*path, i))]
    return [path]


@given(documents)
def test_every_leaf_has_the_line_of_its_key(document: dict[str, Any]) -> None:
    """Every leaf of a written document maps to the line that holds its key."""
    text = write_toml(document)
    lines = key_lines(text)
    source = text.split("\n")
    for path in _leaf_paths(document):
        if not path or isinstance(path[-1], int):
            continue
        line = lines[path]
        assert " = " in source[line - 1]


def test_hand_written_file() -> None:
    """Headers, arrays of tables, dotted keys, inline tables, multi-line values and comments."""
    text = '''# comment
title = "x" # trailing
[a]
b.c = 1
s = """one
two"""
lit = \'\'\'x\'\'\'
arr = [
  1,  # one
  {k = "v"},
]
[[t]]
n = 1
[t.sub]
m = 2
[[t]]
n = 'q'
"quoted.key" = 3
'''
    lines = key_lines(text)
    assert lines[("title",)] == 2
    assert lines[("a", "b", "c")] == 4
    assert lines[("a", "lit")] == 7
    assert lines[("a", "arr", 0)] == 9
    assert lines[("a", "arr", 1, "k")] == 10
    assert lines[("t", 0, "sub", "m")] == 15
    assert lines[("t", 1, "n")] == 17
    assert lines[("t", 1, "quoted.key")] == 18
    assert line_for(lines, ("a", "missing")) == 3
    assert line_for(lines, ("t", 0, "sub", "x", "y")) == 14
    assert line_for(lines, ("nothing",)) is None


def test_broken_text_keeps_what_it_found() -> None:
    """Text that is not valid TOML gives the lines found before the break, never an error."""
    assert key_lines("a = 1\nb = [") == {("a",): 1, ("b",): 2}
