"""The TOML reader: the compiled tomli and tomllib agree on every value, type and syntax-error line."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import pathlib
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
import tomli
from hypothesis import example, given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._base import limits as _limits
from tmlcfg._toml import reader as _reader
from tmlcfg._toml.reader import TOMLSyntaxError, may_be_toml_1_1, parse, parse_with

TESTS = pathlib.Path(__file__).parent
ROOT = TESTS.parent


def typed(value: Any) -> Any:
    """A value with the type of every leaf made part of it, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("table", {k: typed(v) for k, v in value.items()})
    if isinstance(value, list):
        return ("array", [typed(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    if isinstance(value, (dt.datetime, dt.time)):
        return (type(value).__name__, value.isoformat(), repr(value.utcoffset()) if value.tzinfo else None)
    return (type(value).__name__, value)


def outcome(loads: Any, error: type[ValueError], text: str) -> Any:
    """What a reader makes of ``text``: its typed values, or the line and column of its syntax error."""
    try:
        return typed(parse_with(loads, error, text))
    except TOMLSyntaxError as e:
        return ("error", e.line, e.column)
    except RecursionError:
        return ("too deep",)


def stdlib(text: str) -> Any:
    return outcome(tomllib.loads, tomllib.TOMLDecodeError, text)


def ours(text: str) -> Any:
    try:
        return typed(parse(text))
    except TOMLSyntaxError as e:
        return ("error", e.line, e.column)
    except RecursionError:
        return ("too deep",)


bare = st.text(alphabet="abcxyz_-019", min_size=1, max_size=4)
keys = st.one_of(
    bare,
    bare.map(lambda k: f'"{k}.q"'),
    bare.map(lambda k: f"'{k}'"),
    st.lists(bare, min_size=2, max_size=3).map(".".join),
    st.sampled_from(['""', '"\\u00e9"', "a . b"]),
)
scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.sampled_from(["0x1F", "0o17", "0b101", "1_000", "+7", "-0", "00", "0x", "1__0"]),
    st.floats(allow_nan=False).map(repr).map(lambda r: r.replace("inf", "inf")),
    st.sampled_from(["inf", "-inf", "nan", "+nan", "1e3", "1E-3", "-0.0", "1_0.5", "1.", ".5", "1e"]),
    st.sampled_from(["true", "false", "True"]),
    st.text(max_size=6).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.sampled_from(['"\\e"', '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\ud800"', '"a\\tb"', '"\\q"']),
    st.sampled_from(["'lit\\x'", "'''multi\nline'''", '"""a\\\n  b"""', '""""x""""', "'''''x'''''"]),
    st.sampled_from(
        [
            "1979-05-27T07:32:00Z",
            "1979-05-27T07:32Z",
            "1979-05-27 07:32:00.999+05:30",
            "1979-05-27T07:32+05:30",
            "1979-05-27",
            "07:32:00",
            "07:32",
            "07:32:00.5",
            "1979-05-27T07:32:00",
            "1979-05-27t07:32:00z",
            "1979-02-30",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "[\n  " + ",\n  ".join(xs) + ",  # c\n]"),
        st.lists(st.tuples(keys, inner), max_size=3).map(lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"),
        st.lists(st.tuples(keys, inner), min_size=1, max_size=2).map(
            lambda kv: "{ " + ", ".join(f"{k} = {v}" for k, v in kv) + ", }"
        ),
        st.lists(st.tuples(keys, inner), min_size=1, max_size=2).map(
            lambda kv: "{\n" + ",\n".join(f"  {k} = {v}" for k, v in kv) + "\n}"
        ),
    ),
    max_leaves=6,
)
statements = st.one_of(
    st.tuples(keys, values).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    keys.map(lambda k: f"[{k}]"),
    keys.map(lambda k: f"[[{k}]]"),
    st.sampled_from(["# comment {", "", "   ", "\t# x", "a = 1 # {", "\ufeffa = 1"]),
)
documents = st.lists(statements, max_size=8).map(lambda lines: "\n".join(lines)) | st.lists(statements, max_size=8).map(
    lambda lines: "\r\n".join(lines) + "\n"
)


@st.composite
def corrupted(draw: st.DrawFn) -> str:
    """A document with a few characters inserted, deleted or swapped for TOML's significant ones."""
    text = draw(documents)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.sampled_from(list("[]{}=,.\"'#\n\\:x 0")))
        if edit == "insert":
            text = text[:i] + char + text[i:]
        elif edit == "delete":
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + char + text[i + 1 :]
    return text


def test_the_compiled_reader_is_used_where_installed() -> None:
    """With tomli's compiled build installed (as in CI), tmlcfg reads with it."""
    compiled = str(tomli._parser.__file__).endswith((".so", ".pyd"))
    assert _reader.reader() == (f"tomli {tomli.__version__} (compiled)" if compiled else "tomllib")


def test_importing_tmlcfg_imports_no_reader() -> None:
    """Neither tomli nor tomllib is imported by import tmlcfg; the first document pulls one in."""
    code = (
        "import sys, tmlcfg; assert 'tomli' not in sys.modules and 'tomllib' not in sys.modules; "
        "tmlcfg.loads; assert 'tomli' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@given(documents | corrupted())
@example("a = {x = 1,\n}")
@example('a = "\\e"')
@example("t = 07:32")
@example("a = [\n")
@example("a = 1\n[a]\n")
def test_both_readers_agree(text: str) -> None:
    """Values with their types, or the syntax error's line and column, are the same from either reader."""
    assert ours(text) == stdlib(text.removeprefix("\ufeff"))


@given(documents | corrupted())
def test_what_the_filter_lets_through_tomli_reads_as_tomllib_does(text: str) -> None:
    """Where raw tomli reads the text and it cannot hold TOML 1.1, tomllib reads the same values.

    (On a syntax error tmlcfg always asks tomllib, so only accepted text needs the filter.)
    """
    raw = outcome(tomli.loads, tomli.TOMLDecodeError, text)
    if raw[0] == "table" and not may_be_toml_1_1(text):
        assert raw == stdlib(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = {x = 1,\n}",
        "a = {x = 1, }",
        "a = {x = 1 # c\n}",
        'a = "\\e"',
        'a = "\\x41"',
        "t = 07:32",
        "t = 1979-05-27T07:32Z",
        "a = {b = '}', c = 1,\n}",
        'a = {b = """x""",\n}',
    ],
)
def test_toml_1_1_constructs_are_caught(text: str) -> None:
    """Each construct only TOML 1.1 allows is seen, and tmlcfg refuses it, as tomllib does."""
    assert may_be_toml_1_1(text)
    with pytest.raises(TOMLSyntaxError):
        parse(text)


@pytest.mark.parametrize("text", ["a = {x = 1}", "t = 07:32:00", "d = 1979-05-27T07:32:00+05:30", "a = [1,\n2,]"])
def test_plain_toml_1_0_takes_the_fast_way(text: str) -> None:
    """Common TOML 1.0 (one-line inline tables, times with seconds) needs no second parse."""
    assert not may_be_toml_1_1(text)


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.toml")) + sorted((ROOT / "examples").rglob("*.toml")), ids=str)
def test_every_toml_file_of_the_project_reads_the_same(path: pathlib.Path) -> None:
    """Every TOML file in tests/ and examples/ gives identical values and types from both readers."""
    text = path.read_text(encoding="utf-8")
    assert ours(text) == stdlib(text)
    assert outcome(tomli.loads, tomli.TOMLDecodeError, text) == stdlib(text)


@tmlcfg.config
class Anything:
    name: str = ""


@given(corrupted())
def test_reported_positions_do_not_depend_on_the_reader(text: str) -> None:
    """A ConfigError from loads is the same, line and message, with the compiled reader or without."""

    def problems() -> Any:
        try:
            tmlcfg.loads(Anything, text, source="x.toml")
        except tmlcfg.ConfigError as e:
            return [(p.path, p.message, p.line) for p in e.problems]
        return None

    with_compiled = problems()
    saved = _reader._compiled
    _reader._compiled = None
    try:
        assert problems() == with_compiled
    finally:
        _reader._compiled = saved


def test_end_of_document_names_the_last_line() -> None:
    """An error at the end of the document is on its last line, not one past it."""
    for text, line in [("a = [\n", 1), ("a = 1\nb = [", 2), ("a = [\n\n\n", 3), ("", None)]:
        if line is None:
            assert parse(text) == {}
            continue
        with pytest.raises(TOMLSyntaxError) as info:
            parse(text)
        assert (info.value.line, info.value.column) == (line, None)


def test_a_byte_order_mark_is_skipped() -> None:
    """A document may start with a UTF-8 byte-order mark, as toml-test's valid documents do."""
    assert parse("\ufeffa = 1\n") == {"a": 1}


_PARTS = st.sampled_from(["a", "b_2", "-", '"x.y"', "'q'", '"é"', "3"])


def _key(parts: list[str], space: str) -> str:
    return f"{space}.{space}".join(parts)


@contextlib.contextmanager
def _no_reader() -> Iterator[None]:
    """Any call of either reader fails the test: what is refused must be refused before parsing."""

    def never(text: str) -> Any:
        raise AssertionError("the document was parsed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_reader, "_compiled", None)
        patch.setattr(tomllib, "loads", never)
        yield


def _parts(low: int, high: int) -> st.SearchStrategy[list[str]]:
    """Between ``low`` and ``high`` key parts: a few drawn, repeated (a thousand drawn one by one is slow)."""
    return st.tuples(st.lists(_PARTS, min_size=1, max_size=4), st.integers(low, high)).map(
        lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
    )


@given(
    parts=_parts(_limits.MAX_KEY_PARTS + 1, _limits.MAX_KEY_PARTS + 40),
    space=st.sampled_from(["", " ", "\t"]),
    form=st.sampled_from(["{k} = 1", "[{k}]", "[[{k}]]", "t = {{ {k} = 1 }}", "t = {{ a = 1, {k} = 1 }}"]),
    before=st.integers(0, 3),
)
def test_a_key_of_too_many_parts_is_refused_before_parsing(
    parts: list[str], space: str, form: str, before: int
) -> None:
    """A key, header or inline-table key of MAX_KEY_PARTS + 1 parts or more is refused at its line, unread."""
    text = "x = 1\n" * before + form.format(k=_key(parts, space)) + "\n"
    with _no_reader(), pytest.raises(TOMLSyntaxError) as info:
        parse(text)
    assert info.value.line == before + 1
    assert f"more than {_limits.MAX_KEY_PARTS} parts" in info.value.message


@settings(max_examples=30)
@given(
    parts=st.one_of(_parts(1, 20), _parts(_limits.MAX_KEY_PARTS - 20, _limits.MAX_KEY_PARTS)),
    space=st.sampled_from(["", " "]),
    form=st.sampled_from(["{k} = 1", "[{k}]", "[[{k}]]", "t = {{ {k} = 1 }}", 's = "{d}"', "s = '''\n{d}\n'''"]),
)
def test_keys_within_the_bound_and_dotted_text_read_as_before(parts: list[str], space: str, form: str) -> None:
    """The check refuses nothing else: keys of up to MAX_KEY_PARTS parts, and dots in strings, read as tomllib does."""
    text = form.format(k=_key(parts, space), d=".".join(["a"] * 1500))
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # a key repeated: not what this test is about
        return
    assert parse(text) == expected


def test_a_long_dotted_key_in_a_file_is_a_located_problem() -> None:
    """The 62 KB key that took tomllib 17 seconds is one problem at its file and line, with no reader run; the
    bound is said as a bound, not as a syntax error."""

    @tmlcfg.config
    class Small:
        x: int = 1

    text = "x = 2\n\n" + ".".join(["key"] * 15_500) + " = 1\n"
    with _no_reader(), pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(Small, text, source="run.toml")
    [problem] = info.value.problems
    assert (problem.source, problem.line, problem.path) == ("run.toml", 3, "")
    assert problem.message == (
        f"a key of more than {_limits.MAX_KEY_PARTS} parts (each part opens a table, and tables nest at most "
        f"{_limits.MAX_DEPTH} deep); flatten it"
    )
