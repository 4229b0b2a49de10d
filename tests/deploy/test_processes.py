"""No idle process (issue 18, 3): compose, the Kubernetes base and ``stack.local`` declare exactly the
processes the services need, found from the services themselves: a worker for a service whose
``consumers.HANDLERS`` has handlers, a relay for a service that produces events of the catalogue, a
sender for one with delivery loops (``sender.py``), an API and a migration for every one."""
from __future__ import annotations

import pytest

from chassis.events.registry import catalogue_types
from stack import process_table
from stack.services import API_SERVICES, handlers
from tests.deploy.support import K8S, ROOT, by_kind, kustomize, resolved_compose


def needed(service: str) -> set[str]:
    names = {service, f"{service}-migrate"}
    if handlers(service):
        names.add(f"{service}-worker")
    if service in {event_type.split(".")[0] for event_type, _version in catalogue_types()}:
        names.add(f"{service}-relay")
    if (ROOT / "services" / service / "sender.py").exists():
        names.add(f"{service}-sender")
    return names


def _of(service: str, names) -> set[str]:
    return {name for name in names if name == service or name.startswith(f"{service}-")}


@pytest.mark.parametrize("service", API_SERVICES)
def test_compose_runs_exactly_the_processes_a_service_needs(service):
    containers = [name for name, spec in resolved_compose()["services"].items()
                  if spec.get("image", "").startswith(f"guichet/{service}:")]
    assert set(containers) == needed(service)


@pytest.fixture(scope="module")
def kubernetes_base():
    docs = kustomize(K8S / "base")
    return set(by_kind(docs, "Deployment")) | set(by_kind(docs, "Job"))


@pytest.mark.parametrize("service", API_SERVICES)
def test_the_kubernetes_base_runs_exactly_the_processes_a_service_needs(kubernetes_base, service):
    assert _of(service, kubernetes_base) == needed(service)


@pytest.mark.parametrize("service", API_SERVICES)
def test_the_local_stack_runs_exactly_the_processes_a_service_needs(service):
    assert set(_of(service, process_table.container_commands())) == needed(service)


def test_a_service_emits_when_it_has_an_events_module_and_only_then():
    """The process table looks for ``events.py``; the catalogue is what the service really produces."""
    producers = {event_type.split(".")[0] for event_type, _version in catalogue_types()}
    for service in API_SERVICES:
        assert process_table.emits(service) == (service in producers), service


def test_the_notifier_runs_no_relay_and_auth_a_worker():
    """Today's table, spelled out: a change to either shows up here."""
    commands = process_table.container_commands()
    assert "notifier-relay" not in commands
    assert commands["notifier-worker"] == ["python", "-m", "services.notifier.worker", "--role", "consume"]
    assert "auth-worker" in commands
