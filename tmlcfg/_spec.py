"""What tmlcfg knows of one config class, and how it builds and takes apart instances."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._errors import ConfigError, Invalid, RawProblem, prefixed
from ._nodes import Node
from ._paths import PathSyntaxError, PathTuple, parse_path
from ._show import MASKING, got, literal, scrub

MISSING: Any = object()
_GROUP_DEFAULT: Any = object()


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
        node: Node,
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

    def structure(self, value: Any) -> Any:
        if value is None and self.optional:
            return None
        # below a secret, messages show no value: the field's own, or any inside it
        token = MASKING.set(True) if self.secret else None
        try:
            try:
                result = self.node.structure(value)
            except Invalid as e:
                if token is None:
                    raise
                # a secret's own keys (a mapping's, an unknown one) are secret too; field names are not
                hide = _key_hider(self.node)
                raise Invalid([(hide(p), m, tuple(hide(a) for a in anchors)) for p, m, anchors in e.problems]) from None
            if self.validator is not None:
                try:
                    self.validator(result)
                except ValueError as e:
                    message = scrub(str(e), [result]) if MASKING.get() else str(e)
                    raise Invalid.one(message) from None
        finally:
            if token is not None:
                MASKING.reset(token)
        return result

    def default_value(self) -> Any:
        if self.factory is not None:
            return self.structure(self.factory())
        return self.default


class Group:
    """``one_of`` (exactly one member set) or ``at_most_one_of`` (at most one)."""

    __slots__ = ("default_member", "exactly_one", "members", "name")

    def __init__(self, name: str, exactly_one: bool, members: tuple[str, ...], default_member: str | None):
        self.name = name
        self.exactly_one = exactly_one
        self.members = members
        self.default_member = default_member

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
        self._fast: tuple[Callable[[Any], Any], Callable[[Any, Any], None], Callable[[Any], Any]] | None = None
        self._unstructure = [(f.name, None if f.node.plain else f.node.unstructure, f.secret) for f in fields]

    def _compiled(self) -> tuple[Callable[[Any], Any], Callable[[Any, Any], None], Callable[[Any], Any]]:
        """The generated code (made on first use, then kept for the process)."""
        if self._fast is None:
            from ._fastpath import compile_build

            self._fast = compile_build(self)
        return self._fast

    def fast_build(self) -> Callable[[Any], Any]:
        return self._compiled()[0]

    def fast_attempt(self) -> Callable[[Any], Any]:
        return self._compiled()[2]

    def build(self, data: Mapping[str, Any]) -> Any:
        """A new instance from ``data``; raises :class:`Invalid` with every problem."""
        return self.fast_build()(data)

    def fill(self, inst: Any, data: Mapping[str, Any]) -> None:
        """Structure ``data`` into ``inst``, by the generated fast path when the data is valid."""
        try:
            self._compiled()[1](inst, data)
        except Exception:
            self.fill_checked(inst, data)

    def fill_checked(self, inst: Any, data: Mapping[str, Any]) -> None:
        """Structure ``data`` into ``inst``: every field, groups, then the user's check; every problem."""
        problems: list[RawProblem] = []
        by_name = self.by_name
        if len(data) > len(by_name) or any(k not in by_name for k in data):
            problems += self._unknown(data)
        values: dict[str, Any] = {}
        for f in self.fields:
            name = f.name
            value = data.get(name, MISSING)
            if value is MISSING or (value is None and f.optional):
                if f.group is not None and f.group.default_member == name:
                    values[name] = _GROUP_DEFAULT
                    continue
                if f.default is MISSING and f.factory is None:
                    problems.append(((name,), "missing required key", ()))
                    continue
                try:
                    values[name] = f.default_value()
                except Invalid as e:
                    problems += prefixed(name, e.problems)
                continue
            try:
                values[name] = f.structure(value)
            except Invalid as e:
                problems += prefixed(name, e.problems)
        for group in self.groups:
            if any(m not in values for m in group.members):
                continue  # a member is already reported; its group cannot be judged
            default = group.default_member
            if default is not None and values[default] is _GROUP_DEFAULT:
                chosen = any(values[m] is not None for m in group.members if m != default)
                values[default] = None if chosen else self.by_name[default].default_value()
            problem = group.check(values)
            if problem is not None:
                problems.append(problem)
        if problems:
            raise Invalid(problems)
        setattr_ = object.__setattr__
        for name, value in values.items():
            setattr_(inst, name, value)
        if self.post_init is not None:
            try:
                self.post_init(inst)
            except ValueError as e:
                # the user's message may quote a secret it checked: below a secret, any value
                secrets = values.values() if MASKING.get() else [values[f.name] for f in self.fields if f.secret]
                if isinstance(e, ConfigError):
                    # a check may name the paths below it: ConfigError([Problem("relations[2].rhs", ...)])
                    raise Invalid([(_relative(p.path), scrub(p.message, secrets), ()) for p in e.problems]) from None
                raise Invalid([((), scrub(str(e), secrets), ())]) from None

    def _unknown(self, data: Mapping[str, Any]) -> list[RawProblem]:
        import difflib

        problems: list[RawProblem] = []
        names = list(self.by_name)
        for key in data:
            if key in self.by_name:
                continue
            if type(key) is not str:
                problems.append(((literal(key),), f"keys must be strings, {got(key)}", ()))
                continue
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean {close[0]!r}?"
            elif not names:
                hint = f"{self.cls.__name__} has no keys"
            elif len(names) <= 12:
                hint = "expected one of " + ", ".join(names)
            else:
                hint = f"see the {len(names)} keys of {self.cls.__name__} with tmlcfg template"
            problems.append(((key,), f"unknown key; {hint}", ()))
        return problems

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

    from ._nodes import ConfigNode
    from ._paths import format_path

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
        return cls.__dict__.get("__tmlcfg_spec__")  # type: ignore[no-any-return]
    except AttributeError:
        return None


def _key_hider(node: Node) -> Callable[[PathTuple], PathTuple]:
    """A function that shows ``***`` for each key of a path below ``node`` that is not a field name."""
    from ._data import child
    from ._nodes import ConfigNode, ConstrainedNode

    def hide(path: PathTuple) -> PathTuple:
        out: list[str | int] = []
        here: Node | None = node
        for step in path:
            base = here.inner if isinstance(here, ConstrainedNode) else here
            named = isinstance(step, int) or (isinstance(base, ConfigNode) and step in base.spec.by_name)
            out.append(step if named else "***")
            here = child(here, step)
        return tuple(out)

    return hide


def _relative(path: str) -> PathTuple:
    try:
        return parse_path(path) if path else ()
    except PathSyntaxError:
        return (path,)
