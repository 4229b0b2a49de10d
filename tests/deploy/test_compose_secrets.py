"""docker-compose.yml's secrets, options and limits, with the real Compose v2 binary: every password and key
is a file mounted under /run/secrets (made by deploy/compose/make-secrets.sh), none sits in the compose file,
in .env or in a container's environment; a service whose secret file is missing stops at start, naming it."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from kombu import Connection

from chassis.config import SecretFileError, secret, with_password
from tests.deploy.support import ROOT, SERVICES, compose, resolved_compose, secrets_read_by

MAKE_SECRETS = ROOT / "deploy" / "compose" / "make-secrets.sh"
ENV_EXAMPLE = ROOT / "deploy" / "compose" / "env.example"
# Names that say "this is a secret": in a container's environment, only as <NAME>_FILE.
SECRET_WORDS = re.compile(r"(PASSWORD|PASSPHRASE|SECRET_KEY|_PASS)$")


@pytest.fixture(scope="module")
def resolved():
    return resolved_compose()


def _project(resolved) -> dict:
    return {name: spec for name, spec in resolved["services"].items()
            if spec.get("image", "").startswith("guichet/")}


def _mounted(spec) -> set[str]:
    return {f"/run/secrets/{entry['source']}" for entry in spec.get("secrets", [])}


def make_secrets(folder) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(MAKE_SECRETS)], env={**os.environ, "GUICHET_SECRETS": str(folder)},
                          capture_output=True, text=True, timeout=60, check=True)


def test_no_secret_value_sits_in_any_container_environment(resolved):
    for name, spec in resolved["services"].items():
        environment = spec.get("environment") or {}
        for variable, value in environment.items():
            if SECRET_WORDS.search(variable.removesuffix("_FILE")):
                assert variable.endswith("_FILE"), f"{name}: {variable} holds a secret as a value"
                assert value in _mounted(spec), f"{name}: {variable}={value} is not a secret it mounts"
        for variable in ("BUS_URL", *(key for key in environment if key.endswith("_DATABASE_URL"))):
            if variable in environment:
                assert ":" not in environment[variable].split("://", 1)[1].split("@")[0], (name, variable)


def test_each_service_reads_its_secrets_from_the_files_it_mounts(resolved):
    for name, spec in _project(resolved).items():
        service = spec["image"].removeprefix("guichet/").split(":")[0]
        environment, mounted = spec["environment"], _mounted(spec)
        expected = {f"{variable}_FILE": f"/run/secrets/{variable.lower()}" for variable in secrets_read_by(service)}
        expected[f"{service.upper()}_DATABASE_PASSWORD_FILE"] = f"/run/secrets/{service}_db_password"
        if service != "web":
            expected["BUS_PASSWORD_FILE"] = "/run/secrets/rabbitmq_password"
        for variable, path in expected.items():
            assert environment.get(variable) == path, (name, variable)
            assert path in mounted, (name, path)
        assert set(environment.values()) & {f"/run/secrets/{s}" for s in resolved["secrets"]} <= mounted, name


def test_postgres_and_rabbitmq_take_their_passwords_from_the_same_files(resolved):
    postgres = resolved["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    script = (ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh").read_text()
    for service in SERVICES:
        variable = f"{service.upper()}_DB_PASSWORD_FILE"
        assert postgres["environment"][variable] == f"/run/secrets/{service}_db_password"
        assert postgres["environment"][variable] in _mounted(postgres)
    assert '"${variable}_FILE"' in script and "cat " in script
    rabbitmq = resolved["services"]["rabbitmq"]
    assert "RABBITMQ_DEFAULT_PASS" not in rabbitmq["environment"]
    assert "cat /run/secrets/rabbitmq_password" in " ".join(rabbitmq["entrypoint"])
    assert _mounted(rabbitmq) == {"/run/secrets/rabbitmq_password"}
    major = int(rabbitmq["image"].split(":")[1].split(".")[0])
    assert major >= 4, rabbitmq["image"]


def test_the_script_makes_every_secret_the_compose_file_declares(tmp_path):
    folder = tmp_path / "secrets"
    make_secrets(folder)
    declared = resolve_with(folder)["secrets"]
    assert {path.name for path in folder.iterdir()} == set(declared)
    for name, definition in declared.items():
        assert definition["file"] == str(folder / name), name
        value = (folder / name).read_text()
        if name == "notifier_smtp_password":
            assert value == ""  # no SMTP login with the bundled mail catcher
        else:
            assert len(value) >= 32 and value == value.strip(), name
    Fernet((folder / "notifier_secret_key").read_bytes())  # a valid key, or this raises
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    before = {path.name: path.read_text() for path in folder.iterdir()}
    (folder / "web_secret_key").unlink()
    make_secrets(folder)
    after = {path.name: path.read_text() for path in folder.iterdir()}
    assert after.keys() == before.keys() and after["web_secret_key"] != before["web_secret_key"]
    assert {name: value for name, value in after.items() if name != "web_secret_key"} == \
        {name: value for name, value in before.items() if name != "web_secret_key"}


def resolve_with(folder) -> dict:
    import json

    result = compose("config", "--format", "json", env={"GUICHET_SECRETS": str(folder)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("broken", ["missing", "folder"])
def test_a_service_whose_secret_file_is_missing_stops_at_start_naming_it(tmp_path, broken):
    """Compose only warns about a missing secret file and mounts an empty folder in its place."""
    path = tmp_path / "auth_db_password"
    if broken == "folder":
        path.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GUICHET_DATA_DIR": str(tmp_path / "data"),
           "AUTH_DATABASE_URL": "postgresql+psycopg://auth@127.0.0.1:5432/guichet_auth",
           "AUTH_DATABASE_PASSWORD_FILE": str(path)}
    env.pop("AUTH_DATABASE_PASSWORD", None)
    result = subprocess.run([sys.executable, "-m", "chassis.migrations", "auth"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"AUTH_DATABASE_PASSWORD_FILE={path}" in result.stderr and "make-secrets.sh" in result.stderr


def test_a_password_from_its_file_reaches_the_broker(tmp_path, monkeypatch):
    """The local RabbitMQ checks passwords (guest/guest): the right file connects, a wrong one is refused."""
    password = tmp_path / "rabbitmq_password"
    monkeypatch.delenv("BUS_PASSWORD", raising=False)
    monkeypatch.setenv("BUS_PASSWORD_FILE", str(password))
    for content, accepted in (("guest\n", True), ("not-the-password", False)):
        password.write_text(content)
        url = with_password("amqp://guest@127.0.0.1:5672//", "BUS_PASSWORD")
        connection = Connection(url, connect_timeout=5)
        try:
            if accepted:
                connection.connect()
                assert connection.connected
            else:
                with pytest.raises(Exception, match="(?i)access|refused|login"):
                    connection.connect()
        finally:
            connection.release()


def test_a_value_in_the_environment_wins_over_its_file(tmp_path, monkeypatch):
    (tmp_path / "key").write_text("from-the-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "key"))
    monkeypatch.delenv("SOME_SECRET", raising=False)
    assert secret("SOME_SECRET") == "from-the-file"
    monkeypatch.setenv("SOME_SECRET", "from-the-environment")
    assert secret("SOME_SECRET") == "from-the-environment"
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "absent"))
    monkeypatch.delenv("SOME_SECRET")
    with pytest.raises(SecretFileError, match="SOME_SECRET_FILE="):
        secret("SOME_SECRET")
    monkeypatch.setenv("DB_PASSWORD", "p@ss/word")
    assert with_password("postgresql+psycopg://auth@db:5432/x", "DB_PASSWORD") == \
        "postgresql+psycopg://auth:p%40ss%2Fword@db:5432/x"


def test_the_example_options_work_as_shipped_and_name_every_option(resolved):
    """``cp deploy/compose/env.example .env`` changes nothing, and lists every variable the file reads."""
    import json

    result = subprocess.run([*compose_command(), "--env-file", str(ENV_EXAMPLE), "config", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, env=_clean_env())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == resolved
    listed = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    read = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert read == listed, (read - listed, listed - read)
    assert not any(SECRET_WORDS.search(name) for name in listed - {"NOTIFIER_SMTP_USER"})


def compose_command() -> list[str]:
    from tests.deploy.support import compose_binary

    return [compose_binary(), "-f", str(ROOT / "docker-compose.yml")]


def _clean_env() -> dict:
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("COMPOSE_", "GUICHET_", "GATEWAY_", "WEB_", "NOTIFIER_", "BILLING_",
                                    "PRODUCTIONS_"))}


def test_every_container_has_memory_and_cpu_limits(resolved):
    for name, spec in resolved["services"].items():
        resources = (spec.get("deploy") or {}).get("resources") or {}
        limits = resources.get("limits") or {}
        assert int(limits.get("memory", 0)) >= 128 * 2**20 and float(limits.get("cpus", 0)) > 0, name
        reserved = (resources.get("reservations") or {}).get("memory")
        assert reserved is None or int(reserved) <= int(limits["memory"]), name
    for api in ("auth", "cards", "billing", "productions", "notifier", "web"):
        # gunicorn's workers: each API holds about 100 MiB per worker at rest (python -m bench memory).
        workers = int(resolved["services"][api]["environment"]["WEB_CONCURRENCY"])
        assert int(resolved["services"][api]["deploy"]["resources"]["limits"]["memory"]) >= workers * 200 * 2**20
