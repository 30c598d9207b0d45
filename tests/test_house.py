"""The package's layout: floors that import one way, down; small modules; nothing process-wide."""

from __future__ import annotations

import ast
import gc
import pathlib
import threading

import pytest

import tmlcfg

PACKAGE = pathlib.Path(tmlcfg.__file__).parent

#: The floors, lowest first: a module may import its own floor's modules and those below.
#: The root modules (what users import) stand above every sub-package.
FLOORS = (
    ("_base",),
    ("_engine",),
    ("_toml",),
    ("_migrate",),
    ("_load",),
    ("_runs",),
    ("_cli", "_port", "_wandb", "_testing"),
)


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found[name] = path
    return found


def _floor(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        for level, names in enumerate(FLOORS):
            if parts[1] in names:
                return level
        raise AssertionError(f"{module}: a sub-package on no floor; add it to FLOORS and the architecture page")
    return len(FLOORS)  # the root


def _imports(module: str, path: pathlib.Path, known: dict[str, pathlib.Path]) -> set[str]:
    """Every tmlcfg module ``module`` imports, inside functions too; ``if TYPE_CHECKING:`` imports aside."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def resolve(name: str) -> None:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            if ".".join(parts[:end]) in known:
                found.add(".".join(parts[:end]))
                return

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for inner in child.orelse:
                    visit(inner)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    resolve(alias.name)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    source = ".".join([*base, child.module] if child.module else base)
                else:
                    source = child.module or ""
                for alias in child.names:
                    if f"{source}.{alias.name}" in known:
                        found.add(f"{source}.{alias.name}")
                    else:
                        resolve(source)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def test_imports_run_down_the_floors() -> None:
    """No module imports one on a higher floor, so there can be no cycle between floors."""
    known = _modules()
    upward = [
        f"{module} -> {target}"
        for module, path in known.items()
        for target in _imports(module, path, known)
        if target != "tmlcfg" and not module.startswith(target + ".") and _floor(target) > _floor(module)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """Within a floor too, imports (inside functions included) never come back round."""
    known = _modules()
    graph = {
        m: {
            t
            for t in _imports(m, p, known)
            if t != "tmlcfg" and not m.startswith(t + ".") and not t.startswith(m + ".")
        }
        for m, p in known.items()
    }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                walk(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_the_root_holds_what_users_import_and_modules_stay_short() -> None:
    """At most 15 modules at the root; none anywhere over 600 lines."""
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= 15, root
    long = {
        str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 600
    }
    assert long == {}


def _calls(tree: ast.AST) -> list[str]:
    return [ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_nothing_process_wide() -> None:
    """No gc switching, no umask, no sys.modules reach, no writes to os.environ but wandb's one switch."""
    offences = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(PACKAGE))
        offences += [
            f"{name}: {c}"
            for c in _calls(tree)
            if c.startswith("gc.")
            or c.endswith("umask")
            or (
                c.startswith(("os.environ.", "os.putenv", "os.unsetenv"))
                and not c.endswith((".get", ".copy", ".items", ".keys", ".values"))
            )
        ]
        # the one exception: wandb reads its error-reporting switch from the environment alone
        offences = [o for o in offences if o != "_wandb/bridge.py: os.environ.setdefault"]
        # and a run record lists the distributions of the modules imported: their names read, no module reached
        offences = [o for o in offences if o != "_runs/provenance.py: sys.modules"]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.modules":
                offences.append(f"{name}: sys.modules")
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AugAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "os.environ":
                    offences.append(f"{name}: {ast.unparse(target)} =")
    assert offences == []


def test_reading_from_threads_leaves_the_garbage_collector_alone() -> None:
    """The collector stays on while configs are built, from any number of threads, and after."""
    seen: list[bool] = []

    def noted(value: int) -> None:
        seen.append(gc.isenabled())  # the user's validator runs while tmlcfg structures

    @tmlcfg.config
    class Leaf:
        x: int = tmlcfg.field(default=0, validator=noted)

    @tmlcfg.config
    class Tree:
        leaves: tuple[Leaf, ...] = ()

    data = {"leaves": [{"x": i} for i in range(200)]}
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                assert len(tmlcfg.from_dict(Tree, data).leaves) == 200
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    assert gc.isenabled()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert gc.isenabled()
    assert len(seen) >= 8 * 20 * 200  # and the default, checked once when the class was made
    assert all(seen)


@pytest.mark.parametrize("module", ["tmlcfg.wandb", "tmlcfg.testing", "tmlcfg"])
def test_public_modules_show_only_their_names(module: str) -> None:
    """What ``dir()`` shows of a public module, private names aside, is its ``__all__``."""
    import importlib

    mod = importlib.import_module(module)
    shown = {n for n in dir(mod) if not n.startswith("_")}
    submodules = {"embedding", "optimizers", "training", "testing", "wandb", "runs"}
    assert shown - submodules == set(mod.__all__)


def test_the_architecture_page_names_every_module() -> None:
    """The map stays true: every sub-package and every module in it is named on the Architecture page."""
    import re

    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE:
            continue  # the root's modules are the public ones, each with its own docs page
        if path.name == "__init__.py":
            if f"`{path.parent.name}/`" not in page:
                missing.append(path.parent.name)
        elif not re.search(rf"\b{re.escape(path.stem)}\b", page):
            missing.append(str(path.relative_to(PACKAGE)))
    assert missing == []
