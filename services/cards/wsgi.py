"""gunicorn entry: ``gunicorn -c services/cards/gunicorn.conf.py services.cards.wsgi:app``."""
from services.cards.app import create_app

app = create_app()
