"""TwHIN experiment documents of any size, and the files that hold them."""

from __future__ import annotations

import pathlib
import tomllib
from typing import Any

from tmlcfg._toml.write import write_toml

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


def _last_line_starting(text: str, start: str) -> tuple[int, int]:
    begin = text.rfind("\n" + start) + 1
    return begin, text.index("\n", begin) + 1


def _wrong_type(text: str) -> str:
    begin, end = _last_line_starting(text, 'lhs = "')
    return text[:begin] + "lhs = 5\n" + text[end:]


def _missing_key(text: str) -> str:
    begin, end = _last_line_starting(text, 'rhs = "')
    return text[:begin] + text[end:]


#: One mistake each, as issue reports name them: near the top, and deep inside the last relation.
MISTAKES = {
    "unknown key": lambda text: text.replace("train_log_every_n = 10\n", "train_log_every = 10\n", 1),
    "wrong type deep inside": _wrong_type,
    "missing required key": _missing_key,
}
