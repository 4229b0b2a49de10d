"""Staff back office (X8): ASSTSAS trainers, reference lists, requests, payments, shipping, participant
search (C13); AQPM production houses and their delegates; each portal's dashboard (issue 23)."""
# the modules whose routes join the back office's blueprint
from services.web.backoffice import accounts, dashboards, data_export, privacy  # noqa: E402,F401
from services.web.backoffice.views import blp  # noqa: E402,F401
