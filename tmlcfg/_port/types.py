"""Field types and defaults of pydantic spelled as tmlcfg's: tuples, mappings, ``| None``, bounds, unions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

#: pydantic's number types that tmlcfg ships, and the strict ones that are plain types in tmlcfg.
NUMBERS = {
    f"pydantic.{n}": f"tmlcfg.{n}" for n in ("PositiveInt", "NonNegativeInt", "PositiveFloat", "NonNegativeFloat")
}
STRICT = {"pydantic.StrictInt": "int", "pydantic.StrictStr": "str", "pydantic.StrictBool": "bool"}
STRICT["pydantic.StrictFloat"] = "float"
_SCALARS = {"builtins.int": "int", "builtins.float": "float", "builtins.str": "str", "builtins.bool": "bool"}
_LISTS = {"typing.List", "builtins.list", "typing.Sequence", "collections.abc.Sequence"}
_DICTS = {"typing.Dict", "builtins.dict", "typing.Mapping", "collections.abc.Mapping"}
_SETS = {"typing.Set", "builtins.set", "typing.FrozenSet", "builtins.frozenset", "typing.AbstractSet"}
_TUPLES = {"typing.Tuple", "builtins.tuple"}
#: Bounds pydantic's con* types and Field() take, and the annotated-types class for each.
BOUNDS = {"gt": "Gt", "ge": "Ge", "lt": "Lt", "le": "Le", "multiple_of": "MultipleOf"}
LENGTHS = {"min_length": "MinLen", "max_length": "MaxLen", "min_items": "MinLen", "max_items": "MaxLen"}


class Unportable(Exception):
    """A class tmlcfg cannot express; the message says what and why."""


@dataclass
class Shape:
    """What a translated type holds, for translating its default: kind and the shapes inside."""

    kind: str  # float, int, str, bool, path, tuple, mapping, frozenset, optional, config, variant, choice, other
    args: list[Shape] = field(default_factory=list)
    config: str | None = None
    #: for a choice (a union tmlcfg cannot hold, such as ``int | tuple[int, int]``): each member's spelling
    texts: list[str] = field(default_factory=list)

    @property
    def optional(self) -> bool:
        return self.kind == "optional"

    def inner(self) -> Shape:
        return self.args[0] if self.kind == "optional" else self


OTHER = Shape("other")


@dataclass
class Needs:
    """Imports the translated module needs, and notes for a person."""

    imports: set[tuple[str, str | None]] = field(default_factory=set)
    todos: list[str] = field(default_factory=list)
    #: a quoted forward reference was unquoted, so the classes must be put in order
    forward: bool = False
    #: the field being translated held a SecretStr
    secret: bool = False
    #: notes on the field being translated: where it will behave otherwise than pydantic did
    notes: list[str] = field(default_factory=list)


class Types:
    """Translates annotations of one module; ``resolve`` gives the canonical name of a dotted expression."""

    def __init__(
        self,
        module: cst.Module,
        resolve: Callable[[cst.BaseExpression], str | None],
        is_config: Callable[[str], bool],
        needs: Needs,
        is_enum: Callable[[str], bool] = lambda name: False,
        bounds_module: str | None = None,
    ) -> None:
        #: the name the module already imports annotated_types by, if it does
        self.bounds_module = bounds_module
        self.module = module
        self.resolve = resolve
        self.is_config = is_config
        self.is_enum = is_enum
        self.needs = needs

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def mapping(self) -> str:
        self.needs.imports.add(("collections.abc", "Mapping"))
        return "Mapping"

    def any(self) -> str:
        self.needs.imports.add(("typing", "Any"))
        return "Any"

    def annotated(self, base: str, metadata: list[str]) -> str:
        if not metadata:
            return base
        self.needs.imports.add(("typing", "Annotated"))
        if self.bounds_module is None:
            self.needs.imports.add(("annotated_types", None))
        return f"Annotated[{base}, {', '.join(metadata)}]"

    def translate(self, node: cst.BaseExpression) -> tuple[str, Shape]:
        """tmlcfg's spelling of a pydantic v1 annotation, and its shape."""
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Call):
            return self._constrained(node)
        if isinstance(node, cst.Name) and node.value == "None":
            return "None", OTHER
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._union(_members(node))
        if isinstance(node, cst.SimpleString):
            # a forward reference: the classes are put in order, so it needs no quotes
            self.needs.forward = True
            try:
                return self.translate(cst.parse_expression(str(node.evaluated_value)))
            except cst.ParserSyntaxError:
                raise Unportable(f"cannot read the type {self.code(node)}") from None
        name = self.resolve(node)
        if name is None:
            return self.code(node), OTHER
        _refuse_runtime_objects(name, self.code(node))
        if name == "pathlib.Path":
            return self.code(node), Shape("path")
        if name in NUMBERS:
            return NUMBERS[name], Shape("float" if "Float" in name else "int")
        if name in STRICT:
            return STRICT[name], Shape(STRICT[name])
        if name == "pydantic.SecretStr":
            # tmlcfg keeps the str and hides it in every output instead
            self.needs.secret = True
            return "str", Shape("str")
        if name in _SCALARS:
            return _SCALARS[name], Shape(_SCALARS[name])
        if name in _DICTS:
            return f"{self.mapping()}[str, {self.any()}]", Shape("mapping", [OTHER])
        if name in _LISTS or name in _SETS:
            raise Unportable(f"a bare {self.code(node)} says nothing of its items; give it an item type first")
        if name.startswith("pydantic."):
            raise Unportable(f"tmlcfg has no counterpart of {name}")
        if self.is_config(name):
            return self.code(node), Shape("config", config=name)
        if self.is_enum(name):
            return self.code(node), Shape("enum", config=self.code(node))
        return self.code(node), OTHER

    def _items(self, node: cst.Subscript) -> list[cst.BaseExpression]:
        items = []
        for element in node.slice:
            if not isinstance(element.slice, cst.Index):
                raise Unportable(f"cannot read the type {self.code(node)}")
            items.append(element.slice.value)
        return items

    def _subscript(self, node: cst.Subscript) -> tuple[str, Shape]:
        name = self.resolve(node.value)
        if name is not None:
            _refuse_runtime_objects(name, self.code(node))
        items = self._items(node)
        if name in _LISTS and len(items) == 1:
            inner, shape = self.translate(items[0])
            return f"tuple[{inner}, ...]", Shape("tuple", [shape])
        if name in _TUPLES:
            if len(items) == 2 and isinstance(items[1], cst.Ellipsis):
                inner, shape = self.translate(items[0])
                return f"tuple[{inner}, ...]", Shape("tuple", [shape])
            parts = [self.translate(i) for i in items]
            return f"tuple[{', '.join(p for p, _ in parts)}]", Shape("tuple", [s for _, s in parts])
        if name in _DICTS and len(items) == 2:
            key, _ = self.translate(items[0])
            value, shape = self.translate(items[1])
            if key != "str":
                raise Unportable(f"{self.code(node)} has {key} keys, and TOML's keys are strings")
            return f"{self.mapping()}[{key}, {value}]", Shape("mapping", [shape])
        if name in _SETS and len(items) == 1:
            inner, shape = self.translate(items[0])
            return f"frozenset[{inner}]", Shape("frozenset", [shape])
        if name == "typing.Optional" and len(items) == 1:
            inner, shape = self.translate(items[0])
            return optional(inner, shape)
        if name == "typing.Union":
            return self._union([m for item in items for m in _members(item)])
        if name == "typing.Annotated":
            inner, shape = self.translate(items[0])
            metadata = [self.code(i) for i in items[1:] if not (self.resolve(_called(i)) or "").startswith("pydantic.")]
            for item in items[1:]:
                made = self.resolve(_called(item)) or ""
                if made.startswith("pydantic.") and made != "pydantic.Field":
                    self.needs.todos.append(f"{self.code(item)} in its Annotated type is not run by tmlcfg")
            if not metadata:
                return inner, shape
            self.needs.imports.add(("typing", "Annotated"))
            return f"Annotated[{', '.join([inner, *metadata])}]", shape
        return self.code(node), OTHER

    def _union(self, items: list[cst.BaseExpression]) -> tuple[str, Shape]:
        members = [self.translate(i) for i in items]
        real = [(c, s) for c, s in members if c != "None"]
        has_none = len(real) < len(members)
        kinds = [s.kind for _, s in real]
        if "str" in kinds and "path" in kinds:
            # a file's text is a str either way, and pydantic (v2's smart unions, v1's first match) kept str
            self.needs.notes.append(
                f"`{' | '.join(c for c, _ in real)}` became str, the type pydantic gave a file's text; "
                "a default Path(...) is its text"
            )
            real = [(c, s) for c, s in real if s.kind != "path"]
            kinds = [s.kind for _, s in real]
        text = " | ".join(c for c, _ in real)
        configs = [s for _, s in real if s.kind == "config"]
        if len(configs) > 1 and len(configs) == len(real):
            # one of several config classes: a variant field, each named in a file by its tag
            shape = Shape("variant", configs)
            self.needs.notes.append(
                "a variant field now: a file names the variant under `kind`; pydantic-era files have none, and "
                "`tmlcfg convert --class` writes it, choosing the variant whose fields fit the table's keys as "
                "pydantic's union did (a table that fits several is refused with its line)"
            )
        elif configs and len(real) > 1:
            raise Unportable(f"`{text}` mixes config classes with other types, which no TOML table can say")
        elif len(real) > 1 and any(k in ("tuple", "mapping", "frozenset") for k in kinds):
            shape = Shape("choice", [s for _, s in real], texts=[c for c, _ in real])
        else:
            shape = real[0][1] if len(real) == 1 else OTHER
        if has_none:
            return optional(text, shape)
        return text, shape

    def _constrained(self, node: cst.Call) -> tuple[str, Shape]:
        name = self.resolve(node.func)
        kinds = {"pydantic.conint": "int", "pydantic.confloat": "float", "pydantic.constr": "str"}
        positional = [a.value for a in node.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if name in kinds:
            base, shape = kinds[name], Shape(kinds[name])
        elif name in ("pydantic.conlist", "pydantic.conset") and positional:
            inner, item = self.translate(positional[0])
            if name == "pydantic.conlist":
                base, shape = f"tuple[{inner}, ...]", Shape("tuple", [item])
            else:
                base, shape = f"frozenset[{inner}]", Shape("frozenset", [item])
            keywords.pop("item_type", None)
        else:
            raise Unportable(f"tmlcfg has no counterpart of {self.code(node)}")
        keywords.pop("strict", None)
        return self.annotated(base, self.bounds(keywords, self.code(node))), shape

    def bounds(self, keywords: dict[str, cst.BaseExpression], where: str) -> list[str]:
        """annotated-types metadata for pydantic's bound keywords; the rest noted for a person."""
        metadata = []
        for key, value in keywords.items():
            if key in BOUNDS:
                metadata.append(f"{self.bounds_module or 'annotated_types'}.{BOUNDS[key]}({self.code(value)})")
            elif key in LENGTHS:
                metadata.append(f"{self.bounds_module or 'annotated_types'}.{LENGTHS[key]}({self.code(value)})")
            else:
                self.needs.todos.append(f"{key}= of {where} has no tmlcfg counterpart and is not checked")
        return metadata


#: what a config cannot hold: values that live only while a program runs
_RUNTIME = ("torch.", "numpy.", "jax.", "tensorflow.", "pandas.")
_CALLABLES = frozenset(
    {"typing.Callable", "collections.abc.Callable", "builtins.object", "typing.Type", "builtins.type"}
)


def _refuse_runtime_objects(name: str, spelled: str) -> None:
    if name.startswith(_RUNTIME):
        raise Unportable(f"a field holds {spelled}, which is data of a running program, not configuration")
    if name in _CALLABLES:
        raise Unportable(f"a field holds {spelled}, which no file can write")


def _members(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The members of ``A | B | C`` (which parses as ``(A | B) | C``), each once."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [*_members(node.left), *_members(node.right)]
    return [node]


def _called(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.func if isinstance(node, cst.Call) else node


def optional(text: str, shape: Shape) -> tuple[str, Shape]:
    if shape.optional:
        return text, shape
    return f"{text} | None", Shape("optional", [shape])


def _number(node: cst.BaseExpression) -> int | float | None:
    """The value of an integer expression of literals (``60 * 60``), if that is what it is."""
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _number(node.expression)
        return None if inner is None else -inner
    if isinstance(node, cst.BinaryOperation):
        left, right = _number(node.left), _number(node.right)
        if left is None or right is None:
            return None
        op = node.operator
        if isinstance(op, cst.Add):
            return left + right
        if isinstance(op, cst.Subtract):
            return left - right
        if isinstance(op, cst.Multiply):
            return left * right
        if isinstance(op, cst.Power) and isinstance(right, int) and 0 <= right <= 64:
            return left**right
    return None


def convert_default(node: cst.BaseExpression, shape: Shape) -> cst.BaseExpression:
    """A pydantic default as the value of the translated type: lists as tuples, ints as floats."""
    shape = shape.inner()
    if shape.kind == "enum" and shape.config and isinstance(node, (cst.SimpleString, cst.Integer)):
        # pydantic v1 kept a default as written; tmlcfg holds the member it names
        return cst.Call(cst.parse_expression(shape.config), [cst.Arg(node)])
    if shape.kind == "float":
        value = _number(node)
        if isinstance(value, int) and abs(value) < 2**53:
            return cst.parse_expression(repr(float(value)))
        return node
    if shape.kind == "tuple" and isinstance(node, (cst.List, cst.Tuple)):
        items = [_item(e, shape, i) for i, e in enumerate(node.elements)]
        if len(items) == 1 and not isinstance(items[0].comma, cst.Comma):
            items[0] = items[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace("")))
        if isinstance(node, cst.Tuple):
            return node.with_changes(elements=items)
        return cst.Tuple(
            items,
            lpar=[cst.LeftParen(node.lbracket.whitespace_after)],
            rpar=[cst.RightParen(node.rbracket.whitespace_before)],
        )
    if shape.kind == "frozenset" and isinstance(node, (cst.Set, cst.List)):
        items = [_item(e, shape, 0) for e in node.elements]
        return cst.parse_expression("frozenset()").with_changes(args=[cst.Arg(cst.Set(items))] if items else [])
    if shape.kind == "mapping" and isinstance(node, cst.Dict):
        elements = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                element = element.with_changes(value=convert_default(element.value, shape.args[0]))
            elements.append(element)
        return node.with_changes(elements=elements)
    return node


def _item(element: cst.BaseElement, shape: Shape, index: int) -> cst.Element:
    inner = shape.args[min(index, len(shape.args) - 1)] if shape.args else OTHER
    if not isinstance(element, cst.Element):
        raise Unportable("a starred item in a default cannot be translated")
    return element.with_changes(value=convert_default(element.value, inner))
