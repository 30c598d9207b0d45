"""A TOML text's lines as ``upgrade`` needs them: where comments are, and where a value's lines end.

Assumes valid TOML (the text has parsed already) and never raises. Strings
are followed (``#`` inside one is no comment, a multi-line string holds
newlines), brackets counted, so a value spread over lines (a multi-line
string, an array) is known line by line.
"""

from __future__ import annotations

from typing import NamedTuple


class Comment(NamedTuple):
    line: int  # 1-based
    text: str  # from the ``#`` to the end of the line, without the newline
    alone: bool  # nothing but blanks before it on its line


class Lines(NamedTuple):
    comments: list[Comment]
    depth: list[int]  # per line (index 0 is line 1): brackets opened less closed on it, outside strings
    open_string: list[bool]  # per line: whether it ends inside a multi-line string

    def value_end(self, line: int) -> int:
        """The last line of the value that starts on ``line`` (the same line for a one-line value)."""
        depth = 0
        last = len(self.depth)
        while line <= last:
            depth += self.depth[line - 1]
            if depth <= 0 and not self.open_string[line - 1]:
                return line
            line += 1
        return last


def scan(text: str) -> Lines:
    comments: list[Comment] = []
    depth: list[int] = []
    open_string: list[bool] = []
    n = len(text)
    i = 0
    line_start = 0
    here = 0  # the bracket depth change on the current line
    while i < n:
        c = text[i]
        if c == "\n":
            depth.append(here)
            open_string.append(False)
            here = 0
            i += 1
            line_start = i
        elif c == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            comment = text[i:end].rstrip("\r")
            comments.append(Comment(len(depth) + 1, comment, not text[line_start:i].strip()))
            i = end
        elif c in "[{":
            here += 1
            i += 1
        elif c in "]}":
            here -= 1
            i += 1
        elif c in "\"'":
            quote = c * 3
            if text.startswith(quote, i):
                i += 3
                while i < n:
                    if c == '"' and text[i] == "\\":
                        if text[i + 1 : i + 2] == "\n":
                            depth.append(here)
                            open_string.append(True)
                            here = 0
                        i += 2
                        continue
                    if text.startswith(quote, i):
                        i += 3
                        while i < n and text[i] == c:  # up to two more quotes belong to the string
                            i += 1
                        break
                    if text[i] == "\n":
                        depth.append(here)
                        open_string.append(True)
                        here = 0
                    i += 1
                line_start = text.rfind("\n", 0, i) + 1
            else:
                i += 1
                while i < n and text[i] != c and text[i] != "\n":
                    i += 2 if c == '"' and text[i] == "\\" else 1
                i += 1 if i < n and text[i] == c else 0
        else:
            i += 1
    if text and not text.endswith("\n"):  # the last line, without a newline
        depth.append(here)
        open_string.append(False)
    return Lines(comments, depth, open_string)


def key_part(line: str) -> str | None:
    """The part of ``line`` before its first ``=`` outside quotes (the key and its spacing); ``None`` if none."""
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "=":
            return line[:i]
        elif c == "#":
            return None
        i += 1
    return None


def ending(line: str) -> str:
    """The line's own line ending: ``\\r\\n``, ``\\n`` or none."""
    return "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
