"""``from_argv``: a training script's command line, ``--config`` files and ``path=value`` overrides."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, TypeVar

from .._base.errors import ConfigError
from .._base.keypaths import PathTuple, format_path
from .._cli.reference import bounds, tags_text, variant_in
from .._engine.converter import require_spec, unstructure
from .._engine.nodes import KIND_KEY, ConfigNode, VariantNode
from .._engine.spec import ClassSpec, Group
from .._load.layers import load_layers, origins
from .._migrate.plan import plan_of
from .._toml.write import _inline, pretty_print, write_toml

_C = TypeVar("_C")


def field_help(cls: type, config: Any | None = None, width: int | None = None) -> str:
    """Two lines or more per field path: type and the value used, then the doc, wrapped to ``width``.

    The values are ``config``'s (the script's files and overrides) or else the
    defaults; secrets, and everything below a secret config field, show as
    ``'***'``. The members of a one_of group are listed as alternatives.
    """
    rows: list[tuple[str, str, str]] = []

    def walk(spec: ClassSpec, prefix: PathTuple, parent: Any, masked: bool) -> None:
        seen_groups: set[str] = set()
        for f in spec.fields:
            path = (*prefix, f.name)
            if f.group is not None and f.group.name not in seen_groups:
                seen_groups.add(f.group.name)
                rows.append(_group_row(f.group, spec, prefix, parent))
            if parent is not None:
                value = getattr(parent, f.name)
            else:  # the enclosing table is unset: show what naming it would give
                value = None if f.required else f.default_value()
            secret = masked or f.secret
            if isinstance(f.node, ConfigNode):
                walk(f.node.spec, path, value, secret)
                continue
            if isinstance(f.node, VariantNode):  # the variant in use, and the tags to switch to
                tag, member = f.node.by_cls[type(value)] if value is not None else (None, None)
                shown = "required" if f.required and value is None else "unset" if tag is None else tag
                rows.append((format_path((*path, KIND_KEY)), f"{f.type_text} = {shown}", _switch_doc(f.node, f.doc)))
                if member is not None:
                    walk(member.spec, path, value, secret)
                continue
            if f.required and value is None:
                shown = "required"
            elif secret:
                shown = "'***'"
            elif value is None:
                shown = "unset"
            else:
                shown = _inline(f.node.unstructure(value, True), one_line=True)  # secrets inside masked
            kind = ", ".join([f.type_text, *bounds(f.node)])
            variant = variant_in(f.node)
            doc = f.doc or ""
            if variant is not None:  # a tuple or mapping of variants
                doc = f"{doc} ({tags_text(variant)})" if doc else tags_text(variant)
            rows.append((format_path(path), f"{kind} = {shown}", doc))

    spec = require_spec(cls)
    if config is None:
        try:
            config = spec.build({})
        except Exception:  # required fields or a one_of group without a default: no instance to show
            config = None
    walk(spec, (), config, False)
    return _columns(rows, width if width is not None else shutil.get_terminal_size().columns)


def _switch_doc(node: VariantNode, doc: str | None) -> str:
    text = f"{tags_text(node)}; naming another starts it from its defaults"
    return f"{doc} ({text})" if doc else text


def _group_row(group: Group, spec: ClassSpec, prefix: PathTuple, parent: Any) -> tuple[str, str, str]:
    """The row of a one_of group: its config members (whose fields follow) or its table, never a field's own path.

    A member that is not a config has a row of its own, so it is named only in the text.
    """
    tables = [m for m in group.members if isinstance(spec.by_name[m].node, ConfigNode)]
    names = " | ".join(format_path((*prefix, m)) for m in tables) or format_path(prefix) or "(top level)"
    kind = "one of" if group.exactly_one else "at most one of"
    if parent is not None:
        chosen = [m for m in group.members if getattr(parent, m) is not None]
        state = ", ".join(chosen) if chosen else "none"
    else:
        state = group.default_member or "none"
    doc = "alternatives: set " + ("one" if group.exactly_one else "at most one")
    if len(tables) < len(group.members):
        doc += " of " + ", ".join(group.members)
    doc += "; naming one drops the others"
    if group.default_member is not None:
        doc += f"; {group.default_member} when none is named"
    return (names, f"{kind} = {state}", doc)


def _paragraphs(text: str | None, width: int) -> str | None:
    """Text wrapped to the terminal as argparse wraps its own, keeping blank-line paragraphs."""
    if not text:
        return text
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, max(width - 2, 40)) for p in paragraphs if p)


# words (paths, type names) are never broken, at a hyphen or anywhere else
_WHOLE: dict[str, Any] = {"break_long_words": False, "break_on_hyphens": False}


class WholeWords(argparse.HelpFormatter):
    """argparse's help, with no word (``--in-place``, a path) broken at a hyphen or anywhere else."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, **_WHOLE)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent, **_WHOLE)


class _ScriptHelp(argparse.RawDescriptionHelpFormatter):
    """A script's help: its description and field list kept as laid out, options' help wrapped whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, **_WHOLE)


def _columns(rows: list[tuple[str, str, str]], width: int) -> str:
    """Paths in a left column (up to a third of the width), type and value beside them, docs below, all wrapped."""
    width = max(width - 2, 40)  # argparse leaves the same margin
    column = min(max((len(p) for p, _, _ in rows), default=0), width // 3)
    indent = " " * (column + 4)
    out: list[str] = []
    for path, kind, doc in rows:
        if len(path) <= column:
            first = f"  {path.ljust(column)}  "
        else:
            # a path is never cut: one longer than the terminal runs past its edge, whole
            out.extend(textwrap.wrap(path, width, initial_indent="  ", subsequent_indent="    ", **_WHOLE))
            first = indent
        out.extend(textwrap.wrap(kind, width, initial_indent=first, subsequent_indent=indent, **_WHOLE))
        if doc:
            out.extend(textwrap.wrap(doc, width, initial_indent=indent, subsequent_indent=indent, **_WHOLE))
    return "\n".join(out)


def write_stdout(text: str) -> None:
    """``text`` on stdout; where stdout cannot encode it (ASCII, Latin-1), as UTF-8 bytes, which TOML is."""
    stream = sys.stdout
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(text.encode("utf-8", "backslashreplace"))  # a lone surrogate shown, not fatal
            buffer.flush()
            return
    stream.write(text)
    stream.flush()


def annotate(text: str, where: dict[PathTuple, str]) -> str:
    """TOML text with ``# origin`` at the end of each value's line."""
    from .._toml.positions import key_lines

    lines = text.split("\n")
    notes: dict[int, list[str]] = {}
    for path, line in key_lines(text).items():
        if path in where:
            notes.setdefault(line, []).append(where[path])
    for line, found in notes.items():
        lines[line - 1] += "  # " + ", ".join(dict.fromkeys(found))
    return "\n".join(lines)


def from_argv(
    cls: type[_C],
    argv: Sequence[str] | None = None,
    *,
    config_files: Sequence[str | os.PathLike[str]] = (),
    run_dir: str | os.PathLike[str] | None = None,
) -> _C:
    """The config for a training script: ``--config FILE`` (repeatable) and ``path=value`` overrides.

    ``config_files`` are the script's own files (a ``local.toml`` beside it,
    say), read first: the ``--config`` files given on the command line layer
    over them, then the overrides. Flags may come anywhere among the overrides.
    ``--help`` lists every field path with its type, the value the given files and overrides make (secrets
    masked) and its doc, wrapped to the terminal (``COLUMNS``);
    ``--print-config`` prints the resolved TOML (``--origins`` adds where each
    value came from) and exits. Bad input prints the report and exits with 2.
    With ``run_dir`` (or ``--run-dir DIR``, which wins) the valid config is
    saved there with its run record (:func:`tmlcfg.runs.save`: the command
    line, secrets masked, and where each value came from).
    """
    spec = require_spec(cls)
    if isinstance(config_files, (str, bytes, os.PathLike)) or not isinstance(config_files, Sequence):
        raise TypeError(
            f"config_files takes a list of paths, e.g. [HERE / 'local.toml']; got {type(config_files).__name__}"
        )
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else cls.__name__
    width = shutil.get_terminal_size().columns
    history = ""
    if plan_of(cls) is not None:
        from .._migrate.plan import history_lines

        lines = history_lines(cls)
        if lines:
            history = "\n\nrenamed and removed (old names still read, with a warning):\n" + "\n".join(
                f"  {line}" for line in lines
            )
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_paragraphs(spec.doc, width),
        formatter_class=_ScriptHelp,
        add_help=False,
    )
    # --help is a flag, read after every other word, so that it can show what --config files make
    parser.add_argument("-h", "--help", action="store_true", help="show this help (with the values used) and exit")
    parser.add_argument("--config", action="append", default=[], metavar="FILE", help="TOML file, applied in order")
    parser.add_argument("--print-config", action="store_true", help="print the resolved config as TOML and exit")
    parser.add_argument("--origins", action="store_true", help="with --print-config: say where each value came from")
    parser.add_argument("--run-dir", metavar="DIR", help="save the config and its run record (tmlcfg.runs) in DIR")
    parser.add_argument("overrides", nargs="*", metavar="path=value", help="overrides, applied last")
    args = parser.parse_intermixed_args(argv)
    if args.origins and not args.print_config and not args.help:
        parser.error("--origins only goes with --print-config")
    files = [*config_files, *args.config]
    try:
        config, layers = load_layers(cls, *files, overrides=args.overrides)
    except ConfigError as e:
        if args.help:
            heading = f"fields of {cls.__name__} (set with path=value), with their defaults"
            # the defaults alone may fail (a required field): that is no fault of the command line
            heading += ": the files and overrides given have problems" if files or args.overrides else ":"
            parser.epilog = f"{_paragraphs(heading, width)}\n{field_help(cls, width=width)}" + history
            write_stdout(parser.format_help())
            raise SystemExit(0) from None
        print(e, file=sys.stderr)
        raise SystemExit(2) from None
    if args.help:
        used = "the values used" if files or args.overrides else "their defaults"
        heading = f"fields of {cls.__name__} (set with path=value), with {used}:"
        parser.epilog = f"{_paragraphs(heading, width)}\n{field_help(cls, config, width)}" + history
        write_stdout(parser.format_help())
        raise SystemExit(0)
    if args.print_config:
        if args.origins:
            write_stdout(annotate(write_toml(unstructure(config, mask=True)), origins(config, layers)))
        else:
            write_stdout(pretty_print(config))
        raise SystemExit(0)
    folder = args.run_dir if args.run_dir is not None else run_dir
    if folder is not None:
        from .._runs.store import save

        words = list(sys.argv[1:] if argv is None else argv)
        try:
            save(config, folder, argv=[sys.argv[0] if sys.argv else prog, *words], origins=origins(config, layers))
        except ConfigError as e:
            print(e, file=sys.stderr)
            raise SystemExit(2) from None
    return config
