"""Kustomize has no ordering hooks: pods that use a database wait in an init container for their service's
migration Job, and that wait holds until the schema is at head."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.deploy.support import ROOT, SERVICES
from tests.deploy.support import by_kind as _by_kind


def test_pods_that_use_a_database_wait_for_their_migration_job(dev, production):
    """Kustomize has no ordering hooks: every Deployment of a service with a migration Job holds its pods
    in an init container until the database is at the head of that service's migrations."""
    for docs in (dev, production):
        jobs = _by_kind(docs, "Job")
        waiting = 0
        for name, deployment in _by_kind(docs, "Deployment").items():
            service = deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
            if f"{service}-migrate" not in jobs:
                assert not deployment["spec"]["template"]["spec"].get("initContainers"), name
                continue
            pod = deployment["spec"]["template"]["spec"]
            (init,) = pod["initContainers"]
            (main,) = pod["containers"]
            assert init["image"] == main["image"] == jobs[f"{service}-migrate"]["spec"]["template"]["spec"][
                "containers"][0]["image"], name
            assert init["envFrom"] == main["envFrom"], name
            assert init["command"] == ["python", "-m", "chassis.migrations", "--wait", service], name
            waiting += 1
        assert waiting >= 3 * len(SERVICES) - 3, waiting


def test_the_wait_holds_until_the_schema_is_at_head_then_lets_the_pod_start(tmp_path):
    """The init container's command, run as the pod runs it, against a database the Job has not migrated
    yet (it keeps waiting), then after the Job's own command (it exits 0)."""
    url = f"sqlite:///{tmp_path / 'billing.db'}"
    env = {**os.environ, "BILLING_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    wait = [sys.executable, "-m", "chassis.migrations", "--wait", "billing"]
    # It keeps waiting: it says so, and is still running once it has (read line by line, however slow the machine).
    waiting = subprocess.Popen(wait, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = None
        for line in iter(waiting.stdout.readline, ""):
            if "waiting for" in line:
                said = line
                break
        assert said, "the wait ended without saying it was waiting"
        assert waiting.poll() is None, "the wait exited before the schema was at head"
    finally:
        waiting.kill()
        waiting.wait(timeout=30)
    subprocess.run([sys.executable, "-m", "chassis.migrations", "billing"], env=env, cwd=ROOT, check=True, timeout=120)
    done = subprocess.run(wait, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "database at" in done.stdout, done.stderr
