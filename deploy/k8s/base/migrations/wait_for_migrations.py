"""Init container of every Deployment that uses a service's database: waits until that database is at
the head of the service's migrations (what its ``<service>-migrate`` Job does), so new code never
starts against an old schema. ``python wait_for_migrations.py <service>``; reads ``<SVC>_DATABASE_URL``.

Kustomize has no ordering hooks: the Job and the Deployments are applied together, and each pod
stays in its init phase until the Job has finished (``kubectl get pods`` shows ``Init:0/1``).
"""
from __future__ import annotations

import sys
import time

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from chassis.config import ServiceConfig
from chassis.db import make_engine
from chassis.migrations import alembic_config


def current_heads(engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def main(service: str, interval: float = 5.0) -> int:
    url = ServiceConfig.from_env(service).database_url
    wanted = set(ScriptDirectory.from_config(alembic_config(service, url)).get_heads())
    engine = make_engine(url)
    while True:
        try:
            current = current_heads(engine)
        except Exception as error:  # the database is not up yet: wait for it like for the Job
            current = {f"unreachable ({error.__class__.__name__})"}
        if current == wanted:
            print(f"{service}: database at {sorted(wanted)}", flush=True)
            return 0
        print(f"{service}: database at {sorted(current)}, waiting for {sorted(wanted)} ({service}-migrate Job)",
              flush=True)
        time.sleep(interval)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
