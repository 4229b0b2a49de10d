"""gunicorn entry: ``services.notifier.wsgi:app``."""
from services.notifier.app import create_app

app = create_app()
