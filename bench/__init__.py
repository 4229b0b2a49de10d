"""Guichet's benchmarks: ``python -m bench`` runs them all and prints a table (see docs/performance.md)."""
