"""`tmlcfg port` on a whole pydantic v1 project: its files load as pydantic parsed them."""

from __future__ import annotations

import contextlib
import io
import itertools
import pathlib
import re
import tempfile
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg.__main__ import main
from tmlcfg._port.command import port
from tmlcfg.testing import check_config_class, configs

from .port_helpers import (
    BASE,
    SAMPLE,
    differences,
    experiments,
    load_classes,
    original_classes,
    pydantic_parse,
    run_module,
)

pytest.importorskip("libcst")
pytest.importorskip("pydantic.v1")


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, str]:
    """The sample project ported by the command into a fresh directory, and the report it wrote."""
    out = tmp_path_factory.mktemp("ported")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["port", "--base", BASE, str(SAMPLE / "tml"), "-o", str(out)]) == 0
    return out, err.getvalue()


def _ported_classes(report: str) -> dict[str, list[str]]:
    """Module name -> the classes the report says were ported in it."""
    out = {}
    for line in report.splitlines():
        match = re.match(r"(\S+\.py): ported (.*)", line)
        if match:
            path = pathlib.Path(match.group(1)).relative_to(SAMPLE)
            out[".".join(path.with_suffix("").parts)] = match.group(2).split(", ")
    return out


def test_the_sample_is_a_real_project(ported: tuple[pathlib.Path, str]) -> None:
    """At least 30 config classes over at least 5 modules that import one another."""
    modules = _ported_classes(ported[1])
    assert sum(len(classes) for classes in modules.values()) >= 30
    assert len(modules) >= 5
    importing = [
        m
        for m in modules
        if re.search(r"^(from|import) tml\.(?!core)", (SAMPLE / f"{m.replace('.', '/')}.py").read_text(), re.M)
    ]
    assert len(importing) >= 3


def test_every_experiment_file_loads_as_pydantic_parsed_it(
    ported: tuple[pathlib.Path, str], tmp_path: pathlib.Path
) -> None:
    """convert, then load with the ported class: equal, type for type, to pydantic v1's parse of the YAML."""
    out, _ = ported
    cases = experiments()
    assert len(cases) >= 4
    originals = original_classes([t for t, _ in cases])
    ports = load_classes(out, [t for t, _ in cases])
    for target, path in cases:
        toml = tmp_path / path.with_suffix(".toml").name
        assert main(["convert", str(path), "-o", str(toml)]) == 0
        loaded = tmlcfg.load(ports[target], toml)
        want = pydantic_parse(originals[target], yaml.safe_load(path.read_text(encoding="utf-8")))
        assert differences(want, tmlcfg.to_dict(loaded)) == [], path.name


def _overrides(ports: dict[str, Any], out: pathlib.Path, tmp: pathlib.Path) -> dict[str, dict[str, Any]]:
    """Values for the fields the sample's cross-field checks hold, which random values rarely pass."""
    recap = ports["tml.projects.home.recap.config:RecapConfig"]
    toml = tmp / "masknet.toml"
    assert main(["convert", str(SAMPLE / "experiments" / "recap_masknet.yaml"), "-o", str(toml)]) == 0
    known = tmlcfg.load(recap, toml)
    positive = st.integers(1, 2**31)
    piecewise = "learning_rate.piecewise_constant.learning_rate_boundaries"
    return {
        "PiecewiseConstant": {"learning_rate_boundaries": None},
        "LearningRate": {"piecewise_constant.learning_rate_boundaries": None},
        "OptimizerConfig": {piecewise: None},
        "EmbeddingBagConfig": {"num_embeddings": positive, "embedding_dim": positive, f"optimizer.{piecewise}": None},
        "LargeEmbeddingsConfig": {"tables": known.model.large_embeddings.tables, "tables_to_log": None},
        "RecapDataConfig": {"evaluation_tasks": (), "file_batch_size": 1},
        "ModelConfig": {
            "backbone": None,
            "multi_task_type": type(known.model.multi_task_type)("share_none"),
            "large_embeddings": None,
        },
        "RecapConfig": {
            "model": known.model,
            "train_data": known.train_data,
            "validation_data": known.validation_data,
            "optimizer": known.optimizer,
        },
    }


def test_every_ported_class_keeps_tmlcfgs_laws(ported: tuple[pathlib.Path, str], tmp_path: pathlib.Path) -> None:
    """check_config_class passes for each of the 30-odd ported classes."""
    out, report = ported
    targets = [f"{m}:{c}" for m, classes in _ported_classes(report).items() for c in classes]
    ports = load_classes(out, targets)
    overrides = _overrides(ports, out, tmp_path)
    for cls in ports.values():
        check_config_class(cls, max_examples=5, **overrides.get(cls.__name__, {}))


def test_the_only_todos_are_untranslatable_validators_and_uses_of_models(ported: tuple[pathlib.Path, str]) -> None:
    """Every class and field ports; a person is needed for validators that change values, and where
    code used a model as a pydantic object (each pointed at the tmlcfg call to use instead)."""
    _, report = ported
    todos = [line.split("TODO(tmlcfg port): ", 1)[1] for line in report.splitlines() if "TODO(tmlcfg port)" in line]
    validators = [t for t in todos if t.startswith("validator ")]
    uses = [t for t in todos if not t.startswith("validator ")]
    assert all(": use tmlcfg." in t or "use tmlcfg.replace" in t for t in uses), uses
    reasons = " ".join(validators)
    assert "returns a new value" in reasons and "pre=True" in reasons and "each item" in reasons
    assert len(validators) == 3
    for call in ("tmlcfg.to_dict", "tmlcfg.replace", "tmlcfg.from_dict", "tmlcfg.dumps"):
        assert any(call in t for t in uses), call


def test_the_report_names_the_modules_that_still_need_pydantic(ported: tuple[pathlib.Path, str]) -> None:
    """Modules that still reach the project's pydantic base class are said; the others import without it."""
    _, report = ported
    needing = sorted(re.findall(r"tmlcfg port: (\S+\.py): imports only where pydantic can be imported", report))
    assert needing, report
    for path in needing:
        text = pathlib.Path(path).read_text(encoding="utf-8")
        assert "base_config" in text or "BaseConfig" in text, path


def test_a_second_run_changes_nothing(ported: tuple[pathlib.Path, str], tmp_path: pathlib.Path) -> None:
    """port on its own output writes every file byte for byte as it was."""
    out, report = ported
    again = tmp_path / "again"
    assert main(["port", str(out / "tml"), "--base", BASE, "-o", str(again)]) == 0
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.py")}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.py")}
    assert first == second
    assert "ported" in report


# -- generated pydantic v1 classes --------------------------------------------------------------------------

_BASE_CONFIG = (SAMPLE / "tml" / "core" / "config" / "base_config.py").read_text(encoding="utf-8")

#: (annotation, default as written in pydantic v1); None means required
_FIELDS = st.sampled_from(
    [
        ("int", "3"),
        ("int", None),
        ("float", "2"),
        ("float", "60 * 60"),
        ("float", "0.5"),
        ("str", '"a"'),
        ("bool", "True"),
        ("pydantic.PositiveInt", "1"),
        ("pydantic.conint(ge=0, le=100)", "5"),
        ("pydantic.confloat(gt=0)", "1"),
        ("pydantic.StrictStr", None),
        ("typing.List[int]", "[1, 2]"),
        ("typing.List[float]", "[]"),
        ("typing.List[typing.List[str]]", '[["a"]]'),
        ("typing.Dict[str, int]", "{}"),
        ("typing.Dict[str, float]", 'pydantic.Field(default_factory=dict, description="D.")'),
        ("typing.Optional[int]", "None"),
        ("int", "None"),
        ("str", "pydantic.Field(None)"),
        ("typing.Optional[typing.List[str]]", "None"),
    ]
)
_numbers = itertools.count()


@st.composite
def pydantic_modules(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A module of pydantic v1 config classes on the-algorithm-ml's base: fields, defaults, groups, nesting."""
    buildable: dict[str, bool] = {}
    parts = [_BASE_CONFIG, "\nimport typing\n"]
    for c in range(draw(st.integers(1, 3))):
        name = f"C{c}"
        body = [f"class {name}(BaseConfig):", f'    """Generated class {c}."""']
        defaults = True
        for f in range(draw(st.integers(0, 5))):
            annotation, default = draw(_FIELDS)
            body.append(f"    f{f}: {annotation}" + ("" if default is None else f" = {default}"))
            defaults = defaults and default is not None
        if buildable:
            nested = draw(st.sampled_from(sorted(buildable)))
            forms = ["= None", "= pydantic.Field(None)", ""] + ([f"= {nested}()"] if buildable[nested] else [])
            form = draw(st.sampled_from(forms))
            body.append(f"    inner: {nested} {form}".rstrip())
            defaults = defaults and form != ""
        group = draw(st.sampled_from([None, "one_of", "at_most_one_of"]))
        if group:
            for g in range(draw(st.integers(1, 3))):
                annotation = draw(st.sampled_from(["int", "str", *sorted(buildable)]))
                body.append(f'    g{g}: {annotation} = pydantic.Field(None, {group}="grp")')
            defaults = defaults and group != "one_of"
        parts.append("\n\n" + "\n".join(body) + "\n")
        buildable[name] = defaults
    return "".join(parts), list(buildable)


# a fifth of the profile's examples: each one writes, ports and imports a module twice
@settings(max_examples=max(1, settings.default.max_examples // 5), deadline=None)
@given(pydantic_modules(), st.data())
def test_generated_pydantic_classes_parse_as_their_ports_load(
    module: tuple[str, list[str]], data: st.DataObject
) -> None:
    """For generated pydantic v1 classes, pydantic parses every valid config of the port to what tmlcfg built."""
    source, classes = module
    name = f"generated_pydantic_{next(_numbers)}"
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory, f"{name}.py")
        path.write_text(source, encoding="utf-8")
        result = port([str(path)], [f"{name}.BaseConfig"], check=False)
    assert result.problems == []
    code = result.sources[0].code
    assert code is not None and "TODO" not in code
    originals = run_module(source, name)
    ports = run_module(code, f"{name}_ported")
    for cls in classes:
        config = data.draw(configs(ports[cls]), label=cls)
        plain = tmlcfg.to_dict(config)
        assert differences(pydantic_parse(originals[cls], plain), plain) == []
