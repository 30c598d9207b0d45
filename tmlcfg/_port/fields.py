"""The fields of a pydantic class as a tmlcfg config's: type, default, ``Field(...)`` arguments."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .._port.index import Index
from .._port.types import BOUNDS, LENGTHS, OTHER, Needs, Shape, Types, Unportable, convert_default, optional

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
    #: notes on the class being ported: where it will behave otherwise than pydantic did
    notes: list[str]
    #: config classes with a required field, whose factory is no default
    project_needs_arguments: set[str]
    #: the module is written for pydantic v2
    v2: bool

    def _as_text(self, default: cst.BaseExpression) -> cst.BaseExpression:
        """A str field's default as a str: a str-enum member as its value, a ``Path(...)`` as its text."""
        if isinstance(default, cst.Attribute) and self.index.is_enum(self.qualify(default.value) or ""):
            return cst.Attribute(default, cst.Name("value"))
        if isinstance(default, cst.Call) and self.qualify(default.func) == "pathlib.Path":
            if len(default.args) == 1 and isinstance(default.args[0].value, cst.SimpleString):
                return default.args[0].value
            return cst.Call(cst.Name("str"), [cst.Arg(default)])
        return default

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
        self.needs.notes = []
        value = assign.value
        call = value if isinstance(value, cst.Call) and self.qualify(value.func) == "pydantic.Field" else None
        default: cst.BaseExpression | None = None
        factory: cst.BaseExpression | None = None
        keep: dict[str, cst.Arg] = {}
        bounds: dict[str, cst.BaseExpression] = {}
        # v2 puts Field(...) in the Annotated type too: its arguments count as the default's would
        given = [*self._annotated_field(annotation), *(call.args if call is not None else ())]
        if call is None and value is not None:
            default = value
        if given:
            for i, arg in enumerate(given):
                key = arg.keyword.value if arg.keyword is not None else ("default" if i == 0 else "?")
                if key == "default":
                    default = None if isinstance(arg.value, cst.Ellipsis) else arg.value
                elif key == "default_factory":
                    factory = arg.value
                elif key in _FIELD_KEYS:
                    keep[_FIELD_KEYS[key]] = arg
                elif key in BOUNDS or key in LENGTHS:
                    bounds[key] = arg.value
                elif key in ("alias", "validation_alias"):
                    raise Unportable(
                        f"field {name} is read from the key {self.code(arg.value)}; rename the field to its key first"
                    )
                elif key not in _SAID_BY_EVERY_CONFIG:
                    self.needs.todos.append(f"Field({key}=...) of {name} has no tmlcfg counterpart")
        self.needs.secret = False
        written = self.code(annotation)
        text, shape = self.types.translate(annotation)
        text, shape = self._choose(name, written, text, shape, default)
        if bounds:
            inner = text.removesuffix(" | None") if shape.optional else text
            text = self.types.annotated(inner, self.types.bounds(bounds, name))
            if shape.optional:
                text += " | None"
        required = default is None and factory is None
        grouped = "one_of" in keep or "at_most_one_of" in keep
        is_none = isinstance(default, cst.Name) and default.value == "None"
        dropped_none = shape.optional and not grouped and not required and not is_none
        if required and shape.optional and not grouped and self.v2:
            self.needs.notes.append(
                "pydantic v2 required it (Optional without a default); tmlcfg's optional fields default to None, "
                "so a file that leaves it out now loads"
            )
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
        if dropped_none:
            self._null_note(written, text)
        default, factory = self._default(default, factory, shape, name)
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
        self.notes.extend(f"{name}: {note}" for note in self.needs.notes)
        return with_todos(line.with_changes(body=[new, *line.body[1:]]), [f"{name}: {t}" for t in todos])

    def _annotated_field(self, annotation: cst.BaseExpression) -> list[cst.Arg]:
        """The arguments of a ``Field(...)`` inside an ``Annotated`` type (the type loses it)."""
        if not (isinstance(annotation, cst.Subscript) and self.qualify(annotation.value) == "typing.Annotated"):
            return []
        found: list[cst.Arg] = []
        for element in annotation.slice[1:]:
            item = element.slice
            if (
                isinstance(item, cst.Index)
                and isinstance(item.value, cst.Call)
                and self.qualify(item.value.func) == "pydantic.Field"
            ):
                found.extend(a for a in item.value.args if a.keyword is not None)
        return found

    def _choose(
        self, name: str, written: str, text: str, shape: Shape, default: cst.BaseExpression | None
    ) -> tuple[str, Shape]:
        """A union tmlcfg cannot hold (``int | tuple[int, int]``) as the members of its default's kind."""
        inner = shape.inner()
        if inner.kind != "choice":
            return text, shape
        many = isinstance(default, (cst.List, cst.Tuple))
        chosen = [(t, s) for t, s in zip(inner.texts, inner.args, strict=True) if (s.kind == "tuple") == many]
        if not chosen:
            chosen = list(zip(inner.texts, inner.args, strict=True))[:1]
        other = " | ".join(t for t in inner.texts if t not in [c for c, _ in chosen])
        text = " | ".join(t for t, _ in chosen)
        self.needs.notes.append(
            f"`{written}` became `{text}` (the kind of its default), since a TOML value cannot say which of "
            f"the two it is; a file that gives {other} is refused"
        )
        new: Shape = chosen[0][1] if len(chosen) == 1 else OTHER
        return (f"{text} | None", Shape("optional", [new])) if shape.optional else (text, new)

    def _null_note(self, written: str, text: str) -> None:
        self.needs.notes.append(
            f"`{written}` with a default other than None became `{text}`: a file can no longer set it to null "
            "(tmlcfg convert refuses such a file, with its line); to keep what null meant, give the field a "
            f"sentinel value of its own type, or make it `{text} | None = None` and move the default to the "
            "code that reads it"
        )

    def _default(
        self, default: cst.BaseExpression | None, factory: cst.BaseExpression | None, shape: Shape, name: str = ""
    ) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
        inner = shape.inner()
        made_by = self.qualify(factory) if factory is not None else None
        if default is not None and isinstance(default, cst.Call) and not default.args:
            made_by = self.qualify(default.func)
        if made_by is not None and made_by in self.project_needs_arguments:
            # pydantic called the factory only for a missing key, and it fails without arguments
            self.needs.notes.append(
                f"its default {made_by.rpartition('.')[2]}() needs arguments, so pydantic failed whenever a "
                "file left the field out; the field is required now"
            )
            return None, None
        if default is not None and inner.kind == "str":
            default = self._as_text(default)
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


#: Field(...) arguments that say what every tmlcfg config does anyway, or only shape JSON schemas
_SAID_BY_EVERY_CONFIG = frozenset(
    {
        "title",
        "example",
        "examples",
        "json_schema_extra",
        "frozen",
        "allow_mutation",
        "strict",
        "validate_default",
        "discriminator",
        "init",
        "init_var",
        "kw_only",
        "union_mode",
        "repr",
    }
)


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
