"""The privacy page of each portal (Québec's Law 25): who answers for personal information and how to reach
them, what the portal keeps, why, for how long and who receives it, and how a person gets, corrects or erases
theirs. Open to anyone, signed in or not; every page's footer links the one of its portal (base.html).
The ASSTSAS portal's is ``/privacy``, the AQPM portal's ``/aqpm/privacy`` (a page of that portal by its path)."""
from __future__ import annotations

import logging

from flask import current_app, render_template

from chassis.i18n import _
from services.web.account.views import blp
from services.web.clients import privacy as privacy_api
from services.web.clients.gateway import ApiError
from services.web.config import PrivacyOfficer, WebConfig
from services.web.web_session import api

log = logging.getLogger(__name__)


def _settings() -> WebConfig:
    return current_app.extensions["web_config"]


def _retention(service: str) -> dict | None:
    """The service's retention rule (its settings say the durations); None if it does not answer: the page
    still opens, without those durations."""
    try:
        return privacy_api.retention_policy(api(), service)
    except ApiError:
        log.warning("privacy page: %s's retention rule is unavailable", service)
        return None


@blp.get("/privacy")
def privacy():
    config = _settings()
    return render_template("privacy/cards.html", officer=config.privacy_cards, remember_days=config.remember_days,
                           retention=_retention("cards"), page_title=_("Protection des renseignements personnels"))


@blp.get("/aqpm/privacy")
def aqpm_privacy():
    config = _settings()
    return render_template("privacy/aqpm.html", officer=config.privacy_aqpm, remember_days=config.remember_days,
                           retention=_retention("auth"), page_title=_("Protection des renseignements personnels"))


def warn_when_unnamed(config: WebConfig) -> None:
    """A deployment should name the person and give their contact: say so at start when it does not."""
    officers: dict[str, PrivacyOfficer] = {"CARDS": config.privacy_cards, "AQPM": config.privacy_aqpm}
    for portal, officer in officers.items():
        if not officer.name or not officer.reachable:
            log.warning("privacy page: set WEB_PRIVACY_%s_NAME and its email, phone or address; the page names "
                        "the association's director general and its general contact meanwhile", portal)
