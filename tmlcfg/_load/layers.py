"""Reading experiments: TOML files layered in order, overrides, and ``${VAR}`` substitution."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from .._base.errors import ConfigError, Invalid, Problem, RawProblem
from .._base.keypaths import PathSyntaxError, PathTuple, format_path, parse_path
from .._base.limits import MAX_DEPTH, MAX_SHOWN
from .._base.sentinels import ENVIRON, RESET
from .._base.wording import literal
from .._engine.converter import require_spec, structured, to_dict
from .._engine.nodes import KIND_KEY, ConfigNode, VariantNode
from .._engine.walk import child, merge, reset_path, resolved, set_path
from .._migrate.apply import translate
from .._migrate.plan import Plan, plan_of
from .._migrate.ways import migrate_layers, move_lines
from .._toml.env import may_hold_dollar
from .._toml.files import parse_located, read_text, without_bom

_C = TypeVar("_C")


@attrs.define(eq=False)
class Layer:
    """One source of values: a file's text and document, or the overrides' paths."""

    source: str | None
    text: str | None
    data: dict[str, Any]
    overridden: tuple[PathTuple, ...] = ()
    #: The ``${VAR}`` names substituted at each path.
    substituted: dict[PathTuple, list[str]] = attrs.field(init=False, factory=dict)
    #: New path -> the old path it was read from.
    renamed: dict[PathTuple, PathTuple] = attrs.field(init=False, factory=dict)
    _lines: dict[PathTuple, int] | None = attrs.field(init=False, default=None)

    def lines(self) -> dict[PathTuple, int]:
        if self._lines is None:
            from .._toml.positions import key_lines  # only when something is wrong, or origins are asked for

            self._lines = key_lines(self.text) if self.text is not None else {}
        return self._lines

    def rename(self, moves: dict[PathTuple, PathTuple]) -> None:
        """The data now holds at each new path what the text holds at its old one."""
        move_lines(self.lines(), moves)
        for path, names in list(self.substituted.items()):  # "via ${VAR}" follows the value
            for new, old in moves.items():
                if path[: len(old)] == old:
                    self.substituted.setdefault((*new, *path[len(old) :]), names)
        self.renamed.update(moves)

    def owns(self, path: PathTuple, anchors: tuple[PathTuple, ...] = ()) -> bool:
        """Whether this layer gave the value at ``path`` itself."""
        if self.overridden:
            return any(path[: len(p)] == p for p in self.overridden)
        lines = self.lines()
        return path in lines or any(a in lines for a in anchors)

    def origin(self, path: PathTuple) -> str:
        """Where this layer's value at ``path`` came from, as ``file:line`` or ``override``."""
        where = self.source or "<text>"
        line = self.lines().get(path)
        text = f"{where}:{line}" if line is not None else where
        names = self.substituted.get(path)
        if names:
            text += " via " + ", ".join(f"${{{n}}}" for n in names)
        for new, old in self.renamed.items():
            if path[: len(new)] == new:
                return f"renamed from {format_path((*old, *path[len(new) :]))}, {text}"
        return text


def _read(path: str | os.PathLike[str], target: str) -> Layer:
    source = os.fspath(path)
    return _layer(source, read_text(source, target), target)


def _layer(source: str | None, text: str, target: str) -> Layer:
    text = without_bom(text)
    return Layer(source, text, parse_located(text, source, target))


def _locate(layers: list[Layer], raw: list[RawProblem]) -> list[Problem]:
    """Give each problem the file and line of the last layer that holds its path."""
    from .._toml.positions import line_for

    located: list[tuple[int, int, Problem]] = []
    for path, message, anchors in raw:
        found: tuple[int, Layer, int | None] | None = None
        for rank, layer in reversed(list(enumerate(layers))):
            if layer.owns(path, anchors):
                found = (rank, layer, line_for(layer.lines(), path, anchors))
                break
            if found is None and line_for(layer.lines(), path) is not None:
                found = (rank, layer, line_for(layer.lines(), path))
        if found is None:
            found = (len(layers) - 1, layers[-1], None)
        rank, layer, line = found
        problem = Problem(format_path(path), message, layer.source, line)
        located.append((rank, line or 0, problem))
    located.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in located]


def _resolve(
    cls: type[_C],
    layers: list[Layer],
    env: Mapping[str, str] | None,
    overrides: list[tuple[PathTuple, Any]] = (),  # type: ignore[assignment]
) -> _C:
    """Substitute, merge and structure the layers; ``layers`` gains the overrides' layer."""
    spec = require_spec(cls)
    unset: list[Problem] = []
    data: dict[str, Any] = {}
    node = ConfigNode(spec) if len(layers) > 1 or overrides else None
    for layer in layers:
        # the walk also bounds the depth, which merging layers (recursive) relies on
        if env is not None or may_hold_dollar(layer.text) or node is not None:
            from .._toml.env import substitute

            raw: list[RawProblem] = []
            try:
                layer.data = substitute(layer.data, env, raw, layer.substituted)
            except Invalid as e:
                raise ConfigError(_locate([layer], e.problems), target=cls.__name__) from None
            unset += _locate([layer], raw)
    plan = plan_of(cls)
    if plan is not None:
        # after substitution: a convert sees the value, never the ${VAR} that gives it
        overrides = migrate_layers(cls, layers, list(overrides))
        # a removed key is ignored, and so is a variable it names that is not set
        unset = [p for p in unset if not _removed(plan, p.path)]
    for layer in layers:
        # one file alone needs no merging (and no copy: structuring never edits its input)
        data = layer.data if len(layers) == 1 and not overrides else merge(node, data, layer.data)
    unset_overrides: list[Problem] = []  # overrides that could not be set, reported with the rest
    if overrides:
        # the overrides are one layer: its resets drop what the files said, then its choices
        # of variant switch (outer ones first), then its values apply, whatever their order
        for path, value in sorted(overrides, key=_override_order):
            try:
                if value is RESET:
                    reset_path(ConfigNode(spec), data, path)
                else:
                    set_path(ConfigNode(spec), data, path, value)
            except Invalid as e:
                unset_overrides += [Problem(format_path(p), m, "override") for p, m, _ in e.problems]
        layers.append(Layer("override", None, {}, tuple(p for p, v in overrides if v is not RESET)))
    if not layers:
        layers.append(Layer(None, None, {}))
    try:
        result = structured(cls, data, lambda raw: _locate(layers, raw), migrate=False)
    except ConfigError as e:
        # a value left as ${VAR} may also have the wrong type: say it once, as unset
        seen = {p.path for p in unset}
        problems = unset + unset_overrides + [p for p in e.problems if p.path not in seen]
        order = {layer.source: rank for rank, layer in enumerate(layers)}
        problems.sort(key=lambda p: (order.get(p.source, 0), p.line or 0))
        raise ConfigError(problems, target=cls.__name__) from None
    if unset or unset_overrides:
        raise ConfigError(unset + unset_overrides, target=cls.__name__)
    return result


def _removed(plan: Plan, path: str) -> bool:
    try:
        t = translate(plan, parse_path(path))
    except PathSyntaxError:  # pragma: no cover - tmlcfg's own paths parse
        return False
    return t.use is not None and t.use.new is None


def _override_order(override: tuple[PathTuple, Any]) -> tuple[int, int]:
    path, value = override
    return (0, 0) if value is RESET else (1, len(path)) if path[-1:] == (KIND_KEY,) else (2, 0)


def check_env(env: object) -> None:
    """A TypeError naming ``env`` unless it maps str to str (values are not shown: they may be secrets)."""
    if env is None or env is os.environ:  # os.environ holds only str
        return
    if not isinstance(env, Mapping):
        raise TypeError(
            f"env must be a mapping of variable names to str values, such as os.environ; got {type(env).__name__}"
        )
    for name, value in env.items():
        if type(name) is not str or type(value) is not str:
            raise TypeError(f"env must map str to str; env[{name!r}] is {type(value).__name__}")


def loads(cls: type[_C], text: str, *, source: str | None = None, env: Mapping[str, str] | None = None) -> _C:
    """A ``cls`` from TOML text; ``${VAR}`` is substituted only when ``env`` is given.

    ``$$`` reads as ``$`` either way, so ``loads(C, dumps(c)) == c`` in any
    environment. ``source`` names the text in error reports (a file name, say).
    """
    require_spec(cls)
    if not isinstance(text, str):
        raise TypeError(f"text must be str (TOML text); got {type(text).__name__}; to read a file, use load")
    check_env(env)
    return _resolve(cls, [_layer(source, text, cls.__name__)], env)


def split_override(text: str) -> tuple[str, str] | None:
    """Split at the first ``=`` outside a quoted key, which may hold one."""
    quoted = escaped = False
    for i, ch in enumerate(text):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted, escaped = True, False
        elif ch == "=":
            return text[:i], text[i + 1 :]
    return None


def parse_override(text: str) -> tuple[PathTuple, Any]:
    """``path=value``: the value read as one TOML value, else taken as a plain string.

    ``~path`` resets the field at ``path``: what earlier layers said there is dropped.
    """
    from .._toml.env import too_deep
    from .._toml.reader import TOMLSyntaxError, parse

    parts = split_override(text)
    if parts is None and text.startswith("~"):
        try:
            path = parse_path(text[1:].strip())
        except PathSyntaxError as e:
            raise ConfigError([Problem("", f"override {literal(text, MAX_SHOWN)}: {e}", "override")]) from None
        return path, RESET
    if parts is None:
        raise ConfigError([Problem("", f"override {literal(text, MAX_SHOWN)} needs the form path=value", "override")])
    path_text, value_text = parts
    try:
        path = parse_path(path_text.strip())
    except PathSyntaxError as e:
        raise ConfigError([Problem("", f"override {literal(text, MAX_SHOWN)}: {e}", "override")]) from None
    if len(path) > MAX_DEPTH:
        message = f"override {literal(text, MAX_SHOWN)}: the path is {too_deep()}"
        raise ConfigError([Problem(format_path(path[: MAX_DEPTH + 1]), message, "override")])
    value_text = value_text.strip()
    try:
        document = parse(f"v = {value_text}")
    except RecursionError:
        message = f"override {literal(text, MAX_SHOWN)}: the value is {too_deep()}"
        raise ConfigError([Problem(format_path(path), message, "override")]) from None
    except (TOMLSyntaxError, ValueError):
        return path, value_text
    if len(document) != 1 or "v" not in document:
        # the text went on past its value: more keys or tables would be set behind the path's back
        message = f"override {literal(text, MAX_SHOWN)}: the value must be one TOML value, with nothing after it"
        raise ConfigError([Problem(format_path(path), message, "override")])
    if _depth(document["v"]) + len(path) > MAX_DEPTH:
        message = f"override {literal(text, MAX_SHOWN)}: the value is {too_deep()}"
        raise ConfigError([Problem(format_path(path), message, "override")])
    return path, document["v"]


def _depth(value: Any) -> int:
    """How many arrays and tables nest in ``value`` (0 for a scalar), level by level, without recursion."""
    depth = 0
    level = [value]
    while True:
        containers = [c for c in level if isinstance(c, (dict, list))]
        if not containers:
            return depth
        depth += 1
        level = [v for c in containers for v in (c.values() if isinstance(c, dict) else c)]


def load(
    cls: type[_C],
    *paths: str | os.PathLike[str],
    overrides: Iterable[str] = (),
    env: Mapping[str, str] | None = ENVIRON,
) -> _C:
    """A ``cls`` from TOML files layered in order, then ``path=value`` overrides.

    Tables merge key by key; arrays and scalars are replaced whole; naming a
    member of a ``one_of`` group in a later layer drops the earlier choice.
    ``${VAR}`` reads ``env``: by default the process's environment as it is when
    ``load`` is called (``help()`` shows ``os.environ``, never its contents).
    """
    return load_layers(cls, *paths, overrides=overrides, env=env)[0]


def load_layers(
    cls: type[_C],
    *paths: str | os.PathLike[str],
    overrides: Iterable[str] = (),
    env: Mapping[str, str] | None = ENVIRON,
) -> tuple[_C, list[Layer]]:
    """:func:`load`, also giving the layers that made the config, for origins."""
    require_spec(cls)
    if env is ENVIRON:
        env = os.environ
    check_env(env)
    layers = [_read(p, cls.__name__) for p in paths]
    parsed: list[tuple[PathTuple, Any]] = []
    malformed: list[Problem] = []  # one bad override hides nothing of the others
    for text in overrides:
        try:
            parsed.append(parse_override(text))
        except ConfigError as e:
            malformed += e.problems
    try:
        config = _resolve(cls, layers, env, parsed)
    except ConfigError as e:
        if not malformed:
            raise
        raise ConfigError([*malformed, *e.problems], target=cls.__name__) from None
    if malformed:
        raise ConfigError(malformed, target=cls.__name__)
    return config, layers


def loads_prepared(
    cls: type[_C], text: str, *, source: str, prepare: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[_C, Layer]:
    """:func:`loads` with ``prepare`` handed the parsed document first; also the layer, its data as read.

    A file tmlcfg wrote with its secrets masked is read this way, ``prepare``
    dropping the masks so that the secrets take their defaults.
    """
    layer = _layer(source, text, cls.__name__)
    layer.data = prepare(layer.data)
    return _resolve(cls, [layer], None), layer


def origins(config: Any, layers: list[Layer]) -> dict[PathTuple, str]:
    """Where each value of a loaded config came from: ``file:line``, ``override`` or ``default``."""
    out: dict[PathTuple, str] = {}
    plain = to_dict(config)
    cutoffs = _switches(ConfigNode(require_spec(type(config))), plain, layers)

    def walk(value: Any, path: PathTuple) -> None:
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(v, (*path, k))
            return
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, v in enumerate(value):
                walk(v, (*path, i))
            return
        first = max((rank for p, rank in cutoffs.items() if path[: len(p)] == p), default=0)
        for layer in reversed(layers[first:]):
            if layer.source is not None and layer.owns(path):
                out[path] = layer.origin(path)
                return
        out[path] = "default"

    walk(plain, ())
    return out


def _switches(node: Any, plain: Any, layers: list[Layer], path: PathTuple = ()) -> dict[PathTuple, int]:
    """For each variant's table, the first layer that counts below it: the one that chose its final variant.

    What earlier layers said under it was dropped by that switch, so it came from none of them.
    """
    out: dict[PathTuple, int] = {}
    if isinstance(node, VariantNode) and isinstance(plain, dict):
        final = plain.get(KIND_KEY)
        named: list[tuple[int, Any]] = []
        for rank, layer in enumerate(layers):
            if layer.overridden:
                if (*path, KIND_KEY) in layer.overridden:
                    named.append((rank, final))  # overrides apply last: theirs is the final kind
                continue
            here: Any = layer.data
            for step in path:
                here = here.get(step) if isinstance(here, dict) and isinstance(step, str) else None
            if isinstance(here, dict) and KIND_KEY in here:
                named.append((rank, node.tag_of(here)))
        cutoff = 0
        before = node.default_tag
        for rank, tag in named:
            if before is not None and tag != before:  # a switch (naming the first variant merges)
                cutoff = rank
            before = tag
        if cutoff:
            out[path] = cutoff
    base = resolved(node, plain)
    if isinstance(plain, dict):
        for key, value in plain.items():
            out.update(_switches(child(base, key), value, layers, (*path, key)))
    return out
