"""Converting pydantic-era YAML experiment files to TOML (PyYAML, safe loading only).

Numbers are read as the pydantic-era loader read them: PyYAML follows YAML
1.1, where an unquoted ``1e-3`` (no dot, or no sign in the exponent) is a
string, which pydantic then turned into the float field's number. Given the
target class, the field types decide; without it such an unquoted number is
a float. Aliases cannot multiply a document (its expanded size is bounded),
nor nest it beyond ``MAX_DEPTH``, nor refer to themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from .._base.errors import ConfigError, Problem
from .._base.keypaths import PathTuple, format_path
from .._base.limits import MAX_DEPTH, MAX_YAML_NODES
from .._engine.converter import require_spec
from .._engine.nodes import (
    KIND_KEY,
    ConfigNode,
    EnumNode,
    FixedTupleNode,
    FrozenSetNode,
    LiteralNode,
    MappingNode,
    TupleNode,
    TypeNode,
    VariantNode,
)
from .._engine.walk import child
from .._toml.write import write_toml

INSTALL_HINT = "converting YAML needs PyYAML: pip install 'tmlcfg[yaml]'"

#: Every this many characters of a string count as one more node towards ``MAX_YAML_NODES``,
#: so that an alias cannot repeat a long string a million times either.
CHARS_PER_NODE = 1000

# what YAML 1.2 (and pydantic, given the string) reads as a number but PyYAML's YAML 1.1 does not
_NUMBER_1_2 = r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"
_FLOAT_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INT_TEXT = re.compile(r"[-+]?[0-9]+")
_NUMBER_TAG = "tag:tmlcfg,2026:number"


class _Number(str):
    """An unquoted scalar that YAML 1.2 reads as a number: the field type decides what it becomes."""

    __slots__ = ()


class _Refused(Exception):
    def __init__(self, message: str, path: PathTuple, line: int) -> None:
        self.message = message
        self.path = path
        self.line = line


def _yaml() -> Any:
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - the test environment has PyYAML
        raise ImportError(INSTALL_HINT) from None
    return yaml


_LOADER: Any = None


def _loader() -> Any:
    """A SafeLoader that measures each node as it is composed, before anything is built from it."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    yaml = _yaml()

    class Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            # id(node) -> (expanded size, expanded depth); the nodes live as long as the loader
            self.measured: dict[int, tuple[int, int]] = {}
            self.path: list[str | int] = []
            self.lines: dict[PathTuple, int] = {}  # each value's line (a mapping value's: its key's)

        def refuse(self, message: str, line: int) -> _Refused:
            return _Refused(message, tuple(self.path), line)

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                node = self.anchors.get(event.anchor)
                if node is not None and id(node) not in self.measured:
                    raise self.refuse(f"the alias *{event.anchor} refers to a value that contains it", line)
                return super().compose_node(parent, index)
            # PyYAML passes the index in a sequence, the key node for a mapping's value, and None
            # for a key and for the document (the one node without a parent)
            step = index if isinstance(index, int) else getattr(index, "value", None)
            steps: list[str | int] = [] if parent is None else [step if isinstance(step, (str, int)) else "?"]
            self.path += steps
            level = len(self.path)
            if steps != ["?"]:
                mark = getattr(index, "start_mark", None)
                self.lines.setdefault(tuple(self.path), (mark.line + 1) if mark is not None else line)
            if level > MAX_DEPTH and isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                raise self.refuse(f"nested more than {MAX_DEPTH} levels deep", line)
            try:
                node = super().compose_node(parent, index)
                self.measure(node, line, level)
                self.lines.setdefault(tuple(self.path), line)
            finally:
                del self.path[level - len(steps) :]
            return node

        def measure(self, node: Any, line: int, level: int) -> None:
            """Record the node's size and depth as aliases expand it; refuse it if either is too much."""
            if isinstance(node, yaml.ScalarNode):
                self.measured[id(node)] = (1 + len(node.value) // CHARS_PER_NODE, 0)
                return
            if isinstance(node, yaml.MappingNode):
                parts = [part for pair in node.value for part in pair]
            else:
                parts = node.value
            size, depth = 1, 0
            for part in parts:
                s, d = self.measured[id(part)]
                size += s
                depth = max(depth, d + 1)
            # the node's own level counts from 0 at the top-level table; its deepest table or list is below
            if level + depth - 1 > MAX_DEPTH:
                raise self.refuse(f"aliases nest this value more than {MAX_DEPTH} levels deep", line)
            if size > MAX_YAML_NODES:
                raise self.refuse(
                    f"aliases expand this document beyond {MAX_YAML_NODES:,} values; "
                    "write the repeated parts out, or repeat them less",
                    line,
                )
            self.measured[id(node)] = (size, depth)

    def construct_int(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_int(loader, node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            line = node.start_mark.line + 1
            at = [path for path, n in loader.lines.items() if n == line]
            message = f"{_TOO_BIG} (too long even to read); quote it, or write a float"
            raise _Refused(message, at[-1] if at else (), line) from None

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Loader.add_implicit_resolver(_NUMBER_TAG, re.compile(_NUMBER_1_2), list("-+0123456789."))
    Loader.add_constructor(_NUMBER_TAG, lambda loader, node: _Number(loader.construct_scalar(node)))
    _LOADER = Loader
    return Loader


def _number(value: str, node: TypeNode | None) -> Any:
    """A string as the field at ``node`` reads it: a number where the field takes a number and not text."""
    accepts = node.base.accepts if node is not None else None
    if node is None or not accepts:  # unknown key, Any, or no class given
        return float(value) if isinstance(value, _Number) else str(value)
    if str in accepts or isinstance(node.base, (EnumNode, LiteralNode)):
        return str(value)
    if float in accepts and _FLOAT_TEXT.fullmatch(value):
        return float(value)
    if int in accepts and float not in accepts and _INT_TEXT.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # more digits than Python converts: left as text, which the check refuses
            return str(value)
    return str(value)


class _Out:
    """Where problems go while converting: the list, the file, and the line of each path."""

    __slots__ = ("lines", "problems", "source")

    def __init__(self, source: str, lines: dict[PathTuple, int]) -> None:
        self.problems: list[Problem] = []
        self.source = source
        self.lines = lines

    def add(self, path: PathTuple, message: str, line_of: PathTuple | None = None) -> None:
        line = self.lines.get(path if line_of is None else line_of)
        self.problems.append(Problem(format_path(path), message, self.source, line))


_INT64 = (-(2**63), 2**63 - 1)
_TOO_BIG = "an integer beyond TOML's range (64-bit: -2**63 to 2**63 - 1)"


def _shown(key: Any) -> str:
    """A YAML key that is not a string, shown short (an integer of 20,000 bits cannot even be printed)."""
    if type(key) is int and not _INT64[0] <= key <= _INT64[1]:
        return f"(an integer of {key.bit_length()} bits)"
    text = repr(key)
    return text if len(text) <= 80 else text[:77] + "..."


def _surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text`` (no file can hold one), as ``U+D800``."""
    for c in text:
        if 0xD800 <= ord(c) <= 0xDFFF:
            return f"U+{ord(c):04X}"
    return None


def _tomlify(value: Any, path: PathTuple, out: _Out, node: TypeNode | None) -> Any:
    """Nulls dropped (where they mean the default), keys checked to be strings, order kept, numbers
    read by the field types.

    What TOML cannot hold (a lone surrogate, an integer beyond 64 bits) is a problem at its line.
    """
    if isinstance(value, dict):
        table = {}
        for k, v in value.items():
            if not isinstance(k, str):
                out.add(path, f"key {_shown(k)} is not a string; TOML keys are")
                continue
            bad = _surrogate(k)
            if bad is not None:
                out.add(path, f"a key holds a lone surrogate ({bad}), which no TOML file can; fix the key", (*path, k))
                continue
            if v is None:
                refused = _null(node, k)
                if refused is not None:
                    out.add((*path, k), refused)
            else:
                table[str(k)] = _tomlify(v, (*path, k), out, child(node, k))
        return table
    if isinstance(value, list):
        if any(v is None for v in value):
            out.add(path, "a list holds null, which TOML cannot write")
        return [_tomlify(v, (*path, i), out, child(node, i)) for i, v in enumerate(value) if v is not None]
    if isinstance(value, str):
        bad = _surrogate(value)
        if bad is not None:
            out.add(path, f"the text holds a lone surrogate ({bad}), which no TOML file can; fix the value")
            return value
        value = _number(value, node) if isinstance(value, _Number) or node is not None else value
    if type(value) is int and not _INT64[0] <= value <= _INT64[1]:
        out.add(path, f"{_TOO_BIG}; quote it, or write a float")
        return value
    if value is None or isinstance(value, (bool, int, float, str, dt.date, dt.time)):
        return value
    out.add(path, f"{type(value).__name__} has no TOML form")
    return None


def _null(node: TypeNode | None, key: str) -> str | None:
    """Why an explicit null cannot be dropped for the field ``key`` of ``node``; None where null is its default.

    pydantic set such a field to None; tmlcfg's default would be another value, silently.
    """
    base = node.base if node is not None else None
    if not isinstance(base, ConfigNode):
        return None
    field = base.spec.by_name.get(key)
    if field is None or field.group is not None or (field.optional and field.default is None and field.factory is None):
        # a group's member left null is one not chosen, which is what leaving it out says too
        return None
    if field.required:
        return "null for a required field, which TOML cannot say; give it a value"
    default = "its default" if field.secret or field.factory is not None else f"its default {field.default!r}"
    return (
        f"null, which this field cannot hold: dropping the key would load {default} instead; "
        "give the value the code should see, or remove the key to mean the default"
    )


def _fits(cls: type, table: dict[Any, Any]) -> bool:
    """The table's keys are fields of ``cls``, its required fields are all there, and a field that can hold
    only one value (``Literal["x"]``) holds that one."""
    spec = require_spec(cls)
    keys = {k for k in table if k != KIND_KEY and table[k] is not None}
    if not keys <= set(spec.by_name) or any(f.required and f.name not in keys for f in spec.fields):
        return False
    for key in keys:
        node = spec.by_name[key].node.base
        if isinstance(node, LiteralNode) and len(node.values) == 1 and table[key] != node.values[0]:
            return False
    return True


def choose_variant(table: dict[Any, Any], members: list[type]) -> type | list[type]:
    """The one member whose fields fit the table's keys, or every member that fits (none, or several)."""
    fitting = [m for m in members if _fits(m, table)]
    return fitting[0] if len(fitting) == 1 else fitting


def _add_kinds(
    value: Any,
    node: TypeNode | None,
    path: PathTuple,
    lines: dict[PathTuple, int],
    problems: list[Problem],
    source: str,
) -> Any:
    """``kind`` written into each table of a variant field that has none, as pydantic chose the variant."""
    base = node.base if node is not None else None
    if isinstance(base, VariantNode) and isinstance(value, dict):
        if KIND_KEY in value:  # named already: its fields may hold variants of their own
            tag = value[KIND_KEY]
            chosen = base.members.get(base.old_tags.get(tag, tag)) if isinstance(tag, str) else None
            return value if chosen is None else _add_kinds(value, chosen, path, lines, problems, source)
        tags = {m.cls: tag for tag, m in base.members.items()}
        picked = choose_variant(value, list(tags))
        if isinstance(picked, list):
            names = ", ".join(repr(tags[m]) for m in (picked or tags))
            how = "several variants" if picked else "none of the variants"
            message = f"the table fits {how} ({names}); add `kind: <tag>` to say which"
            problems.append(Problem(format_path(path), message, source, lines.get(path)))
            return value
        return {KIND_KEY: tags[picked], **_add_kinds(value, base.members[tags[picked]], path, lines, problems, source)}
    if isinstance(base, ConfigNode | MappingNode) and isinstance(value, dict):
        return {k: _add_kinds(v, child(base, k), (*path, k), lines, problems, source) for k, v in value.items()}
    if isinstance(base, TupleNode | FixedTupleNode | FrozenSetNode) and isinstance(value, list):
        return [_add_kinds(v, child(base, i), (*path, i), lines, problems, source) for i, v in enumerate(value)]
    return value


def yaml_to_toml(path: str | os.PathLike[str], cls: type | None = None) -> str:
    """TOML text of a YAML experiment file: nulls dropped, ``${VAR}`` kept for load time.

    With ``cls``, a string in a number field that reads as that number
    becomes it, as pydantic made it; without, an unquoted ``1e-3`` is a float.
    """
    return yaml_to_toml_lines(path, cls)[0]


def yaml_to_toml_lines(path: str | os.PathLike[str], cls: type | None = None) -> tuple[str, dict[PathTuple, int]]:
    """:func:`yaml_to_toml`, and the YAML file's line of each path, to report problems where the user wrote them."""
    yaml = _yaml()
    source = os.fspath(path)
    node: TypeNode | None = None
    if cls is not None:
        node = ConfigNode(require_spec(cls))
    try:
        with open(source, encoding="utf-8") as f:
            loader = _loader()(f)  # a SafeLoader subclass
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
    except FileNotFoundError:
        raise ConfigError([Problem("", "file not found; check the path", source)]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem("", f"cannot read: {e}", source)]) from None
    except _Refused as e:
        raise ConfigError([Problem(format_path(e.path), e.message, source, e.line)]) from None
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise ConfigError([Problem("", f"nested more than {MAX_DEPTH} levels deep", source)]) from None
    except yaml.reader.ReaderError as e:  # a character YAML refuses anywhere: a binary file, say
        character = e.character if isinstance(e.character, int) else ord(e.character or "\0")
        message = f"not YAML text: character U+{character:04X} at character {e.position} ({e.reason})"
        raise ConfigError([Problem("", message, source)]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = " ".join((getattr(e, "problem", None) or str(e)).split())  # one line, as every problem is
        raise ConfigError([Problem("", f"YAML syntax error: {what}", source, line)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Problem("", "the document is not a mapping of keys to values", source)])
    out = _Out(source, loader.lines)
    if cls is not None:
        data = _add_kinds(data, node, (), loader.lines, out.problems, source)
    converted = _tomlify(data, (), out, node)
    if out.problems:
        raise ConfigError(out.problems)
    # ${USER} stays a reference, as it was in YAML
    return write_toml(converted, keep_references=True), loader.lines
