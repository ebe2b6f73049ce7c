"""Benchmarks; run as `python -m bench.fanout` / `python bench/fanout.py`, never under pytest."""
