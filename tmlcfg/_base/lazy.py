"""Module attributes imported on first use (PEP 562), for light imports."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_attributes(
    module: str, names: dict[str, str], public: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``module``: each name loads from its submodule when asked.

    Names in ``public`` get ``module`` as their ``__module__``, so they show as
    ``tmlcfg.Difference`` rather than ``tmlcfg._diff.Difference``.
    """
    namespace = importlib.import_module(module).__dict__

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"tmlcfg.{names[name]}"), name)
        if name in public:
            value.__module__ = module
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
