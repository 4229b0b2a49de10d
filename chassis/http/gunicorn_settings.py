"""gunicorn settings shared by every service's ``gunicorn.conf.py`` (which imports them and may
override a few). Environment: ``PORT`` (8000), ``WEB_CONCURRENCY`` workers (2; ``stack.local`` sets 1),
``GUNICORN_THREADS`` (1), ``GUNICORN_TIMEOUT`` seconds (30), ``FORWARDED_ALLOW_IPS`` (127.0.0.1:
the gateway's address, whose X-Forwarded-* headers gunicorn trusts), ``GUNICORN_PRELOAD``.

``GUNICORN_PRELOAD`` (default: on when there are several workers) imports the app once in the master
before forking, so the workers share its pages instead of each importing its own copy; with a single
worker it would only add a second full copy in the master (docs/performance.md, memory). A connection the
app opened while it was built (the web creates its session table) stays the master's: each worker forgets
the pooled connections it inherited (``post_fork``), so no two processes share a socket.
"""
import os

from chassis.http.gunicorn_metrics import child_exit, on_exit, prepare_metrics_folder  # noqa: F401 (hooks)

# One scrape of the API counts every worker (chassis/http/gunicorn_metrics.py): prometheus-client reads this
# variable when first imported, so it is set here, in the master, before the app is imported or forked.
prepare_metrics_folder()

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "1" if workers > 1 else "0") == "1"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# JSON lines like the app's (chassis/http/gunicorn_logging.py), from the master's first line on. The access
# log stays on: it is the one line per request (the app logs only what goes wrong), with the request id the
# app returned, so an app line and its request's access line are found together.
logger_class = "chassis.http.gunicorn_logging.JsonLogger"
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn >= 25 opens a control socket under ~/.gunicorn; several services on one machine
# (the local real-process stack) would collide there, and nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Before the workers fork: gunicorn's own error answers in the contract's JSON body."""
    from chassis.http import gunicorn_errors

    gunicorn_errors.install()


def post_fork(server, worker):
    """A worker of a preloaded app starts with its own database connections (chassis.db.after_fork)."""
    from chassis.db import after_fork

    after_fork()
