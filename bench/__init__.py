"""Benchmarks (run as scripts, e.g. ``python bench/wire.py``)."""
