"""`tmlcfg port` on a pydantic v2 project: honest exit status, modules that import without pydantic,
files that load as pydantic v2 parsed them or are refused where the report said they would be."""

from __future__ import annotations

import contextlib
import io
import itertools
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._cli.main import main
from tmlcfg._cli.yaml import choose_variant
from tmlcfg._port.command import port
from tmlcfg.testing import check_config_class, configs

from .port_helpers import SAMPLE, _plain, differences, load_classes, run_module

pytest.importorskip("libcst")
pytest.importorskip("pydantic")

V2 = SAMPLE / "v2"
#: the classes that stay pydantic whatever tmlcfg can do: they hold arrays and callables
NOT_CONFIGS = {"RunnerState": "it allows arbitrary types", "StepStats": "only trainer.runtime.RunnerState"}
VARIANT_CLASSES = ["TextDataConfig", "ImageDataConfig", "TabularDataConfig", "EvalDataConfig", "FinetuneConfig"]


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, int, str]:
    """The v2 sample ported by the command: the output tree, the exit status and the report."""
    out = tmp_path_factory.mktemp("ported_v2")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["port", str(V2 / "trainer"), "-o", str(out)])
    return out, code, err.getvalue()


def _ported(report: str) -> dict[str, list[str]]:
    out = {}
    for line in report.splitlines():
        match = re.match(r"(\S+\.py): ported (.*)", line)
        if match:
            path = pathlib.Path(match.group(1)).relative_to(V2)
            out[".".join(path.with_suffix("").parts)] = match.group(2).split(", ")
    return out


def test_the_exit_status_names_each_class_left_pydantic_and_why(ported: tuple[pathlib.Path, int, str]) -> None:
    """Exit 1: the runner's state holds arrays and callables, so it and the class only it holds stay pydantic,
    each named with its reason; every other class is ported."""
    _, code, report = ported
    assert code == 1
    problems = report[report.index("problems in") :]
    for name, reason in NOT_CONFIGS.items():
        assert re.search(rf"runtime\.py:\d+: {name}: cannot be ported: {re.escape(reason)}", problems), name
    ported_names = {c for classes in _ported(report).values() for c in classes}
    assert ported_names >= {"LoraConfig", "ConvStem", "ModelConfig", "TrainConfig", "SweepConfig", "OptimizerConfig"}
    assert ported_names >= set(VARIANT_CLASSES)
    assert len(ported_names) + len(NOT_CONFIGS) == 15


def test_every_ported_module_imports_without_pydantic(ported: tuple[pathlib.Path, int, str]) -> None:
    """In an interpreter where pydantic cannot be imported, each module whose classes were all ported imports."""
    out, _, _ = ported
    modules = ["trainer.config.model", "trainer.config.train", "trainer.config.finetune"]
    for module in modules:
        text = (out / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8")
        assert not re.search(r"^(from|import) pydantic", text, re.M), module
    code = textwrap.dedent(
        f"""
        import importlib, importlib.abc, sys
        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "pydantic" or name.startswith("pydantic."):
                    raise ModuleNotFoundError(name)
        sys.meta_path.insert(0, Refuse())
        sys.path[:0] = [{str(out)!r}, {str(pathlib.Path(tmlcfg.__file__).parent.parent)!r}]
        for module in {modules!r}:
            importlib.import_module(module)
        assert "pydantic" not in sys.modules
        """
    )
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_every_ported_class_keeps_tmlcfgs_laws(ported: tuple[pathlib.Path, int, str]) -> None:
    out, _, report = ported
    targets = [f"{m}:{c}" for m, classes in _ported(report).items() for c in classes]
    classes = load_classes(out, targets)
    overrides: dict[str, dict[str, Any]] = {
        "LoraConfig": {"rank": 8},
        "ModelConfig": {"num_heads": 1},
        "OptimizerConfig": {"betas": (0.9, 0.999)},
        # grad_accum and log_every: their validator became TrainConfig's cross-field check, which
        # random ints pass a quarter of the time
        "TrainConfig": {
            "model.num_heads": 1,
            "training_mode": "full",
            "lora": None,
            "optimizer.betas": (0.9, 0.99),
            "grad_accum": st.integers(1, 64),
            "log_every": st.integers(1, 1000),
        },
        "SweepConfig": {
            "base.model.num_heads": 1,
            "base.training_mode": "full",
            "base.lora": None,
            "base.optimizer.betas": (0.9, 0.99),
            "base.grad_accum": st.integers(1, 64),
            "base.log_every": st.integers(1, 1000),
        },
    }
    for cls in classes.values():
        check_config_class(cls, max_examples=5, **overrides.get(cls.__name__, {}))


def pydantic_v2_parse(cls: Any, data: Any) -> Any:
    """What pydantic v2 parsed, as plain data; its computed fields left out (the port's are plain properties)."""
    model = cls.model_validate(data)
    return _plain(_without_computed(model, model.model_dump()))


def _without_computed(model: Any, dumped: Any) -> Any:
    from pydantic import BaseModel

    if not isinstance(model, BaseModel):
        return dumped
    return {
        k: _without_computed(getattr(model, k), v)
        for k, v in dumped.items()
        if k not in type(model).model_computed_fields
    }


#: each sample file: None if it loads equal to pydantic's parse, else (what the refusal says, where it is
#: located (the YAML file's line, or the converted TOML's), and the words of the port's report that predicted it)
EXPECTED: dict[str, tuple[str, str | None, str] | None] = {
    "train_base.yaml": None,
    "train_full.yaml": None,
    "train_lora.yaml": None,
    "sweep_grid.yaml": None,
    "train_stale.yaml": (
        "use_flash_attention: unknown key",
        "train_stale.toml:2",
        "TrainConfig: stricter: pydantic ignored",
    ),
    "train_no_eval.yaml": (
        "eval_interval: null, which this field cannot",
        "train_no_eval.yaml:3",
        "eval_interval: `Optional",
    ),
    "train_kernel_pair.yaml": (
        "stem.kernel_size: expected int",
        "train_kernel_pair.toml:4",
        "a file that gives tuple[int",
    ),
    "train_legacy_lr.yaml": ("lr: unknown key", "train_legacy_lr.toml:2", "validator legacy_names"),
    "train_lora_missing.yaml": ("training_mode 'lora' needs a lora table", None, ""),
    "train_bad_heads.yaml": ("is not divisible by num_heads 5", None, ""),
}
#: files pydantic refused too: tmlcfg must refuse them as well
PYDANTIC_REFUSES = {"train_lora_missing.yaml", "train_bad_heads.yaml"}


def _cases() -> list[tuple[str, pathlib.Path]]:
    out = []
    for path in sorted((V2 / "experiments").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out.append((first.removeprefix("# class: ").strip(), path))
    return out


def _load(target: str, path: pathlib.Path, cls: Any, tmp: pathlib.Path, out: pathlib.Path) -> tuple[Any, str]:
    """The ported class's config from the file converted with the ported class's types, or the refusal."""
    toml = tmp / path.with_suffix(".toml").name
    err = io.StringIO()
    with contextlib.redirect_stderr(err), _on_path(out):
        code = main(["convert", str(path), "--class", target, "-o", str(toml)])
    if code != 0:
        return None, err.getvalue()
    try:
        return tmlcfg.load(cls, toml), ""
    except tmlcfg.ConfigError as e:
        return None, str(e)


@contextlib.contextmanager
def _on_path(root: pathlib.Path) -> Any:
    """The ported tree importable by the command, as the classes the test loaded (the same modules)."""
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))


def test_every_file_loads_as_pydantic_v2_parsed_it_or_is_refused_as_the_report_said(
    ported: tuple[pathlib.Path, int, str], tmp_path: pathlib.Path
) -> None:
    out, _, report = ported
    cases = [(t, p) for t, p in _cases() if "finetune" not in t]
    assert {p.name for _, p in cases} == set(EXPECTED)
    originals = load_classes(V2, sorted({t for t, _ in cases}))
    originals = {t: originals[t] for t, _ in cases}
    for target, path in cases:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        expected = EXPECTED[path.name]
        with _classes_of(out, [target]) as ports:
            loaded, refusal = _load(target, path, ports[target], tmp_path, out)
        if expected is None:
            assert refusal == "", (path.name, refusal)
            want = pydantic_v2_parse(originals[target], data)
            assert differences(want, tmlcfg.to_dict(loaded)) == [], path.name
            continue
        words, line, predicted = expected
        assert loaded is None and words in refusal, (path.name, refusal)
        if line is not None:
            assert f"{line}:" in refusal, (path.name, refusal)
        assert predicted in report, (path.name, predicted)
        if path.name in PYDANTIC_REFUSES:
            with pytest.raises(ValueError, match=words.split(":")[0]):
                originals[target].model_validate(data)
        else:
            originals[target].model_validate(data)  # pydantic took it: the report is what warned


@contextlib.contextmanager
def _classes_of(root: pathlib.Path, targets: list[str]) -> Any:
    """The ported classes, imported from ``root`` for as long as the command must see the same ones."""
    import importlib

    from .port_helpers import imported_from

    with imported_from(root, "trainer"):
        out = {}
        for target in targets:
            module, _, name = target.partition(":")
            out[target] = getattr(importlib.import_module(module), name)
        yield out


def test_a_second_run_changes_nothing(ported: tuple[pathlib.Path, int, str], tmp_path: pathlib.Path) -> None:
    out, code, _ = ported
    again = tmp_path / "again"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["port", str(out / "trainer"), "-o", str(again)]) == code
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.py")}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.py")}
    assert first == second


def test_a_class_broken_on_purpose_is_exit_1_with_its_name_and_left_as_it_was(tmp_path: pathlib.Path) -> None:
    """A default that fails the class's own (translated) check is found in the fresh interpreter: the class is
    named with the reason and left pydantic, and so are the classes that hold it; every module still imports."""
    project = tmp_path / "project"
    shutil.copytree(V2 / "trainer", project / "trainer")
    model = project / "trainer" / "config" / "model.py"
    model.write_text(model.read_text().replace("rank: int = Field(8, gt=0", "rank: int = Field(6, gt=0"))
    out = tmp_path / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["port", str(project / "trainer"), "-o", str(out)]) == 1
    report = err.getvalue()
    assert re.search(r"model\.py:\d+: LoraConfig: cannot be ported: its defaults do not build: .*power of two", report)
    assert "TrainConfig: cannot be ported: a field holds trainer.config.model.LoraConfig" in report
    ported_model = (out / "trainer" / "config" / "model.py").read_text()
    # the classes only a class left pydantic holds stay pydantic with it, so pydantic can still build them all
    assert "class LoraConfig(BaseModel):" in ported_model and "class ConvStem(BaseModel):" in ported_model
    load_classes(out, ["trainer.config.model:LoraConfig", "trainer.config.train:SweepConfig"])  # they import


def test_convert_refuses_a_null_that_would_become_the_default(tmp_path: pathlib.Path) -> None:
    """`interval: null` for a field whose default is 100 is refused with the YAML line, not loaded as 100;
    a null where the default is None is still dropped."""

    @tmlcfg.config
    class Eval:
        interval: int = 100
        limit: int | None = None

    source = tmp_path / "eval.yaml"
    source.write_text("limit: null\ninterval: null  # null disables validation\n")
    from tmlcfg._cli.yaml import yaml_to_toml

    with pytest.raises(tmlcfg.ConfigError) as caught:
        yaml_to_toml(source, Eval)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("interval", 2)
    assert "dropping the key would load its default 100 instead" in problem.message
    source.write_text("limit: null\n")
    assert yaml_to_toml(source, Eval) == ""


def test_the_variant_is_the_one_whose_fields_fit_the_table() -> None:
    """The table's keys choose, as pydantic's union did; a table that fits several gives all of them."""

    @tmlcfg.config
    class TextData:
        dataset: str
        max_length: int = 2048

    @tmlcfg.config
    class ImageData:
        image_dir: str
        resolution: int = 224

    @tmlcfg.config
    class Table:
        table: str = "t.parquet"

    assert choose_variant({"dataset": "wiki"}, [TextData, ImageData, Table]) is TextData
    assert choose_variant({"image_dir": "x", "resolution": 3}, [TextData, ImageData, Table]) is ImageData
    assert choose_variant({"dataset": "wiki", "resolution": 3}, [TextData, ImageData, Table]) == []
    assert choose_variant({}, [Table, ImageData]) is Table
    assert choose_variant({}, [Table, Table]) == [Table, Table]


def test_kinds_are_written_wherever_a_union_of_configs_is() -> None:
    """The kind goes into each table of a union of configs: the field's own, in arrays and mappings of them;
    a table with a kind keeps it; a table that fits none is refused with its line."""
    from collections.abc import Mapping

    from tmlcfg._base.errors import Problem
    from tmlcfg._cli.yaml import _add_kinds
    from tmlcfg._engine.analyze import analyze_field

    def kinds(value: Any, tp: Any, *rest: Any) -> Any:
        return _add_kinds(value, analyze_field(tp)[0], *rest)

    @tmlcfg.config
    class AdamConfig:
        lr: float = 1e-3
        betas: tuple[float, float] = (0.9, 0.999)

    @tmlcfg.config
    class SgdConfig:
        lr: float = 0.1
        momentum: float = 0.0

    union = AdamConfig | SgdConfig
    problems: list[Problem] = []
    assert kinds({"momentum": 0.9}, union, (), {}, problems, "f.yaml") == {"kind": "sgd", "momentum": 0.9}
    assert kinds([{"betas": [0.8, 0.9]}], tuple[union, ...], (), {}, problems, "f.yaml") == [
        {"kind": "adam", "betas": [0.8, 0.9]}
    ]
    assert kinds({"w": {"momentum": 1.0}}, Mapping[str, union], (), {}, problems, "f.yaml") == {
        "w": {"kind": "sgd", "momentum": 1.0}
    }
    assert kinds({"kind": "adam", "lr": 0.1}, union | None, (), {}, problems, "f.yaml") == {
        "kind": "adam",
        "lr": 0.1,
    }
    assert problems == []
    kinds({"rho": 0.9}, union, ("opt",), {("opt",): 7}, problems, "f.yaml")
    [problem] = problems
    assert (problem.path, problem.line, problem.source) == ("opt", 7, "f.yaml")
    assert "fits none of the variants ('adam', 'sgd')" in problem.message
    # a table both fit: the same keys, nothing to tell them apart
    kinds({"lr": 0.5}, union, ("opt",), {("opt",): 9}, problems, "f.yaml")
    assert "fits several variants ('adam', 'sgd')" in problems[-1].message and problems[-1].line == 9


def test_unions_of_models_load_as_variants(ported: tuple[pathlib.Path, int, str], tmp_path: pathlib.Path) -> None:
    """convert --class writes each table's kind; the files then load to what pydantic v2 parsed (plus kind)."""
    out, _, _ = ported
    target = "trainer.config.finetune:FinetuneConfig"
    original = load_classes(V2, [target])[target]
    for path in sorted((V2 / "experiments").glob("finetune_*.yaml")):
        with _classes_of(out, [target]) as ports:
            loaded, refusal = _load(target, path, ports[target], tmp_path, out)
        assert refusal == "", refusal
        got = tmlcfg.to_dict(loaded)
        for key in ("data", "evaluation"):
            if isinstance(got.get(key), dict):
                got[key].pop("kind")
        want = pydantic_v2_parse(original, yaml.safe_load(path.read_text(encoding="utf-8")))
        for key in ("data", "evaluation"):
            if isinstance(want.get(key), dict):
                want[key].pop("kind", None)
        assert differences(want, got) == [], path.name


def test_convert_writes_kind_and_refuses_an_ambiguous_table(tmp_path: pathlib.Path) -> None:
    """The one variant whose fields fit gets its kind; a table that fits two is refused with its YAML line."""

    @tmlcfg.config
    class Short:
        x: int = 1

    @tmlcfg.config
    class LongConfig:
        x: int = 1
        y: int = 2

    @tmlcfg.config
    class Holder:
        v: Short | LongConfig | None = None  # type: ignore[valid-type,unused-ignore]

    from tmlcfg._cli.yaml import yaml_to_toml

    source = tmp_path / "v.yaml"
    source.write_text("v:\n  y: 3\n")
    assert tmlcfg.loads(Holder, yaml_to_toml(source, Holder)) == Holder(v=LongConfig(y=3))
    source.write_text("# both fit\nv:\n  x: 3\n")
    with pytest.raises(tmlcfg.ConfigError) as caught:
        yaml_to_toml(source, Holder)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("v", 2)  # the line of its key
    assert "fits several variants ('short', 'long')" in problem.message


# -- generated pydantic v2 classes ---------------------------------------------------------------------------

#: (annotation, default as written for pydantic v2); None means required
_FIELDS = st.sampled_from(
    [
        ("int", "3"),
        ("int", None),
        ("float", "2"),
        ("float", "Field(0.5, ge=0, le=1)"),
        ("str", '"a"'),
        ("bool", "True"),
        ("Annotated[int, Field(ge=0, le=100)]", "5"),
        ("Annotated[float, at.Gt(0)]", "1.5"),
        ("Annotated[int, Field(gt=0, description='Count.')]", "1"),
        ('Literal["auto", 1, 2]', '"auto"'),
        ("list[int]", "[1, 2]"),
        ("list[str]", "Field(default_factory=list)"),
        ("tuple[int, int]", "(1, 2)"),
        ("dict[str, int]", "Field(default_factory=dict)"),
        ("Optional[int]", "None"),
        ("int | None", "None"),
        ("Optional[list[str]]", "None"),
        ("Union[str, Path]", '"out"'),
        ("str", "Mode.A"),
        ("int | tuple[int, int]", "3"),
    ]
)
_HEADER = """\
import enum
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Mode(str, enum.Enum):
    A = "a"
    B = "b"
"""
_numbers = itertools.count()


@st.composite
def pydantic_v2_modules(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A module of pydantic v2 classes: v2 fields and settings, checks that hold, nesting."""
    buildable: dict[str, bool] = {}
    parts = [_HEADER]
    for c in range(draw(st.integers(1, 3))):
        name = f"C{c}"
        body = [f"class {name}(BaseModel):", f'    """Generated class {c}."""']
        if draw(st.booleans()):
            body.append('    model_config = ConfigDict(extra="forbid", frozen=True)')
        defaults = True
        ints: list[str] = []
        for f in range(draw(st.integers(0, 5))):
            annotation, default = draw(_FIELDS)
            body.append(f"    f{f}: {annotation}" + ("" if default is None else f" = {default}"))
            defaults = defaults and default is not None
            if annotation == "int":
                ints.append(f"f{f}")
        if buildable:
            nested = draw(st.sampled_from(sorted(buildable)))
            forms = ["= None", ""] + ([f"= Field(default_factory={nested})"] if buildable[nested] else [])
            form = draw(st.sampled_from(forms))
            annotation = f"Optional[{nested}]" if form == "= None" else nested
            body.append(f"    inner: {annotation} {form}".rstrip())
            defaults = defaults and form != ""
        if ints and draw(st.booleans()):
            body += [
                f'    @field_validator("{ints[0]}")',
                "    @classmethod",
                "    def small(cls, v: int) -> int:",
                "        if v > 2**62:",
                '            raise ValueError("too big")',
                "        return v",
            ]
        if draw(st.booleans()):
            body += [
                '    @model_validator(mode="after")',
                f'    def fine(self) -> "{name}":',
                "        if self is None:",
                '            raise ValueError("never")',
                "        return self",
            ]
        parts.append("\n\n" + "\n".join(body) + "\n")
        buildable[name] = defaults
    return "".join(parts), list(buildable)


@settings(max_examples=max(1, settings.default.max_examples // 5), deadline=None)
@given(pydantic_v2_modules(), st.data())
def test_generated_pydantic_v2_classes_parse_as_their_ports_load(
    module: tuple[str, list[str]], data: st.DataObject
) -> None:
    """For generated pydantic v2 classes, pydantic v2 parses every valid config of the port to what tmlcfg built."""
    source, classes = module
    name = f"generated_pydantic_v2_{next(_numbers)}"
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory, f"{name}.py")
        path.write_text(source, encoding="utf-8")
        result = port([str(path)], [], check=False)
    assert result.problems == []
    code = result.sources[0].code
    assert code is not None and "TODO" not in code and not re.search(r"^(from|import) pydantic", code, re.M)
    originals = run_module(source, name)
    ports = run_module(code, f"{name}_ported")
    for cls in classes:
        config = data.draw(configs(ports[cls]), label=cls)
        plain = tmlcfg.to_dict(config)
        assert differences(pydantic_v2_parse(originals[cls], plain), plain) == []
