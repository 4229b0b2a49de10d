"""deploy/k8s as a whole: each overlay, rendered by kubectl's kustomize, resolves every reference its pods
make, by exact name in the pod's own namespace (what the API server would look up when the pod starts):

- the namespace itself and the ServiceAccount (``default`` when none is named: Kubernetes makes it in
  every namespace the overlay renders);
- Secrets and ConfigMaps: ``envFrom``, ``env[].valueFrom`` (and the key), volumes (``items`` keys),
  projected volumes, ``imagePullSecrets``; PersistentVolumeClaims; every ``volumeMount``'s volume;
- every host named in the pod's settings (an ``env`` value, or a value of a ConfigMap or Secret it reads,
  that is a URL or a ``host:port``, or a ``*_HOST`` variable): a Service of the overlay in that namespace
  that selects a pod template and exposes that port, an ExternalName Service, a host of the overlay's
  Ingress, or an outside name the overlay declares in its Namespace's ``guichet/external-hosts``.

Plus the references kustomize cannot check either: Ingress backends, autoscaler targets, KEDA's secret.
A Secret name with a hash suffix the pod does not carry, a Secret without a namespace, a host nobody
renders: each is one unresolved reference, listed by the failing test.
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.deploy.k8s_rendered import EXTERNAL_HOSTS, Reference, Rendered, render_infrastructure, render_overlay

OVERLAYS = ("dev", "production")
_HOST_PORT = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$")


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request, tmp_path_factory):
    return request.param, render_overlay(request.param, tmp_path_factory.mktemp(request.param))


def _source(doc) -> str:
    return f"{doc['kind']}/{doc['metadata'].get('namespace')}/{doc['metadata']['name']}"


def _containers(pod: dict) -> list[dict]:
    return [*pod.get("initContainers", []), *pod.get("containers", []), *pod.get("ephemeralContainers", [])]


def _hosts_in(name: str, value: str):
    """(host, port or None) named by one setting: a URL, a host:port, or a *_HOST variable."""
    value = (value or "").strip()
    if "://" in value and "{" not in value:
        parts = urlsplit(value)
        if parts.hostname:
            yield parts.hostname, parts.port
        return
    match = _HOST_PORT.match(value)
    if match and not value.replace(".", "").replace(":", "").isdigit() and re.search(r"[A-Za-z]", match[1]):
        yield match[1], int(match[2])
    elif name.endswith("_HOST") and value:
        yield value, None


def _service_for(rendered: Rendered, namespace: str, host: str):
    """The Service a host names from a pod of ``namespace``: ``svc``, ``svc.ns``, ``svc.ns.svc[.cluster.local]``."""
    labels = host.split(".")
    if len(labels) == 1:
        return rendered.get("Service", namespace, host)
    if len(labels) == 2 or labels[2:] in (["svc"], ["svc", "cluster", "local"]):
        return rendered.get("Service", labels[1], labels[0])
    return None


def _selects_a_pod(rendered: Rendered, service: dict, port: int | None) -> str:
    """"" when the Service selects a pod template of its namespace that serves ``port``."""
    spec = service["spec"]
    if spec.get("type") == "ExternalName":
        return "" if spec.get("externalName") else "ExternalName Service without externalName"
    ports = [item for item in spec.get("ports", []) if port is None or item["port"] == port]
    if not ports:
        return f"Service {service['metadata']['name']} has no port {port}"
    selector = spec.get("selector") or {}
    if not selector:
        return f"Service {service['metadata']['name']} selects no pod"
    for _doc, namespace, template in rendered.pod_templates():
        labels = template.get("metadata", {}).get("labels") or {}
        if namespace != service["metadata"].get("namespace") or any(labels.get(k) != v for k, v in selector.items()):
            continue
        container_ports = {p.get("name"): p["containerPort"] for c in template["spec"]["containers"]
                           for p in c.get("ports", [])}
        target = ports[0].get("targetPort", ports[0]["port"])
        if target in container_ports or target in container_ports.values():
            return ""
        return f"Service {service['metadata']['name']}: no container port {target}"
    return f"Service {service['metadata']['name']} selects no pod template of the overlay"


def _resolve_host(rendered: Rendered, namespace: str, host: str, port: int | None) -> str:
    service = _service_for(rendered, namespace, host)
    if service is not None:
        return _selects_a_pod(rendered, service, port)
    if host in rendered.ingress_hosts or host in rendered.external_hosts(namespace):
        return ""
    return "no Service of the overlay, no Ingress host, not a declared outside name"


def references(rendered: Rendered) -> list[Reference]:
    """Every reference the overlay's pods (and Ingresses, autoscalers, KEDA) make, each resolved or not."""
    found: list[Reference] = []

    def check(source, kind, namespace, name, key=None, items=()):
        if kind == "ServiceAccount" and name == "default":
            problem = "" if namespace in rendered.namespaces else f"namespace {namespace} is not rendered"
        elif rendered.get(kind, namespace, name) is None:
            problem = f"no {kind} {name!r} in namespace {namespace}"
        else:
            keys = set(rendered.data(kind, namespace, name)) if kind in ("Secret", "ConfigMap") else set()
            wanted = ([key] if key else []) + [item["key"] for item in items]
            missing = [wanted_key for wanted_key in wanted if wanted_key not in keys]
            problem = f"{kind} {name} has no key {missing}" if missing else ""
        found.append(Reference(source, kind, f"{name}" + (f"[{key}]" if key else ""), problem))

    for doc, namespace, template in rendered.pod_templates():
        source, pod = _source(doc), template["spec"]
        found.append(Reference(source, "Namespace", str(namespace),
                               "" if namespace in rendered.namespaces else "the pod's namespace is not rendered"))
        check(source, "ServiceAccount", namespace, pod.get("serviceAccountName") or "default")
        for pull in pod.get("imagePullSecrets", []):
            check(source, "Secret", namespace, pull["name"])
        volumes = {volume["name"] for volume in pod.get("volumes", [])}
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                ref = volume["configMap"]
                check(source, "ConfigMap", namespace, ref["name"], items=ref.get("items", ()))
            if "secret" in volume:
                ref = volume["secret"]
                check(source, "Secret", namespace, ref["secretName"], items=ref.get("items", ()))
            if "persistentVolumeClaim" in volume:
                check(source, "PersistentVolumeClaim", namespace, volume["persistentVolumeClaim"]["claimName"])
            for projected in (volume.get("projected") or {}).get("sources", []):
                for kind, field in (("ConfigMap", "configMap"), ("Secret", "secret")):
                    if field in projected:
                        ref = projected[field]
                        check(source, kind, namespace, ref["name"], items=ref.get("items", ()))
        for container in _containers(pod):
            settings: dict[str, str] = {}
            for mount in container.get("volumeMounts", []):
                found.append(Reference(source, "volume", mount["name"],
                                       "" if mount["name"] in volumes else "no such volume in the pod"))
            for item in container.get("envFrom", []):
                for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if field in item:
                        check(source, kind, namespace, item[field]["name"])
                        settings |= {item.get("prefix", "") + key: value
                                     for key, value in rendered.data(kind, namespace, item[field]["name"]).items()}
            for variable in container.get("env", []):
                value_from = variable.get("valueFrom") or {}
                for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    if field in value_from:
                        ref = value_from[field]
                        check(source, kind, namespace, ref["name"], key=ref["key"])
                        settings[variable["name"]] = rendered.data(kind, namespace, ref["name"]).get(ref["key"], "")
                if "value" in variable:
                    settings[variable["name"]] = variable["value"]
            for name, value in sorted(settings.items()):
                for host, port in _hosts_in(name, value):
                    found.append(Reference(source, "host", f"{name}={host}" + (f":{port}" if port else ""),
                                           _resolve_host(rendered, namespace, host, port)))

    for doc in rendered.docs:
        namespace, source = doc["metadata"].get("namespace"), _source(doc)
        if doc["kind"] == "Ingress":
            for rule in doc["spec"].get("rules", []):
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    service = rendered.get("Service", namespace, backend["name"])
                    port = backend["port"].get("number")
                    named = backend["port"].get("name")
                    problem = f"no Service {backend['name']!r} in namespace {namespace}" if service is None else (
                        "" if any(p.get("name") == named or p["port"] == port for p in service["spec"]["ports"])
                        else f"Service {backend['name']} has no port {named or port}")
                    found.append(Reference(source, "Service", backend["name"], problem))
        if doc["kind"] in ("HorizontalPodAutoscaler", "ScaledObject"):
            target = doc["spec"]["scaleTargetRef"]
            kind = target.get("kind", "Deployment")
            found.append(Reference(source, kind, target["name"], "" if rendered.get(kind, namespace, target["name"])
                                   else f"no {kind} {target['name']!r} in namespace {namespace}"))
        if doc["kind"] == "TriggerAuthentication":
            for ref in doc["spec"].get("secretTargetRef", []):
                check(source, "Secret", namespace, ref["name"], key=ref["key"])
    return found


def test_every_reference_of_each_overlay_resolves_by_exact_name(overlay):
    name, docs = overlay
    found = references(Rendered(docs))
    unresolved = [f"{ref.source} -> {ref.kind} {ref.target}: {ref.problem}" for ref in found if ref.problem]
    assert not unresolved, f"{name}: {len(unresolved)} unresolved reference(s):\n" + "\n".join(unresolved)
    counts = Counter(ref.kind for ref in found)
    print(f"\n{name}: {len(found)} references resolved {dict(sorted(counts.items()))}")
    # Every pod reads Secrets and ConfigMaps and names hosts: a render that lost them would pass vacuously.
    assert counts["Secret"] >= 20 and counts["ConfigMap"] >= 40 and counts["host"] >= 40, counts


def test_every_namespaced_object_is_in_a_namespace_the_overlay_renders(overlay):
    name, docs = overlay
    rendered = Rendered(docs)
    cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "PriorityClass"}
    stray = [_source(doc) for doc in docs
             if doc["kind"] not in cluster_scoped and doc["metadata"].get("namespace") not in rendered.namespaces]
    assert not stray, f"{name}: objects without a rendered namespace: {stray}"


def test_the_check_finds_what_it_is_meant_to_find():
    """A hashed Secret name, a Secret outside the pod's namespace, an unknown host, a Service selecting
    nothing, a missing key: each is reported."""
    pod = {"kind": "Deployment", "metadata": {"name": "api", "namespace": "ns"}, "spec": {"template": {
        "metadata": {"labels": {"app": "api"}},
        "spec": {"containers": [{
            "name": "api", "ports": [{"name": "http", "containerPort": 8000}],
            "envFrom": [{"secretRef": {"name": "api-secrets"}}, {"configMapRef": {"name": "api-config"}}],
            "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "api-config", "key": "NOPE"}}},
                    {"name": "MAIL_HOST", "value": "smtp.example.org"}]}]}}}}
    docs = [
        {"kind": "Namespace", "metadata": {"name": "ns"}},
        pod,
        {"kind": "Secret", "metadata": {"name": "api-secrets-5f2k8", "namespace": "ns"}, "data": {}},
        {"kind": "ConfigMap", "metadata": {"name": "api-config", "namespace": "ns"},
         "data": {"DB_URL": "postgresql://u:p@postgres:5432/db", "SELF": "http://api:8000/x",
                  "OTHER": "http://idle:8000"}},
        {"kind": "Service", "metadata": {"name": "api", "namespace": "ns"},
         "spec": {"selector": {"app": "api"}, "ports": [{"port": 8000, "targetPort": "http"}]}},
        {"kind": "Service", "metadata": {"name": "idle", "namespace": "ns"},
         "spec": {"selector": {"app": "nothing"}, "ports": [{"port": 8000}]}},
    ]
    problems = {ref.target: ref.problem for ref in references(Rendered(docs)) if ref.problem}
    assert set(problems) == {"api-secrets", "api-config[NOPE]", "DB_URL=postgres:5432", "OTHER=idle:8000",
                             "MAIL_HOST=smtp.example.org"}, problems
    docs[2]["metadata"]["name"] = "api-secrets"
    docs[2]["metadata"].pop("namespace")
    assert any(ref.target == "api-secrets" and ref.problem for ref in references(Rendered(docs)))
    docs[0]["metadata"]["annotations"] = {EXTERNAL_HOSTS: "smtp.example.org"}
    assert not [ref for ref in references(Rendered(docs)) if ref.target == "MAIL_HOST=smtp.example.org" and ref.problem]


def test_production_aliases_name_the_services_the_infrastructure_operators_make(tmp_path):
    """``postgres`` and ``rabbitmq`` of the production overlay are CNAMEs of the managed clusters of
    deploy/k8s/infrastructure: CloudNativePG makes ``<cluster>-rw``, the RabbitMQ Cluster Operator
    ``<cluster>``, both in the cluster's namespace."""
    services = {doc["metadata"]["name"]: doc for doc in render_overlay("production", tmp_path / "production")
                if doc["kind"] == "Service" and doc["spec"].get("type") == "ExternalName"}
    infrastructure = render_infrastructure(tmp_path / "infrastructure")
    made = {f"{doc['metadata']['name']}-rw.{doc['metadata']['namespace']}.svc.cluster.local"
            for doc in infrastructure if doc["kind"] == "Cluster"}
    made |= {f"{doc['metadata']['name']}.{doc['metadata']['namespace']}.svc.cluster.local"
             for doc in infrastructure if doc["kind"] == "RabbitmqCluster"}
    assert set(services) == {"postgres", "rabbitmq"}
    assert {doc["spec"]["externalName"] for doc in services.values()} == made
