"""Benchmarks for `make bench`: each figure is Heard's number beside a ceiling measured in the same run."""
