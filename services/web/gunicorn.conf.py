"""gunicorn settings of the web front end: the platform's defaults, with threads (its views wait
on the APIs) and a longer timeout (a card submission waits for billing's invoice)."""
import os

from chassis.http.gunicorn_settings import *  # noqa: F401,F403

threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
