"""Portal 2 (AQPM, under /aqpm/): registration, login, houses, producers, sheets, access, SET (P1-P7).

Each page group adds its routes to the one ``portal_productions`` blueprint."""
from services.web.portal_productions import access, entry, houses, producers, sheets, users  # noqa: F401
from services.web.portal_productions.blueprint import blp  # noqa: F401
