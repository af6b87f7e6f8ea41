"""Benchmarks: one module per area, each exposing ``run(smoke) -> list[dict]``."""
