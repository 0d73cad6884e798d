"""Benchmarks (not timed tests). Run all with ``make bench`` or ``python -m bench [name …]``."""
