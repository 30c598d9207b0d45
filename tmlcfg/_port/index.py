"""Which classes of the scanned files are config classes: names resolved across their imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

#: What pydantic exports under several module paths, spelled one way.
_ALIASES = {
    "pydantic.v1": "pydantic",
    "pydantic.main": "pydantic",
    "pydantic.fields": "pydantic",
    "pydantic.types": "pydantic",
    "pydantic.class_validators": "pydantic",
    "pydantic.v1.main": "pydantic",
    "pydantic.v1.fields": "pydantic",
    "pydantic.v1.types": "pydantic",
    "pydantic.v1.class_validators": "pydantic",
    "typing_extensions": "typing",
}
BUILTINS = frozenset({"list", "dict", "set", "frozenset", "tuple", "int", "float", "str", "bool", "bytes", "object"})
PYDANTIC_MODELS = frozenset({"pydantic.BaseModel"})


def normalize(qualname: str) -> str:
    """``pydantic.v1.fields.Field`` and ``pydantic.Field`` are one name."""
    for prefix in sorted(_ALIASES, key=len, reverse=True):
        if qualname == prefix or qualname.startswith(prefix + "."):
            return _ALIASES[prefix] + qualname[len(prefix) :]
    return qualname


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name or Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


@dataclass
class ClassInfo:
    module: str
    name: str
    bases: list[str | None]
    line: int

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass
class ModuleInfo:
    name: str
    path: Path
    tree: cst.Module
    #: local name -> what it was imported as (a dotted module or module.attribute)
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    #: top-level names bound otherwise (functions, assignments): they shadow nothing we resolve
    others: set[str] = field(default_factory=set)
    #: modules imported with ``from m import *``
    stars: list[str] = field(default_factory=list)


def module_name(path: Path) -> str:
    """The dotted name a file is imported by: its directories up to the first without ``__init__.py``."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    parent = path.parent
    while (parent / "__init__.py").is_file() and parent != parent.parent:
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts) or path.parent.name


def _relative_base(module: str, is_package: bool, level: int) -> str:
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts)


def index_module(name: str, path: Path, tree: cst.Module) -> ModuleInfo:
    info = ModuleInfo(name, path, tree)
    is_package = path.name == "__init__.py"
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _index_small(info, small, is_package)
        elif isinstance(statement, cst.ClassDef):
            bases = [dotted(arg.value) for arg in statement.bases if arg.keyword is None]
            line = positions[statement].start.line
            info.classes[statement.name.value] = ClassInfo(name, statement.name.value, bases, line)
        elif isinstance(statement, cst.FunctionDef):
            info.others.add(statement.name.value)
    return info


def _index_small(info: ModuleInfo, small: cst.BaseSmallStatement, is_package: bool) -> None:
    if isinstance(small, cst.Import):
        for alias in small.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                info.imports[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                info.imports[head] = head
    elif isinstance(small, cst.ImportFrom):
        source = (dotted(small.module) or "") if small.module is not None else ""
        if small.relative:
            base = _relative_base(info.name, is_package, len(small.relative))
            source = ".".join(p for p in (base, source) if p)
        if isinstance(small.names, cst.ImportStar):
            info.stars.append(source)
            return
        for alias in small.names:
            imported = dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else imported
            info.imports[local] = f"{source}.{imported}"
    elif isinstance(small, (cst.Assign, cst.AnnAssign)):
        targets = small.targets if isinstance(small, cst.Assign) else [small]
        for target in targets:
            if isinstance(target.target, cst.Name):
                info.others.add(target.target.value)


class Index:
    """Every scanned module, and what a dotted name in one of them refers to."""

    def __init__(self, modules: list[ModuleInfo], bases: list[str]) -> None:
        self.modules = {m.name: m for m in modules}
        self.bases = {self.canonical(b) for b in bases}
        self._config: dict[str, bool] = {}

    def canonical(self, qualname: str, depth: int = 0) -> str:
        """The definition a fully qualified name leads to, following re-exports of scanned modules."""
        qualname = normalize(qualname)
        if depth > 50:
            return qualname
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            head, rest = parts[cut], parts[cut + 1 :]
            if head in module.classes:
                return ".".join([module.name, head, *rest])
            if head in module.imports:
                return self.canonical(".".join([module.imports[head], *rest]), depth + 1)
            return qualname
        return qualname

    def resolve(self, module: ModuleInfo, name: str | None) -> str | None:
        """The canonical name a dotted expression in ``module`` refers to."""
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in module.classes:
            target = f"{module.name}.{head}"
        elif head in module.imports:
            target = module.imports[head]
        elif head in module.others:
            target = f"{module.name}.{head}"
        elif head in BUILTINS:
            target = f"builtins.{head}"
        else:
            target = self._starred(module, head) or ""
            if not target:
                return None
        return self.canonical(f"{target}.{rest}" if rest else target)

    def _starred(self, module: ModuleInfo, name: str) -> str | None:
        """``name`` from a ``from m import *`` of pydantic, typing or a scanned module that defines it."""
        for source in module.stars:
            scanned = self.modules.get(source)
            if scanned is not None and (name in scanned.classes or name in scanned.imports):
                return f"{source}.{name}"
            if normalize(source) in ("pydantic", "typing"):
                return f"{source}.{name}"
        return None

    def class_info(self, qualname: str) -> ClassInfo | None:
        module, _, name = qualname.rpartition(".")
        info = self.modules.get(module)
        return None if info is None else info.classes.get(name)

    def is_config(self, qualname: str | None) -> bool:
        """A class to port: it derives from a pydantic model or a ``--base``, and is not a ``--base``."""
        return qualname is not None and qualname not in self.bases and self._derives(qualname, set())

    def _derives(self, qualname: str, seen: set[str]) -> bool:
        if qualname in PYDANTIC_MODELS or qualname in self.bases:
            return True
        if qualname in seen:
            return False
        if qualname in self._config:
            return self._config[qualname]
        seen.add(qualname)
        info = self.class_info(qualname)
        result = False
        if info is not None:
            module = self.modules[info.module]
            result = any(self._derives(q, seen) for b in info.bases if (q := self.resolve(module, b)) is not None)
        self._config[qualname] = result
        return result

    def is_enum(self, qualname: str, depth: int = 0) -> bool:
        """A scanned class deriving from ``enum.Enum`` (or another enum), whose defaults may be spelled as values."""
        info = self.class_info(qualname)
        if info is None or depth > 20:
            return False
        module = self.modules[info.module]
        for base in info.bases:
            name = self.resolve(module, base)
            if name is not None and (name.startswith("enum.") or self.is_enum(name, depth + 1)):
                return True
        return False

    def is_base(self, qualname: str | None) -> bool:
        return qualname is not None and (qualname in PYDANTIC_MODELS or qualname in self.bases)
