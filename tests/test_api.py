"""The public surface is pinned: adding or removing a name is a decision."""

from __future__ import annotations

import subprocess
import sys

import tmlcfg


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and names exactly the public attributes."""
    assert tmlcfg.__all__ == sorted(tmlcfg.__all__)
    submodules = {"embedding", "optimizers", "runs", "testing", "training", "wandb"}
    public = {n for n in dir(tmlcfg) if not n.startswith("_")} - submodules
    assert public == set(tmlcfg.__all__)
    assert tmlcfg.__all__ == [
        "ConfigError",
        "DefinitionError",
        "Difference",
        "FrozenDict",
        "MigrationWarning",
        "NonNegativeFloat",
        "NonNegativeInt",
        "PositiveFloat",
        "PositiveInt",
        "Problem",
        "Removed",
        "Renamed",
        "StrictFrozenSet",
        "TmlcfgError",
        "config",
        "converter",
        "diff",
        "dump",
        "dumps",
        "field",
        "fingerprint",
        "from_argv",
        "from_dict",
        "json_schema",
        "load",
        "loads",
        "pretty_print",
        "register_hooks",
        "register_type",
        "removed",
        "renamed",
        "replace",
        "to_dict",
    ]


def test_import_is_light() -> None:
    """import tmlcfg pulls in neither wandb, Hypothesis nor YAML."""
    code = "import sys, tmlcfg; print(sorted(m for m in ('wandb', 'hypothesis', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_declarations_config_takes_can_be_imported() -> None:
    """What ``config(migrations=...)`` takes is public: renamed() makes a Renamed, removed() a Removed."""
    assert isinstance(tmlcfg.renamed("a", "b"), tmlcfg.Renamed)
    assert isinstance(tmlcfg.removed("a", reason="gone"), tmlcfg.Removed)
    assert tmlcfg.Renamed.__module__ == tmlcfg.Removed.__module__ == "tmlcfg"


def test_version_is_one_string_in_one_place() -> None:
    """``tmlcfg.__version__`` is the string the build reads (pyproject names the file, no second copy)."""
    import pathlib
    import re
    import tomllib

    root = pathlib.Path(__file__).parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    source = root / project["tool"]["hatch"]["version"]["path"]
    (written,) = re.findall(r'^__version__ = "([^"]+)"$', source.read_text(), flags=re.M)
    assert type(tmlcfg.__version__) is str
    assert tmlcfg.__version__ == written
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:\.?(?:a|b|rc|dev)\d+)?", written)
    assert f"## {written}" in (root / "CHANGELOG.md").read_text()


def test_version_costs_no_metadata_lookup() -> None:
    """``import tmlcfg`` gives ``__version__`` without importlib.metadata (slow, and wrong in a checkout)."""
    code = "import sys, tmlcfg; print(tmlcfg.__version__, 'importlib.metadata' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [tmlcfg.__version__, "False"]


def test_command_prints_its_version() -> None:
    done = subprocess.run([sys.executable, "-m", "tmlcfg", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"tmlcfg {tmlcfg.__version__}\n", "")
