"""``tmlcfg port``: pydantic config classes (v1 and v2 APIs) rewritten as tmlcfg configs, with libcst.

This module finds the files, checks the result and writes it; it imports libcst
only when a port runs, so the command line starts without it. The rewriting
lives in ``rewrite`` (classes), ``fields`` (fields and their defaults),
``types`` (annotations), ``settings`` (model settings), ``validators``,
``survey`` (what is known of every class before any is rewritten) and
``index`` (which classes are config classes, across the files' imports of one
another); ``verify`` imports the result in a fresh interpreter without pydantic.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .._base.errors import ConfigError, Problem, UsageError
from .._toml.atomic import write_atomic

if TYPE_CHECKING:
    import libcst as cst

    from .._port.index import Index, ModuleInfo
    from .._port.rewrite import Outcome, Project

INSTALL_HINT = "porting pydantic classes needs libcst: pip install 'tmlcfg[port]'"
TODO_MARK = "TODO(tmlcfg port):"


def _libcst() -> Any:
    try:
        import libcst
    except ImportError:  # pragma: no cover - exercised in a subprocess without libcst
        raise ImportError(INSTALL_HINT) from None
    return libcst


@dataclass
class Source:
    """One ``.py`` file to port: where it is read and written, and what it is imported as."""

    path: Path
    module: str
    relative: Path
    data: bytes = b""
    tree: cst.Module | None = None
    code: str | None = None
    ported: list[str] = field(default_factory=list)
    #: ported class -> where it will behave otherwise than pydantic did
    notes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Result:
    sources: list[Source]
    problems: list[Problem]
    #: notes on what was scanned but skipped (symlinks, special files)
    skipped: list[str]
    #: notes on the command's options, such as a --base nothing derives from
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Per file, the classes ported and every place left for a person."""
        lines = [f"tmlcfg port: skipped {note}" for note in self.skipped]
        lines += [f"tmlcfg port: {note}" for note in self.notes]
        for source in self.sources:
            if source.code is None:
                continue
            todos = [
                f"  {source.path}:{number}: {line.strip().removeprefix('# ')}"
                for number, line in enumerate(source.code.splitlines(), 1)
                if TODO_MARK in line
            ]
            if source.ported or todos:
                lines.append(
                    f"{source.path}: "
                    + (f"ported {', '.join(source.ported)}" if source.ported else "no config classes")
                )
                lines.extend(todos)
                for name in source.ported:
                    lines.extend(f"  {name}: {note}" for note in source.notes.get(name, ()))
        return "".join(f"{line}\n" for line in lines)


def _module_file(module: str, is_package: bool) -> Path:
    parts = module.split(".")
    return Path(*parts, "__init__.py") if is_package else Path(*parts[:-1], f"{parts[-1]}.py")


def discover(paths: list[str]) -> tuple[list[Source], list[str]]:
    """The ``.py`` files named or found under directories; symlinks inside directories are not followed."""
    from .._port.index import module_name

    found: list[Path] = []
    skipped: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = _walk(path, skipped)
            if not files:
                raise UsageError(f"no .py files under {name}")
            found.extend(files)
        elif not path.exists():
            raise UsageError(f"{name}: no such file or directory")
        elif path.suffix != ".py" or not path.is_file():
            raise UsageError(f"{name}: not a .py file or a directory")
        else:
            found.append(path)
    sources: list[Source] = []
    seen: dict[Path, Path] = {}
    for path in found:
        real = Path(os.path.realpath(path))
        if real in seen:
            continue
        seen[real] = path
        module = module_name(path)
        sources.append(Source(path, module, _module_file(module, path.name == "__init__.py")))
    return sources, skipped


def _walk(root: Path, skipped: list[str]) -> list[Path]:
    files: list[Path] = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for d in dirs:
            if os.path.islink(os.path.join(directory, d)):
                skipped.append(f"{os.path.join(directory, d)}: a symlink to a directory (name it to port it)")
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(directory, d))]
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = Path(directory, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                skipped.append(f"{path}: a symlink (name it to port it)")
            elif not stat.S_ISREG(mode):
                skipped.append(f"{path}: not a regular file")
            else:
                files.append(path)
    return files


def _parse(source: Source, problems: list[Problem]) -> None:
    libcst = _libcst()
    where = str(source.path)
    try:
        source.data = source.path.read_bytes()
    except OSError as e:
        problems.append(Problem("", f"cannot read: {e.strerror or e}", where))
        return
    problem = _check_syntax(source.data)
    if problem is not None:
        message, line = problem
        problems.append(Problem("", message, where, line))
        return
    try:
        source.tree = libcst.parse_module(source.data)
    except libcst.ParserSyntaxError as e:  # pragma: no cover - Python's parser refuses such files first
        problems.append(Problem("", f"cannot parse: {e.message}; fix the syntax first", where, e.raw_line))
    except RecursionError:  # pragma: no cover - the depth bound keeps files shallower than this
        problems.append(Problem("", "cannot parse: nested too deeply", where))


def _check_syntax(data: bytes) -> tuple[str, int | None] | None:
    """Why Python itself cannot read ``data``, or why it is too deep to rewrite; None when fine.

    Python's parser fails cleanly where libcst's native one may crash the process.
    """
    import ast
    import io
    import tokenize

    from .._base.limits import MAX_CODE_DEPTH

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as e:
        return f"cannot decode: {e}; save it as UTF-8", None
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        return f"cannot parse: {e.msg}; fix the syntax first", e.lineno
    except (RecursionError, MemoryError):
        return f"cannot parse: nested deeper than Python reads (tmlcfg port reads {MAX_CODE_DEPTH} levels)", None
    except ValueError as e:  # a NUL byte
        return f"cannot parse: {e}", None
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            line = getattr(node, "lineno", None)
            return f"cannot parse: nested more than {MAX_CODE_DEPTH} levels deep; split the expression", line
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def port(paths: list[str], bases: list[str], *, check: bool = True) -> Result:
    """Every config class under ``paths`` ported; nothing is written.

    With ``check``, every module is imported as ported in a fresh interpreter without
    pydantic; a class that fails there is left as it was, named with the reason.
    """
    _libcst()
    from .._port.index import Index, index_module
    from .._port.rewrite import Project
    from .._port.survey import block_dependents, survey

    sources, skipped = discover(paths)
    problems: list[Problem] = []
    for source in sources:
        _parse(source, problems)
    parsed = [s for s in sources if s.tree is not None]
    infos = {id(s): index_module(s.module, s.path, s.tree) for s in parsed if s.tree is not None}
    index = Index(list(infos.values()), bases)
    project = Project(index)
    survey(project, list(infos.values()))
    unportable: dict[str, tuple[Source, int, str]] = {}
    notes: list[str] = []
    todo = list(parsed)
    for _ in range(_ROUNDS if check else 1):
        while todo:
            for source in todo:
                info = infos[id(source)]
                try:
                    outcome = _rewrite(info, project)
                except RecursionError:  # pragma: no cover - the depth check above keeps files shallower
                    problems.append(Problem("", "cannot rewrite: nested too deeply", str(source.path)))
                    parsed.remove(source)
                    continue
                source.code, source.ported, source.notes = outcome.code, outcome.ported, outcome.notes
                for name, reason in outcome.unportable.items():
                    unportable[f"{info.name}.{name}"] = (source, info.classes[name].line, reason)
            fresh = {q: r for q, (_, _, r) in unportable.items() if q not in project.blocked}
            if not fresh:
                break
            known = set(project.blocked)
            project.blocked.update(fresh)
            block_dependents(index, project)
            # only the modules holding a class that now stays pydantic are rewritten again
            again = {q.rpartition(".")[0] for q in project.blocked.keys() - known} | {
                q.rpartition(".")[0] for q in fresh
            }
            todo = [s for s in parsed if infos[id(s)].name in again]
        if not check:
            break
        # what the rewrite could not foresee, a fresh interpreter finds: such a class is left as it was
        todo = _verify(parsed, infos, project, problems, notes)
        if not todo:
            break
    for qualname, (source, line, reason) in sorted(unportable.items(), key=lambda i: (str(i[1][0].path), i[1][1])):
        name = qualname.rpartition(".")[2]
        problems.append(Problem(name, f"cannot be ported: {reason}", str(source.path), line))
    return Result(sources, problems, skipped, [*_unused_bases(index, bases), *notes])


#: how many times the port is checked and its failing classes left out, at most
_ROUNDS = 6


def _verify(
    parsed: list[Source], infos: dict[int, ModuleInfo], project: Project, problems: list[Problem], notes: list[str]
) -> list[Source]:
    """The sources to rewrite again, because a class of theirs (or one they depend on) failed the check."""
    from .._port import verify
    from .._port.survey import block_dependents

    modules = [
        verify.module(s.module, s.relative, s.path, s.code, s.ported, _holds_configs(project.index, infos[id(s)]))
        for s in parsed
        if s.code is not None
    ]
    failures = verify.check(modules)
    notes[:] = [
        f"{s.path}: imports only where pydantic can be imported (through what it imports, such as a --base class)"
        for s in parsed
        if s.module in failures.with_pydantic
    ]
    fresh = {q: r for q, r in failures.classes.items() if q not in project.blocked}
    by_module = {s.module: s for s in parsed}
    for name, (line, reason) in failures.modules.items():
        source = by_module[name]
        holder = verify.class_at(source.code or "", line)
        held = sorted(project.references.get(f"{name}.{holder}", ())) if holder else []
        stuck = [q for q in held if q not in project.blocked and _is_ported(parsed, q)]
        if stuck:
            # a class left pydantic cannot hold a tmlcfg config: what it holds stays pydantic too
            fresh.update(dict.fromkeys(stuck, f"{name}.{holder}, which stays pydantic, holds it"))
        elif source.ported:
            # no class is to blame: the module is left as it was, each class named
            fresh.update({f"{name}.{c}": reason for c in source.ported if f"{name}.{c}" not in project.blocked})
        elif not any(p.source == str(source.path) and p.message == reason for p in problems):
            problems.append(Problem("", reason, str(source.path), line))
    if not fresh:
        return []
    known = set(project.blocked)
    project.blocked.update(fresh)
    block_dependents(project.index, project)
    again = {q.rpartition(".")[0] for q in project.blocked.keys() - known}
    return [s for s in parsed if infos[id(s)].name in again]


def _is_ported(parsed: list[Source], qualname: str) -> bool:
    module, _, name = qualname.rpartition(".")
    return any(s.module == module and name in s.ported for s in parsed)


def _holds_configs(index: Index, info: ModuleInfo) -> bool:
    return any(index.is_config(c.qualname) for c in info.classes.values())


def _unused_bases(index: Index, bases: list[str]) -> list[str]:
    """A --base that no scanned class derives from, which is most likely misspelled."""
    used = {
        index.resolve(module, base)
        for module in index.modules.values()
        for info in module.classes.values()
        for base in info.bases
    }
    return [
        f"--base {base}: no scanned class derives from it; give the name your code imports it by"
        for base in bases
        if index.canonical(base) not in used
    ]


def _rewrite(info: ModuleInfo, project: Project) -> Outcome:

    from .._port.imports import names_used, update_imports
    from .._port.rewrite import ModuleRewriter
    from .._port.types import Needs

    needs = Needs()
    rewriter = ModuleRewriter(info, project, needs)
    tree: cst.Module = info.tree.visit(rewriter)
    if rewriter.outcome.ported:
        before, after = names_used(info.tree), names_used(tree)
        unused = {
            name
            for name, imported in info.imports.items()
            if not after.get(name) and (before.get(name) or imported.split(".")[0] == "pydantic")
        }
        tree = update_imports(tree, unused, needs.imports)
    rewriter.outcome.code = tree.code
    return rewriter.outcome


# -- writing -------------------------------------------------------------------------------------------------


def _encoded(source: Source) -> bytes:
    if source.code is None or source.tree is None:
        return source.data
    return source.code.encode(source.tree.encoding)


# -- the command ---------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _options(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true", help="rewrite the files themselves")
    mode.add_argument("-o", "--output-dir", dest="out_dir", metavar="OUT_DIR", help="write every file under OUT_DIR")
    parser.add_argument(
        "--base",
        action="append",
        default=[],
        metavar="DOTTED_NAME",
        help="a project base class whose subclasses are config classes (repeatable); it is left alone",
    )


def add_command(sub: Any) -> None:
    """The ``port`` subcommand; options may come before, between or after the paths."""
    help = "rewrite pydantic config classes as tmlcfg configs (needs the port extra)"
    # the paths are read after the options (REMAINDER), which argparse would show as "..."
    usage = "tmlcfg port [-h] [--in-place | -o OUT_DIR] [--base DOTTED_NAME] PATH [PATH ...]"
    parser = sub.add_parser("port", help=help, description=help, usage=usage)
    _options(parser)
    parser.add_argument("paths", nargs=argparse.REMAINDER, metavar="PATH", help=".py files or directories")
    parser.set_defaults(run=run, output=None)


def run(args: argparse.Namespace) -> str:
    later = _Parser(prog="tmlcfg port")
    _options(later)
    later.add_argument("paths", nargs="*")
    try:
        rest = later.parse_intermixed_args(args.paths)
    except UsageError as e:
        raise _usage(str(e)) from None
    in_place = args.in_place or rest.in_place
    out_dir = args.out_dir or rest.out_dir
    if in_place and out_dir:
        raise _usage("--in-place and -o OUT_DIR: choose one")
    if args.out_dir and rest.out_dir:
        raise _usage("-o OUT_DIR given twice")
    if not rest.paths:
        raise _usage("no PATH given: name .py files or directories to port")
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise _usage(f"-o {out_dir}: not a directory")
    try:
        result = port(rest.paths, [*args.base, *rest.base])
    except UsageError as e:
        raise _usage(str(e)) from None
    if not in_place and out_dir is None and len(result.sources) != 1:
        raise _usage(f"{len(result.sources)} files to port: give -o OUT_DIR or --in-place to write several")
    _emit(result, in_place, out_dir)
    sys.stderr.write(result.report())
    if result.problems:
        raise ConfigError(result.problems)
    return ""


def _usage(message: str) -> Exception:
    return UsageError(message)


def _emit(result: Result, in_place: bool, out_dir: str | None) -> None:
    if out_dir is not None:
        targets: dict[Path, Path] = {}
        for source in result.sources:
            target = Path(out_dir) / source.relative
            if target in targets:
                raise _usage(f"{source.path} and {targets[target]} would both be written to {target}")
            targets[target] = source.path
        for source in result.sources:
            _write(Path(out_dir) / source.relative, _encoded(source), result.problems)
    elif in_place:
        for source in result.sources:
            if source.code is not None and _encoded(source) != source.data:
                _write(source.path, _encoded(source), result.problems)
    else:
        code = result.sources[0].code
        if code is not None:
            sys.stdout.write(code)


def _write(target: Path, data: bytes, problems: list[Problem]) -> None:
    """One file written, or a problem saying why not; the others are still written."""
    try:
        # an output tree is port's to lay out; the writer itself never creates directories
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        problems.append(Problem("", f"cannot create its directory: {e.strerror or e}", str(target)))
        return
    try:
        write_atomic(target, data)
    except ConfigError as e:
        problems.extend(Problem("", f"{p.message}; the file is as it was", str(target)) for p in e.problems)
