"""The in-repo benchmarks (SPEC §6: performance is measured by a benchmark, never by timed tests).

``data`` makes the benchmark's initiative and values file, ``raw`` the raw-insert baselines,
``child`` the measured import process and ``runner`` puts them together for ``commonground
bench``.
"""
