"""The two overlays and the infrastructure rendered once per test process, for every module that reads them."""
from __future__ import annotations

import pytest

from tests.deploy.k8s_rendered import Rendered, render_infrastructure, render_overlay


@pytest.fixture(scope="session")
def dev(tmp_path_factory):
    return render_overlay("dev", tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="session")
def production(tmp_path_factory):
    """The production overlay, with its (uncommitted) secret files made from the examples."""
    return render_overlay("production", tmp_path_factory.mktemp("production"))


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory) -> Rendered:
    """deploy/k8s/infrastructure (the managed RabbitMQ and PostgreSQL), with its secrets from the examples."""
    return Rendered(render_infrastructure(tmp_path_factory.mktemp("infrastructure")))
