"""The bounds in tmlcfg/_limits.py are the ones docs/limits.md lists."""

from __future__ import annotations

import pathlib
import re

from tmlcfg._base import limits as _limits

PAGE = pathlib.Path(__file__).parent.parent / "docs" / "limits.md"


def test_every_bound_has_a_row_in_the_limits_page() -> None:
    """Each bound's name starts a row of the table, so a new bound cannot go undocumented."""
    names = [n for n in vars(_limits) if n.isupper()]
    assert names
    rows = [line for line in PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])}
    assert sorted(set(names) - named) == []
    assert sorted(named - set(names)) == []
