"""`tmlcfg port`: one test for each kind of translation, its pydantic v1 spelling before and tmlcfg's after."""

from __future__ import annotations

import pathlib

import pytest

from tmlcfg.testing import check_config_class

from .port_helpers import port_source, run_module

pytest.importorskip("libcst")

HEAD = "import typing\n\nimport pydantic\n\n\nclass Inner(pydantic.BaseModel):\n    n: int = 1\n\n\n"
PORTED_INNER = "\n\n\n@tmlcfg.config\nclass Inner:\n    n: int = 1\n\n\n"

#: id, the class as pydantic v1 spelled it, the class as the port writes it
CLASSES = [
    pytest.param(
        'class C(pydantic.BaseModel):\n    """Docs."""\n\n    x: int = 1\n',
        '@tmlcfg.config\nclass C:\n    """Docs."""\n\n    x: int = 1\n',
        id="class-becomes-config",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = 1\n\n    class Config:\n        extra = pydantic.Extra.forbid\n",
        "@tmlcfg.config\nclass C:\n    x: int = 1\n",
        id="config-extra-forbid-removed",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = 1\n\n    class Config:\n        anystr_lower = True\n",
        "# TODO(tmlcfg port): class Config said `anystr_lower = True`; pydantic lowered every str; tmlcfg has no such setting, check what relied on it\n@tmlcfg.config\nclass C:\n    x: int = 1\n",
        id="config-other-setting-noted",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = 1\n\n    class Config:\n        allow_mutation = False\n",
        "@tmlcfg.config\nclass C:\n    x: int = 1\n",
        id="config-setting-every-config-has",
    ),
    pytest.param(
        "class C(Inner):\n    x: int = 1\n",
        "@tmlcfg.config\nclass C(Inner):\n    x: int = 1\n",
        id="inheritance-kept",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = 1\n",
        "@tmlcfg.config\nclass C:\n    x: int = 1\n",
        id="plain-default",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = pydantic.Field(1, description="X.")\n',
        '@tmlcfg.config\nclass C:\n    x: int = tmlcfg.field(default=1, doc="X.")\n',
        id="field-default-and-description",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    a: Inner = pydantic.Field(None, one_of="g")\n    b: Inner = pydantic.Field(None, one_of="g")\n    c: int = pydantic.Field(None, at_most_one_of="h")\n',
        '@tmlcfg.config\nclass C:\n    a: Inner | None = tmlcfg.field(default=None, one_of="g")\n    b: Inner | None = tmlcfg.field(default=None, one_of="g")\n    c: int | None = tmlcfg.field(default=None, at_most_one_of="h")\n',
        id="field-groups",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = pydantic.Field(...)\n",
        "@tmlcfg.config\nclass C:\n    x: int\n",
        id="field-ellipsis-required",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = pydantic.Field(description="X.")\n',
        '@tmlcfg.config\nclass C:\n    x: int = tmlcfg.field(doc="X.")\n',
        id="field-description-required",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: typing.Dict[str, int] = pydantic.Field(default_factory=lambda: {"a": 1})\n',
        '@tmlcfg.config\nclass C:\n    x: Mapping[str, int] = tmlcfg.field(factory=lambda: {"a": 1})\n',
        id="default-factory",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.List[int]\n    y: list[str]\n",
        "@tmlcfg.config\nclass C:\n    x: tuple[int, ...]\n    y: tuple[str, ...]\n",
        id="list-to-tuple",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.List[int] = [1, 2]\n    y: typing.List[str] = []\n",
        "@tmlcfg.config\nclass C:\n    x: tuple[int, ...] = (1, 2)\n    y: tuple[str, ...] = ()\n",
        id="list-default-to-tuple-default",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Dict[str, int]\n",
        "@tmlcfg.config\nclass C:\n    x: Mapping[str, int]\n",
        id="dict-to-mapping",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Dict[str, int] = {}\n",
        "@tmlcfg.config\nclass C:\n    x: Mapping[str, int] = tmlcfg.field(factory=dict)\n",
        id="empty-dict-default-to-factory",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Dict\n",
        "@tmlcfg.config\nclass C:\n    x: Mapping[str, Any]\n",
        id="untyped-dict",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: typing.Set[str] = {"a"}\n',
        '@tmlcfg.config\nclass C:\n    x: frozenset[str] = frozenset({"a"})\n',
        id="set-to-frozenset",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Optional[int] = None\n",
        "@tmlcfg.config\nclass C:\n    x: int | None = None\n",
        id="optional",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Union[int, None] = None\n",
        "@tmlcfg.config\nclass C:\n    x: int | None = None\n",
        id="union-with-none",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = None\n",
        "@tmlcfg.config\nclass C:\n    x: int | None = None\n",
        id="implicit-optional",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: int = pydantic.Field(None)\n",
        "@tmlcfg.config\nclass C:\n    x: int | None = None\n",
        id="implicit-optional-field",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: typing.Union[int, str] = 1\n",
        "@tmlcfg.config\nclass C:\n    x: int | str = 1\n",
        id="union",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    a: pydantic.PositiveInt = 1\n    b: pydantic.NonNegativeInt = 0\n    c: pydantic.PositiveFloat = 1.0\n    d: pydantic.NonNegativeFloat = 0.0\n",
        "@tmlcfg.config\nclass C:\n    a: tmlcfg.PositiveInt = 1\n    b: tmlcfg.NonNegativeInt = 0\n    c: tmlcfg.PositiveFloat = 1.0\n    d: tmlcfg.NonNegativeFloat = 0.0\n",
        id="positive-and-non-negative",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    a: pydantic.StrictInt = 1\n    b: pydantic.StrictStr = "b"\n    c: pydantic.StrictBool = True\n    d: pydantic.StrictFloat = 1.5\n',
        '@tmlcfg.config\nclass C:\n    a: int = 1\n    b: str = "b"\n    c: bool = True\n    d: float = 1.5\n',
        id="strict-types",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: pydantic.conint(gt=0, le=10) = 1\n",
        "@tmlcfg.config\nclass C:\n    x: Annotated[int, annotated_types.Gt(0), annotated_types.Le(10)] = 1\n",
        id="conint",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: pydantic.confloat(ge=0.0, lt=1.0) = 0.5\n",
        "@tmlcfg.config\nclass C:\n    x: Annotated[float, annotated_types.Ge(0.0), annotated_types.Lt(1.0)] = 0.5\n",
        id="confloat",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: pydantic.constr(min_length=1, max_length=5) = "x"\n',
        '@tmlcfg.config\nclass C:\n    x: Annotated[str, annotated_types.MinLen(1), annotated_types.MaxLen(5)] = "x"\n',
        id="constr",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: pydantic.conlist(int, min_items=1) = [1]\n",
        "@tmlcfg.config\nclass C:\n    x: Annotated[tuple[int, ...], annotated_types.MinLen(1)] = (1,)\n",
        id="conlist",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    key: pydantic.SecretStr = pydantic.Field("k", description="API key.")\n    other: pydantic.SecretStr\n',
        '@tmlcfg.config\nclass C:\n    key: str = tmlcfg.field(default="k", doc="API key.", secret=True)\n    other: str = tmlcfg.field(secret=True)\n',
        id="secret-str",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: float = 60 * 60\n",
        "@tmlcfg.config\nclass C:\n    x: float = 3600.0\n",
        id="int-default-on-float",
    ),
    pytest.param(
        "class C(pydantic.BaseModel):\n    x: Inner = Inner()\n",
        "@tmlcfg.config\nclass C:\n    x: Inner = tmlcfg.field(factory=Inner)\n",
        id="config-instance-default",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    a: Inner = pydantic.Field(one_of="g")\n    b: Inner = pydantic.Field(None, one_of="g")\n',
        '@tmlcfg.config\nclass C:\n    a: Inner | None = tmlcfg.field(default=None, one_of="g")\n    b: Inner | None = tmlcfg.field(default=None, one_of="g")\n',
        id="required-one-of-member",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = 1\n\n    @pydantic.validator("x")\n    def positive(cls, v):\n        if v <= 0:\n            raise ValueError("x must be positive")\n        return v\n',
        '@tmlcfg.config\nclass C:\n    x: int = 1\n\n    def __attrs_post_init__(self) -> None:\n        # positive (x)\n        if self.x <= 0:\n            raise ValueError("x must be positive")\n',
        id="field-validator",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    lo: int = 0\n    hi: int = 1\n\n    @pydantic.root_validator\n    def ordered(cls, values):\n        if values["lo"] > values.get("hi"):\n            raise ValueError("lo above hi")\n        return values\n',
        '@tmlcfg.config\nclass C:\n    lo: int = 0\n    hi: int = 1\n\n    def __attrs_post_init__(self) -> None:\n        # ordered\n        if self.lo > self.hi:\n            raise ValueError("lo above hi")\n',
        id="root-validator-values",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = 1\n\n    @pydantic.validator("x")\n    def first(cls, v):\n        assert v != 2, "not 2"\n        return v\n\n    @pydantic.root_validator(pre=True)\n    def second(cls, values):\n        if "y" in values:\n            raise ValueError("no y")\n        return values\n\n    @pydantic.root_validator\n    def third(cls, values):\n        assert values["x"] != 3\n        return values\n',
        '@tmlcfg.config\nclass C:\n    x: int = 1\n\n    def __attrs_post_init__(self) -> None:\n        # first (x)\n        if not (self.x != 2):\n            raise ValueError("not 2")\n        # third\n        if not (self.x != 3):\n            raise ValueError("third: self.x != 3 does not hold")\n\n    # TODO(tmlcfg port): validator second: with pre=True it sees the raw input, and it uses \'values\', which has no counterpart on a built config; port it to __attrs_post_init__ by hand\n    # @pydantic.root_validator(pre=True)\n    # def second(cls, values):\n    #     if "y" in values:\n    #         raise ValueError("no y")\n    #     return values\n',
        id="validators-merged-in-order",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = 1\n\n    @pydantic.validator("x", pre=True)\n    def not_seven(cls, v):\n        if v == 7:\n            raise ValueError("no 7")\n        return v\n',
        '@tmlcfg.config\nclass C:\n    x: int = 1\n\n    def __attrs_post_init__(self) -> None:\n        # not_seven (x)\n        if self.x == 7:\n            raise ValueError("no 7")\n',
        id="pre-check-translated",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: str = "a"\n\n    @pydantic.validator("x")\n    def lower(cls, v):\n        return v.lower()\n',
        '@tmlcfg.config\nclass C:\n    x: str = "a"\n\n    # TODO(tmlcfg port): validator lower: it returns a new value instead of checking one; port it to __attrs_post_init__ by hand\n    # @pydantic.validator("x")\n    # def lower(cls, v):\n    #     return v.lower()\n',
        id="value-changing-validator-kept-as-comment",
    ),
    pytest.param(
        'class C(pydantic.BaseModel):\n    x: int = 1\n\n    @pydantic.root_validator(pre=True)\n    def legacy(cls, values):\n        values.setdefault("x", values.pop("old_x", 1))\n        return values\n',
        '@tmlcfg.config\nclass C:\n    x: int = 1\n\n    # TODO(tmlcfg port): validator legacy: with pre=True it sees the raw input, and it changes the values pydantic builds the object from; port it to __attrs_post_init__ by hand\n    # @pydantic.root_validator(pre=True)\n    # def legacy(cls, values):\n    #     values.setdefault("x", values.pop("old_x", 1))\n    #     return values\n',
        id="pre-reshaping-validator-kept-as-comment",
    ),
]


#: id, a line of code using a model, that line with the TODO the port leaves
USES = [
    pytest.param(
        "cfg.dict()", "    # TODO(tmlcfg port): .dict(): use tmlcfg.to_dict(cfg)\n    cfg.dict()\n", id="use-dict"
    ),
    pytest.param(
        "cfg.dict(exclude_none=True)",
        "    # TODO(tmlcfg port): .dict(): use tmlcfg.to_dict(cfg)\n    cfg.dict(exclude_none=True)\n",
        id="use-dict-with-options",
    ),
    pytest.param(
        'cfg.copy(update={"x": 2})',
        '    # TODO(tmlcfg port): .copy(update=...): configs are immutable; use tmlcfg.replace(cfg, {path: value})\n    cfg.copy(update={"x": 2})\n',
        id="use-copy-update",
    ),
    pytest.param(
        'C.parse_obj({"x": 1})',
        '    # TODO(tmlcfg port): .parse_obj(): use tmlcfg.from_dict(Class, data)\n    C.parse_obj({"x": 1})\n',
        id="use-parse-obj",
    ),
    pytest.param(
        "cfg.json()",
        "    # TODO(tmlcfg port): .json(): use tmlcfg.dumps(cfg) (TOML) or json.dumps(tmlcfg.to_dict(cfg))\n    cfg.json()\n",
        id="use-json",
    ),
    pytest.param(
        "cfg.x = 2",
        "    # TODO(tmlcfg port): assigning .x: configs are frozen; use tmlcfg.replace(cfg, {path: value})\n    cfg.x = 2\n",
        id="use-assign-field",
    ),
    pytest.param(
        "cfg.items.append(3)",
        "    # TODO(tmlcfg port): .items.append(): that field is a tuple now; use tmlcfg.replace(cfg, {path: new_tuple})\n    cfg.items.append(3)\n",
        id="use-append-to-list-field",
    ),
]


@pytest.mark.parametrize(("before", "after"), CLASSES)
def test_each_translation(tmp_path: pathlib.Path, before: str, after: str) -> None:
    """The class is rewritten exactly so, and the result is a valid tmlcfg config."""
    code, result = port_source(tmp_path, HEAD + before)
    ported = code.partition(PORTED_INNER)[2]
    assert ported == after
    assert result.problems == []
    # the module imports, and the class keeps tmlcfg's laws
    check_config_class(run_module(code)["C"], max_examples=3)


@pytest.mark.parametrize(("line", "after"), USES)
def test_each_use_of_a_model_gets_its_todo(tmp_path: pathlib.Path, line: str, after: str) -> None:
    """Code that used a model as a pydantic object is pointed at the tmlcfg call to use instead."""
    source = (
        HEAD
        + "class C(pydantic.BaseModel):\n    x: int = 1\n    items: typing.List[int] = []\n\n\ndef use(cfg):\n    "
        + line
        + "\n"
    )
    code, _ = port_source(tmp_path, source)
    assert code.partition("def use(cfg):\n")[2] == after


def test_imports_added_and_removed(tmp_path: pathlib.Path) -> None:
    """tmlcfg, Mapping, Any, Annotated and annotated_types are added as needed where pydantic's import
    was; pydantic and typing go when nothing else uses them; an unrelated import stays."""
    code, _ = port_source(
        tmp_path,
        "import os\nimport typing\n\nimport pydantic\n\n\nclass C(pydantic.BaseModel):\n"
        "    a: typing.Dict = {}\n    b: pydantic.conint(gt=0) = 1\n",
    )
    assert code.partition("\n\n\n")[0] == (
        "import os\n\nfrom collections.abc import Mapping\nfrom typing import Annotated, Any\nimport annotated_types\nimport tmlcfg"
    )
