"""Line numbers for paths in TOML text, which tomllib does not give."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmlcfg._toml.positions import key_lines, line_for
from tmlcfg._toml.write import write_toml

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


def test_tables_made_by_a_header_have_its_line() -> None:
    """[model.optimizer], [[net.layers]] and [tasks.ctr.net] give model, net, tasks and tasks.ctr a line."""
    text = "a = 1\n\n[model.optimizer]\nlr = 0.5\n\n[[net.layers]]\nn = 1\n\n[tasks.ctr.net]\nx = 1\n"
    lines = key_lines(text)
    assert lines[("model",)] == 3
    assert lines[("net",)] == 6
    assert (lines[("tasks",)], lines[("tasks", "ctr")]) == (9, 9)
    assert line_for(lines, ("model", "name")) == 3


def test_an_explicit_table_keeps_its_own_line() -> None:
    """A table named by its own header later keeps that header's line, not its child's."""
    lines = key_lines("[model.optimizer]\nlr = 1\n[model]\nname = 'x'\n")
    assert lines[("model",)] == 3


def test_missing_keys_under_implicit_tables_are_located() -> None:
    """A problem under a table only a header made is reported with a line."""
    import tmlcfg

    @tmlcfg.config
    class Optimizer:
        lr: float = 0.1

    @tmlcfg.config
    class Model:
        name: str
        optimizer: Optimizer = Optimizer()

    @tmlcfg.config
    class Layer:
        n: int

    @tmlcfg.config
    class Net:
        width: int
        layers: tuple[Layer, ...] = ()

    @tmlcfg.config
    class Exp:
        model: Model
        net: Net

    text = "# exp\n[model.optimizer]\nlr = 0.5\n\n[[net.layers]]\nn = 1\n"
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Exp, text, source="exp.toml")
    assert [str(p) for p in info.value.problems] == [
        "exp.toml:2: model.name: missing required key",
        "exp.toml:5: net.width: missing required key",
    ]


def test_a_byte_order_mark_keeps_lines() -> None:
    """A file that starts with a UTF-8 byte-order mark loads, with its problems on the right lines."""
    import tmlcfg

    @tmlcfg.config
    class Small:
        a: int = 0
        b: int = 0

    assert tmlcfg.loads(Small, "\ufeffa = 1\n") == Small(a=1)
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Small, "\ufeffa = 1\nb = 'x'\n", source="bom.toml")
    assert str(info.value.problems[0]) == "bom.toml:2: b: expected int, got str 'x'"


def test_syntax_error_at_the_end_names_the_last_line(tmp_path: pathlib.Path) -> None:
    """An unclosed array at the end of the file is reported on the file's last line."""
    import tmlcfg

    @tmlcfg.config
    class Small:
        a: tuple[int, ...] = ()

    path = tmp_path / "end.toml"
    path.write_text("# one\na = [\n  1,\n")
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.load(Small, path)
    (problem,) = info.value.problems
    assert problem.line == 3
    assert problem.message == "TOML syntax error: invalid value"


def _reject_seconds(n: int) -> float:
    import time

    import tmlcfg

    @tmlcfg.config
    class Item:
        name: str
        size: int = 1

    @tmlcfg.config
    class Items:
        items: tuple[Item, ...] = ()

    text = "".join(f"[[items]]\nsize = {i}\n" for i in range(n))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        with pytest.raises(tmlcfg.ConfigError) as info:
            tmlcfg.loads(Items, text, source="x.toml")
        str(info.value)
        best = min(best, time.perf_counter() - start)
    assert info.value.problems[-1].line == 2 * n - 1
    return best


def test_locating_problems_is_linear_in_the_file() -> None:
    """Eight times the tables, each missing a key, costs about eight times as much (quadratic: 64)."""
    small, large = _reject_seconds(500), _reject_seconds(4000)
    assert large / small < 25


def _every_way(text: str) -> list[dict[Any, int]]:
    """key_lines of ``text`` with every shortcut, with the per-line forms only, and with none."""
    import re

    from tmlcfg._toml import positions as _positions

    never = re.compile(r"(?!)")
    names = ("_STATEMENT", "_ARRAY_LINE", "_SCALAR_LINE", "_HEADER_LINE")
    saved = [getattr(_positions, name) for name in names]
    found = [dict(key_lines(text))]
    try:
        _positions._STATEMENT = never
        found.append(dict(key_lines(text)))
        for name in names:
            setattr(_positions, name, never)
        found.append(dict(key_lines(text)))
    finally:
        for name, pattern in zip(names, saved, strict=True):
            setattr(_positions, name, pattern)
    return found


@given(documents)
def test_fast_line_forms_agree_with_the_character_scan(document: dict[str, Any]) -> None:
    """The statement and whole-line shortcuts (headers, scalars, one-line arrays) find what the character scan finds."""
    fast, middle, slow = _every_way(write_toml(document))
    assert fast == middle == slow


@pytest.mark.parametrize(
    "text",
    [
        "a . b = 1\n[ x . y ]\nk = 'v'\n[[ t ]]\nn = [1, 'a,b', \"c\"]\n[[t]]\nm.n.o = true # c\n",
        "\n\n# c\n  a = 1\r\n[b]\r\nc = [ ]\r\n[b.d]\ne = 1979-05-27 07:32:00\nf = [1,\n 2]\n",
        '[a.b.c]\nx = 1\n[a]\ny = {z = 1}\n[[a.arr]]\n[[a.arr]]\nq = """\nm\n"""\n',
    ],
)
def test_shortcuts_agree_on_hand_written_files(text: str) -> None:
    """Odd spacing, CRLF, dotted keys, implicit tables, multi-line values: every way gives the same lines."""
    import tomllib

    tomllib.loads(text)  # valid TOML, as key_lines assumes
    fast, middle, slow = _every_way(text)
    assert fast == middle == slow
