"""Hypothesis profiles: quick by default, thorough in CI (``HYPOTHESIS_PROFILE=ci``)."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Thorough, within CI's time: each example of the law tests defines fresh config classes (variant
# fields among them), so 150 examples on every Python is about what 250 cost before variants.
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Read by type checkers only (the typing session); importing them would run them.
collect_ignore = ["typing"]


try:  # where Hypothesis's pytest plugin keeps the failures it turns into a `git apply` patch
    from _hypothesis_pytestplugin import FAILING_EXAMPLES_KEY
except ImportError:  # pragma: no cover - a Hypothesis without it writes no patch
    FAILING_EXAMPLES_KEY = "_hypothesis_failing_examples"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    """A test that passed leaves no Hypothesis patch behind.

    A failure Hypothesis finds is recorded on the running test for a patch of
    explicit examples, even where the failure is what the test wants: ``find``
    (which works by failing) inside a property, a law check expected to break
    under ``pytest.raises``. Only a test that fails keeps its patch, so a green
    run prints no ``git apply .hypothesis/patches/...``.
    """
    outcome = yield
    if outcome.excinfo is None:
        item.__dict__.pop(FAILING_EXAMPLES_KEY, None)
