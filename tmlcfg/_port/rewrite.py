"""One module's pydantic config classes rewritten as tmlcfg configs, comments and layout kept."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from .._base.tags import default_tag
from .._port import settings as settings_module
from .._port import validators
from .._port.fields import TODO, FieldPorter, with_todos
from .._port.index import PYDANTIC_MODELS, Index, ModuleInfo, dotted
from .._port.settings import Settings
from .._port.types import Needs, Shape, Types, Unportable

#: pydantic model methods and the tmlcfg call that replaces each.
_USES = {
    "dict": "tmlcfg.to_dict(cfg)",
    "json": "tmlcfg.dumps(cfg) (TOML) or json.dumps(tmlcfg.to_dict(cfg))",
    "parse_obj": "tmlcfg.from_dict(Class, data)",
    "parse_raw": "tmlcfg.loads(Class, text)",
    "parse_file": "tmlcfg.load(Class, path)",
    "schema": "tmlcfg.json_schema(Class)",
    "schema_json": "tmlcfg.json_schema(Class)",
}
_LIST_CHANGES = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse"})


@dataclass
class Project:
    """What the rewrite of one module needs to know of all the others."""

    index: Index
    #: config classes that will not be ported; their subclasses cannot be either
    blocked: dict[str, str] = field(default_factory=dict)
    #: config classes whose port has an __attrs_post_init__
    checked: set[str] = field(default_factory=set)
    field_names: set[str] = field(default_factory=set)
    list_fields: set[str] = field(default_factory=set)
    #: config class -> the config classes its fields name
    references: dict[str, set[str]] = field(default_factory=dict)
    #: class -> what its own settings say of unknown keys (forbid, ignore, allow)
    extra: dict[str, str] = field(default_factory=dict)
    #: config classes with a required field: their factory is no default
    need_arguments: set[str] = field(default_factory=set)
    #: config classes that are members of a union of config classes (variants)
    variants: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    code: str
    ported: list[str] = field(default_factory=list)
    #: class name -> why it was not ported
    unportable: dict[str, str] = field(default_factory=dict)
    #: class name -> where the port will be stricter than pydantic was, or otherwise differ
    notes: dict[str, list[str]] = field(default_factory=dict)


class ModuleRewriter(FieldPorter, cst.CSTTransformer):
    """Ports the config classes of one module and leaves a TODO at each use of the pydantic API."""

    def __init__(self, info: ModuleInfo, project: Project, needs: Needs) -> None:
        self.info = info
        self.project = project
        self.index = project.index
        self.needs = needs
        bounds = next((local for local, full in info.imports.items() if full == "annotated_types"), None)
        self.types = Types(info.tree, self.qualify, self.index.is_config, needs, self.index.is_enum, bounds)
        self.outcome = Outcome("")
        self.depth = 0
        self.quiet = False
        self.notes: list[str] = []
        self.project_needs_arguments = project.need_arguments
        # the module reads pydantic itself, not its v1 copy
        self.v2 = any(
            (v == "pydantic" or v.startswith("pydantic.")) and not v.startswith("pydantic.v1")
            for v in info.imports.values()
        )

    def qualify(self, node: cst.BaseExpression) -> str | None:
        return self.index.resolve(self.info, dotted(node))

    def code(self, node: cst.CSTNode) -> str:
        return self.info.tree.code_for_node(node)

    # -- uses of pydantic's model API anywhere in the file -------------------------------------------------

    def _uses(self, node: cst.CSTNode) -> list[str]:
        found: list[str] = []
        if self.quiet:
            return found
        project = self.project

        class Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                func = call.func
                if not isinstance(func, cst.Attribute):
                    return
                name = func.attr.value
                if name == "copy" and any(a.keyword and a.keyword.value == "update" for a in call.args):
                    found.append(".copy(update=...): configs are immutable; use tmlcfg.replace(cfg, {path: value})")
                elif name in _USES and (name not in ("dict", "json") or all(a.keyword for a in call.args)):
                    found.append(f".{name}(): use {_USES[name]}")
                elif (
                    name in _LIST_CHANGES
                    and isinstance(func.value, cst.Attribute)
                    and func.value.attr.value in project.list_fields
                ):
                    found.append(
                        f".{func.value.attr.value}.{name}(): that field is a tuple now; "
                        "use tmlcfg.replace(cfg, {path: new_tuple})"
                    )

            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return False

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return False

        node.visit(Finder())
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, cst.Assign):
                    targets.extend(t.target for t in small.targets)
                elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                    targets.append(small.target)
        for target in targets:
            root = target
            while isinstance(root, (cst.Attribute, cst.Subscript)):
                root = root.value
            if (
                isinstance(target, cst.Attribute)
                and target.attr.value in project.field_names
                and not (isinstance(root, cst.Name) and root.value in ("self", "cls"))
            ):
                found.append(
                    f"assigning .{target.attr.value}: configs are frozen; use tmlcfg.replace(cfg, {{path: value}})"
                )
        return found

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if self._forward_refs(updated):
            return cst.RemoveFromParent()
        return with_todos(updated, self._uses(updated))

    def _forward_refs(self, line: cst.SimpleStatementLine) -> bool:
        """``C.update_forward_refs()`` of a config class: the port puts classes in order instead."""
        if len(line.body) != 1 or not isinstance(line.body[0], cst.Expr):
            return False
        call = line.body[0].value
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
            return False
        if call.func.attr.value != "update_forward_refs":
            return False
        owner = self.qualify(call.func.value)
        return owner is not None and self.index.is_config(owner) and owner not in self.project.blocked

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        # with postponed annotations a class may name a later one without quotes, too
        postponed = self.info.imports.get("annotations") == "__future__.annotations"
        if not (self.needs.forward or postponed):
            return updated  # pydantic defined the classes in an order that works without quotes
        return updated.with_changes(body=_in_order(updated.body, set(self.outcome.ported)))

    def _leave_compound(self, updated: cst.CSTNodeT, header: cst.CSTNode | None) -> cst.CSTNodeT:
        return updated if header is None else with_todos(updated, self._uses(header))

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If:
        return self._leave_compound(updated, updated.test)

    def leave_For(self, original: cst.For, updated: cst.For) -> cst.For:
        return self._leave_compound(updated, updated.iter)

    def leave_While(self, original: cst.While, updated: cst.While) -> cst.While:
        return self._leave_compound(updated, updated.test)

    # -- config classes -----------------------------------------------------------------------------------

    def _stays_pydantic(self, node: cst.ClassDef) -> bool:
        qualname = f"{self.info.name}.{node.name.value}"
        return self.index.is_base(qualname) or qualname in self.project.blocked

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.depth += 1
        # inside a class that stays pydantic, its own API is no mistake
        if self.depth == 1 and self._stays_pydantic(node):
            self.quiet = True
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.BaseStatement:
        self.depth -= 1
        if self.depth:
            return updated
        self.quiet = False
        qualname = f"{self.info.name}.{original.name.value}"
        if not self.index.is_config(qualname):
            return updated
        imports = set(self.needs.imports)
        self.notes = []
        try:
            if qualname in self.project.blocked:
                raise Unportable(self.project.blocked[qualname])
            ported = self._port_class(updated, qualname)
        except Unportable as e:
            self.needs.imports = imports  # what the class would have needed, it does not
            reason = str(e)
            self.outcome.unportable[original.name.value] = reason
            return with_todos(updated, [f"{original.name.value} cannot be ported: {reason}"])
        self.outcome.ported.append(original.name.value)
        self.outcome.notes[original.name.value] = self.notes
        return ported

    def _bases(self, node: cst.ClassDef) -> list[cst.Arg]:
        kept: list[cst.Arg] = []
        for arg in node.bases:
            name = self.qualify(arg.value)
            if not self.index.is_base(name):
                kept.append(arg)
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return kept

    def _port_class(self, node: cst.ClassDef, qualname: str) -> cst.ClassDef:
        todos: list[str] = []
        settings = Settings(todos=todos)
        for keyword in node.keywords:
            key = keyword.keyword.value if keyword.keyword is not None else ""
            if not settings_module.known(key):
                raise Unportable(f"tmlcfg has no counterpart of the class keyword {self.code(keyword)}")
            self._setting(key, keyword.value, f"{key} = {self.code(keyword.value)}", settings, "the class said")
        bases = self._bases(node)
        body: list[cst.BaseStatement] = []
        checks: list[cst.BaseStatement] = []
        checks_at: int | None = None
        checks_leading: list[cst.EmptyLine] = []
        pending: list[cst.EmptyLine] = []
        fields: dict[str, Shape] = {}
        statements = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
        skip_blanks = False
        tag: str | None = None
        for statement in statements:
            if pending and not (skip_blanks and not body):
                statement, pending = validators.lead(statement, pending), []
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
                self._config_class(statement, settings)
                pending = [line for line in statement.leading_lines if line.comment is not None]
                continue
            if self._model_config(statement, settings):
                pending = [line for line in getattr(statement, "leading_lines", ()) if line.comment is not None]
                if not body:
                    # the class's first line now: no blank line before it
                    skip_blanks = True
                continue
            if skip_blanks and not body:
                own = [line for line in getattr(statement, "leading_lines", ()) if line.comment is not None]
                statement = statement.with_changes(leading_lines=[*pending, *own])
                pending = []
            skip_blanks = False
            computed = self._computed(statement) if isinstance(statement, cst.FunctionDef) else None
            if computed is not None:
                body.append(computed)
                continue
            if isinstance(statement, cst.FunctionDef):
                found = validators.find(statement, self.qualify)
                if found is not None:
                    try:
                        translated, methods = validators.translate(
                            found, self.info.tree, lambda f: fields.get(f, Shape("other")).optional
                        )
                    except validators.Untranslatable as e:
                        pending = [
                            *statement.leading_lines,
                            *validators.commented_out(statement, self.info.tree, str(e)),
                        ]
                        continue
                    if checks_at is None:
                        checks_at, checks_leading = len(body), list(statement.leading_lines)
                    elif not methods and any(line.comment for line in statement.leading_lines):
                        # comments before it (a commented-out validator, say) stay, after the checks
                        pending = list(statement.leading_lines)
                    checks.extend(translated)
                    body.extend(methods)
                    continue
            if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.AnnAssign):
                if qualname in self.project.variants and tag is None:
                    tag = self._discriminator(statement)
                    if tag is not None:
                        pending = [line for line in statement.leading_lines if line.comment is not None]
                        continue
                private = self._private(statement)
                if private:
                    pending = [*statement.leading_lines, *private]
                    continue
                statement = self._field(statement, fields)
            body.append(statement)
        if checks:
            body.insert(checks_at or 0, self._post_init(node, checks).with_changes(leading_lines=checks_leading))
        if not body or all(validators.is_docstring(s) for s in body):
            body.append(cst.SimpleStatementLine([cst.Pass()]))
        # comments left by what was removed last stay at the end of the class
        footer = pending
        while footer and footer[-1].comment is None:
            footer = footer[:-1]
        assert isinstance(node.body, cst.IndentedBlock)
        new_body = node.body.with_changes(body=body, footer=[*footer, *node.body.footer])
        decorator = cst.Decorator(cst.Attribute(cst.Name("tmlcfg"), cst.Name("config")))
        if tag is not None and tag != default_tag(node.name.value):
            decorator = cst.Decorator(cst.parse_expression(f"tmlcfg.config(tag={json.dumps(tag)})"))
        self.needs.imports.add(("tmlcfg", None))
        changes: dict[str, object] = {
            "bases": bases,
            "keywords": [],
            "body": new_body,
            "decorators": [*node.decorators, decorator],
        }
        if not bases:
            changes["lpar"] = cst.MaybeSentinel.DEFAULT
            changes["rpar"] = cst.MaybeSentinel.DEFAULT
        ported = node.with_changes(**changes)
        self._stricter(node, qualname, settings, fields)
        return with_todos(ported, todos)

    def _stricter(self, node: cst.ClassDef, qualname: str, settings: Settings, fields: dict[str, Shape]) -> None:
        """Notes on what pydantic let through and tmlcfg will not."""
        extra = settings.extra
        ancestors = [self.index.canonical(a) for a in self._ancestors(node)]
        for ancestor in [qualname, *ancestors]:
            extra = extra or self.project.extra.get(ancestor)
        # a base class the port did not read may have said forbid: then nothing is claimed
        unread = any(self.index.class_info(a) is None and a not in PYDANTIC_MODELS for a in ancestors)
        if extra == "ignore" or (extra is None and not unread):
            self.notes.append(
                "stricter: pydantic ignored unknown keys (extra='ignore'); tmlcfg refuses them, so a stale key "
                "in a file is now an error (find them with `tmlcfg convert --check`)"
            )
        # v1 also read a number into a str field
        kinds = ("int", "float", "bool") if self.v2 else ("int", "float", "bool", "str")
        lax = [n for n, shape in fields.items() if shape.inner().kind in kinds]
        if lax:
            examples = '"7" or 7.0 for an int, "0.5" for a float, "yes" or 1 for a bool'
            self.notes.append(
                f"stricter: {', '.join(lax)} no longer coerced as pydantic's lax mode did "
                f"({examples}{'' if self.v2 else ', 5 for a str'})"
            )

    def _post_init(self, node: cst.ClassDef, checks: list[cst.BaseStatement]) -> cst.FunctionDef:
        inherited = any(self.index.canonical(q) in self.project.checked for q in self._ancestors(node))
        head = "super().__attrs_post_init__()\n" if inherited else ""
        function = cst.parse_statement(f"def __attrs_post_init__(self) -> None:\n    {head or 'pass'}\n")
        assert isinstance(function, cst.FunctionDef) and isinstance(function.body, cst.IndentedBlock)
        body = [*function.body.body] if head else []
        return function.with_changes(body=function.body.with_changes(body=[*body, *checks]))

    def _ancestors(self, node: cst.ClassDef) -> list[str]:
        out: list[str] = []
        todo = [q for arg in node.bases if (q := self.qualify(arg.value))]
        while todo:
            name = todo.pop()
            if name in out:
                continue
            out.append(name)
            info = self.index.class_info(name)
            if info is not None:
                module = self.index.modules[info.module]
                todo.extend(q for b in info.bases if (q := self.index.resolve(module, b)))
        return out

    def _setting(
        self, key: str, value: cst.BaseExpression, spelled: str, settings: Settings, where: str = "class Config said"
    ) -> None:
        resolved = self.qualify(value) or self.code(value).strip()
        settings_module.weigh(key, resolved, spelled, settings, where)

    def _config_class(self, node: cst.ClassDef, settings: Settings) -> None:
        todos = settings.todos if settings.todos is not None else []
        statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
        for statement in statements:
            if validators.is_docstring(statement):
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                first = self.code(statement).strip().splitlines()[0]
                todos.append(f"class Config had `{first}`; tmlcfg has no such setting, check what relied on it")
                continue
            for small in statement.body:
                if isinstance(small, cst.Pass):
                    continue
                small = small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                ):
                    key = small.targets[0].target.value
                    self._setting(key, small.value, self.code(small).strip(), settings)
                else:
                    todos.append(
                        f"class Config said `{self.code(small).strip()}`; tmlcfg has no such setting, "
                        "check what relied on it"
                    )

    def _model_config(self, statement: cst.BaseStatement, settings: Settings) -> bool:
        """v2's ``model_config = ConfigDict(...)`` (or a dict) weighed setting by setting; False if not one."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return False
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        else:
            return False
        if not (isinstance(target, cst.Name) and target.value == "model_config"):
            return False
        pairs: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(value, cst.Call) and all(a.keyword is not None for a in value.args):
            pairs = [(a.keyword.value, a.value) for a in value.args if a.keyword is not None]
        elif isinstance(value, cst.Dict) and all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in value.elements
        ):
            for element in value.elements:
                assert isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString)
                pairs.append((str(element.key.evaluated_value), element.value))
        else:
            raise Unportable(f"its settings `{self.code(value).strip()}` cannot be read; spell them as ConfigDict(...)")
        for key, setting in pairs:
            self._setting(key, setting, f"{key}={self.code(setting)}", settings, "model_config said")
        return True

    def _computed(self, node: cst.FunctionDef) -> cst.FunctionDef | None:
        """A ``@computed_field`` property without the decorator (noted: pydantic dumped it); None if not one."""
        kept = [d for d in node.decorators if self.qualify(_called(d.decorator)) != "pydantic.computed_field"]
        if len(kept) == len(node.decorators):
            return None
        self.notes.append(
            f"{node.name.value}: a computed_field, which pydantic's model_dump wrote; tmlcfg.to_dict and the "
            "files tmlcfg writes leave it out (it stays a property)"
        )
        if not kept:
            kept = [cst.Decorator(cst.Name("property"))]
        return node.with_changes(decorators=kept)

    def _discriminator(self, line: cst.SimpleStatementLine) -> str | None:
        """The tag a variant's ``kind: Literal["x"]`` field names (the field goes: tmlcfg writes ``kind`` itself)."""
        assign = line.body[0]
        assert isinstance(assign, cst.AnnAssign)
        annotation = assign.annotation.annotation
        if not (isinstance(assign.target, cst.Name) and assign.target.value == "kind"):
            return None
        if not (isinstance(annotation, cst.Subscript) and self.qualify(annotation.value) == "typing.Literal"):
            return None
        values = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
        if len(values) == 1 and isinstance(values[0], cst.SimpleString):
            tag = values[0].evaluated_value
            return tag if isinstance(tag, str) else None
        return None

    def _private(self, line: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
        """A ``PrivateAttr`` (or a ``_name`` attribute) as comment lines under a TODO; [] for a field."""
        assign = line.body[0]
        assert isinstance(assign, cst.AnnAssign)
        value = assign.value
        is_private = isinstance(value, cst.Call) and self.qualify(value.func) == "pydantic.PrivateAttr"
        name = assign.target.value if isinstance(assign.target, cst.Name) else ""
        if not (is_private or (name.startswith("_") and not name.endswith("__"))):
            return []
        text = self.code(line.with_changes(leading_lines=[])).strip()
        return [
            cst.EmptyLine(
                comment=cst.Comment(
                    f"{TODO}private attribute {name}: a config is frozen and holds only its fields; "
                    "keep this state outside it"
                )
            ),
            *(cst.EmptyLine(comment=cst.Comment(f"# {part}".rstrip())) for part in text.splitlines()),
        ]


def _called(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.func if isinstance(node, cst.Call) else node


def _names_in(node: cst.ClassDef, classes: set[str]) -> set[str]:
    """The other classes of ``classes`` a class names in its bases and fields (its methods aside)."""
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Name(self, name: cst.Name) -> None:
            if name.value in classes:
                found.add(name.value)

    node.body.visit(Names())
    for base in node.bases:
        base.visit(Names())
    found.discard(node.name.value)
    return found


def _in_order(body: Sequence[cst.BaseStatement], ported: set[str]) -> list[cst.BaseStatement]:
    """Ported classes reordered, in the places they held, so that each follows the classes it names.

    pydantic resolved forward references later (``update_forward_refs``); a tmlcfg
    config resolves its annotations when it is defined.
    """
    slots = [i for i, s in enumerate(body) if isinstance(s, cst.ClassDef) and s.name.value in ported]
    classes: dict[str, cst.ClassDef] = {}
    for i in slots:
        node = body[i]
        assert isinstance(node, cst.ClassDef)
        classes[node.name.value] = node
    needs = {name: _names_in(node, set(classes)) for name, node in classes.items()}
    order: list[str] = []
    done: set[str] = set()
    pending = list(classes)
    while pending:
        ready = next((n for n in pending if needs[n] <= done), pending[0])
        order.append(ready)
        done.add(ready)
        pending.remove(ready)
    out = list(body)
    for slot, name in zip(slots, order, strict=True):
        out[slot] = classes[name]
    return out
