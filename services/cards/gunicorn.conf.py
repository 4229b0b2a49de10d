"""gunicorn settings of the cards service: the platform's defaults (see chassis/http/gunicorn_settings.py)."""
from chassis.http.gunicorn_settings import *  # noqa: F401,F403
