"""Run records: every run writes down what made it, and reads back with a report of what has drifted since.

>>> import tmlcfg.runs  # doctest: +SKIP
>>> tmlcfg.runs.save(config, "runs/today", argv=sys.argv)  # doctest: +SKIP
>>> restored = tmlcfg.runs.load(ExperimentConfig, "runs/today")  # doctest: +SKIP
>>> restored.drift  # doctest: +SKIP
('`training.warmup` was not in the run's file; it now defaults to 100',)

``import tmlcfg`` does not import this module; git and package metadata are
asked only when a record is made or read.
"""

from __future__ import annotations

from ._runs.record import GitState, Record
from ._runs.store import Restored, load, save, snapshot

for _public in (GitState, Record, Restored, load, save, snapshot):
    _public.__module__ = __name__
del _public

__all__ = ["GitState", "Record", "Restored", "load", "save", "snapshot"]
