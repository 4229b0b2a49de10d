"""The AQPM portal blueprint (under /aqpm/) and who may see its pages: members and productions staff."""
from __future__ import annotations

from flask import Blueprint

from services.web.web_session import MEMBER, PRODUCTIONS_STAFF

blp = Blueprint("portal_productions", __name__, url_prefix="/aqpm")
AQPM = (MEMBER, PRODUCTIONS_STAFF)
