"""Benchmarks for `make bench`: Heard's figures beside ceilings measured in the same run."""
