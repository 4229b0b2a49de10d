"""The data export runs on the real-process platform of tests/e2e (its ``platform`` fixture, one start for
this folder, on the same xdist worker as tests/e2e: see SHARED_STACKS in tests/conftest.py)."""
from tests.e2e.conftest import platform  # noqa: F401
