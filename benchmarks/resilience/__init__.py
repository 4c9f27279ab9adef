"""Resilience matrices (khả năng chống chịu) behind ``make resilience``: crash, fault and bad-input corpus.

``python -m benchmarks.resilience [--only crash|faults|corpus ...]`` runs them and writes
``docs/resilience.md`` (case, expected, observed). ``tests/resilience`` runs a small version in ``make test``.
"""
