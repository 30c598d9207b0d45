"""What the port must know of every scanned class before it rewrites any: fields, settings, references."""

from __future__ import annotations

import contextlib
import functools

import libcst as cst

from .._port import validators
from .._port.index import Index, ModuleInfo, dotted
from .._port.rewrite import Project
from .._port.settings import extra_said


def block_dependents(index: Index, project: Project) -> None:
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


def survey(project: Project, infos: list[ModuleInfo]) -> None:
    """Field names, list fields and classes with translatable validators, before any rewrite."""

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


def _needing_arguments(project: Project, factories: dict[str, set[str]]) -> None:
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


def _required_or_made_by(index: Index, info: ModuleInfo, assign: cst.AnnAssign) -> str | None:
    """ "" for a required field (pydantic's sense, Optional aside), the class that makes its default, or None."""
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


def _named_classes(index: Index, info: ModuleInfo, annotation: cst.BaseExpression) -> set[str]:
    """The config classes an annotation names, quoted forward references included."""
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
            if qualname is not None and index.is_config(qualname):
                found.add(qualname)

    annotation.visit(Names())
    return found


def _qualify(index: Index, info: ModuleInfo, node: cst.BaseExpression) -> str | None:
    name: str | None = index.resolve(info, dotted(node))
    return name
