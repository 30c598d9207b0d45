"""What tmlcfg knows of one config class, and how it builds and takes apart instances."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs

from .._base.errors import ConfigError, Invalid, RawProblem, prefixed
from .._base.keypaths import PathSyntaxError, PathTuple, parse_path
from .._base.sentinels import FAILED, GROUP_DEFAULT, MISSING
from .._base.tags import default_tag
from .._base.wording import MASKING, failure, got, literal, scrub
from .nodes import KIND_KEY, TypeNode

if TYPE_CHECKING:
    from .._migrate.plan import Plan


class FieldSpec:
    """One field: its node, default, doc and group, ready for the hot path."""

    __slots__ = (
        "default",
        "doc",
        "factory",
        "group",
        "name",
        "node",
        "optional",
        "secret",
        "type_text",
        "validator",
    )

    def __init__(
        self,
        name: str,
        node: TypeNode,
        optional: bool,
        default: Any,
        factory: Callable[[], Any] | None,
        doc: str | None,
        secret: bool,
        validator: Callable[[Any], object] | None,
        type_text: str,
    ) -> None:
        self.name = name
        self.node = node
        self.optional = optional
        self.default = default
        self.factory = factory
        self.doc = doc
        self.secret = secret
        self.validator = validator
        self.type_text = type_text
        self.group: Group | None = None

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.factory is None

    def check(self, value: Any) -> Any:
        """The value checked and frozen by the field's type (not its validator); :class:`Invalid` if bad."""
        if not self.secret:
            return self.node.structure(value)
        # below a secret, messages show no value: the field's own, or any inside it
        token = MASKING.set(True)
        try:
            return self.node.structure(value)
        except Invalid as e:
            # a secret's own keys (a mapping's, an unknown one) are secret too; field names are not
            hide = _key_hider(self.node)
            raise Invalid([(hide(p), m, tuple(hide(a) for a in anchors)) for p, m, anchors in e.problems]) from None
        finally:
            MASKING.reset(token)

    def validate(self, value: Any) -> None:
        """Run the user's validator on a checked value; whatever it raises becomes a problem here
        (a ``ValueError`` as its message, anything else with its type too)."""
        if self.validator is not None:
            try:
                self.validator(value)
            except Exception as e:
                message = failure(e)
                if self.secret or MASKING.get():
                    message = scrub(message, secret_texts(self.node, value))
                else:  # a config's value may hold secrets of its own, which the message may quote
                    message = scrub(message, secrets_below(self.node, value))
                raise Invalid.one(message) from None

    def structure(self, value: Any) -> Any:
        """Checked, then validated: what a given value of this field becomes."""
        if value is None and self.optional:
            return None
        result = self.check(value)
        self.validate(result)
        return result

    def default_value(self) -> Any:
        if self.factory is not None:
            return self.structure(self.factory())
        return self.default


@attrs.define(eq=False)
class Group:
    """``one_of`` (exactly one member set) or ``at_most_one_of`` (at most one)."""

    name: str
    exactly_one: bool
    members: tuple[str, ...]
    default_member: str | None

    def check(self, values: dict[str, Any]) -> RawProblem | None:
        chosen = [m for m in self.members if values[m] is not None]
        names = ", ".join(self.members)
        if self.exactly_one and len(chosen) != 1:
            text = f"exactly one of {names} must be set; got {', '.join(chosen) or 'none'}"
        elif len(chosen) > 1:
            text = f"at most one of {names} may be set; got {', '.join(chosen)}"
        else:
            return None
        return ((), text, tuple((m,) for m in chosen))


#: How many unknown keys' hints a class remembers, and the longest key it remembers one for.
_MAX_HINTS = 256
_MAX_HINT_KEY = 200


class ClassSpec:
    """Fields, groups and the user's cross-field check of one config class."""

    def __init__(
        self,
        cls: type,
        fields: list[FieldSpec],
        groups: list[Group],
        post_init: Callable[[Any], None] | None,
    ) -> None:
        self.cls = cls
        self.fields = fields
        self.by_name = {f.name: f for f in fields}
        self.groups = groups
        self.post_init = post_init
        self.doc = (cls.__doc__ or "").strip() or None
        #: The class's compiled migration plan, ``None`` when nothing in its tree migrates
        #: (set by the migrations package, which compiles it when the class is defined).
        self.plan: Plan | None = None
        #: the name a variant field's ``kind`` gives this class, and the names it had before
        self.tag = default_tag(cls.__name__)
        self.old_tags: tuple[str, ...] = ()
        self._code: tuple[Callable[[Any], Any], Callable[[Any, Any], None]] | None = None
        self._unstructure_code: Callable[[Any], dict[str, Any]] | None = None
        self._hints: dict[str, str] = {}
        #: a new instance from a variant's table, its ``kind`` passed over (generated on first use)
        self.build_variant: Callable[[Any], Any] = self._first_build_variant
        self._unstructure = [(f.name, None if f.node.plain else f.node.unstructure, f.secret) for f in fields]

    def build(self, data: Any) -> Any:
        """A new instance from a mapping; raises :class:`Invalid` with every problem."""
        return self.generated()[0](data)

    def fill(self, inst: Any, data: Any) -> None:
        """Structure ``data`` into the blank ``inst`` (the constructor's way in)."""
        self.generated()[1](inst, data)

    def generated(self) -> tuple[Callable[[Any], Any], Callable[[Any, Any], None]]:
        """The generated ``build`` and ``fill``, made on first use and then kept for the process."""
        if self._code is None:
            from .codegen import generate  # on first use: `import tmlcfg` does not load the code generator

            self._code = generate(self)
            # from now on the generated functions are called directly, not through the methods
            self.build, self.fill = self._code  # type: ignore[method-assign, assignment]
        return self._code

    def _first_build_variant(self, data: Any) -> Any:
        from .codegen import generate_tagged

        self.build_variant = generate_tagged(self)  # from now on called directly
        return self.build_variant(data)

    def unknown_keys_of_variant(self, data: Mapping[str, Any]) -> list[RawProblem]:
        return self.unknown_keys({k: v for k, v in data.items() if k != KIND_KEY})

    def generated_unstructure(self) -> Callable[[Any], dict[str, Any]]:
        """The generated plain-dict writer of an instance (secrets as they are), made on first use."""
        if self._unstructure_code is None:
            from .codegen import generate_unstructure

            self._unstructure_code = generate_unstructure(self)
        return self._unstructure_code

    def check_groups(self, values: dict[str, Any]) -> list[RawProblem]:
        """Resolve each one_of group's default member, then hold every group to its rule.

        ``values`` maps every member to its value, ``GROUP_DEFAULT`` for an unset
        default member, or ``FAILED`` when the member's own value was refused.
        """
        problems: list[RawProblem] = []
        for group in self.groups:
            if any(values[m] is FAILED for m in group.members):
                continue  # a member is already reported; its group cannot be judged
            default = group.default_member
            if default is not None and values[default] is GROUP_DEFAULT:
                chosen = any(values[m] is not None for m in group.members if m != default)
                try:
                    values[default] = None if chosen else self.by_name[default].default_value()
                except Invalid as e:
                    problems += prefixed(default, e.problems)
                    continue
            problem = group.check(values)
            if problem is not None:
                problems.append(problem)
        return problems

    def post_init_failed(self, inst: Any, e: Exception) -> Invalid:
        """The user's cross-field check refused ``inst`` (or failed): its message as problems at this config's path."""
        # the user's message may quote a secret it checked: below a secret, any value
        if MASKING.get():
            secrets = [text for f in self.fields for text in secret_texts(f.node, getattr(inst, f.name))]
        else:  # the secret fields, and the secrets inside nested configs the check may read
            secrets = [text for f in self.fields for text in secrets_below(f.node, getattr(inst, f.name), f.secret)]
        if isinstance(e, ConfigError):
            # a check may name the paths below it: ConfigError([Problem("relations[2].rhs", ...)])
            return Invalid([(_relative(p.path), scrub(p.message, secrets), ()) for p in e.problems])
        return Invalid([((), scrub(failure(e), secrets), ())])

    def unknown_keys(self, data: Mapping[str, Any]) -> list[RawProblem]:
        problems: list[RawProblem] = []
        for key in data:
            if key in self.by_name:
                continue
            if type(key) is not str:
                problems.append(((literal(key),), f"keys must be strings, {got(key)}", ()))
                continue
            problems.append(((key,), f"unknown key; {self._hint(key)}", ()))
        return problems

    def _hint(self, key: str) -> str:
        """What to write instead of an unknown key: the closest field name, or the names there are.

        Remembered per key: a file of 2,000 tables makes the same typo 2,000 times, and
        difflib's matching is most of what reporting one costs.
        """
        hint = self._hints.get(key)
        if hint is None:
            import difflib

            names = list(self.by_name)
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean {close[0]!r}?"
            elif not names:
                hint = f"{self.cls.__name__} has no keys"
            elif len(names) <= 12:
                hint = "expected one of " + ", ".join(names)
            else:
                hint = f"see the {len(names)} keys of {self.cls.__name__} with tmlcfg template"
            if len(key) <= _MAX_HINT_KEY:  # hostile input can grow neither the count nor the size
                if len(self._hints) >= _MAX_HINTS:
                    self._hints.clear()
                self._hints[key] = hint
        return hint

    def unstructure(self, inst: Any, mask: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, un, secret in self._unstructure:
            value = getattr(inst, name)
            if value is None:
                continue
            if secret and mask:
                out[name] = "***"
            elif un is None:
                out[name] = value
            else:
                out[name] = un(value, mask)
        return out


def field_at(spec: ClassSpec, path: PathTuple) -> FieldSpec | str:
    """The field at a path of field names through nested configs, or why there is none."""
    import difflib

    from .._base.keypaths import format_path
    from .nodes import ConfigNode

    current: ClassSpec | None = spec
    found: FieldSpec | None = None
    for depth, step in enumerate(path):
        if current is None or not isinstance(step, str) or step not in current.by_name:
            names = list(current.by_name) if current is not None else []
            close = difflib.get_close_matches(str(step), names, n=1)
            hint = f"; did you mean {format_path((*path[:depth], close[0]))!r}?" if close else ""
            return f"{format_path(path[: depth + 1])} is not a field path of {spec.cls.__name__}{hint}"
        found = current.by_name[step]
        current = found.node.spec if isinstance(found.node, ConfigNode) else None
    if found is None:
        return "an empty path names no field"
    return found


def spec_of(cls: Any) -> ClassSpec | None:
    """The spec of a config class (decorated itself, not only a subclass of one)."""
    try:
        return cast("ClassSpec | None", cls.__dict__.get("__tmlcfg_spec__"))
    except AttributeError:
        return None


def secret_texts(node: TypeNode, value: Any) -> list[Any]:
    """A secret value, and the form a file holds it in (a registered type's text, say), to scrub messages of."""
    if value is None:
        return []
    try:
        return [value, node.unstructure(value, False)]
    except Exception:  # a value a registered type's function cannot write: the value alone
        return [value]


def secrets_below(node: TypeNode, value: Any, secret: bool = False) -> list[Any]:
    """Every secret value (and its written form) inside ``value`` of type ``node``: all of it when
    ``secret``, else the secret fields of the configs it holds, at any depth."""
    from .._engine.nodes import ConfigNode, ConstrainedNode, FixedTupleNode, FrozenSetNode, MappingNode, TupleNode

    if secret:
        return secret_texts(node, value)
    out: list[Any] = []
    stack = [(node, value)]
    while stack:
        node, value = stack.pop()
        if isinstance(node, ConstrainedNode):
            node = node.inner
        if value is None:
            continue
        if isinstance(node, ConfigNode):
            for f in node.spec.fields:
                v = getattr(value, f.name)
                if f.secret:
                    out += secret_texts(f.node, v)
                else:
                    stack.append((f.node, v))
        elif isinstance(node, (TupleNode, FrozenSetNode)):  # checked values: a tuple or a (strict) frozenset
            stack += [(node.item, v) for v in value]
        elif isinstance(node, MappingNode):
            stack += [(node.value, v) for v in value.values()]
        elif isinstance(node, FixedTupleNode):
            stack += list(zip(node.items, value, strict=False))
    return out


def _key_hider(node: TypeNode) -> Callable[[PathTuple], PathTuple]:
    """A function that shows ``***`` for each key of a path below ``node`` that is not a field name."""
    from .nodes import ConfigNode, VariantNode
    from .walk import child

    def hide(path: PathTuple) -> PathTuple:
        out: list[str | int] = []
        here: TypeNode | None = node
        for step in path:
            base = here.base if here is not None else None
            named = isinstance(step, int) or (isinstance(base, ConfigNode) and step in base.spec.by_name)
            if isinstance(base, VariantNode):  # its kind, and its variants' fields, are the class's names
                named = step == KIND_KEY or any(step in m.spec.by_name for m in base.members.values())
            out.append(step if named else "***")
            here = child(here, step)
        return tuple(out)

    return hide


def _relative(path: str) -> PathTuple:
    try:
        return parse_path(path) if path else ()
    except PathSyntaxError:
        return (path,)
