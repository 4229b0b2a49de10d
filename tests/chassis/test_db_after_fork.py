"""A preloaded gunicorn app forks its workers after building the app: a pooled connection the master opened
then (the web creates its session table) must not be used by two processes at once, which gave 500s
("server closed the connection unexpectedly") with two web workers. Real fork, real PostgreSQL."""
from __future__ import annotations

import os

from sqlalchemy import text

from chassis.db import after_fork, make_engine
from tests.infra import fresh_database


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("select pg_backend_pid()")).scalar_one()


def _backend_pid_in_a_child(engine, forget: bool) -> int:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report the server process its first query reached, then leave at once
        try:
            if forget:
                after_fork()
            os.write(write, str(_backend_pid(engine)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        reported = int(pipe.read())
    os.waitpid(child, 0)
    return reported


def test_a_forked_worker_opens_its_own_connection_and_leaves_the_parents_alone():
    engine = make_engine(fresh_database("after_fork"))
    try:
        parent = _backend_pid(engine)  # one connection now waits in the parent's pool
        assert _backend_pid_in_a_child(engine, forget=True) != parent
        assert _backend_pid(engine) == parent  # the parent's connection was not closed by the child
        # Without after_fork the child takes the very connection the parent holds: the bug.
        assert _backend_pid_in_a_child(engine, forget=False) == parent
    finally:
        engine.dispose()
