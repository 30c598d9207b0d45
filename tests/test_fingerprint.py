"""fingerprint is a function of the config alone: any hash seed, and unequal configs never share one."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st

import tmlcfg

from .strategies import classes_with_instances

ROOT = pathlib.Path(__file__).parent.parent


@tmlcfg.config
class Key:
    name: str = ""
    token: str = tmlcfg.field(default="", secret=True)


@tmlcfg.config
class Vault:
    keys: frozenset[Key] = frozenset()
    flags: frozenset[int | bool] = frozenset()
    mixed: frozenset[int | str] = frozenset()
    free: Mapping[str, Any] = tmlcfg.field(factory=dict)
    secret: Key | None = tmlcfg.field(default=None, secret=True)


# a small domain, so that equal configs are drawn often, with values that a loose encoding confuses
TRICKY_KEYS = st.sampled_from(["a", "$float", "$$float", "$datetime", "$", "$$"])
TRICKY = st.sampled_from(
    [1, 1.0, True, "1.0", "1", 0, -0.0, False, "@0", dt.date(2020, 1, 1), "2020-01-01", dt.time(1, 2), "01:02:00"]
)
tricky_values = st.recursive(
    TRICKY,
    lambda inner: st.lists(inner, max_size=2).map(tuple) | st.dictionaries(TRICKY_KEYS, inner, max_size=2),
    max_leaves=3,
)
vaults = st.builds(
    Vault,
    keys=st.frozensets(st.builds(Key, name=st.sampled_from(["a", "b"]), token=st.sampled_from(["t1", "t2"]))),
    flags=st.frozensets(st.sampled_from([0, False, 1, True])),
    mixed=st.frozensets(st.sampled_from([0, 1, "0", "a"])),
    free=st.dictionaries(TRICKY_KEYS, tricky_values, max_size=2),
    secret=st.none() | st.builds(Key, name=st.sampled_from(["a", "b"]), token=st.sampled_from(["t1", "t2"])),
)


def _masked(config: Vault) -> tuple[Any, ...]:
    """What fingerprint may see of a config: no secret value (a set of keys keeps each key's name)."""
    rest = tmlcfg.replace(config, keys=frozenset(), secret=None)
    return (rest, sorted(k.name for k in config.keys), config.secret is None)


@given(vaults, vaults)
def test_unequal_configs_never_share_a_digest(a: Vault, b: Vault) -> None:
    """Digests agree exactly when the configs, secrets aside, are equal."""
    assert (tmlcfg.fingerprint(a) == tmlcfg.fingerprint(b)) == (_masked(a) == _masked(b))


@given(classes_with_instances(secrets=False), st.data())
def test_generated_configs_digest_as_they_compare(case: tuple[Any, Any], data: st.DataObject) -> None:
    """Over generated classes without secrets, two instances share a digest exactly when they are equal."""
    generated, a = case
    b = data.draw(generated.instances)
    assert (tmlcfg.fingerprint(a) == tmlcfg.fingerprint(b)) == (a == b)
    twin = tmlcfg.loads(generated.cls, tmlcfg.dumps(a))
    assert tmlcfg.fingerprint(twin) == tmlcfg.fingerprint(a)


def test_tables_cannot_pass_for_tagged_values() -> None:
    """A table holding a $-key digests apart from the float, date or table it spells."""
    pairs = [
        ({"x": 1.0}, {"x": {"$float": "1.0"}}),
        ({"x": dt.date(2020, 1, 1)}, {"x": {"$date": "2020-01-01"}}),
        ({"x": {"$float": 1}}, {"x": {"$$float": 1}}),
        ({"x": 1}, {"x": 1.0}),
        ({"x": 1}, {"x": True}),
        ({"x": (1,)}, {"x": {"0": 1}}),
    ]
    for left, right in pairs:
        assert tmlcfg.fingerprint(Vault(free=left)) != tmlcfg.fingerprint(Vault(free=right)), (left, right)


def test_instants_at_the_ends_of_time() -> None:
    """Aware datetimes whose UTC instant falls outside years 1-9999 digest, equal instants alike."""

    @tmlcfg.config
    class When:
        at: dt.datetime = dt.datetime(2020, 1, 1)

    plus_one = dt.timezone(dt.timedelta(hours=1))
    first = When(at=dt.datetime(1, 1, 1, 0, 30, tzinfo=plus_one))
    last = When(at=dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1))))
    digests = {tmlcfg.fingerprint(first), tmlcfg.fingerprint(last), tmlcfg.fingerprint(When())}
    assert len(digests) == 3
    same_instant = When(at=dt.datetime(1, 1, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert same_instant == first
    assert tmlcfg.fingerprint(same_instant) == tmlcfg.fingerprint(first)


def test_secrets_do_not_count() -> None:
    """Configs that differ only in secrets share a digest, frozensets of them too; setting one counts."""
    a = Vault(keys=frozenset({Key(name="a", token="t1"), Key(name="b", token="t2")}), secret=Key(token="x"))
    b = Vault(keys=frozenset({Key(name="a", token="t2"), Key(name="b", token="t1")}), secret=Key(token="y"))
    assert a != b
    assert tmlcfg.fingerprint(a) == tmlcfg.fingerprint(b)
    assert tmlcfg.fingerprint(tmlcfg.replace(a, secret=None)) != tmlcfg.fingerprint(a)


EXAMPLES = 60


def outputs() -> list[list[str]]:
    """Digests and texts of configs drawn the same way in every process (run by the seed test)."""
    out: list[list[str]] = []

    def record(config: Any) -> None:
        out.append([tmlcfg.fingerprint(config), tmlcfg.dumps(config), tmlcfg.pretty_print(config)])

    common = settings(max_examples=EXAMPLES, database=None, phases=[Phase.generate], deadline=None)

    @seed(20261130)
    @common
    @given(vaults)
    def draw_vaults(config: Vault) -> None:
        record(config)

    @seed(20261130)
    @common
    @given(classes_with_instances())
    def draw_generated(case: tuple[Any, Any]) -> None:
        record(case[1])

    @seed(20261130)
    @common
    @given(st.frozensets(st.builds(Key, name=st.just("same"), token=st.text(max_size=3)), min_size=2))
    def draw_ties(keys: frozenset[Key]) -> None:
        record(Vault(keys=keys))

    draw_vaults()
    draw_generated()
    draw_ties()
    return out


def test_the_same_under_every_hash_seed() -> None:
    """Digests, dumps and pretty_print of the same drawn configs agree under four PYTHONHASHSEEDs."""
    script = "import json, tests.test_fingerprint as t; print(json.dumps(t.outputs()))"
    results = []
    for hash_seed in ("0", "1", "2", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True
        )
        results.append(json.loads(done.stdout))
    assert len(results[0]) == 3 * EXAMPLES
    for other in results[1:]:
        assert other == results[0]
