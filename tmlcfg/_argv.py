"""``from_argv``: a training script's command line, ``--config`` files and ``path=value`` overrides."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, TypeVar

from ._convert import require_spec, unstructure
from ._errors import ConfigError
from ._load import load_layers, origins
from ._nodes import ConfigNode
from ._paths import PathTuple, format_path
from ._reference import bounds
from ._spec import ClassSpec
from ._write import _inline, pretty_print, write_toml

_C = TypeVar("_C")


def field_help(cls: type) -> str:
    """One line per field path: type, default and doc, for ``--help``."""
    rows: list[tuple[str, str, str]] = []

    def walk(spec: ClassSpec, prefix: PathTuple, parent: Any) -> None:
        for f in spec.fields:
            path = (*prefix, f.name)
            if parent is not None:
                value = getattr(parent, f.name)
            else:  # the enclosing table is unset by default: show what naming it would give
                value = None if f.required else f.default_value()
            if isinstance(f.node, ConfigNode):
                walk(f.node.spec, path, value)
                continue
            if f.required:
                default = "required"
            elif f.secret:
                default = "'***'"
            elif value is None:
                default = "unset"
            else:
                default = _inline(f.node.unstructure(value, False), one_line=True)
            kind = ", ".join([f.type_text, *bounds(f.node)])
            rows.append((format_path(path), f"{kind} = {default}", f.doc or ""))

    spec = require_spec(cls)
    try:
        default_instance = spec.build({})
    except Exception:
        default_instance = None
    walk(spec, (), default_instance)
    width = max((len(p) for p, _, _ in rows), default=0)
    return "\n".join(f"  {p.ljust(width)}  {kind}\n  {' ' * width}  {doc}".rstrip() for p, kind, doc in rows)


def annotate(text: str, where: dict[PathTuple, str]) -> str:
    """TOML text with ``# origin`` at the end of each value's line."""
    from ._positions import key_lines

    lines = text.split("\n")
    notes: dict[int, list[str]] = {}
    for path, line in key_lines(text).items():
        if path in where:
            notes.setdefault(line, []).append(where[path])
    for line, found in notes.items():
        lines[line - 1] += "  # " + ", ".join(dict.fromkeys(found))
    return "\n".join(lines)


def from_argv(cls: type[_C], argv: Sequence[str] | None = None) -> _C:
    """The config for a training script: ``--config FILE`` (repeatable) and ``path=value`` overrides.

    ``--help`` lists every field path with its type, default and doc;
    ``--print-config`` prints the resolved TOML (``--origins`` adds where each
    value came from) and exits. Bad input prints the report and exits with 2.
    """
    spec = require_spec(cls)
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else cls.__name__
    parser = argparse.ArgumentParser(
        prog=prog,
        description=spec.doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"fields of {cls.__name__} (set with path=value):\n{field_help(cls)}",
    )
    parser.add_argument("--config", action="append", default=[], metavar="FILE", help="TOML file, applied in order")
    parser.add_argument("--print-config", action="store_true", help="print the resolved config as TOML and exit")
    parser.add_argument("--origins", action="store_true", help="with --print-config: say where each value came from")
    parser.add_argument("overrides", nargs="*", metavar="path=value", help="overrides, applied last")
    args = parser.parse_args(argv)
    try:
        config, layers = load_layers(cls, *args.config, overrides=args.overrides)
    except ConfigError as e:
        print(e, file=sys.stderr)
        raise SystemExit(2) from None
    if args.print_config:
        if args.origins:
            print(annotate(write_toml(unstructure(config, mask=True)), origins(config, layers)), end="")
        else:
            print(pretty_print(config), end="")
        raise SystemExit(0)
    return config
