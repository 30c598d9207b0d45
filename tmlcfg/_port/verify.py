"""The proof behind port's exit status: each written module imported in a fresh interpreter without pydantic.

The modules are laid out in a temporary directory as they will be written,
ahead of the project's own directories on the child's path. In the child,
pydantic cannot be imported while the modules that no longer name it are
imported; then the modules that still hold a pydantic class (left as it was)
are imported with pydantic allowed. Each ported class must be a tmlcfg config
whose defaults build. What fails is mapped back to the class whose lines it
happened in.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: The child's program: reads the plan as JSON on stdin, writes what failed as JSON on stdout.
_CHILD = r"""
import importlib, importlib.abc, json, sys, traceback

class Refuse(importlib.abc.MetaPathFinder):
    on = True
    def find_spec(self, name, path=None, target=None):
        if self.on and (name == "pydantic" or name.startswith("pydantic.")):
            raise ModuleNotFoundError("pydantic cannot be imported here (tmlcfg port checks its output without it)")
        return None

refuse = Refuse()
sys.meta_path.insert(0, refuse)
plan = json.load(sys.stdin)
from tmlcfg._engine.spec import spec_of

def where(e, filename):
    line = None
    for frame, number in traceback.walk_tb(e.__traceback__):
        if frame.f_code.co_filename == filename:
            line = number
    return line

def text(e):
    said = " ".join(str(e).split())
    said = said if len(said) <= 300 else said[:297] + "..."
    return f"{type(e).__name__}: {said}" if said else type(e).__name__

out = {"modules": {}, "classes": {}, "with_pydantic": []}
for clean in (True, False):
    refuse.on = clean
    for module, filename, uses_pydantic, classes in plan:
        failed = out["modules"].get(module)
        if (clean and uses_pydantic) or (not clean and not uses_pydantic and not (failed and failed["again"])):
            continue
        try:
            loaded = importlib.import_module(module)
        except BaseException as e:
            again = clean and "pydantic cannot be imported here" in str(e) and not uses_pydantic
            out["modules"][module] = {"line": where(e, filename), "error": text(e), "again": again}
            for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
                del sys.modules[name]
            continue
        if out["modules"].pop(module, None) is not None:
            out["with_pydantic"].append(module)
        for name in classes:
            cls = getattr(loaded, name, None)
            spec = spec_of(cls)
            if spec is None:
                out["classes"][f"{module}.{name}"] = "it is not a tmlcfg config after the port"
                continue
            try:
                for field in spec.fields:
                    if not field.required:
                        field.default_value()
                if all(not f.required for f in spec.fields) and all(
                    not g.exactly_one or g.default_member for g in spec.groups
                ):
                    cls()
            except BaseException as e:
                out["classes"][f"{module}.{name}"] = f"its defaults do not build: {text(e)}"
json.dump(out, sys.stdout)
"""


@dataclass
class Module:
    """One module as it will be written: its name, where it goes, its text and its ported classes."""

    name: str
    relative: Path
    root: Path
    code: str
    classes: list[str]
    #: it holds config classes, so it is imported (the others are only laid out for those to import)
    imported: bool


def _root(path: Path, module: str) -> Path:
    """The directory a module is imported from: above its package."""
    depth = len(module.split(".")) - (0 if path.name == "__init__.py" else 1)
    root = Path(os.path.abspath(path)).parent
    for _ in range(depth):
        root = root.parent
    return root


def module(name: str, relative: Path, path: Path, code: str, classes: list[str], imported: bool) -> Module:
    return Module(name, relative, _root(path, name), code, classes, imported)


def _imports_pydantic(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        if any(n.split(".")[0] == "pydantic" for n in names):
            return True
    return False


def class_at(code: str, line: int | None) -> str | None:
    """The top-level class whose lines (decorators included) hold ``line``."""
    if line is None:
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if first <= line <= (node.end_lineno or node.lineno):
                return node.name
    return None


@dataclass
class Failures:
    #: qualified class name -> why it does not work as written
    classes: dict[str, str]
    #: module -> (line, why it does not import) where no class is to blame
    modules: dict[str, tuple[int | None, str]]
    #: modules that name no pydantic themselves but import only where pydantic can be (through a base class)
    with_pydantic: list[str] = field(default_factory=list)


def check(modules: list[Module]) -> Failures:
    """Every module imported, every ported class's spec and defaults built, in a fresh interpreter."""
    import tmlcfg

    failures = Failures({}, {})
    if not any(m.imported for m in modules):
        return failures
    with tempfile.TemporaryDirectory(prefix="tmlcfg-port-") as directory:
        top = Path(directory)
        plan = []
        for m in modules:
            target = top / m.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(m.code, encoding="utf-8")
            if m.imported:
                plan.append([m.name, str(target), _imports_pydantic(m.code), m.classes])
        _packages(top, modules)
        _reach_originals(top, {m.root for m in modules})
        package = Path(tmlcfg.__file__).parent.parent
        roots = dict.fromkeys([str(top), *(str(m.root) for m in modules), str(package)])
        # isolated (-I: no user site, no PYTHON* variables, no current directory on the path), no bytecode
        # written into the project (-B); the path is the laid-out modules, the project's, and tmlcfg's
        done = subprocess.run(
            [sys.executable, "-I", "-B", "-c", f"import sys; sys.path[:0] = {list(roots)!r}\n{_CHILD}"],
            input=json.dumps(plan),
            capture_output=True,
            text=True,
            cwd=directory,
            check=False,
        )
    try:
        found = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        failures.modules[modules[0].name] = (None, f"the check of the ported modules did not run: {last}")
        return failures
    by_name = {m.name: m for m in modules}
    for name, what in found["modules"].items():
        blamed = class_at(by_name[name].code, what["line"])
        if blamed is not None and blamed in by_name[name].classes:
            failures.classes[f"{name}.{blamed}"] = f"it does not define: {what['error']}"
        else:
            failures.modules[name] = (what["line"], f"the ported module does not import: {what['error']}")
    failures.classes.update(found["classes"])
    failures.with_pydantic = sorted(found["with_pydantic"])
    return failures


def _packages(top: Path, modules: list[Module]) -> None:
    """Every package directory on the way to a module has its ``__init__.py``, the project's own if not written."""
    for m in modules:
        parts = m.name.split(".")[:-1]
        for depth in range(1, len(parts) + 1):
            init = top.joinpath(*parts[:depth], "__init__.py")
            if init.exists():
                continue
            original = m.root.joinpath(*parts[:depth], "__init__.py")
            init.write_bytes(original.read_bytes() if original.is_file() else b"")


def _reach_originals(top: Path, roots: set[Path]) -> None:
    """Each laid-out package also finds the project's modules that were not scanned, after its own."""
    for init in sorted(top.rglob("__init__.py")):
        relative = init.parent.relative_to(top)
        extra = [str(root / relative) for root in sorted(roots) if (root / relative).is_dir()]
        if extra:
            with init.open("a", encoding="utf-8") as f:
                f.write(f"\n__path__.extend({extra!r})  # added by tmlcfg port's check\n")
