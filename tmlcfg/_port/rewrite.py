"""One module's pydantic config classes rewritten as tmlcfg configs, comments and layout kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from .._port import validators
from .._port.index import Index, ModuleInfo, dotted
from .._port.types import BOUNDS, LENGTHS, Needs, Shape, Types, Unportable, convert_default, optional

TODO = "# TODO(tmlcfg port): "
_FIELD_KEYS = {"description": "doc", "one_of": "one_of", "at_most_one_of": "at_most_one_of"}
_FORBID = frozenset({"pydantic.Extra.forbid", "'forbid'", '"forbid"'})
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


@dataclass
class Outcome:
    code: str
    ported: list[str] = field(default_factory=list)
    #: class name -> why it was not ported
    unportable: dict[str, str] = field(default_factory=dict)


def _todo(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(comment=cst.Comment(TODO + " ".join(text.split())))


def _with_todos(node: cst.CSTNodeT, texts: Sequence[str]) -> cst.CSTNodeT:
    """``node`` with a TODO line for each text it does not already carry (a second run adds none)."""
    leading = list(getattr(node, "leading_lines", ()))
    have = {line.comment.value for line in leading if line.comment is not None}
    new = [line for line in (_todo(t) for t in dict.fromkeys(texts)) if line.comment and line.comment.value not in have]
    if not new:
        return node
    return node.with_changes(leading_lines=[*leading, *new])


def _arg(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value, keyword=cst.Name(keyword), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    )


class ModuleRewriter(cst.CSTTransformer):
    """Ports the config classes of one module and leaves a TODO at each use of the pydantic API."""

    def __init__(self, info: ModuleInfo, project: Project, needs: Needs) -> None:
        self.info = info
        self.project = project
        self.index = project.index
        self.needs = needs
        self.types = Types(info.tree, self.qualify, self.index.is_config, needs, self.index.is_enum)
        self.outcome = Outcome("")
        self.depth = 0
        self.quiet = False

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
        return _with_todos(updated, self._uses(updated))

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
        return updated if header is None else _with_todos(updated, self._uses(header))

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
        try:
            if qualname in self.project.blocked:
                raise Unportable(self.project.blocked[qualname])
            ported = self._port_class(updated, qualname)
        except Unportable as e:
            self.needs.imports = imports  # what the class would have needed, it does not
            reason = str(e)
            self.outcome.unportable[original.name.value] = reason
            return _with_todos(updated, [f"{original.name.value} cannot be ported: {reason}"])
        self.outcome.ported.append(original.name.value)
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
        for keyword in node.keywords:
            if keyword.keyword is not None and keyword.keyword.value == "extra":
                self._config_setting(f"extra = {self.code(keyword.value)}", keyword.value, todos)
            else:
                raise Unportable(f"tmlcfg has no counterpart of the class keyword {self.code(keyword)}")
        bases = self._bases(node)
        body: list[cst.BaseStatement] = []
        checks: list[cst.BaseStatement] = []
        checks_at: int | None = None
        checks_leading: list[cst.EmptyLine] = []
        pending: list[cst.EmptyLine] = []
        fields: dict[str, Shape] = {}
        statements = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
        for statement in statements:
            if pending:
                statement, pending = validators.lead(statement, pending), []
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
                self._config_class(statement, todos)
                pending = [line for line in statement.leading_lines if line.comment is not None]
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
        return _with_todos(ported, todos)

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

    def _config_setting(self, text: str, value: cst.BaseExpression, todos: list[str]) -> None:
        if not text.startswith("extra ="):
            todos.append(f"class Config said `{text}`; tmlcfg has no such setting, check what relied on it")
        elif (self.qualify(value) or self.code(value)) not in _FORBID:
            todos.append(f"class Config said `{text}`; tmlcfg always refuses unknown keys")

    def _config_class(self, node: cst.ClassDef, todos: list[str]) -> None:
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
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    self._config_setting(self.code(small).strip(), small.value, todos)
                else:
                    todos.append(
                        f"class Config said `{self.code(small).strip()}`; tmlcfg has no such setting, "
                        "check what relied on it"
                    )

    # -- fields ---------------------------------------------------------------------------------------------

    def _field(self, line: cst.SimpleStatementLine, fields: dict[str, Shape]) -> cst.SimpleStatementLine:
        assign = line.body[0]
        assert isinstance(assign, cst.AnnAssign)
        if not isinstance(assign.target, cst.Name):
            return line
        name = assign.target.value
        annotation = assign.annotation.annotation
        if self.qualify(annotation.value if isinstance(annotation, cst.Subscript) else annotation) == "typing.ClassVar":
            return line
        if name == "__root__":
            raise Unportable("a __root__ model is a value, not a table of fields; tmlcfg configs are tables")
        todos_before = len(self.needs.todos)
        value = assign.value
        call = value if isinstance(value, cst.Call) and self.qualify(value.func) == "pydantic.Field" else None
        default: cst.BaseExpression | None = None
        factory: cst.BaseExpression | None = None
        keep: dict[str, cst.Arg] = {}
        bounds: dict[str, cst.BaseExpression] = {}
        if call is not None:
            for i, arg in enumerate(call.args):
                key = arg.keyword.value if arg.keyword is not None else ("default" if i == 0 else "?")
                if key == "default":
                    default = None if isinstance(arg.value, cst.Ellipsis) else arg.value
                elif key == "default_factory":
                    factory = arg.value
                elif key in _FIELD_KEYS:
                    keep[_FIELD_KEYS[key]] = arg
                elif key in BOUNDS or key in LENGTHS:
                    bounds[key] = arg.value
                elif key == "alias":
                    raise Unportable(
                        f"field {name} is read from the key {self.code(arg.value)}; rename the field to its key first"
                    )
                elif key not in ("title", "example", "examples"):
                    self.needs.todos.append(f"Field({key}=...) of {name} has no tmlcfg counterpart")
        else:
            default = value
        self.needs.secret = False
        text, shape = self.types.translate(annotation)
        if bounds:
            inner = text.removesuffix(" | None") if shape.optional else text
            text = self.types.annotated(inner, self.types.bounds(bounds, name))
            if shape.optional:
                text += " | None"
        required = default is None and factory is None
        grouped = "one_of" in keep or "at_most_one_of" in keep
        is_none = isinstance(default, cst.Name) and default.value == "None"
        if is_none or (required and (shape.optional or grouped)):
            # pydantic v1 made such a field optional; tmlcfg says so in the type
            text, shape = optional(text, shape)
            default, required = cst.Name("None"), False
        elif "at_most_one_of" in keep and (default is not None or factory is not None):
            raise Unportable(
                f"field {name} is in an at_most_one_of group with a default; tmlcfg's members default to "
                "None (a group with a default choice is a one_of)"
            )
        elif shape.optional and not grouped and not required:
            # TOML has no null: a field with another default is never None in a file
            text, shape = text.removesuffix(" | None"), shape.inner()
        fields[name] = shape
        default, factory = self._default(default, factory, shape)
        arguments: list[tuple[str, cst.BaseExpression]] = []
        if default is not None:
            arguments.append(("default", default))
        if factory is not None:
            arguments.append(("factory", factory))
        arguments.extend((key, arg.value) for key, arg in keep.items())
        if self.needs.secret:
            arguments.append(("secret", cst.Name("True")))
        new_annotation = annotation if text == self.code(annotation) else cst.parse_expression(text)
        new = assign.with_changes(annotation=assign.annotation.with_changes(annotation=new_annotation))
        if not arguments:
            new = new.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)
        elif len(arguments) == 1 and arguments[0][0] == "default":
            new = new.with_changes(value=arguments[0][1])
        else:
            self.needs.imports.add(("tmlcfg", None))
            args = [_arg(k, v) for k, v in arguments]
            func = cst.Attribute(cst.Name("tmlcfg"), cst.Name("field"))
            if call is not None:
                args = _keep_layout(call.args, args)
                new = new.with_changes(value=call.with_changes(func=func, args=args))
            else:
                new = new.with_changes(value=cst.Call(func, _keep_layout([], args)))
        todos = self.needs.todos[todos_before:]
        del self.needs.todos[todos_before:]
        return _with_todos(line.with_changes(body=[new, *line.body[1:]]), [f"{name}: {t}" for t in todos])

    def _default(
        self, default: cst.BaseExpression | None, factory: cst.BaseExpression | None, shape: Shape
    ) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
        inner = shape.inner()
        if factory is not None:
            made = self.qualify(factory)
            if made == "builtins.list" and inner.kind == "tuple":
                return cst.Tuple([]), None
            if made == "builtins.set" and inner.kind == "frozenset":
                return cst.parse_expression("frozenset()"), None
            if isinstance(factory, cst.Lambda):
                return None, factory.with_changes(body=convert_default(factory.body, shape))
            return None, factory
        if default is None:
            return None, None
        if isinstance(default, cst.Call) and not default.args:
            made = self.qualify(default.func)
            if made is not None and (self.index.is_config(made) or made == "builtins.dict"):
                return None, default.func
            if made == "builtins.list" and inner.kind == "tuple":
                return cst.Tuple([]), None
            if made == "builtins.set" and inner.kind == "frozenset":
                return cst.parse_expression("frozenset()"), None
        if isinstance(default, cst.Dict) and not default.elements and inner.kind == "mapping":
            return None, cst.Name("dict")
        return convert_default(default, shape), None


def _keep_layout(old: Sequence[cst.Arg], new: list[cst.Arg]) -> list[cst.Arg]:
    """New arguments laid out as the old ones were: the same commas and line breaks, in order."""
    out = []
    for i, arg in enumerate(new):
        last = i == len(new) - 1
        if last and old:
            arg = arg.with_changes(comma=old[-1].comma, whitespace_after_arg=old[-1].whitespace_after_arg)
        elif last:
            arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif i < len(old) - 1:
            arg = arg.with_changes(comma=old[i].comma, whitespace_after_arg=old[i].whitespace_after_arg)
        else:
            arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        out.append(arg)
    return out


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
