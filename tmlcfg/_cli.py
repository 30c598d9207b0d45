"""The ``tmlcfg`` command: check, show, template, schema, docs, diff, convert and port.

Exit codes: 0 valid, 1 invalid input (the report goes to stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._argv import annotate
from ._convert import require_spec
from ._diff import diff
from ._errors import ConfigError, DefinitionError
from ._load import load_layers, loads, origins
from ._reference import markdown_reference
from ._schema import json_schema
from ._template import template
from ._write import pretty_print, write_toml


class UsageError(Exception):
    """A mistake in how the command was called; exit code 2."""


def import_class(target: str) -> type:
    """``module:Class`` (the module importable from the current directory too)."""
    module_name, sep, qualname = target.partition(":")
    if not sep or not module_name or not qualname:
        raise UsageError(f"expected module:Class, got {target!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as e:
        raise UsageError(f"cannot import {module_name!r}: {e}") from None
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UsageError(f"{module_name!r} has no {qualname!r}") from None
    try:
        require_spec(obj)
    except DefinitionError as e:
        raise UsageError(str(e)) from None
    return obj  # type: ignore[no-any-return]


def _split(items: Sequence[str]) -> tuple[list[str], list[str]]:
    """Files and ``path=value`` overrides, in their order on the command line."""
    files: list[str] = []
    overrides: list[str] = []
    for item in items:
        (overrides if "=" in item and not Path(item).exists() else files).append(item)
    return files, overrides


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _check(args: argparse.Namespace) -> str:
    cls = import_class(args.target)
    files, overrides = _split(args.inputs)
    load_layers(cls, *files, overrides=overrides)
    return f"ok: {', '.join(files) or 'defaults'} make a valid {cls.__name__}\n"


def _show(args: argparse.Namespace) -> str:
    cls = import_class(args.target)
    files, overrides = _split(args.inputs)
    config: Any
    config, layers = load_layers(cls, *files, overrides=overrides)
    if args.origins:
        return annotate(write_toml(require_spec(cls).unstructure(config, mask=True)), origins(config, layers))
    return pretty_print(config)


def _diff(args: argparse.Namespace) -> str:
    cls = import_class(args.target)
    a: Any = load_layers(cls, args.a)[0]
    b: Any = load_layers(cls, args.b)[0]
    return "".join(f"{d}\n" for d in diff(a, b))


def _convert(args: argparse.Namespace) -> str:
    from ._yaml import yaml_to_toml

    text = yaml_to_toml(args.file)
    if args.check:
        loads(import_class(args.check), text, source=args.file, env=os.environ)
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tmlcfg", description="Check, show and document tmlcfg experiment files.")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, run: Any, takes_class: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        if takes_class:
            p.add_argument(
                "target", metavar="module:Class", help="the config class, e.g. examples.twhin.config:TwhinConfig"
            )
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
        p.set_defaults(run=run)
        return p

    p = command("check", "validate experiment files (layered in order) and path=value overrides", _check)
    p.add_argument("inputs", nargs="*", metavar="FILE | path=value")
    p = command("show", "print the resolved config as TOML, secrets masked", _show)
    p.add_argument("inputs", nargs="*", metavar="FILE | path=value")
    p.add_argument("--origins", action="store_true", help="say where each value came from")
    command("template", "print a commented TOML template of every field", lambda a: template(import_class(a.target)))
    command(
        "schema",
        "print the JSON Schema (2020-12)",
        lambda a: json.dumps(json_schema(import_class(a.target)), indent=2) + "\n",
    )
    command("docs", "print a Markdown reference of every field", lambda a: markdown_reference(import_class(a.target)))
    p = command("diff", "print the paths where two experiment files differ", _diff)
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p = command("convert", "convert a pydantic-era YAML experiment file to TOML", _convert, takes_class=False)
    p.add_argument("file", metavar="FILE.yaml")
    p.add_argument("--check", metavar="module:Class", help="also validate the result as this class")
    from ._port import add_command

    add_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        _write(args.run(args), args.output)
    except UsageError as e:
        print(f"tmlcfg {args.command}: {e}", file=sys.stderr)
        return 2
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 1
    except ImportError as e:
        print(f"tmlcfg {args.command}: {e}", file=sys.stderr)
        return 2
    return 0
