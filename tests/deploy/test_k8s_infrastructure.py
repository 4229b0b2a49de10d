"""deploy/k8s/infrastructure: the RabbitMQ user `guichet` and its permissions (Messaging Topology Operator),
and the PostgreSQL cluster (CloudNativePG), rendered by kubectl's kustomize with the committed example
secrets: every Secret any object names (found by walking each object, not by a list of fields) resolves by
exact name in its namespace with the keys it names; the platform's BUS_URL is that user on that vhost and
each service's DATABASE_URL is its role, with the password of the role's Secret; the permission regexes
admit every exchange and queue name chassis/bus/topology.py gives and no other. The RabbitMQ version:
test_k8s_rabbitmq_version.py. tests/deploy/test_k8s_broker_permissions.py applies the same permissions on a real broker.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from tests.deploy.k8s_rendered import Rendered
from tests.deploy.support import K8S, ROOT, SERVICES
from tests.deploy.test_kubernetes import _validate

NAMESPACE = "guichet-infra"
# Secrets the Topology Operator reads carry this label (recent releases refuse an import Secret without it).
TOPOLOGY_LABEL = ("rabbitmq.com/topology-operator", "true")
# Names the platform never declares: RabbitMQ's own exchanges, another application's, near misses.
OUTSIDE = ("amq.foo", "amq.topic", "amq.direct", "amq.rabbitmq.trace", "other.events", "other.events.billing",
           "guichet", "guichet.other", "guichet.eventsx", "xguichet.events", "guichet-events.billing")
# The default exchange, named so in permission checks: the platform sends to a queue through it.
DEFAULT_EXCHANGE = "amq.default"
# What the operators read in a Secret named by these fields, beyond a `key` the reference names itself:
# CloudNativePG's managed roles (declarative_role_management.md) and the Topology Operator's User.
IMPLIED_KEYS = {"passwordSecret": {"username", "password"}, "importCredentialsSecret": {"username", "password"}}
REQUIRED_TYPE = {"passwordSecret": "kubernetes.io/basic-auth"}
# CloudNativePG applies a changed role password at once only from a Secret with this label.
RELOAD_LABEL = ("cnpg.io/reload", "true")
# Parts of an object that name no Secret: its identity (labels, annotations: at any depth), a ConfigMap's or
# Secret's own values, its status.
NOT_REFERENCES = {"metadata", "data", "stringData", "binaryData", "status"}


@pytest.fixture(scope="module")
def production(production) -> Rendered:
    return Rendered(production)


def only(rendered: Rendered, kind: str) -> dict:
    (doc,) = [doc for doc in rendered.docs if doc["kind"] == kind]
    return doc


def bus_settings(production: Rendered) -> tuple[str, tuple[float, ...]]:
    """The exchange and the retry delays the production pods run with (their guichet-common ConfigMap)."""
    common = production.data("ConfigMap", "guichet", "guichet-common")
    return common["BUS_EXCHANGE"], tuple(float(part) for part in common["BUS_RETRY_DELAYS"].split(","))


def bus_names(exchange: str, retry_delays) -> dict[str, set[str]]:
    """Every exchange and queue name the platform declares, by chassis/bus/topology.py's naming functions:
    the exchange and its unroutable queue (every relay and worker), and for each service that consumes
    (its handler table) its queue, one retry queue per delay and its dead-letter queue."""
    from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
    from stack.process_table import consumes

    queues = {unroutable_queue_name(exchange)}
    for service in (service for service in SERVICES if consumes(service)):
        queues |= {service_queue_name(exchange, service), dead_queue_name(exchange, service)}
        queues |= {retry_queue_name(exchange, service, delay) for delay in retry_delays}
    return {"exchanges": {exchange}, "queues": queues}


def permits(pattern: str, name: str) -> bool:
    """RabbitMQ matches a permission as an unanchored regular expression search (hence the ^...$)."""
    return re.search(pattern, name) is not None


@dataclass(frozen=True)
class SecretReference:
    where: str      # Kind/name and the path of the reference in it
    field: str      # the key naming the Secret: passwordSecret, s3Credentials, secretName, ...
    namespace: str
    name: str
    key: str | None  # the key of the Secret it reads, when it names one


def secret_references(doc: dict) -> list[SecretReference]:
    """Every Secret ``doc`` names, anywhere in its tree: a mapping with a ``name`` under a key ending in
    ``Secret`` or ``Credentials`` (``passwordSecret``, ``importCredentialsSecret``, ``connectionSecret``) or
    named ``secretKeyRef``/``secretRef``; a mapping with a ``name`` one level inside a ``*Credentials``
    mapping (``s3Credentials.accessKeyId``); a string under a key ending in ``Secret`` or named ``secretName``
    (CloudNativePG's ``certificates.serverTLSSecret``, a volume's ``secretName``). A reference's own
    ``namespace`` wins over the object's."""
    namespace = doc["metadata"].get("namespace")
    found: list[SecretReference] = []

    def add(path, field, value):
        if isinstance(value, str):
            found.append(SecretReference(f"{doc['kind']}/{doc['metadata']['name']} {path}", field, namespace,
                                         value, None))
        elif isinstance(value, dict) and "name" in value:
            found.append(SecretReference(f"{doc['kind']}/{doc['metadata']['name']} {path}", field,
                                         value.get("namespace", namespace), value["name"], value.get("key")))

    def walk(node, path):
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key == "metadata" or (key in NOT_REFERENCES and not path):
                continue
            if key.lower().endswith("secret") or key in ("secretKeyRef", "secretRef", "secretName"):
                add(here, key, value)
            elif key.endswith("Credentials") and isinstance(value, dict):
                if "name" in value:
                    add(here, key, value)
                for inner, reference in value.items():
                    if isinstance(reference, dict) and "name" in reference:
                        add(f"{here}.{inner}", key, reference)
            walk(value, here)

    walk(doc, "")
    return found


def role_secret(infrastructure: Rendered, cluster: dict, role: str) -> dict:
    (entry,) = [entry for entry in cluster["spec"]["managed"]["roles"] if entry["name"] == role]
    return infrastructure.get("Secret", cluster["metadata"]["namespace"], entry["passwordSecret"]["name"]) or {}


def database_urls(production: Rendered) -> dict[str, str]:
    """``<SVC>_DATABASE_URL`` of each service, from the production Secrets (the committed examples)."""
    urls = {}
    for doc in production.docs:
        if doc["kind"] == "Secret":
            values = production.data("Secret", doc["metadata"]["namespace"], doc["metadata"]["name"])
            urls |= {service: values[f"{service.upper()}_DATABASE_URL"] for service in SERVICES
                     if f"{service.upper()}_DATABASE_URL" in values}
    return urls


def test_the_infrastructure_renders_and_its_kubernetes_objects_validate(infrastructure):
    """The custom resources are skipped by the schema check, as in test_kubernetes.py; their fields are
    checked against the operators' types below."""
    _validate(infrastructure.docs)
    assert {doc["metadata"].get("namespace") for doc in infrastructure.docs if doc["kind"] != "Namespace"} \
        == {NAMESPACE}


def test_the_topology_resources_use_only_fields_the_operator_defines(infrastructure):
    """Messaging Topology Operator, api/v1beta1 (user_types.go, permission_types.go, vhost_types.go)."""
    user, permission, vhost = (only(infrastructure, kind)["spec"] for kind in ("User", "Permission", "Vhost"))
    assert set(user) <= {"tags", "rabbitmqClusterReference", "importCredentialsSecret"}
    assert set(user.get("tags") or []) <= {"management", "policymaker", "monitoring", "administrator"}
    assert set(user["importCredentialsSecret"]) == {"name"}
    assert set(permission) <= {"user", "userReference", "vhost", "permissions", "rabbitmqClusterReference"}
    assert ("user" in permission) != ("userReference" in permission), "user or userReference, not both"
    assert set(permission["permissions"]) == {"configure", "write", "read"}
    assert set(vhost) <= {"name", "tracing", "tags", "defaultQueueType", "rabbitmqClusterReference"}
    assert vhost.get("defaultQueueType") in (None, "quorum", "classic", "stream")
    for spec in (user, permission, vhost):
        assert set(spec["rabbitmqClusterReference"]) <= {"name", "namespace", "connectionSecret"}


def test_the_user_imports_its_credentials_from_a_secret_that_resolves_by_exact_name(infrastructure):
    user = only(infrastructure, "User")
    name = user["spec"]["importCredentialsSecret"]["name"]
    secret = infrastructure.get("Secret", user["metadata"]["namespace"], name)
    assert secret is not None, f"no Secret {name!r} in {user['metadata']['namespace']}: the hashed name not rewritten?"
    assert set(infrastructure.data("Secret", NAMESPACE, name)) == {"username", "password"}
    assert (secret["metadata"].get("labels") or {}).get(TOPOLOGY_LABEL[0]) == TOPOLOGY_LABEL[1]
    # The operator writes a Secret of its own, <User>-user-credentials: ours must not be it.
    assert name != f"{user['metadata']['name']}-user-credentials"
    # The operator's admission webhook looks the Secret up when the User arrives: the Secret is applied first.
    assert infrastructure.docs.index(secret) < infrastructure.docs.index(user)
    assert user["spec"].get("tags") == [], "the platform's user needs no management access"


def test_every_topology_resource_names_the_cluster_the_vhost_and_the_user_rendered_beside_it(infrastructure):
    cluster, vhost, user, permission = (only(infrastructure, kind) for kind in
                                        ("RabbitmqCluster", "Vhost", "User", "Permission"))
    for doc in (vhost, user, permission):
        reference = doc["spec"]["rabbitmqClusterReference"]
        assert reference["name"] == cluster["metadata"]["name"], doc["kind"]
        assert reference.get("namespace", doc["metadata"]["namespace"]) == cluster["metadata"]["namespace"]
        assert doc["metadata"]["namespace"] == cluster["metadata"]["namespace"] == NAMESPACE
    assert permission["spec"]["vhost"] == vhost["spec"]["name"]
    assert permission["spec"]["userReference"]["name"] == user["metadata"]["name"]


def test_every_secret_any_object_names_exists_beside_it_with_the_keys_it_reads(infrastructure):
    """What the operators look up when the objects arrive: a Secret of that exact name (the hashed one
    kustomize generates) in the namespace, with the keys named or implied, of the type required."""
    references = [reference for doc in infrastructure.docs for reference in secret_references(doc)]
    fields = [reference.field for reference in references]
    # The walk finds what the objects are known to name: a role per service, the object store's two keys,
    # the RabbitMQ user's credentials (more is checked the same way).
    assert fields.count("passwordSecret") == len(SERVICES) and fields.count("s3Credentials") == 2, references
    assert fields.count("importCredentialsSecret") == 1, references
    problems = []
    for reference in references:
        secret = infrastructure.get("Secret", reference.namespace, reference.name)
        if secret is None:
            problems.append(f"{reference.where}: no Secret {reference.name!r} in {reference.namespace}")
            continue
        values = infrastructure.data("Secret", reference.namespace, reference.name)
        wanted = {reference.key} if reference.key else IMPLIED_KEYS.get(reference.field, set())
        if missing := sorted(key for key in wanted if not values.get(key)):
            problems.append(f"{reference.where}: Secret {reference.name} has no (or an empty) {missing}")
        if reference.field in REQUIRED_TYPE and secret.get("type") != REQUIRED_TYPE[reference.field]:
            problems.append(f"{reference.where}: Secret {reference.name} is of type {secret.get('type')!r}, "
                            f"not {REQUIRED_TYPE[reference.field]}")
    assert not problems, "\n".join(problems)


def test_each_service_role_has_the_password_of_its_production_database_url(infrastructure, production):
    """CloudNativePG makes each role from its basic-auth Secret (username = the role); the service's pods log
    in with their <SVC>_DATABASE_URL, to the database that role owns. The example passwords differ from
    service to service, so a Secret given to the wrong role shows here."""
    cluster = only(infrastructure, "Cluster")
    roles = {entry["name"]: entry for entry in cluster["spec"]["managed"]["roles"]}
    assert set(roles) == set(SERVICES), sorted(roles)
    urls = database_urls(production)
    assert set(urls) == set(SERVICES), sorted(urls)
    databases = {doc["spec"]["name"]: doc["spec"] for doc in infrastructure.docs if doc["kind"] == "Database"}
    for service in SERVICES:
        assert roles[service].get("login") is True, service
        secret = role_secret(infrastructure, cluster, service)
        assert secret.get("type") == "kubernetes.io/basic-auth", service
        assert (secret["metadata"].get("labels") or {}).get(RELOAD_LABEL[0]) == RELOAD_LABEL[1], service
        credentials = infrastructure.data("Secret", NAMESPACE, secret["metadata"]["name"])
        assert set(credentials) == {"username", "password"}, service
        assert credentials["username"] == service
        url = urlsplit(urls[service])
        assert unquote(url.username) == service, urls[service]
        assert unquote(url.password) == credentials["password"], f"{service}: the role's password is not the URL's"
        database = databases.get(unquote(url.path.removeprefix("/")))
        assert database, f"{service}: no Database {url.path} in the cluster"
        assert (database["owner"], database["cluster"]["name"]) == (service, cluster["metadata"]["name"])
    passwords = {infrastructure.data("Secret", NAMESPACE, role_secret(infrastructure, cluster, service)
                                     ["metadata"]["name"])["password"] for service in SERVICES}
    assert len(passwords) == len(SERVICES), "the example passwords must differ so that a swap shows"


def test_the_production_pods_connect_as_that_user_to_that_vhost(infrastructure, production):
    """BUS_URL of every production Secret: the username and password of the User's Secret, the Vhost's name."""
    secret = only(infrastructure, "User")["spec"]["importCredentialsSecret"]["name"]
    credentials = infrastructure.data("Secret", NAMESPACE, secret)
    vhost = only(infrastructure, "Vhost")["spec"]["name"]
    urls = []
    for doc in production.docs:
        if doc["kind"] == "Secret":
            values = production.data("Secret", doc["metadata"]["namespace"], doc["metadata"]["name"])
            urls += [values["BUS_URL"]] if "BUS_URL" in values else []
    assert len(urls) >= 5, urls
    for url in urls:
        parts = urlsplit(url)
        assert (unquote(parts.username), unquote(parts.password)) == (credentials["username"], credentials["password"])
        assert unquote(parts.path.removeprefix("/")) == vhost


def test_the_permissions_admit_every_name_the_bus_declares_and_nothing_else(infrastructure, production):
    exchange, delays = bus_settings(production)
    names = bus_names(exchange, delays)
    consumers = {name for name in names["queues"] if name.endswith(".dead")}
    assert len(consumers) >= 4 and len(names["queues"]) == 1 + len(consumers) * (2 + len(delays)), names
    everything = names["exchanges"] | names["queues"]
    permissions = only(infrastructure, "Permission")["spec"]["permissions"]
    for kind in ("configure", "write", "read"):
        refused = sorted(name for name in everything if not permits(permissions[kind], name))
        assert not refused, f"{kind} refuses {refused}"
        admitted = [name for name in OUTSIDE if permits(permissions[kind], name)]
        assert not admitted, f"{kind} admits names outside the platform: {admitted}"
    # Sends to a queue go through the default exchange, and the retry queues dead-letter to it.
    assert permits(permissions["write"], DEFAULT_EXCHANGE)
    assert not permits(permissions["configure"], DEFAULT_EXCHANGE)
    assert not permits(permissions["read"], DEFAULT_EXCHANGE)


def test_the_credentials_come_from_files_git_ignores():
    generators = yaml.safe_load((K8S / "infrastructure" / "kustomization.yaml").read_text())["secretGenerator"]
    assert generators and all("literals" not in generator and generator["envs"] for generator in generators)
    for generator in generators:
        for env_file in generator["envs"]:
            path = K8S / "infrastructure" / env_file
            assert _ignored(path), f"{path.relative_to(ROOT)} would be committed"
            assert not _ignored(path.with_name(path.name + ".example")), "the example must be committed"
            assert path.with_name(path.name + ".example").exists()


def _ignored(path) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT, timeout=30).returncode == 0
