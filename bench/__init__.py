"""Benchmarks: a province-sized data set, a plain pandas baseline, and the runner.

``python -m bench.run`` measures the import path and the metrics report on
``bench.province`` and writes the figures to ``docs/performance.md``;
``bench.baseline`` is an independent implementation of the metrics contract,
used both as the speed baseline and to cross-check the engine
(``tests/test_baseline_agrees.py``).
"""
