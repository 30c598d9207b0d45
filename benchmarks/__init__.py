"""Side-by-side benchmarks of tmlcfg and its peers: ``python -m benchmarks`` (or ``nox -s bench``)."""
