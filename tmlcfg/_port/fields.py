"""The fields of a pydantic class as a tmlcfg config's: type, default, ``Field(...)`` arguments."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .._port.index import Index
from .._port.types import BOUNDS, LENGTHS, Needs, Shape, Types, Unportable, convert_default, optional

TODO = "# TODO(tmlcfg port): "
_FIELD_KEYS = {"description": "doc", "one_of": "one_of", "at_most_one_of": "at_most_one_of"}


def _todo(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(comment=cst.Comment(TODO + " ".join(text.split())))


def with_todos(node: cst.CSTNodeT, texts: Sequence[str]) -> cst.CSTNodeT:
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


class FieldPorter:
    """The part of a module's rewrite that ports one field; mixed into the module rewriter."""

    index: Index
    needs: Needs
    types: Types

    def qualify(self, node: cst.BaseExpression) -> str | None:
        raise NotImplementedError

    def code(self, node: cst.CSTNode) -> str:
        raise NotImplementedError

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
        return with_todos(line.with_changes(body=[new, *line.body[1:]]), [f"{name}: {t}" for t in todos])

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
