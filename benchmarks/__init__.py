"""Benchmarks run by hand (`python -m benchmarks`, `make bench`), never by the test suite."""
