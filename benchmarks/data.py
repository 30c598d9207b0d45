"""TwHIN experiment documents of any size, and the files that hold them."""

from __future__ import annotations

import pathlib
import tomllib
from typing import Any

from tmlcfg._write import write_toml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SMALL = ROOT / "examples" / "twhin" / "local.toml"


def document(tables: int, relations: int) -> dict[str, Any]:
    """The example experiment with ``tables`` embedding tables and ``relations`` relations."""
    base = tomllib.loads(SMALL.read_text())
    template = base["model"]["embeddings"]["tables"][0]
    base["model"]["embeddings"]["tables"] = [
        {**template, "name": f"table{i}", "num_embeddings": 1000 + i} for i in range(tables)
    ]
    base["model"]["relations"] = [
        {"name": f"rel{i}", "lhs": f"table{i % tables}", "rhs": f"table{(i * 7 + 1) % tables}"}
        for i in range(relations)
    ]
    return base


def write(folder: pathlib.Path, name: str, data: dict[str, Any]) -> pathlib.Path:
    path = folder / name
    path.write_text(write_toml(data))
    return path


def break_text(text: str) -> str:
    """Two mistakes, far apart: an unknown key near the top and a wrong type deep inside."""
    text = text.replace("train_log_every_n = 10\n", "train_log_every = 10\n", 1)
    last = text.rfind('lhs = "')
    end = text.index("\n", last)
    return text[:last] + "lhs = 5" + text[end:]
