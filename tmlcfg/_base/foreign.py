"""Scalars of other libraries read as the Python values they hold, without importing those libraries.

numpy is the one such library: wandb's sweep engine proposes ``numpy.float64``
values, and a computation gives ``numpy.int64``. Each holds exactly one Python
value of its kind (``.item()``), and is read as that value, never across kinds:
``numpy.float64(1.0)`` is still not an int, ``numpy.int64(1)`` not a bool.
"""

from __future__ import annotations

from typing import Any

from .sentinels import MISSING

#: The numpy abstract classes whose instances hold a Python float, int or bool, by class name.
_NUMPY_KINDS = (("floating", float), ("integer", int), ("bool_", bool), ("bool", bool))


def held_value(value: Any) -> Any:
    """The Python ``float``, ``int`` or ``bool`` a numpy scalar holds, or ``MISSING`` for anything else.

    Called only where a value was not already a plain one, so plain values pay nothing.
    A numpy type is known by its module and the names in its MRO; one whose ``.item()``
    is not exactly a Python value of its kind (``numpy.longdouble``) holds none.
    """
    cls = type(value)
    if getattr(cls, "__module__", None) != "numpy":
        return MISSING
    names = {c.__name__ for c in cls.__mro__ if c.__module__ == "numpy"}
    for name, kind in _NUMPY_KINDS:
        if name in names:
            held = value.item()
            return held if type(held) is kind else MISSING
    return MISSING
