"""Pages generated from code at build time, so they cannot go stale.

Each ``_generated/NAME.md`` that a page includes is written by :func:`generated_pages`
into the build's own folder (beside Sphinx's doctrees), never into the sources: a
build leaves nothing outside its build folder. The pages keep saying
``{include} _generated/NAME.md``; the include is pointed at the build folder as
each page is read.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

from sphinx.application import Sphinx

_INCLUDE = "{include} _generated/"


def _folder(app: Sphinx) -> pathlib.Path:
    return pathlib.Path(app.doctreedir) / "_generated"


def _generate(app: Sphinx) -> None:
    out = _folder(app)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in generated_pages().items():
        path = out / f"{name}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def generated_pages() -> dict[str, str]:
    """The docs pages written from code when the docs are built."""
    from tmlcfg import embedding, optimizers, training, wandb
    from tmlcfg._cli.reference import markdown_reference

    shipped = [
        wandb.WandbConfig,
        training.RuntimeConfig,
        training.TrainingConfig,
        optimizers.OptimizerConfig,
        optimizers.LearningRate,
        embedding.LargeEmbeddingsConfig,
    ]
    parts = [
        "# Shipped configs reference\n",
        "Generated from the fields' docs when these docs were built; every class builds from defaults alone.\n",
    ]
    parts += [markdown_reference(cls) for cls in shipped]
    return {"shipped-configs-reference": "\n".join(parts)}


def _point_includes(app: Sphinx, docname: str, source: list[str]) -> None:
    if _INCLUDE not in source[0]:
        return
    page_dir = pathlib.Path(app.env.doc2path(docname)).parent
    # a relative path: Sphinx reads an include's path relative to the page's folder
    relative = pathlib.Path(os.path.relpath(_folder(app), page_dir)).as_posix()
    source[0] = source[0].replace(_INCLUDE, "{include} " + relative + "/")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _generate)
    app.connect("source-read", _point_includes)
    return {"parallel_read_safe": True}
