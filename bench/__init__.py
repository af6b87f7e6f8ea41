"""Benchmarks: each bench_*.py measures one area against a bare-library baseline run in the same process."""
