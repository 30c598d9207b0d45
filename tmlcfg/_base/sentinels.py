"""The markers structuring passes around where a value is not (yet) a value."""

from typing import Any


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


#: No value was given (distinct from ``None``, which a user may pass for an optional field).
MISSING: Any = _Marker("MISSING")
#: A one_of group's default member, not given: resolved once the other members are known.
GROUP_DEFAULT: Any = _Marker("GROUP_DEFAULT")
#: The value was refused; its problems are already reported.
FAILED: Any = _Marker("FAILED")
#: An override ``~path``: what earlier layers said at the path is dropped, so the field takes its default.
RESET: Any = _Marker("RESET")
#: ``env=`` left to its default: the process's environment, read when the call is made. A marker,
#: not ``os.environ`` itself, so that ``help()`` and signatures never print the environment.
ENVIRON: Any = _Marker("os.environ")
