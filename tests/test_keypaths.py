"""The one path language: format and parse are inverses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmlcfg._base.keypaths import PathSyntaxError, format_path, parse_path

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


@pytest.mark.parametrize("text", ["xs[²]", "items[\uff11]", "a[٣]", "a[]", "a[-1]", "a[+1]", "a[ 1]", "a[1_0]"])
def test_index_digits_are_ascii(text: str) -> None:
    """Only ASCII digits make an index: no superscripts, full-width or other scripts' digits."""
    with pytest.raises(PathSyntaxError, match="bad index"):
        parse_path(text)


def test_index_length_is_bounded() -> None:
    """An index of more than MAX_INDEX_DIGITS digits is refused before it is converted."""
    from tmlcfg._base.limits import MAX_INDEX_DIGITS

    assert parse_path(f"a[{'9' * MAX_INDEX_DIGITS}]") == ("a", int("9" * MAX_INDEX_DIGITS))
    with pytest.raises(PathSyntaxError, match=f"more than {MAX_INDEX_DIGITS} digits"):
        parse_path(f"a[{'1' * 5000}]")


def test_bad_paths_in_overrides_are_problems() -> None:
    """Overrides with such indexes are ConfigErrors, never ValueError, and a huge path is shown shortened."""
    import tmlcfg
    from tmlcfg._base.limits import MAX_SHOWN

    @tmlcfg.config
    class Xs:
        xs: tuple[int, ...] = (1,)

    for override in ["xs[²]=1", "xs[\uff11]=1", f"xs[{'1' * 10_000}]=1", "x" * 100_000 + "!=1"]:
        with pytest.raises(tmlcfg.ConfigError) as info:
            tmlcfg.load(Xs, overrides=[override])
        assert len(str(info.value)) < 3 * MAX_SHOWN + 200


@given(
    st.lists(st.text(min_size=1) | st.integers(0, 10**9 - 1), min_size=1, max_size=4).filter(
        lambda p: isinstance(p[0], str)
    )
)
def test_paths_with_surrogate_keys_round_trip(path: list[str | int]) -> None:
    """format_path writes any key (lone surrogates escaped) so that parse_path reads it back."""
    surrogate = [f"{k}\udc80" if isinstance(k, str) else k for k in path]
    text = format_path(tuple(surrogate))
    text.encode("utf-8")
    assert parse_path(text) == tuple(surrogate)
