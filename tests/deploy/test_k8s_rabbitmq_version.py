"""RabbitMQ is 4 or later in every manifest of deploy/k8s, and the managed cluster keeps only settings 4.x has."""
from __future__ import annotations

import re

from tests.deploy.k8s_rendered import Rendered
from tests.deploy.support import K8S, ROOT
from tests.deploy.test_k8s_infrastructure import only


def _rabbitmq_major(image: str) -> int | None:
    """The major version of a RabbitMQ image (``rabbitmq:4.1-management``), None for another image."""
    repository, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    if repository.rsplit("/", 1)[-1] != "rabbitmq":
        return None
    match = re.match(r"(\d+)", tag)
    assert match, f"{image}: a RabbitMQ image without a version"
    return int(match[1])


def test_no_manifest_runs_a_rabbitmq_older_than_4(infrastructure, production, dev):
    """In every rendering (the pods' images and the RabbitmqCluster's), and in the text of every file under
    deploy/k8s (a component or a patch that no rendering here includes)."""
    images = [(f"RabbitmqCluster/{doc['metadata']['name']}", doc["spec"]["image"]) for doc in infrastructure.docs
              if doc["kind"] == "RabbitmqCluster"]
    for rendered in (Rendered(production), Rendered(dev)):
        images += [(f"{doc['kind']}/{doc['metadata']['name']}", container["image"])
                   for doc, _ns, template in rendered.pod_templates()
                   for container in [*template["spec"].get("initContainers", []), *template["spec"]["containers"]]]
    brokers = [(where, image, _rabbitmq_major(image)) for where, image in images if _rabbitmq_major(image)]
    assert len(brokers) >= 2, brokers  # the dev overlay's Deployment, the managed cluster
    assert all(major >= 4 for _where, _image, major in brokers), brokers
    written = [(path.relative_to(ROOT).as_posix(), match[0]) for path in sorted(K8S.rglob("*")) if path.is_file()
               for match in re.finditer(r"(?<![\w.-])rabbitmq:(\d+)\.\d+", path.read_text())]
    assert written and all(int(version.split(":")[1].split(".")[0]) >= 4 for _path, version in written), written


def test_the_rabbitmq_settings_are_ones_rabbitmq_4_still_has(infrastructure):
    """RabbitMQ 4 removed classic queue mirroring (ha-* policies, the mirroring settings) and renamed the
    queue master locator; the cluster keeps settings that 4.x defines."""
    cluster = only(infrastructure, "RabbitmqCluster")
    settings = dict(line.split("=", 1) for line in cluster["spec"]["rabbitmq"]["additionalConfig"].splitlines()
                    if line.strip() and not line.lstrip().startswith("#"))
    settings = {key.strip(): value.strip() for key, value in settings.items()}
    assert settings["default_queue_type"] == "quorum"
    assert settings["quorum_queue.continuous_membership_reconciliation.enabled"] == "true"
    removed = [key for key in settings if key.startswith(("mirroring_", "ha_", "queue_master_locator"))]
    assert not removed, removed
    policies = [doc for doc in infrastructure.docs if doc["kind"] in ("Policy", "OperatorPolicy")]
    assert not [doc for doc in policies if any(key.startswith("ha-") for key in doc["spec"].get("definition", {}))]
