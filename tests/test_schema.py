"""json_schema agrees with tmlcfg on generated classes (checked with the jsonschema package)."""

from __future__ import annotations

import contextlib
import io
import json
import math
from collections.abc import Mapping
from typing import Annotated, Any

import annotated_types as at
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._cli.main import main
from tmlcfg._engine.nodes import ConfigNode, MappingNode
from tmlcfg._engine.spec import spec_of
from tmlcfg._load.schema import json_plain
from tmlcfg.optimizers import OptimizerConfig

from .strategies import Generated, classes_with_instances


def validator(cls: type) -> jsonschema.Draft202012Validator:
    schema = tmlcfg.json_schema(cls)
    json.dumps(schema, allow_nan=False)  # strict JSON, whatever the class's defaults and bounds
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@given(classes_with_instances())
def test_every_instance_validates(case: tuple[Generated, Any]) -> None:
    """to_dict of every generated instance is valid under the class's schema."""
    generated, config = case
    validator(generated.cls).validate(json_plain(tmlcfg.to_dict(config)))


@given(classes_with_instances(), st.data())
def test_documents_tmlcfg_rejects_the_schema_rejects(case: tuple[Generated, Any], data: st.DataObject) -> None:
    """An unknown key or a value of the wrong kind is refused by tmlcfg and by the schema."""
    generated, config = case
    document = tmlcfg.to_dict(config)
    spec = spec_of(generated.cls)
    assert spec is not None
    candidates = [f for f in spec.fields if not f.secret]
    mistake = data.draw(st.sampled_from(["unknown", "type"] if candidates else ["unknown"]))
    if mistake == "unknown":
        document["zz_not_a_field"] = 1
    else:
        f = data.draw(st.sampled_from(candidates))
        takes_tables = isinstance(f.node, (ConfigNode, MappingNode)) or "table" in f.node.toml_kinds
        document[f.name] = [[["deep"]]] if takes_tables else {"not": "a value"}
    with pytest.raises(tmlcfg.ConfigError):
        tmlcfg.from_dict(generated.cls, document)
    assert not validator(generated.cls).is_valid(json_plain(document))


def test_schema_content() -> None:
    """Titles, docs, defaults, bounds, enums, groups and no extra keys."""

    @tmlcfg.config
    class Small:
        """A small config."""

        steps: tmlcfg.PositiveInt = tmlcfg.field(default=10, doc="How many.")
        name: Annotated[str, at.MinLen(1)] = "x"
        extra: Mapping[str, int] = tmlcfg.field(factory=dict)
        optimizer: OptimizerConfig = tmlcfg.field(factory=OptimizerConfig)
        pair: tuple[int, str] = (1, "a")

    schema = tmlcfg.json_schema(Small)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Small"
    assert schema["description"] == "A small config."
    assert schema["additionalProperties"] is False
    assert schema["properties"]["steps"] == {
        "type": "integer",
        "exclusiveMinimum": 0,
        "description": "How many.",
        "default": 10,
    }
    assert schema["properties"]["name"]["minLength"] == 1
    assert schema["properties"]["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    optimizer = schema["$defs"]["OptimizerConfig"]
    assert optimizer["allOf"] == [
        {
            "not": {
                "anyOf": [
                    {"required": ["adam", "sgd"]},
                    {"required": ["adam", "adagrad"]},
                    {"required": ["sgd", "adagrad"]},
                ]
            }
        }
    ]
    check = validator(Small)
    assert not check.is_valid({"steps": 0})
    assert not check.is_valid({"name": ""})
    assert not check.is_valid({"optimizer": {"adam": {}, "sgd": {}}})
    assert not check.is_valid({"optimizer": {"sgd": {"lr": -1}}})
    assert check.is_valid({"optimizer": {"sgd": {"lr": 1}}})
    lr = schema["$defs"]["LearningRate"]
    assert lr["allOf"][0]["not"]["anyOf"][0] == {"required": ["constant", "linear_ramp_to_cosine"]}


def test_required_group_is_one_of() -> None:
    """A one_of group without a default member requires exactly one member."""

    @tmlcfg.config
    class Pick:
        a: int | None = tmlcfg.field(default=None, one_of="g")
        b: str | None = tmlcfg.field(default=None, one_of="g")

    check = validator(Pick)
    assert check.is_valid({"a": 1})
    assert not check.is_valid({})
    assert not check.is_valid({"a": 1, "b": "x"})


def _twhin_classes() -> list[type]:
    import inspect

    from examples.twhin import config as twhin

    return [c for _, c in inspect.getmembers(twhin, inspect.isclass) if spec_of(c) is not None]


def _example_classes() -> list[type]:
    from .test_shipped import SHIPPED

    return [*SHIPPED, *_twhin_classes()]


@pytest.mark.parametrize("cls", _example_classes(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_shipped_and_example_class_has_a_valid_schema(cls: type) -> None:
    """jsonschema's check_schema accepts the schema of every shipped class and of the TwHIN example."""
    check = validator(cls)
    if cls in _example_classes()[: len(_example_classes()) - len(_twhin_classes())]:
        check.validate(json_plain(tmlcfg.to_dict(cls())))  # the shipped ones build from defaults


def test_a_one_member_group_gives_a_valid_schema() -> None:
    """An at_most_one_of group of one member adds no rule (an empty anyOf is not JSON Schema)."""

    @tmlcfg.config
    class Training:
        initial_checkpoint_dir: str | None = tmlcfg.field(default=None, at_most_one_of="initialization")
        steps: int = 1

    @tmlcfg.config
    class Alone:
        only: int | None = tmlcfg.field(default=None, one_of="g")

    schema = tmlcfg.json_schema(Training)
    assert "allOf" not in schema
    check = validator(Training)
    check.validate({"initial_checkpoint_dir": "/ckpt"})
    check.validate({})
    alone = validator(Alone)
    alone.validate({"only": 1})
    assert not alone.is_valid({})


def _strict_json(text: str) -> Any:
    """``text`` read as strict JSON: ``Infinity``, ``-Infinity`` and ``NaN`` are not JSON."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@tmlcfg.config
class Clipping:
    """Values that are infinite by default."""

    clip: float = tmlcfg.field(default=math.inf, doc="Gradient norm clip.")
    floor: float = -math.inf
    steps: tuple[float, ...] = (0.5, math.inf)
    named: Mapping[str, float] = tmlcfg.field(factory=lambda: {"a": -math.inf})
    limit: Annotated[float, at.Le(math.inf), at.Gt(-math.inf), at.Ge(0.0)] = 1.0
    finite: float = 2.0


def test_a_schema_is_strict_json_whatever_the_defaults() -> None:
    """A default holding inf is said in its field's description, not given as a default; an infinite bound is left
    out; the command prints strict JSON."""
    schema = tmlcfg.json_schema(Clipping)
    assert _strict_json(json.dumps(schema, allow_nan=True)) == schema
    props = schema["properties"]
    assert props["clip"] == {
        "type": "number",
        "description": "Gradient norm clip.\n\nDefault: inf (not a JSON value, so not given as the default).",
    }
    assert props["floor"]["description"] == "Default: -inf (not a JSON value, so not given as the default)."
    assert props["steps"]["description"] == "Default: [0.5, inf] (not a JSON value, so not given as the default)."
    assert "default" not in props["named"]  # a factory's default is never given
    assert props["limit"] == {"type": "number", "minimum": 0.0, "default": 1.0}
    assert props["finite"]["default"] == 2.0
    validator(Clipping).validate(json_plain(tmlcfg.to_dict(Clipping(clip=1.0, floor=0.0, steps=()))))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema", f"{__name__}:Clipping"]) == 0
    assert _strict_json(out.getvalue()) == schema
