"""pydantic validators (v1 and v2) as ``__attrs_post_init__`` checks, or the reason a person must port one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

VALIDATORS = {
    "pydantic.validator": "field",
    "pydantic.root_validator": "root",
    "pydantic.field_validator": "field",
    "pydantic.model_validator": "model",
}
#: the v2 modes that hand the validator something else than the value to check
_OPAQUE_MODES = {
    "plain": "with mode='plain' it replaces pydantic's own validation of the field",
    "wrap": "with mode='wrap' it decides whether pydantic's own validation runs at all",
}
_CHANGES = frozenset({"update", "pop", "setdefault", "clear", "popitem", "__setitem__"})


def lead(statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    """``statement`` with ``lines`` (comments, blank lines) before the ones it has."""
    own: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    joined = [*lines, *own]
    # no two blank lines where what was removed met what follows
    at = len(lines)
    if 0 < at < len(joined) and joined[at - 1].comment is None and joined[at].comment is None:
        del joined[at]
    return statement.with_changes(leading_lines=joined)


class Untranslatable(Exception):
    """Why a validator cannot become a check mechanically."""


@dataclass
class Validator:
    """One validator found in a class: its function and how pydantic was told to run it."""

    node: cst.FunctionDef
    kind: str  # field, root (v1, or v2's model validator in mode 'before') or model (v2, mode 'after')
    fields: list[str]
    pre: bool
    always: bool
    each_item: bool
    #: v2's mode='plain' or 'wrap', which no check can stand for
    opaque: str | None = None
    v2: bool = False


def find(node: cst.FunctionDef, resolve: Callable[[cst.BaseExpression], str | None]) -> Validator | None:
    for decorator in node.decorators:
        expr = decorator.decorator
        call = expr if isinstance(expr, cst.Call) else None
        resolved = resolve(call.func if call else expr) or ""
        kind = VALIDATORS.get(resolved)
        if kind is None:
            continue
        names: list[str] = []
        flags: dict[str, bool] = {}
        mode = "after"
        for arg in call.args if call else ():
            if arg.keyword is None and isinstance(arg.value, cst.SimpleString):
                names.append(str(arg.value.evaluated_value))
            elif arg.keyword is not None and arg.keyword.value == "mode" and isinstance(arg.value, cst.SimpleString):
                mode = str(arg.value.evaluated_value)
            elif arg.keyword is not None:
                flags[arg.keyword.value] = isinstance(arg.value, cst.Name) and arg.value.value == "True"
        pre = flags.get("pre", False) or mode == "before"
        if kind == "model":
            kind = "root" if mode == "before" else "model"
        opaque = _OPAQUE_MODES.get(mode)
        if kind == "model" and mode not in ("after", "before"):
            opaque = f"with mode={mode!r} it runs around pydantic's own validation"
        always, each = flags.get("always", False), flags.get("each_item", False)
        v2 = resolved.endswith(("field_validator", "model_validator"))
        return Validator(node, kind, names, pre, always, each, opaque, v2)
    return None


def _string_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) and value.isidentifier() else None
    return None


class _Body(cst.CSTTransformer):
    """Rewrites one validator's body for a given field: ``v`` and ``values["x"]`` become ``self.<field>``."""

    def __init__(
        self,
        value: str | None,
        field: str | None,
        values: str | None,
        others: Sequence[str],
        name: str,
        module: cst.Module,
    ) -> None:
        self.value, self.field, self.values, self.others = value, field, values, set(others)
        self.name, self.module = name, module
        self.skip: set[int] = set()
        self.problem: str | None = None
        self.depth = 0

    def _self(self, name: str) -> cst.Attribute:
        return cst.Attribute(cst.Name("self"), cst.Name(name))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Param(self, node: cst.Param) -> None:
        self.skip.add(id(node.name))
        if node.name.value in (self.value, self.values):
            self.problem = self.problem or f"a function inside it takes {node.name.value!r} too"

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self.skip:
            return updated
        if original.value == self.value and self.field is not None:
            return self._self(self.field)
        if original.value in self.others:
            self.problem = self.problem or f"it uses {original.value!r}, which has no counterpart on a built config"
        return updated

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == self.values and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index) and _string_key(index.value) is not None:
                self.skip.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.values
            and func.attr.value == "get"
            and node.args
            and _string_key(node.args[0].value) is not None
        ):
            self.skip.add(id(func.value))

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in (self.value, self.values):
            self.skip.add(id(node.value))

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        if isinstance(original.value, cst.Name) and original.value.value == self.values and len(original.slice) == 1:
            index = original.slice[0].slice
            key = _string_key(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                return self._self(key)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == self.values:
            if func.attr.value == "get" and original.args:
                key = _string_key(original.args[0].value)
                if key is not None:
                    return self._self(key)
            if func.attr.value in _CHANGES:
                self.problem = "it changes the values pydantic builds the object from"
        return updated

    def leave_Raise(self, original: cst.Raise, updated: cst.Raise) -> cst.Raise:
        # pydantic turned these into validation errors; tmlcfg reports ValueError from a check
        exc = updated.exc
        if (
            isinstance(exc, cst.Call)
            and isinstance(exc.func, cst.Name)
            and exc.func.value in ("TypeError", "AssertionError")
        ):
            return updated.with_changes(exc=exc.with_changes(func=cst.Name("ValueError")))
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        for target in original.targets:
            self._assigned(target.target)
        return updated

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign) -> cst.AugAssign:
        self._assigned(original.target)
        return updated

    def _assigned(self, target: cst.BaseExpression) -> None:
        root = target
        while isinstance(root, (cst.Subscript, cst.Attribute)):
            root = root.value
        if isinstance(root, cst.Name) and root.value in (self.value, self.values, "self") and self.depth == 0:
            self.problem = "it changes a value, which a frozen config cannot"

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        return _assert_to_if(updated, self.name, self.module)

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if self.depth == 0:
            returned = original.value
            if not (isinstance(returned, cst.Name) and returned.value in (self.value, self.values)):
                self.problem = "it returns a new value instead of checking one"
        return updated


def _assert_to_if(line: cst.SimpleStatementLine, name: str, module: cst.Module) -> cst.BaseStatement:
    if len(line.body) != 1 or not isinstance(line.body[0], cst.Assert):
        return line
    check = line.body[0]
    condition = module.code_for_node(check.test)
    if check.msg is not None:
        message = module.code_for_node(check.msg)
    else:
        message = '"{}"'.format(f"{name}: {condition} does not hold".replace("\\", "\\\\").replace('"', '\\"'))
    statement = cst.parse_statement(f"if not ({condition}):\n    raise ValueError({message})\n")
    return statement.with_changes(leading_lines=line.leading_lines)


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _returns_input(statement: cst.BaseStatement, names: tuple[str | None, ...]) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return isinstance(small, cst.Return) and isinstance(small.value, cst.Name) and small.value.value in names


def _has_return(statements: Sequence[cst.BaseStatement]) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            nonlocal found
            found = True

    for statement in statements:
        statement.visit(Finder())
    return found


def translate(
    validator: Validator, module: cst.Module, optional: Callable[[str], bool]
) -> tuple[list[cst.BaseStatement], list[cst.FunctionDef]]:
    """The checks a validator makes, as statements of ``__attrs_post_init__``; Untranslatable if it is more."""
    node = validator.node
    if validator.opaque:
        raise Untranslatable(validator.opaque)
    if validator.each_item:
        raise Untranslatable("it checks each item (each_item=True)")
    if node.params.star_arg is not cst.MaybeSentinel.DEFAULT or node.params.star_kwarg is not None:
        raise Untranslatable("it takes *args or **kwargs")
    params = [p.name.value for p in node.params.params]
    cls_name = params[0] if params else "cls"
    body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
    if body and is_docstring(body[0]):
        body = body[1:]
    others: list[str] = []
    value: str | None
    values: str | None
    if validator.kind == "model":
        # v2's model validator in mode 'after' checks the built object, as __attrs_post_init__ does
        if params[:1] != ["self"]:
            raise Untranslatable("it names the object otherwise than self")
        value, values, extras = None, "self", params[1:]
        fields: list[str | None] = [None]
    elif validator.kind == "root":
        value, values, extras = None, params[1] if len(params) > 1 else None, params[2:]
        fields = [None]
        others = [values] if values else []
    else:
        if "*" in validator.fields or not validator.fields:
            raise Untranslatable("it runs on every field ('*')")
        value = params[1] if len(params) > 1 else None
        values = params[2] if len(params) > 2 else None
        extras = params[3:]
        fields = list(validator.fields)
        others = [values] if values else []
        if values is not None and validator.v2:
            # v2 hands a ValidationInfo: its .data is what v1 handed as values
            body = [s.visit(_InfoData(values)) for s in body]  # type: ignore[misc]
    if body and _returns_input(body[-1], (value, values)):
        body = body[:-1]
    replaced = _replacement(validator, body, (value, values))
    if replaced is not None:
        # v2's after-validator may give the field a new value: the check sets it, as pydantic did
        body = body[:-1]
    out: list[cst.BaseStatement] = []
    methods: list[cst.FunctionDef] = []
    owner = [cls_name] if validator.kind != "model" else []
    for field in fields:
        rewriter = _Body(value, field, values, [*owner, *extras, *others], node.name.value, module)
        statements: list[cst.BaseStatement] = []
        own = body if replaced is None or field is None else [*body, _set(field, replaced)]
        for statement in _field_named(own, values, field) if validator.v2 else own:
            rewritten = statement.visit(rewriter)
            if isinstance(rewritten, cst.BaseStatement):
                statements.append(rewritten)
        if rewriter.problem:
            if validator.pre:
                mode = "mode='before'" if validator.v2 else "pre=True"
                raise Untranslatable(f"with {mode} it sees the raw input, and {rewriter.problem}")
            raise Untranslatable(rewriter.problem)
        if not statements:
            continue
        if _has_return(body):
            if len(fields) > 1:
                raise Untranslatable("it returns before its end and checks several fields")
            # its early returns end this check only: it becomes a method the checks call
            method = _method(node, statements)
            methods.append(method)
            call = cst.parse_statement(f"self.{node.name.value}()\n")
            statements = [call]
        if field is not None and optional(field) and not validator.always:
            # pydantic skipped the validator for a field left out, whose default here is None
            guard = cst.parse_statement(f"if self.{field} is not None:\n    pass\n")
            assert isinstance(guard, cst.If)
            statements = [guard.with_changes(body=guard.body.with_changes(body=statements))]
        comment = cst.EmptyLine(comment=cst.Comment(f"# {node.name.value}" + (f" ({field})" if field else "")))
        statements[0] = lead(statements[0], [comment])
        out.extend(statements)
    return out, methods


def _replacement(
    validator: Validator, body: list[cst.BaseStatement], inputs: tuple[str | None, ...]
) -> cst.BaseExpression | None:
    """What a v2 after-validator of fields returns at its end instead of the value it was given, if it does."""
    if not (validator.v2 and validator.kind == "field" and not validator.pre and body):
        return None
    last = body[-1]
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(last.body[0], cst.Return)):
        return None
    returned = last.body[0].value
    if returned is None or (isinstance(returned, cst.Name) and returned.value in inputs):
        return None
    return returned


def _set(field: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    """``object.__setattr__(self, "field", value)``: the one way a check may set a frozen field."""
    setter = cst.Attribute(cst.Name("object"), cst.Name("__setattr__"))
    args = [cst.Arg(cst.Name("self")), cst.Arg(cst.SimpleString(f'"{field}"')), cst.Arg(value)]
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    args = [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:]
    return cst.SimpleStatementLine([cst.Expr(cst.Call(setter, args))])


class _InfoData(cst.CSTTransformer):
    """``info.data`` read as v1's ``values``: ``info.data["x"]`` becomes ``info["x"]``, which _Body knows."""

    def __init__(self, info: str) -> None:
        self.info = info

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if isinstance(updated.value, cst.Name) and updated.value.value == self.info and updated.attr.value == "data":
            return updated.value
        return updated


class _FieldName(cst.CSTTransformer):
    def __init__(self, info: str, field: str) -> None:
        self.info, self.field = info, field

    def _is_name(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == self.info
            and node.attr.value == "field_name"
        )

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString) -> cst.FormattedString:
        """``f"{info.field_name} ..."`` reads ``f"size ..."``: the name written where it was computed."""
        parts: list[cst.BaseFormattedStringContent] = []
        for part, new in zip(original.parts, updated.parts, strict=True):
            if (
                isinstance(part, cst.FormattedStringExpression)
                and part.conversion is None
                and part.format_spec is None
                and self._is_name(part.expression)
            ):
                parts.append(cst.FormattedStringText(self.field))
            else:
                parts.append(new)
        return updated.with_changes(parts=parts)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        value = updated.value
        if isinstance(value, cst.Name) and value.value == self.info and updated.attr.value == "field_name":
            return cst.SimpleString(repr(self.field))
        return updated


def _field_named(body: list[cst.BaseStatement], info: str | None, field: str | None) -> list[cst.BaseStatement]:
    """``info.field_name`` as the name of the field being checked."""
    if info is None or field is None:
        return body
    return [s.visit(_FieldName(info, field)) for s in body]  # type: ignore[misc]


class _BareReturns(cst.CSTTransformer):
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        return updated.with_changes(value=None, whitespace_after_return=cst.MaybeSentinel.DEFAULT)


def _method(node: cst.FunctionDef, statements: list[cst.BaseStatement]) -> cst.FunctionDef:
    body = [s.visit(_BareReturns()) for s in statements]
    docstring = list(node.body.body[:1]) if isinstance(node.body, cst.IndentedBlock) else []
    if not (docstring and is_docstring(docstring[0])):
        docstring = []
    header = cst.parse_statement(f"def {node.name.value}(self) -> None:\n    pass\n")
    assert isinstance(header, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock)
    kept = [s for s in [*docstring, *body] if isinstance(s, cst.BaseStatement)]
    return header.with_changes(body=node.body.with_changes(body=kept), leading_lines=node.leading_lines)


def commented_out(node: cst.FunctionDef, module: cst.Module, reason: str) -> list[cst.EmptyLine]:
    """The validator as comment lines under a TODO that says why a person must port it."""
    text = module.code_for_node(node.with_changes(leading_lines=[]))
    lines = [
        cst.EmptyLine(
            comment=cst.Comment(
                f"# TODO(tmlcfg port): validator {node.name.value}: {reason}; port it to __attrs_post_init__ by hand"
            )
        )
    ]
    lines.extend(cst.EmptyLine(comment=cst.Comment(f"# {line}".rstrip())) for line in _dedent(text).splitlines())
    return lines


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")
