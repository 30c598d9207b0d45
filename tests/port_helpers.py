"""Importing the sample project twice, as pydantic and as its port, and comparing what each parsed."""

from __future__ import annotations

import contextlib
import importlib
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

SAMPLE = pathlib.Path(__file__).parent / "port_sample"
BASE = "tml.core.config.BaseConfig"


@contextlib.contextmanager
def imported_from(root: pathlib.Path, package: str) -> Iterator[None]:
    """``package`` importable from ``root`` only, and forgotten afterwards (the port has the same names)."""

    def forget() -> dict[str, Any]:
        return {k: sys.modules.pop(k) for k in list(sys.modules) if k == package or k.startswith(package + ".")}

    from pydantic.v1 import class_validators

    saved = forget()
    # the port keeps the project's pydantic base class, which a second import of the same module
    # name would define again; pydantic v1 refuses that unless its registry of validators is fresh
    seen = class_validators._FUNCS
    class_validators._FUNCS = set()
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        class_validators._FUNCS = seen
        forget()
        sys.modules.update(saved)


def load_classes(root: pathlib.Path, targets: list[str]) -> dict[str, Any]:
    """Each ``module:Class`` from the tree at ``root``, in one import of it."""
    out = {}
    package = targets[0].split(".")[0]
    with imported_from(root, package):
        for target in targets:
            module, _, name = target.partition(":")
            out[target] = getattr(importlib.import_module(module), name)
    return out


_ORIGINALS: dict[str, Any] = {}


def original_classes(targets: list[str]) -> dict[str, Any]:
    """The sample's pydantic classes, imported once: pydantic v1 refuses a validator defined twice."""
    if not _ORIGINALS:
        _ORIGINALS.update(load_classes(SAMPLE, sorted({t for t, _ in experiments()})))
    return {t: _ORIGINALS[t] for t in targets}


def experiments() -> list[tuple[str, pathlib.Path]]:
    """Each YAML experiment file of the sample with the class its first line names."""
    out = []
    for path in sorted((SAMPLE / "experiments").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out.append((first.removeprefix("# class: ").strip(), path))
    return out


def pydantic_parse(cls: Any, data: Any) -> Any:
    """What pydantic v1 parsed, as plain data: nulls dropped (TOML has none), enums as values, sets kept."""
    return _plain(cls.parse_obj(data).dict())


def _plain(value: Any) -> Any:
    import enum

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {_plain(v) for v in value}
    if isinstance(value, enum.Enum):
        return value.value
    return value


def exactly(value: Any) -> Any:
    """``value`` with the type of every leaf made part of it, so that 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return {k: exactly(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [exactly(v) for v in value]
    return (type(value).__name__, value)


def differences(want: Any, got: Any, path: str = "") -> list[str]:
    """Where pydantic's parse and tmlcfg's differ, type-exactly.

    The one allowance: pydantic v1 keeps a default as written, so an int default of a
    float field stays an int there, while the port makes it the float tmlcfg holds.
    """
    if isinstance(want, dict) and isinstance(got, dict):
        out = [f"{path}.{k}: only in pydantic's" for k in want.keys() - got.keys()]
        out += [f"{path}.{k}: only in tmlcfg's" for k in got.keys() - want.keys()]
        for k in want.keys() & got.keys():
            out += differences(want[k], got[k], f"{path}.{k}")
        return out
    if isinstance(want, set) and isinstance(got, list):
        # a set has no order: tmlcfg writes a frozenset as a list in its own
        return (
            []
            if {(type(v), v) for v in want} == {(type(v), v) for v in got}
            else [f"{path}: pydantic {want!r}, tmlcfg {got!r}"]
        )
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [d for i, (w, g) in enumerate(zip(want, got, strict=True)) for d in differences(w, g, f"{path}[{i}]")]
    if type(want) is int and type(got) is float and want == got:
        return []
    if type(want) is float and type(got) is float and want != want and got != got:
        return []  # nan
    if type(want) is not type(got) or want != got:
        return [f"{path}: pydantic {want!r}, tmlcfg {got!r}"]
    return []


def port_source(
    directory: pathlib.Path, source: str, *, bases: tuple[str, ...] = (), check: bool = False
) -> tuple[str, Any]:
    """The ported text of one module ``cfg.py`` holding ``source``, and the port's result.

    Without ``check`` the rewrite alone is tested (the command always checks its output).
    """
    import textwrap

    from tmlcfg._port.command import port

    path = directory / "cfg.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    result = port([str(path)], list(bases), check=check)
    code = result.sources[0].code
    assert code is not None, result.problems
    return code, result


def run_module(code: str, name: str = "ported_cfg") -> dict[str, Any]:
    """The names a ported module defines, executed as a module of its own."""
    import types

    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(code, f"<{name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module.__dict__
