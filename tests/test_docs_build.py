"""The docs build writes its generated pages into its build folder, never into the sources."""

from __future__ import annotations

import pathlib
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).parent.parent


def _extension() -> types.ModuleType:
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from _ext import reference
    finally:
        sys.path.remove(str(ROOT / "docs"))
    return reference


def test_generated_pages_go_to_the_build_folder(tmp_path: pathlib.Path) -> None:
    """Pages are written beside the doctrees, and an include of _generated/ is pointed there."""
    reference = _extension()
    src, build = tmp_path / "src", tmp_path / "src" / "_build" / "html" / ".doctrees"
    src.mkdir()
    env = types.SimpleNamespace(doc2path=lambda name: str(src / f"{name}.md"))
    app = types.SimpleNamespace(srcdir=str(src), doctreedir=str(build), env=env)
    reference._generate(app)
    assert sorted(p.name for p in src.iterdir()) == ["_build"]
    written = sorted(p.name for p in (build / "_generated").iterdir())
    assert "shipped-configs-reference.md" in written
    source = ["Intro.\n\n```{include} _generated/shipped-configs-reference.md\n:heading-offset: 1\n```\n"]
    reference._point_includes(app, "shipped-configs", source)
    assert "{include} _build/html/.doctrees/_generated/shipped-configs-reference.md\n" in source[0]
    untouched = ["No include here.\n"]
    reference._point_includes(app, "other", untouched)
    assert untouched == ["No include here.\n"]


def test_shipped_reference_covers_every_shipped_class() -> None:
    """The shipped-configs page names every shipped class and field."""
    page = _extension().generated_pages()["shipped-configs-reference"]
    for name in ("WandbConfig", "RuntimeConfig", "TrainingConfig", "OptimizerConfig", "LearningRate"):
        assert name in page
    assert "| `num_train_steps` | `int`, > 0 | `10000` | Number of training steps. |" in page
    assert "`AdamConfig()` unless another member of 'optimizer' is set" in page
