"""Text that is not Unicode: lone surrogates refused from files, dicts, constructors and overrides."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg

LONE = "\ud800"


@tmlcfg.config
class Inner:
    tag: str = ""


@tmlcfg.config
class Exp:
    name: str = ""
    tags: tuple[str, ...] = ()
    where: pathlib.Path = pathlib.Path(".")
    labels: Mapping[str, str] = tmlcfg.field(factory=dict)
    extra: Mapping[str, Any] = tmlcfg.field(factory=dict)
    choice: int | str = 0
    inner: Inner = Inner()


surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
hostile = st.tuples(st.text(max_size=4), surrogates, st.text(max_size=4)).map("".join)


def _problems(build: Any) -> list[tmlcfg.Problem]:
    with pytest.raises(tmlcfg.ConfigError) as info:
        build()
    str(info.value).encode("utf-8")  # the report itself can be printed anywhere
    return list(info.value.problems)


@given(hostile)
def test_from_dict_refuses_surrogates_everywhere(text: str) -> None:
    """In a str field, tuple, path, mapping key and value, Any value, union and nested config."""
    for data, path in [
        ({"name": text}, "name"),
        ({"tags": ["ok", text]}, "tags[1]"),
        ({"where": text}, "where"),
        ({"labels": {"k": text}}, "labels.k"),
        ({"extra": {"k": [text]}}, "extra.k[0]"),
        ({"choice": text}, "choice"),
        ({"inner": {"tag": text}}, "inner.tag"),
    ]:
        (problem,) = _problems(lambda data=data: tmlcfg.from_dict(Exp, data))
        assert problem.path == path
        assert "lone surrogate" in problem.message


@given(hostile)
def test_surrogate_keys_are_refused_and_shown_escaped(text: str) -> None:
    """A key holding a surrogate is a problem whose path is written with a \\u escape."""
    (problem,) = _problems(lambda: tmlcfg.from_dict(Exp, {"labels": {text: "v"}}))
    assert "lone surrogate" in problem.message
    assert "\\ud" in problem.path.lower()
    (unknown,) = _problems(lambda: tmlcfg.from_dict(Exp, {text: 1}))
    assert unknown.message.startswith("unknown key")


def test_constructors_refuse_surrogates() -> None:
    """Building a config in Python checks strings as strictly as a file."""
    with pytest.raises(tmlcfg.ConfigError, match="lone surrogate U\\+D800"):
        Exp(name=LONE)
    with pytest.raises(tmlcfg.ConfigError, match="lone surrogate"):
        Exp(tags=("a", LONE))


def test_loads_text_holding_a_surrogate_is_located() -> None:
    """loads of a str with a lone surrogate in a value reports it at its line."""
    (problem,) = _problems(lambda: tmlcfg.loads(Exp, f'# x\nname = "a{LONE}"\n', source="s.toml"))
    assert (problem.path, problem.line) == ("name", 2)


def test_escaped_surrogates_in_files_are_syntax_errors(tmp_path: pathlib.Path) -> None:
    """A \\ud800 escape in a file is refused by the TOML reader, with its line."""
    path = tmp_path / "s.toml"
    path.write_text('name = "ok"\nname2 = "\\ud800"\n')
    (problem,) = _problems(lambda: tmlcfg.load(Exp, path))
    assert problem.line == 2 and problem.message.startswith("TOML syntax error")


def test_overrides_from_a_non_utf8_command_line_are_refused() -> None:
    """An argument decoded with surrogateescape (bytes that are not UTF-8) is a problem, not a crash later."""
    value = b"caf\xe9".decode("utf-8", "surrogateescape")
    (problem,) = _problems(lambda: tmlcfg.load(Exp, overrides=[f"name={value}"]))
    assert problem.path == "name" and "U+DCE9" in problem.message
    (problem,) = _problems(lambda: tmlcfg.load(Exp, overrides=[f'labels."{value}"=x']))
    assert "lone surrogate" in problem.message


def test_valid_astral_text_is_kept() -> None:
    """Characters outside the BMP are text: they load and round-trip."""
    exp = Exp(name="😀", tags=("𝄞",), labels={"ключ": "值"})
    assert tmlcfg.loads(Exp, tmlcfg.dumps(exp)) == exp
