"""deploy/k8s rendered as the cluster would get it, and its objects found by kind, namespace and name:
what the Kubernetes tests of tests/deploy read."""
from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass

from tests.deploy.support import K8S
from tests.deploy.support import kustomize as _kustomize

EXTERNAL_HOSTS = "guichet/external-hosts"
POD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


def _copy_with_example_secrets(workdir):
    """A copy of deploy/k8s whose uncommitted secret files (``secrets/*.env``) are the committed examples."""
    copy = workdir / "k8s"
    shutil.copytree(K8S, copy)
    for example in copy.glob("**/secrets/*.env.example"):
        example.with_name(example.name.removesuffix(".example")).write_text(example.read_text())
    return copy


def render_overlay(name: str, workdir) -> list[dict]:
    """One overlay, rendered. Production reads its secrets from uncommitted files: a copy of deploy/k8s
    gets them from the committed examples."""
    if name != "production":
        return _kustomize(K8S / "overlays" / name)
    return _kustomize(_copy_with_example_secrets(workdir) / "overlays" / "production")


def render_infrastructure(workdir) -> list[dict]:
    """deploy/k8s/infrastructure, rendered; its secret files too are made from the committed examples."""
    return _kustomize(_copy_with_example_secrets(workdir) / "infrastructure")


@dataclass(frozen=True)
class Reference:
    source: str   # Kind/namespace/name of the object that refers
    kind: str     # what it refers to: Secret, ConfigMap, ServiceAccount, host, ...
    target: str   # the exact name (or host[:port])
    problem: str  # "" when resolved


class Rendered:
    """The objects of one rendered overlay, found by (kind, namespace, name)."""

    def __init__(self, docs: list[dict]):
        self.docs = docs
        self.objects = {(doc["kind"], doc["metadata"].get("namespace"), doc["metadata"]["name"]): doc
                        for doc in docs}
        self.namespaces = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "Namespace"}
        self.ingress_hosts = {rule["host"] for doc in docs if doc["kind"] == "Ingress"
                              for rule in doc["spec"].get("rules", []) if rule.get("host")}

    def get(self, kind, namespace, name):
        return self.objects.get((kind, namespace, name))

    def data(self, kind, namespace, name) -> dict[str, str]:
        """A ConfigMap's or Secret's keys and values (Secrets decoded)."""
        doc = self.get(kind, namespace, name) or {}
        values = dict(doc.get("data") or {})
        if kind == "Secret":
            values = {key: base64.b64decode(value).decode() for key, value in values.items()}
            values |= doc.get("stringData") or {}
        else:
            values |= {key: "" for key in doc.get("binaryData") or {}}
        return values

    def external_hosts(self, namespace) -> set[str]:
        annotations = (self.namespaces.get(namespace) or {}).get("metadata", {}).get("annotations") or {}
        return set(annotations.get(EXTERNAL_HOSTS, "").split())

    def pod_templates(self):
        """(object, namespace, pod template) for every object that makes pods."""
        for doc in self.docs:
            if doc["kind"] not in POD_KINDS:
                continue
            if doc["kind"] == "Pod":
                template = doc
            elif doc["kind"] == "CronJob":
                template = doc["spec"]["jobTemplate"]["spec"]["template"]
            else:
                template = doc["spec"]["template"]
            yield doc, doc["metadata"].get("namespace"), template
