"""gunicorn entry: ``gunicorn -c services/auth/gunicorn.conf.py services.auth.wsgi:app``."""
from services.auth.app import create_app

app = create_app()
