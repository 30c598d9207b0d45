"""Where each key of a TOML document sits: the line numbers tomllib does not give.

Only called once a document has parsed and something in it is wrong, so it may
assume valid TOML, and it never raises: a part it cannot read just has no line.
"""

from __future__ import annotations

import contextlib
import re

from .._base.keypaths import PathTuple
from .._base.limits import MAX_DEPTH

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Fast forms for what most files are made of; anything else takes the character-level way.
_BARE_DOTTED = re.compile(r"[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*(?=[=\]])")
_WS = re.compile(r"(?:[ \t]|#[^\n]*)*")
_WS_NL = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_SCALAR = re.compile(r"[^,\]}\n\r#\[{\"']*")
_DOTTED = r"([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)"
_END = r"[ \t]*(?:#[^\n]*)?(?=\r?\n|\Z)"
# a whole line of the commonest kinds: a header, or a bare key with a one-line scalar
_HEADER_LINE = re.compile(r"\[(\[)?[ \t]*" + _DOTTED + r"[ \t]*\]\]?" + _END)
_SCALAR_LINE = re.compile(_DOTTED + r'[ \t]*=[ \t]*(?:"(?:[^"\\\n]|\\.)*"|[^\s"\'\[{#,]+)' + _END)
_ITEM = r'(?:"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[^\s"\'\[\]{},#]+)'
_ITEMS = re.compile(_ITEM)
# and a bare key with a one-line array of such scalars: tags = ["a", "b"], betas = [0.9, 0.999]
_ARRAY_LINE = re.compile(
    _DOTTED + r"[ \t]*=[ \t]*\[[ \t]*((?:" + _ITEM + r"[ \t]*,[ \t]*)*(?:" + _ITEM + r"[ \t]*)?)\]" + _END
)
_KEY = r"[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*"
# One statement of the commonest kinds, with the blank lines and comments before it, in one
# match: a header, or a bare key with a one-line scalar or a one-line array of scalars.
_STATEMENT = re.compile(
    r"(?:[ \t\r\n]|#[^\n]*)*(?:"
    r"(?P<header>\[(?P<aot>\[)?)[ \t]*(?P<hkey>" + _KEY + r")[ \t]*\]\]?"
    r"|(?P<key>" + _KEY + r")[ \t]*=[ \t]*"
    r'(?:"(?:[^"\\\n]|\\.)*"|[^\s"\'\[{#,]+'
    r"|\[[ \t]*(?P<items>(?:" + _ITEM + r"[ \t]*,[ \t]*)*(?:" + _ITEM + r"[ \t]*)?)\])"
    r")" + _END
)
_ESC = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.lines: dict[PathTuple, int] = {}
        self.arrays: dict[PathTuple, int] = {}  # array-of-tables path -> last index
        self.implicit: dict[PathTuple, int] = {}  # tables that only a header's parents made
        self._counted = 0
        self._line = 1

    def line(self) -> int:
        # counted forward from the last call, so a whole scan stays linear
        self._line += self.s.count("\n", self._counted, self.i)
        self._counted = self.i
        return self._line

    def note(self, path: PathTuple, line: int) -> None:
        if len(path) <= MAX_DEPTH + 1:  # deeper is refused at the depth where it crosses: no line needed
            self.lines.setdefault(path, line)

    def skip_ws(self, newlines: bool = False) -> None:
        self.i = (_WS_NL if newlines else _WS).match(self.s, self.i).end()  # type: ignore[union-attr]

    def key(self) -> list[str]:
        fast = _BARE_DOTTED.match(self.s, self.i)
        if fast:
            self.i = fast.end()
            return [part.strip() for part in fast.group(1).split(".")]
        parts = []
        while True:
            self.skip_ws()
            c = self.s[self.i]
            if c == '"':
                parts.append(self.basic_string())
            elif c == "'":
                end = self.s.index("'", self.i + 1)
                parts.append(self.s[self.i + 1 : end])
                self.i = end + 1
            else:
                start = self.i
                while self.i < len(self.s) and self.s[self.i] in _BARE:
                    self.i += 1
                parts.append(self.s[start : self.i])
            self.skip_ws()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return parts

    def basic_string(self) -> str:
        s = self.s
        i = self.i + 1
        out = []
        while s[i] != '"':
            if s[i] == "\\":
                nxt = s[i + 1]
                if nxt in "uU":
                    width = 4 if nxt == "u" else 8
                    out.append(chr(int(s[i + 2 : i + 2 + width], 16)))
                    i += 2 + width
                    continue
                out.append(_ESC.get(nxt, nxt))
                i += 2
                continue
            out.append(s[i])
            i += 1
        self.i = i + 1
        return "".join(out)

    def header(self, keys: list[str], array_of_tables: bool, line: int) -> PathTuple:
        """The table a ``[header]`` or ``[[header]]`` opens; an array's next element for the latter.

        The tables the header creates on its way (``model`` for ``[model.optimizer]``)
        get its line too, unless they have one of their own.
        """
        parent: PathTuple = ()
        for k in keys[:-1]:
            parent = (*parent, k)
            if parent in self.arrays:
                parent = (*parent, self.arrays[parent])
            if len(parent) <= MAX_DEPTH + 1:
                self.implicit.setdefault(parent, line)
        if not array_of_tables:
            table = (*parent, keys[-1])
            if table in self.arrays:
                table = (*table, self.arrays[table])
        else:
            array = (*parent, keys[-1])
            index = self.arrays.get(array, -1) + 1
            self.arrays[array] = index
            table = (*array, index)
            self.note(array, line)
        self.note(table, line)
        return table

    def document(self) -> None:
        table: PathTuple = ()
        s = self.s
        lines = self.lines
        while True:
            quick = _STATEMENT.match(s, self.i)
            if quick:
                key = quick.group("key")
                start = quick.start("header") if key is None else quick.start("key")
                self._line += s.count("\n", self._counted, start)
                self._counted = start
                line = self._line
                if key is None:
                    parts = quick.group("hkey").split(".")
                    table = self.header([p.strip() for p in parts], quick.group("aot") is not None, line)
                else:
                    parts = key.split(".")
                    path = (*table, *(p.strip() for p in parts)) if len(parts) > 1 else (*table, key)
                    if len(path) <= MAX_DEPTH + 1:
                        lines.setdefault(path, line)
                    if len(parts) > 1:
                        for depth in range(len(table) + 1, min(len(path) - 1, MAX_DEPTH + 1) + 1):
                            self.note(path[:depth], line)
                    items = quick.group("items")
                    if items is not None:
                        for index in range(len(_ITEMS.findall(items))):
                            self.note((*path, index), line)
                self.i = quick.end()
                continue
            self.skip_ws(newlines=True)
            if self.i >= len(s):
                return
            line = self.line()
            quick = _SCALAR_LINE.match(s, self.i)
            if quick:
                path = (*table, *(part.strip() for part in quick.group(1).split(".")))
                for depth in range(len(table) + 1, min(len(path), MAX_DEPTH + 1) + 1):
                    self.note(path[:depth], line)
                self.i = quick.end()
                continue
            array = _ARRAY_LINE.match(s, self.i)
            if array:
                path = (*table, *(part.strip() for part in array.group(1).split(".")))
                for depth in range(len(table) + 1, min(len(path), MAX_DEPTH + 1) + 1):
                    self.note(path[:depth], line)
                for index in range(len(_ITEMS.findall(array.group(2)))):
                    self.note((*path, index), line)
                self.i = array.end()
                continue
            header = _HEADER_LINE.match(s, self.i)
            if header:
                table = self.header([part.strip() for part in header.group(2).split(".")], bool(header.group(1)), line)
                self.i = header.end()
                continue
            if s.startswith("[[", self.i):
                self.i += 2
                table = self.header(self.key(), True, line)
                self.i += 2
            elif s[self.i] == "[":
                self.i += 1
                table = self.header(self.key(), False, line)
                self.i += 1
            else:
                keys = self.key()
                self.i += 1  # '='
                path = (*table, *keys)
                for depth in range(len(table) + 1, min(len(path), MAX_DEPTH + 1) + 1):
                    self.note(path[:depth], line)
                self.value(path)

    def value(self, path: PathTuple) -> None:
        self.skip_ws()
        s = self.s
        c = s[self.i]
        if c == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_ws(newlines=True)
                if s[self.i] == "]":
                    self.i += 1
                    return
                self.note((*path, index), self.line())
                self.value((*path, index))
                index += 1
                self.skip_ws(newlines=True)
                if s[self.i] == ",":
                    self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self.skip_ws(newlines=True)
                if s[self.i] == "}":
                    self.i += 1
                    return
                line = self.line()
                keys = self.key()
                self.i += 1
                for depth in range(len(path) + 1, min(len(path) + len(keys), MAX_DEPTH + 1) + 1):
                    self.note((*path, *keys)[:depth], line)
                self.value((*path, *keys))
                self.skip_ws(newlines=True)
                if s[self.i] == ",":
                    self.i += 1
        elif s.startswith('"""', self.i) or s.startswith("'''", self.i):
            quote = s[self.i : self.i + 3]
            end = self.i + 3
            while True:
                end = s.index(quote, end)
                if quote == '"""' and _escaped(s, end):
                    end += 1
                    continue
                break
            while s.startswith(quote[0], end + 3):  # up to two quotes may end the content
                end += 1
            self.i = end + 3
        elif c == '"':
            self.basic_string()
        elif c == "'":
            self.i = s.index("'", self.i + 1) + 1
        else:
            self.i = _SCALAR.match(s, self.i).end()  # type: ignore[union-attr]


def _escaped(s: str, i: int) -> bool:
    backslashes = 0
    while i - backslashes - 1 >= 0 and s[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


class KeyLines(dict[PathTuple, int]):
    """Lines by path, which also finds the first line below a path without a scan of them all."""

    _below: dict[PathTuple, int] | None = None

    def first_below(self, path: PathTuple) -> int | None:
        """The first line of anything strictly below ``path``."""
        if self._below is None:
            below: dict[PathTuple, int] = {}
            for p, line in self.items():
                for n in range(len(p)):
                    prefix = p[:n]
                    if below.get(prefix, line + 1) > line:
                        below[prefix] = line
            self._below = below
        return self._below.get(path)


def key_lines(text: str) -> KeyLines:
    """Map every key, table and array element of ``text`` to its first line."""
    scanner = _Scanner(text)
    # on a part it cannot read it keeps the lines found so far; the rest have none
    with contextlib.suppress(IndexError, ValueError, RecursionError):
        scanner.document()
    lines = KeyLines(scanner.lines)
    for path, line in scanner.implicit.items():
        lines.setdefault(path, line)
    return lines


def line_for(lines: dict[PathTuple, int], path: PathTuple, anchors: tuple[PathTuple, ...] = ()) -> int | None:
    """The last line of ``anchors``; else of ``path``; else its first descendant; else its parent."""
    found = [lines[a] for a in anchors if a in lines]
    if found:
        return max(found)
    if path in lines:
        return lines[path]
    below = (lines if isinstance(lines, KeyLines) else KeyLines(lines)).first_below(path)
    if below is not None:
        return below
    for depth in range(len(path) - 1, 0, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return None
