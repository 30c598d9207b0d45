"""The generated Markdown references."""

from __future__ import annotations

from collections.abc import Mapping

import tmlcfg
from tmlcfg._cli.reference import markdown_reference


def test_reference_rows() -> None:
    """Required, unset, secret, factory and group fields each read plainly."""

    @tmlcfg.config
    class Inner:
        x: int = 1

    @tmlcfg.config
    class Documented:
        """A class.

        With a second paragraph.
        """

        name: str = tmlcfg.field(doc="Required | with a pipe.")
        token: str = tmlcfg.field(default="t", secret=True)
        extra: Mapping[str, int] = tmlcfg.field(factory=lambda: {"a": 1})
        inner: Inner = Inner()
        maybe: int | None = tmlcfg.field(default=None, at_most_one_of="g")
        other: int | None = tmlcfg.field(default=None, at_most_one_of="g")

    text = markdown_reference(Documented)
    assert "| `name` | `str` | required | Required \\| with a pipe. |" in text
    assert "| `token` | `str` | `'***'` |" in text
    assert "| `extra` | `Mapping[str, int]` | `{ a = 1 }` |" in text
    assert "| `inner` | `Inner` | `Inner()` |" in text
    assert "| `inner.x` | `int` | `1` |" in text
    assert "(at most one of maybe, other)" in text
