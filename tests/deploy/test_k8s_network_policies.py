"""deploy/k8s NetworkPolicies and disruption budgets, read as the cluster would: every pod is behind a policy,
ingress is denied by default, each allowed peer and port names pods the overlay runs, the APIs admit the
gateway only, the dev database and broker the platform only; a budget for each Deployment with several pods."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.deploy.k8s_rendered import Rendered
from tests.deploy.support import SERVICES
from tests.deploy.support import by_kind as _by_kind
from tests.deploy.test_kubernetes import _scalers


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
