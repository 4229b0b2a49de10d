"""gunicorn entry: ``services.billing.wsgi:app``."""
from services.billing.app import create_app

app = create_app()
