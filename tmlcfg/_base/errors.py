"""The exception hierarchy and the problem report every failure is made of."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .._base.keypaths import PathTuple, format_path, shown_path

# C0 and C1 control characters (newline and the terminal's escape among them), and DEL
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROLS.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def one_line(message: str) -> str:
    """A message as a report line shows it: control characters escaped.

    Messages quote values from files and words from users' validators; a newline in
    one would start what reads as another problem, an escape would reach the terminal.

    >>> one_line("refused 'x\\n  forged'")
    "refused 'x\\\\n  forged'"
    """
    return message.translate(_CONTROLS) if not message.isprintable() else message


class TmlcfgError(Exception):
    """Base of every error tmlcfg raises on purpose."""


class DefinitionError(TmlcfgError, TypeError):
    """A config class that could not round-trip through TOML (law 6)."""


class UsageError(Exception):
    """A mistake in how a command was called: its exit code is 2. The one usage error of every command."""


class Problem:
    """One thing wrong with an input: where it is and what to do about it.

    ``path`` is in the path language (``model.relations[3].lhs``); ``source`` is
    the file (or ``"override"``) and ``line`` its line, where they are known.
    """

    __slots__ = ("line", "message", "path", "source")

    path: str
    message: str
    source: str | None
    line: int | None

    def __init__(self, path: str, message: str, source: str | None = None, line: int | None = None) -> None:
        # a plain class, not attrs: it is made at import-light speed and never changes
        self.path = path
        self.message = message
        self.source = source
        self.line = line

    def _key(self) -> tuple[str, str, str | None, int | None]:
        return (self.path, self.message, self.source, self.line)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Problem) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, message={self.message!r}, source={self.source!r}, line={self.line!r})"

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = f"{self.source}:{self.line}: " if self.line is not None else f"{self.source}: "
        path = shown_path(self.path)  # a megabyte-long unknown key, say: its ends are enough to find it
        message = one_line(self.message)
        return f"{where}{path}: {message}" if path else f"{where}{message}"


class ConfigError(TmlcfgError, ValueError):
    """Bad input: every problem found in it, each with its path (and file and line)."""

    def __init__(self, problems: Sequence[Problem], *, target: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.target = target
        #: the problems with their paths as tuples, when tmlcfg made them: files locate these
        self.raw: list[RawProblem] | None = None
        # the report is worded when it is read (str), not when it is raised: an error caught
        # and located again, as a file's are, would word it several times
        self._text: str | None = None
        super().__init__(self.problems)

    @classmethod
    def from_raw(cls, raw: list[RawProblem], *, target: str | None = None) -> ConfigError:
        error = cls([to_problem(p) for p in raw], target=target)
        error.raw = raw
        return error

    def _render(self) -> str:
        count = len(self.problems)
        sources = list(dict.fromkeys(p.source for p in self.problems if p.source is not None))
        head = f"{count} problem{'s' if count != 1 else ''}"
        if sources:
            head += " in " + ", ".join(sources)
            if self.target:
                head += f" ({self.target})"
        elif self.target:
            head += f" in {self.target}"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._render()
        return self._text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_config_error, (self.problems, self.target))


def _config_error(problems: Sequence[Problem], target: str | None) -> ConfigError:
    return ConfigError(problems, target=target)


class Invalid(Exception):
    """Internal: problems found below some point, with paths relative to it.

    Raised inside structuring and caught by the enclosing config or container,
    which prefixes its own key; only the public entry points turn it into a
    :class:`ConfigError`.  Problems are ``(path, message, anchors)`` tuples, the
    anchors being paths whose last line stands for the problem when the path
    has no line of its own (the members set in a group, say).
    """

    __slots__ = ("problems",)

    def __init__(self, problems: list[RawProblem]) -> None:
        self.problems = problems

    @classmethod
    def one(cls, message: str, path: PathTuple = ()) -> Invalid:
        return cls([(path, message, ())])


RawProblem = tuple[PathTuple, str, tuple[PathTuple, ...]]


def prefixed(key: str | int, problems: Iterable[RawProblem]) -> list[RawProblem]:
    return [((key, *path), msg, tuple((key, *a) for a in anchors)) for path, msg, anchors in problems]


def to_problem(raw: RawProblem, source: str | None = None, line: int | None = None) -> Problem:
    return Problem(format_path(raw[0]), raw[1], source, line)
