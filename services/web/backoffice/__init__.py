"""Staff back office (X8): ASSTSAS trainers, reference lists, requests, payments, shipping, participant
search (C13); AQPM production houses and their delegates."""
from services.web.backoffice import accounts  # noqa: E402,F401 - its routes join the back office's blueprint
from services.web.backoffice.views import blp  # noqa: E402,F401
