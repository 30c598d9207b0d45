"""Sessions: ``nox`` runs tests on every Python, coverage, lint, typing and docs."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess

import nox

nox.options.sessions = ["tests", "coverage", "lint", "typing", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

PYTHONS = ["3.11", "3.12", "3.13"]


def _select_pyenv_pythons() -> None:
    """Under pyenv only the selected Pythons' shims run: add every installed 3.11-3.13, as .ci/run does.

    Without this, ``nox`` on a machine with 3.12 and 3.13 installed through
    pyenv but not selected cannot find them (pyenv's shim that runs nox sets
    ``PYENV_VERSION`` to the one Python nox itself runs on).
    """
    if shutil.which("pyenv") is None:
        return
    try:
        bare = ["pyenv", "versions", "--bare", "--skip-aliases"]
        installed = subprocess.run(bare, capture_output=True, text=True, check=True).stdout.split()
        name = subprocess.run(["pyenv", "version-name"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return
    wanted = sorted(
        (v for v in installed if re.fullmatch(r"3\.1[123]\.[0-9]+", v)),
        key=lambda v: tuple(int(p) for p in v.split(".")),
    )
    selected = os.environ.get("PYENV_VERSION") or name.strip()
    # the Pythons selected now stay first, so that plain `python` is what it was
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys([*selected.split(":"), *wanted]))


_select_pyenv_pythons()
TEST_DEPS = [
    "pytest>=8",
    "coverage[toml]>=7.4",
    # the suite on every core, its coverage gathered from each worker (CI's machines have two)
    "pytest-xdist>=3.5",
    "pytest-cov>=5",
    "jsonschema>=4.20",
    "pyyaml>=6",
    "pydantic>=2",
    "numpy",
    # wandb's sweep engine, to check the specs sweep_config writes; it pins numpy<2, which has no 3.13 wheels
    "sweeps; python_version < '3.13'",
]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite under coverage; ``HYPOTHESIS_PROFILE=ci`` makes it thorough."""
    session.install("-e", ".[testing,wandb,yaml,port,upgrade]", *TEST_DEPS)
    session.run(
        "pytest",
        "-n",
        "auto",
        "--cov=tmlcfg",
        "--cov-report=",
        "--cov-fail-under=0",  # the coverage session holds the floor, over every Python's run together
        *session.posargs,
        env={"COVERAGE_FILE": f".coverage.{session.python}"},
    )


@nox.session
def coverage(session: nox.Session) -> None:
    """Combine the test runs' coverage and hold it to the floor in pyproject.toml.

    Runs again after a full ``nox`` (the data are combined already) and after
    only some Pythons' tests ran: it combines what there is.
    """
    session.install("coverage[toml]>=7.4")
    parts = sorted(glob.glob(".coverage.*"))
    if parts:
        # without --append, the combined file is made from these runs alone
        session.run("coverage", "combine", *parts)
    elif os.path.exists(".coverage"):
        session.log("no uncombined data: reporting the runs combined before")
    else:
        session.error("no coverage data: run `nox -s tests` first")
    session.run("coverage", "report")


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", "tmlcfg", "tests", "examples", "benchmarks", "docs", "noxfile.py")
    session.run("ruff", "format", "--check", "tmlcfg", "tests", "examples", "benchmarks", "docs", "noxfile.py")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict on the package; mypy and pyright on what users' code must see."""
    session.install("-e", ".[testing,wandb,port,upgrade]", "mypy>=1.10", "pyright>=1.1.380", "pytest>=8")
    session.run("mypy", "--strict", "tmlcfg", "tests/typing/good.py")
    session.run("pyright", "tests/typing/good.py")
    session.run("python", "tests/typing/check_bad.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, and run their examples as doctests."""
    session.install("-e", ".[testing,upgrade]", "sphinx>=7", "myst-parser>=2", "furo")
    for builder in ("html", "doctest"):
        session.run("sphinx-build", "-W", "--keep-going", "-b", builder, "docs", f"docs/_build/{builder}")


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side timings against pydantic v2, msgspec and attrs+cattrs (not run by default)."""
    session.install("-e", ".", "pydantic>=2", "msgspec")
    session.run("python", "-m", "benchmarks", *session.posargs)
