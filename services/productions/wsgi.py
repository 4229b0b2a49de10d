"""The gunicorn entry: ``services.productions.wsgi:app``."""
from services.productions.app import create_app

app = create_app()
