"""Forwarded client addresses are believed from the gateway's own address only, as deployed
(issue 17, item 6): compose (resolved by the real Compose v2 binary), the local stack, Kubernetes.

Before: compose believed ``X-Forwarded-For`` from all of 172.16.0.0/12 at the gateway (where
published ports arrive from too) and ``AUTH_TRUST_PROXY=1`` made auth believe it from anyone.
"""
from __future__ import annotations

import ipaddress

import yaml

from stack import local
from tests.deploy.support import ROOT, resolved_compose


def test_compose_trusts_the_gateway_s_and_the_web_s_own_addresses_only():
    compose = resolved_compose()
    services, subnet = compose["services"], compose["networks"]["backend"]["ipam"]["config"][0]["subnet"]
    gateway_address = services["gateway"]["networks"]["backend"]["ipv4_address"]
    web_address = services["web"]["networks"]["backend"]["ipv4_address"]
    for name in ("auth", "auth-worker", "auth-relay"):
        environment = services[name]["environment"]
        assert "AUTH_TRUST_PROXY" not in environment
        assert environment["AUTH_TRUSTED_PROXIES"] == gateway_address
    assert services["gateway"]["environment"]["GATEWAY_TRUSTED_FORWARDER"] == web_address
    network = ipaddress.ip_network(subnet)
    assert ipaddress.ip_address(gateway_address) in network and ipaddress.ip_address(web_address) in network
    assert gateway_address != web_address


def test_the_local_stack_trusts_loopback_only(tmp_path):
    layout = local.plan(tmp_path, free_ports=True)
    [auth] = [spec for spec in local.process_specs(layout, ["nginx"]) if spec.name == "auth-api"]
    assert "AUTH_TRUST_PROXY" not in auth.env
    assert {ipaddress.ip_network(part.strip()) for part in auth.env["AUTH_TRUSTED_PROXIES"].split(",")} == {
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")}


def test_kubernetes_names_trusted_proxies_and_fences_auth_off():
    config = yaml.safe_load((ROOT / "deploy/k8s/base/auth/config.yaml").read_text())["data"]
    assert "AUTH_TRUST_PROXY" not in config and config["AUTH_TRUSTED_PROXIES"]
    policy = yaml.safe_load((ROOT / "deploy/k8s/base/auth/network-policy.yaml").read_text())
    assert policy["kind"] == "NetworkPolicy" and policy["spec"]["policyTypes"] == ["Ingress"]
    peers = [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]
    # this namespace's pods (a podSelector alone), and the monitoring namespace by its name: never a pod
    # label of any namespace, which another tenant could set on its own pod
    assert all(set(peer) == {"podSelector"} or peer == {"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": "monitoring"}}} for peer in peers), peers
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway",
                                            "app.kubernetes.io/component": "gateway"}}} in peers
    kustomization = yaml.safe_load((ROOT / "deploy/k8s/base/auth/kustomization.yaml").read_text())
    assert "network-policy.yaml" in kustomization["resources"]
