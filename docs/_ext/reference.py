"""Pages generated from code at build time, so they cannot go stale.

Each ``docs/_generated/NAME.md`` is written by a function of
``tmlcfg._reference`` before Sphinx reads the sources.
"""

from __future__ import annotations

import pathlib
from typing import Any

from sphinx.application import Sphinx


def _generate(app: Sphinx) -> None:
    from tmlcfg._reference import generated_pages

    out = pathlib.Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    for name, text in generated_pages().items():
        path = out / f"{name}.md"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True}
