"""One structuring truth: the generated code's inlined checks are held to the checked path, type-exactly."""

from __future__ import annotations

import contextlib
import enum
import math
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._engine.codegen import regenerate
from tmlcfg._engine.spec import ClassSpec, spec_of

from .strategies import Generated, classes_with_instances, config_classes, frozen_toml_values, keys

_toml_documents = st.dictionaries(keys, frozen_toml_values, max_size=4)


def exact(value: Any) -> Any:
    """A value with the Python type of every leaf spelled out, so that 1, 1.0 and True differ."""
    if attrs.has(type(value)):
        return (type(value), tuple((a.name, exact(getattr(value, a.name))) for a in attrs.fields(type(value))))
    if isinstance(value, (tuple, list)):
        return (type(value), tuple(exact(v) for v in value))
    if isinstance(value, (frozenset, set)):
        return (type(value), frozenset(exact(v) for v in value))
    if isinstance(value, Mapping):
        return (type(value), tuple(sorted((k, exact(v)) for k, v in value.items())))
    if isinstance(value, float):
        return (float, repr(value))  # -0.0 and 0.0 differ here
    if isinstance(value, enum.Enum):
        return (type(value), value.name)
    return (type(value), value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _ints_for_whole_floats(value: Any) -> Any:
    """What a hand-written file holds: ``lr = 1`` where the class wants a float."""
    if isinstance(value, dict):
        return {k: _ints_for_whole_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints_for_whole_floats(v) for v in value]
    if type(value) is float and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@st.composite
def documents_for(draw: st.DrawFn, generated: Generated) -> dict[str, Any]:
    """Arbitrary documents, valid ones (floats sometimes written as ints), and valid ones with one value changed."""
    kind = draw(st.sampled_from(["arbitrary", "valid", "whole", "changed"]))
    if kind == "arbitrary":
        return _plain(draw(_toml_documents))  # type: ignore[no-any-return]
    document = tmlcfg.to_dict(draw(generated.instances))
    if kind == "whole":
        return _ints_for_whole_floats(document)  # type: ignore[no-any-return]
    if kind == "changed" and document:
        key = draw(st.sampled_from(sorted(document)))
        document[key] = _plain(draw(frozen_toml_values))
    return document


def _outcome(cls: type, data: Any) -> Any:
    try:
        return ("ok", exact(tmlcfg.from_dict(cls, data)))
    except tmlcfg.ConfigError as e:
        return ("error", [str(p) for p in e.problems])


class _Variant:
    """Run with another generation of a class's code, then put the real one back."""

    def __init__(self, spec: ClassSpec, **options: Any) -> None:
        self.spec = spec
        self.options = options

    def __enter__(self) -> None:
        regenerate(self.spec, **self.options)

    def __exit__(self, *exc: object) -> None:
        regenerate(self.spec)


def _spec(cls: type) -> ClassSpec:
    spec = spec_of(cls)
    assert spec is not None
    return spec


@given(config_classes().flatmap(lambda g: st.tuples(st.just(g), documents_for(g))))
def test_inlined_checks_agree_with_the_checked_path(case: tuple[Generated, dict[str, Any]]) -> None:
    """With and without inlined checks, every document gives type-exactly the same config or the same problems."""
    generated, data = case
    fast = _outcome(generated.cls, data)
    with _Variant(_spec(generated.cls), inline=False):
        checked = _outcome(generated.cls, data)
    assert fast == checked


@given(classes_with_instances(), st.booleans())
def test_valid_input_never_takes_the_slow_way(case: tuple[Generated, Any], whole: bool) -> None:
    """No str, number, bool, enum, literal or nested table of valid input leaves the inlined checks."""
    generated, config = case
    document = tmlcfg.to_dict(config)
    if whole:
        document = _ints_for_whole_floats(document)
    probe = [0]
    with _Variant(_spec(generated.cls), probe=probe):
        tmlcfg.from_dict(generated.cls, document)
    assert probe == [0]


def test_the_probe_sees_the_slow_way() -> None:
    """The probe counts a value the inlined checks turned down, so the test above can fail."""

    @tmlcfg.config
    class Steps:
        n: int = 1

    probe = [0]
    with _Variant(_spec(Steps), probe=probe), pytest.raises(tmlcfg.ConfigError):
        tmlcfg.from_dict(Steps, {"n": "7"})
    assert probe == [1]
    probe[0] = 0
    with _Variant(_spec(Steps), inline=False, probe=probe):
        tmlcfg.from_dict(Steps, {"n": 7})
    assert probe == [1]


@attrs.define
class _Calls:
    validator: int = 0
    post_init: int = 0


@pytest.fixture
def calls() -> _Calls:
    return _Calls()


def _counted_classes(calls: _Calls) -> tuple[type, type]:
    def count(value: int) -> None:
        calls.validator += 1
        if value < 0:
            raise ValueError("must not be negative")

    @tmlcfg.config
    class Inner:
        k: int = tmlcfg.field(default=1, validator=count)

        def __attrs_post_init__(self) -> None:
            calls.post_init += 1

    @tmlcfg.config
    class Outer:
        inner: Inner = tmlcfg.field(factory=Inner)
        name: str = "x"

    return Inner, Outer


@pytest.mark.parametrize(
    ("data", "validated", "checked"),
    [
        ({"inner": {"k": 2}}, 1, 1),
        ({"inner": {"k": 2}, "name": 5}, 1, 1),  # the outer config fails after the inner one was built
        ({"inner": {"k": -1}}, 1, 0),  # the validator refuses: no cross-field check
        ({"inner": {"k": "2"}}, 0, 0),  # the type is wrong: neither runs
    ],
)
def test_user_code_runs_once_per_construction(
    calls: _Calls, data: dict[str, Any], validated: int, checked: int
) -> None:
    """Validators and __attrs_post_init__ run once for each value built, whichever way it came."""
    _, outer = _counted_classes(calls)
    calls.validator = calls.post_init = 0
    with contextlib.suppress(tmlcfg.ConfigError):
        tmlcfg.from_dict(outer, data)
    assert (calls.validator, calls.post_init) == (validated, checked)


def test_constructor_runs_user_code_once(calls: _Calls) -> None:
    """Building from Python runs the validator and the cross-field check once each."""
    inner, _ = _counted_classes(calls)
    calls.validator = calls.post_init = 0
    inner(k=3)
    assert (calls.validator, calls.post_init) == (1, 1)


@given(classes_with_instances())
def test_generated_unstructure_agrees_with_the_nodes(case: tuple[Generated, Any]) -> None:
    """The generated plain-dict writer gives type-exactly what walking the nodes gives."""
    generated, config = case
    spec = _spec(generated.cls)
    assert exact(spec.generated_unstructure()(config)) == exact(spec.unstructure(config, False))


# -- generated code a person can read ------------------------------------------------------


def _generated_source(cls: type) -> str:
    import linecache

    build, _ = spec_of(cls).generated()  # type: ignore[union-attr]
    return "".join(linecache.getlines(build.__code__.co_filename))


def test_generated_code_names_what_it_holds_after_the_fields() -> None:
    """Locals and constants are named after fields, each constant bound once, with no dead branches."""

    @tmlcfg.config
    class Small:
        name: str = "x"
        steps: tmlcfg.PositiveInt = 10
        lr: float | None = None
        tags: tuple[str, ...] = ()

    source = _generated_source(Small)
    head = source.splitlines()[0]
    params = head.removeprefix("def make(").removesuffix("):").split(", ")
    assert len(params) == len(set(params))
    for field in ("name", "steps", "lr", "tags"):
        assert f"    {field} = get({field!r}, MISSING)" in source
        assert f"{field}_check" in params
        assert f"set_{field}" in params
    assert params.count("cls") == 1 and not any(p.startswith("cls_") for p in params)
    assert len(params) < 30  # four fields, not 72 parameters
    lines = [line.strip() for line in source.splitlines()]
    assert "pass" not in lines
    assert not any(line.endswith("False:") for line in lines)
    # build shares fill's body instead of repeating it
    assert source.count("data.keys() <=") == 1
    assert "fill(inst, data)" in source


def test_a_traceback_through_generated_code_names_the_field() -> None:
    """The frame of a user's validator called from generated code shows the field's own local."""
    import traceback

    class Stop(BaseException):  # not an Exception: tmlcfg lets it through, as it does KeyboardInterrupt
        pass

    def refuse(value: int) -> None:
        if value == 3:
            raise Stop

    @tmlcfg.config
    class Checked:
        warmup_steps: int = tmlcfg.field(default=1, validator=refuse)

    with pytest.raises(Stop) as info:
        tmlcfg.from_dict(Checked, {"warmup_steps": 3})
    text = "".join(traceback.format_exception(info.value))
    assert "warmup_steps_validate(warmup_steps)" in text


def test_field_names_the_generated_code_uses_itself_still_work() -> None:
    """Fields named like the generated code's own names (data, get, type, MISSING, set_x...) read and write."""

    class Color(enum.Enum):
        red = "red"

    @tmlcfg.config
    class Inner:
        x: int = 1

    @tmlcfg.config
    class Odd:
        data: int = 1
        get: str = "g"
        problems: float = 0.5
        type: Color = Color.red
        name: int = 2
        name_check: int = 3
        set_name: int = 4
        cls: Inner = Inner()
        e: bool = False
        inst: tuple[Inner, ...] = ()
        MISSING: int = 0
        Invalid: int = 0
        failed: int = 0

    given = {"data": 5, "get": "x", "problems": 2, "type": "red", "name": 7, "name_check": 8, "set_name": 9}
    given |= {"cls": {"x": 3}, "e": True, "inst": [{"x": 1}], "MISSING": 1, "Invalid": 2, "failed": 3}
    odd = tmlcfg.from_dict(Odd, given)
    assert exact(odd) == exact(Odd(**{**given, "cls": Inner(x=3), "inst": (Inner(x=1),), "type": Color.red}))
    assert exact(odd.problems) == (float, "2.0")
    assert tmlcfg.from_dict(Odd, tmlcfg.to_dict(odd)) == odd
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Odd, {"data": "5", "get": 1, "type": "blue", "cls": {"x": "3"}, "failed": "x"})
    assert [p.path for p in info.value.problems] == ["data", "get", "type", "cls.x", "failed"]


def test_the_architecture_page_shows_the_code_that_is_generated() -> None:
    """The generated function the docs show for a small class is the one tmlcfg generates."""
    import pathlib

    page = (pathlib.Path(__file__).parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    shown = page.split("<!-- generated-warmup -->\n```text\n")[1].split("```\n<!-- /generated-warmup -->")[0]

    @tmlcfg.config
    class Warmup:
        steps: tmlcfg.PositiveInt = 100
        schedule: str = "linear"

    assert _generated_source(Warmup) == shown
