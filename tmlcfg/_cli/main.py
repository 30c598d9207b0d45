"""The ``tmlcfg`` command: check, show, template, schema, docs, diff, convert, port, upgrade and runs.

Exit codes: 0 valid, 1 invalid input (the report goes to stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from .._base.errors import ConfigError, DefinitionError, Problem, UsageError
from .._base.keypaths import PathSyntaxError, PathTuple, parse_path
from .._base.version import __version__
from .._cli.argv import WholeWords, annotate, write_stdout
from .._cli.reference import markdown_reference
from .._cli.template import template
from .._engine.converter import require_spec, unstructure
from .._load.diff import diff
from .._load.layers import load_layers, loads, origins
from .._load.schema import json_schema
from .._toml.atomic import check_target, write_atomic
from .._toml.write import pretty_print, write_toml


def import_class(target: str) -> type:
    """``module:Class`` (the module importable from the current directory too)."""
    module_name, sep, qualname = target.partition(":")
    if not sep or not module_name or not qualname:
        raise UsageError(f"expected module:Class, got {target!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise UsageError(f"cannot import {module_name!r}: {e}") from None
    except (Exception, SystemExit) as e:  # the module's own failure, said in one line
        raise UsageError(f"cannot import {module_name!r}: {_one_line(e)}") from None
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UsageError(f"{module_name!r} has no {qualname!r}") from None
        except Exception as e:
            raise UsageError(f"cannot get {qualname!r} from {module_name!r}: {_one_line(e)}") from None
    try:
        require_spec(obj)
    except DefinitionError as e:
        raise UsageError(str(e)) from None
    return cast(type, obj)


def _one_line(e: BaseException) -> str:
    """An exception as one line: its type, its message, and for a syntax error where it is."""
    if isinstance(e, SyntaxError):
        where = f" ({os.path.basename(e.filename)}, line {e.lineno})" if e.filename and e.lineno else ""
        text = f"{e.msg}{where}"
    elif isinstance(e, SystemExit):
        text = f"it called exit({e.code!r})"
    else:
        text = str(e)
    kind = type(e).__name__
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{kind}: {text}" if text else kind


def _split(items: Sequence[str]) -> tuple[list[str], list[str]]:
    """Files and ``path=value`` overrides, in their order on the command line."""
    files: list[str] = []
    overrides: list[str] = []
    for item in items:
        given = ("=" in item or item.startswith("~")) and not Path(item).exists()
        (overrides if given else files).append(item)
    return files, overrides


def _check_encodable(text: str, where: str) -> None:
    """A ConfigError saying which line of the output cannot be UTF-8 (what TOML files are), if one cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        line = text.count("\n", 0, e.start) + 1
        message = f"the output cannot be encoded as UTF-8: a lone surrogate {text[e.start]!r} on line {line}"
        raise ConfigError([Problem("", message, where)]) from None


def _write(text: str, output: str | None) -> None:
    _check_encodable(text, output or "<stdout>")
    if output is not None:
        try:
            write_atomic(output, text)
        except ConfigError as e:
            raise UsageError(f"-o {e.problems[0]}") from None
        return
    write_stdout(text)


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
        return annotate(write_toml(unstructure(config, mask=True)), origins(config, layers))
    return pretty_print(config)


def _diff(args: argparse.Namespace) -> tuple[str, int]:
    cls = import_class(args.target)
    a: Any = load_layers(cls, args.a)[0]
    b: Any = load_layers(cls, args.b)[0]
    found = diff(a, b)
    return "".join(f"{d}\n" for d in found), 1 if found else 0  # as diff(1): 1 when the files differ


def _convert(args: argparse.Namespace) -> str:
    from .._cli.yaml import yaml_to_toml_lines

    # the class whose field types decide what YAML 1.1's strings such as 1e-3 become
    named = args.cls or args.check
    cls = import_class(named) if named else None
    text, lines = yaml_to_toml_lines(args.file, cls)
    if args.check:
        try:
            loads(import_class(args.check), text, env=os.environ)
        except ConfigError as e:
            # the problems are in the YAML file the user wrote: its lines, not the generated TOML's
            problems = [Problem(p.path, p.message, args.file, _yaml_line(lines, p.path)) for p in e.problems]
            problems.sort(key=lambda p: p.line or 0)
            raise ConfigError(problems, target=e.target) from None
    return text


def _yaml_line(lines: dict[PathTuple, int], path: str) -> int | None:
    from .._toml.positions import line_for

    try:
        steps = parse_path(path) if path else ()
    except PathSyntaxError:  # pragma: no cover - tmlcfg's own paths parse
        return None
    return line_for(lines, steps) if steps else None


def _upgrade(args: argparse.Namespace) -> str:
    from .._migrate.upgrade import upgrade_files

    mode = args.mode or "diff"
    if args.output is not None:
        if args.mode is not None:
            raise UsageError(f"-o writes the upgraded file; it does not go with --{args.mode}")
        if len(args.files) != 1:
            raise UsageError("-o writes one upgraded file: give one FILE, or --in-place to rewrite several")
        mode = "text"
    return upgrade_files(import_class(args.target), args.files, mode)


def _imported(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def _inputs(args: argparse.Namespace) -> list[str]:
    """The files the command will read: its experiment files, and the config class's own module."""
    names: list[str] = []
    if args.command in ("check", "show"):
        names = _split(args.inputs)[0]
    elif args.command == "diff":
        names = [args.a, args.b]
    elif args.command == "convert":
        names = [args.file]
    elif args.command == "upgrade":
        names = list(args.files)
    for target in (getattr(args, "target", None), getattr(args, "cls", None), getattr(args, "check", None)):
        # the command has imported it already: this only looks up the module it ran
        module = _imported(target.partition(":")[0]) if isinstance(target, str) else None
        source = getattr(module, "__file__", None)
        if isinstance(source, str):
            names.append(source)
    return names


def _refuse_input_as_output(args: argparse.Namespace) -> None:
    """A usage error if ``-o`` names a file the command reads, however it is reached (symlink, hard link)."""
    for name in _inputs(args):
        try:
            same = os.path.samefile(name, args.output)
        except (OSError, ValueError):  # either one missing: they cannot be the same file
            continue
        if same:
            what = "would replace" if os.path.abspath(name) == os.path.abspath(args.output) else "is the same file as"
            raise UsageError(f"-o {args.output}: {what} the input {name}; write the output to another file")


_INPUTS = "TOML experiment files, layered in order, and path=value overrides, applied last"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command's parser, and each subcommand's own (which parses its words, flags anywhere among them)."""
    parser = argparse.ArgumentParser(
        prog="tmlcfg", description="Check, show and document tmlcfg experiment files.", formatter_class=WholeWords
    )
    parser.add_argument("--version", action="version", version=f"tmlcfg {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do; `tmlcfg COMMAND --help` tells more"
    )
    commands: dict[str, argparse.ArgumentParser] = {}

    def command(name: str, help: str, run: Any, takes_class: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, formatter_class=WholeWords)
        if takes_class:
            p.add_argument(
                "target",
                metavar="module:Class",
                help="the config class, importable from here, e.g. tmlcfg.training:TrainingConfig",
            )
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
        p.set_defaults(run=run, command=name)
        commands[name] = p
        return p

    p = command("check", "validate experiment files (layered in order) and path=value overrides", _check)
    p.add_argument("inputs", nargs="*", metavar="FILE | path=value", help=_INPUTS)
    p = command("show", "print the resolved config as TOML, secrets masked", _show)
    p.add_argument("inputs", nargs="*", metavar="FILE | path=value", help=_INPUTS)
    p.add_argument("--origins", action="store_true", help="say where each value came from")
    command("template", "print a commented TOML template of every field", lambda a: template(import_class(a.target)))
    command(
        "schema",
        "print the JSON Schema (2020-12)",
        lambda a: json.dumps(json_schema(import_class(a.target)), indent=2, allow_nan=False) + "\n",
    )
    command("docs", "print a Markdown reference of every field", lambda a: markdown_reference(import_class(a.target)))
    p = command("diff", "print the paths where two experiment files differ", _diff)
    p.add_argument("a", metavar="A", help="the first experiment file")
    p.add_argument("b", metavar="B", help="the experiment file to compare with A")
    p = command("convert", "convert a pydantic-era YAML experiment file to TOML", _convert, takes_class=False)
    p.add_argument("file", metavar="FILE.yaml", help="the YAML experiment file to convert")
    p.add_argument("--class", dest="cls", metavar="module:Class", help="read values by this class's field types")
    p.add_argument("--check", metavar="module:Class", help="also validate the result as this class")
    p = command("upgrade", "rewrite files to the class's current names (a diff unless --in-place)", _upgrade)
    p.add_argument("files", nargs="+", metavar="FILE", help="experiment files (TOML) to upgrade")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--in-place", action="store_const", const="in-place", dest="mode", help="rewrite the files")
    how.add_argument("--check", action="store_const", const="check", dest="mode", help="exit 1 if any would change")
    from .._port.command import add_command
    from .._runs.command import add_command as add_runs_command

    add_command(sub)
    add_runs_command(sub, import_class)
    return parser, commands


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser, commands = _parser()
    words = list(argv)
    if not words or words[0] not in commands:
        # help, or a missing or unknown command: argparse says so and exits (0 for --help, 2
        # otherwise); a subcommand registered on ``sub`` by another module parses as it chose
        return parser.parse_args(words)
    # each subcommand parses its own words, so that its flags may come before, between or after
    # its positionals and a mistake shows its own usage
    return commands[words[0]].parse_intermixed_args(words[1:])


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    try:
        if args.output is not None:
            try:
                check_target(args.output)
            except ConfigError as e:
                raise UsageError(f"-o {e.problems[0]}") from None
        with warnings.catch_warnings():
            # old keys and the like: one line each, as the command's own words, not a source location
            warnings.showwarning = lambda message, *_, **__: print(
                f"tmlcfg {args.command}: warning: {message}", file=sys.stderr
            )
            # a subcommand gives its text, or its text and exit status (1: the files or runs differ)
            result = args.run(args)
            text, status = result if isinstance(result, tuple) else (result, 0)
            status = int(status)
            if args.output is not None:
                _refuse_input_as_output(args)  # after the run, which imported the class's module
            _write(text, args.output)
    except UsageError as e:
        print(f"tmlcfg {args.command}: {e}", file=sys.stderr)
        return 2
    except DefinitionError as e:
        print(f"tmlcfg {args.command}: {_one_line(e)}", file=sys.stderr)
        return 2
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 1
    except ImportError as e:
        print(f"tmlcfg {args.command}: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly, and keep Python from complaining at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status
