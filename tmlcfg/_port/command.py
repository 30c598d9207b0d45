"""``tmlcfg port``: pydantic (v1 API) config classes rewritten as tmlcfg configs, with libcst.

This module finds the files and writes the results; it imports libcst only when a
port runs, so the command line starts without it. The rewriting lives in
``_port_rewrite`` (classes and fields), ``_port_types`` (annotations and
defaults), ``_port_validators`` (validators) and ``_port_index`` (which classes
are config classes, across the files' imports of one another).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
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

    sources, skipped = discover(paths)
    problems: list[Problem] = []
    for source in sources:
        _parse(source, problems)
    parsed = [s for s in sources if s.tree is not None]
    infos = {id(s): index_module(s.module, s.path, s.tree) for s in parsed if s.tree is not None}
    index = Index(list(infos.values()), bases)
    project = Project(index)
    _survey(project, list(infos.values()))
    unportable: dict[str, tuple[Source, int, str]] = {}
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
            _block_dependents(index, project)
            # only the modules holding a class that now stays pydantic are rewritten again
            again = {q.rpartition(".")[0] for q in project.blocked.keys() - known} | {
                q.rpartition(".")[0] for q in fresh
            }
            todo = [s for s in parsed if infos[id(s)].name in again]
        if not check:
            break
        # what the rewrite could not foresee, a fresh interpreter finds: such a class is left as it was
        todo = _verify(parsed, infos, project, problems)
        if not todo:
            break
    for qualname, (source, line, reason) in sorted(unportable.items(), key=lambda i: (str(i[1][0].path), i[1][1])):
        name = qualname.rpartition(".")[2]
        problems.append(Problem(name, f"cannot be ported: {reason}", str(source.path), line))
    return Result(sources, problems, skipped, _unused_bases(index, bases))


#: how many times the port is checked and its failing classes left out, at most
_ROUNDS = 6


def _verify(parsed: list[Source], infos: dict[int, Any], project: Any, problems: list[Problem]) -> list[Source]:
    """The sources to rewrite again, because a class of theirs (or one they depend on) failed the check."""
    from .._port import verify

    modules = [
        verify.module(s.module, s.relative, s.path, s.code, s.ported, _holds_configs(project.index, infos[id(s)]))
        for s in parsed
        if s.code is not None
    ]
    failures = verify.check(modules)
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
    _block_dependents(project.index, project)
    again = {q.rpartition(".")[0] for q in project.blocked.keys() - known}
    return [s for s in parsed if infos[id(s)].name in again]


def _is_ported(parsed: list[Source], qualname: str) -> bool:
    module, _, name = qualname.rpartition(".")
    return any(s.module == module and name in s.ported for s in parsed)


def _holds_configs(index: Any, info: Any) -> bool:
    return any(index.is_config(c.qualname) for c in info.classes.values())


def _unused_bases(index: Any, bases: list[str]) -> list[str]:
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


def _block_dependents(index: Any, project: Any) -> None:
    """A subclass of a class that stays pydantic, or a class with a field of one, cannot become a
    tmlcfg config either: found all at once, so a chain of them costs one more pass, not one per link."""
    blocked: dict[str, str] = project.blocked
    changed = True
    while changed:
        changed = False
        for module in index.modules.values():
            for info in module.classes.values():
                if info.qualname in blocked or not index.is_config(info.qualname):
                    continue
                for base in info.bases:
                    name = index.resolve(module, base)
                    if name in blocked:
                        blocked[info.qualname] = f"it derives from {name}, which cannot be ported"
                        changed = True
                        break
                else:
                    for name in sorted(project.references.get(info.qualname, ())):
                        if name in blocked:
                            blocked[info.qualname] = f"a field holds {name}, which cannot be ported"
                            changed = True
                            break
        # a class only a class left pydantic holds stays pydantic with it (pydantic could not hold a tmlcfg one)
        holders: dict[str, set[str]] = {}
        for holder, names in project.references.items():
            for name in names:
                if name != holder:
                    holders.setdefault(name, set()).add(holder)
        for name, by in sorted(holders.items()):
            if name not in blocked and by <= blocked.keys():
                first = sorted(by)[0]
                blocked[name] = f"only {first}, which cannot be ported, holds it" + (
                    f" (and {len(by) - 1} more like it)" if len(by) > 1 else ""
                )
                changed = True


def _survey(project: Any, infos: list[Any]) -> None:
    """Field names, list fields and classes with translatable validators, before any rewrite."""
    import libcst as cst

    from .._port import validators
    from .._port.index import dotted
    from .._port.settings import extra_said

    factories: dict[str, set[str]] = {}
    for info in infos:
        for statement in info.tree.body:
            if not isinstance(statement, cst.ClassDef):
                continue
            qualname = f"{info.name}.{statement.name.value}"
            if not (project.index.is_config(qualname) or project.index.is_base(qualname)):
                continue
            extra = extra_said(statement, functools.partial(_qualify, project.index, info))
            if extra is not None:
                project.extra[qualname] = extra
            if not project.index.is_config(qualname):
                continue
            body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else []
            for item in body:
                if isinstance(item, cst.SimpleStatementLine) and isinstance(item.body[0], cst.AnnAssign):
                    made = _required_or_made_by(project.index, info, item.body[0])
                    if made == "":
                        project.need_arguments.add(qualname)
                    elif made is not None:
                        factories.setdefault(qualname, set()).add(made)
                    target, annotation = item.body[0].target, item.body[0].annotation.annotation
                    named = _named_classes(project.index, info, annotation)
                    project.references.setdefault(f"{info.name}.{statement.name.value}", set()).update(named)
                    if len(named) > 1:
                        # one of several config classes: each will be a variant, named in files by a tag
                        project.variants.update(named)
                    if isinstance(target, cst.Name):
                        project.field_names.add(target.value)
                        head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
                        if project.index.resolve(info, dotted(head)) in ("typing.List", "builtins.list"):
                            project.list_fields.add(target.value)
                if isinstance(item, cst.FunctionDef):
                    found = validators.find(item, functools.partial(_qualify, project.index, info))
                    if found is None:
                        continue
                    try:
                        validators.translate(found, info.tree, lambda f: False)
                    except validators.Untranslatable:
                        continue
                    project.checked.add(f"{info.name}.{statement.name.value}")
    _needing_arguments(project, factories)


def _needing_arguments(project: Any, factories: dict[str, set[str]]) -> None:
    """Classes that cannot be built without arguments: a required field of their own or inherited, or a
    default made by such a class (which the port makes required)."""
    index = project.index
    changed = True
    while changed:
        changed = False
        for module in index.modules.values():
            for info in module.classes.values():
                if info.qualname in project.need_arguments or not index.is_config(info.qualname):
                    continue
                parents = {index.resolve(module, b) for b in info.bases}
                if parents & project.need_arguments or factories.get(info.qualname, set()) & project.need_arguments:
                    project.need_arguments.add(info.qualname)
                    changed = True


def _required_or_made_by(index: Any, info: Any, assign: Any) -> str | None:
    """ "" for a required field (pydantic's sense, Optional aside), the class that makes its default, or None."""
    import libcst as cst

    from .._port.index import dotted

    annotation = assign.annotation.annotation
    head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    written = info.tree.code_for_node(annotation)
    if index.resolve(info, dotted(head)) == "typing.ClassVar" or not isinstance(assign.target, cst.Name):
        return None
    if assign.target.value.startswith("_"):
        return None
    value = assign.value
    optional = "Optional" in written or "None" in written
    if value is None:
        return None if optional else ""
    if isinstance(value, cst.Call) and index.resolve(info, dotted(value.func)) == "pydantic.Field":
        args = {
            a.keyword.value if a.keyword else ("default" if i == 0 else "?"): a.value for i, a in enumerate(value.args)
        }
        if "default_factory" in args:
            made = index.resolve(info, dotted(args["default_factory"]))
            return made if index.is_config(made) else None
        if "default" not in args or isinstance(args["default"], cst.Ellipsis):
            return None if optional else ""
        value = args["default"]
    if isinstance(value, cst.Call) and not value.args:
        made = index.resolve(info, dotted(value.func))
        return made if index.is_config(made) else None
    return None


def _named_classes(index: Any, info: Any, annotation: Any) -> set[str]:
    """The config classes an annotation names, quoted forward references included."""
    import libcst as cst

    from .._port.index import dotted

    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            self._add(dotted(node))
            return False

        def visit_Name(self, node: cst.Name) -> None:
            self._add(node.value)

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            with contextlib.suppress(cst.ParserSyntaxError):
                cst.parse_expression(str(node.evaluated_value)).visit(self)

        def _add(self, name: str | None) -> None:
            qualname = index.resolve(info, name)
            if index.is_config(qualname):
                found.add(qualname)

    annotation.visit(Names())
    return found


def _qualify(index: Any, info: Any, node: Any) -> str | None:
    from .._port.index import dotted

    name: str | None = index.resolve(info, dotted(node))
    return name


def _rewrite(info: Any, project: Any) -> Any:

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
    parser = sub.add_parser("port", help=help, description=help)
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
