"""The two overlays rendered once per test process, for every module that reads them."""
from __future__ import annotations

import pytest

from tests.deploy.test_k8s_references import render_overlay


@pytest.fixture(scope="session")
def dev(tmp_path_factory):
    return render_overlay("dev", tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="session")
def production(tmp_path_factory):
    """The production overlay, with its (uncommitted) secret files made from the examples."""
    return render_overlay("production", tmp_path_factory.mktemp("production"))
