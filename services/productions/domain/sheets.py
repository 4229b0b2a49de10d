"""Production sheets (P5): the documented types of production and the shooting dates rule."""
from __future__ import annotations

from datetime import date

from chassis.i18n import N_

PRODUCTION_TYPES = {
    "feature_film": N_("Long métrage"),
    "short_film": N_("Court métrage"),
    "series": N_("Série"),
    "tv_movie": N_("Téléfilm"),
    "documentary": N_("Documentaire"),
    "commercial": N_("Publicité"),
    "music_video": N_("Vidéoclip"),
    "web_series": N_("Websérie"),
    "corporate": N_("Vidéo corporative"),
    "other": N_("Autre"),
}

DATES_MESSAGE = N_("La fin du tournage doit être le même jour ou après le début.")


def shooting_dates_errors(start: date | None, end: date | None) -> dict:
    """``{}`` when the dates fit (either may be missing), else the field errors."""
    if start is not None and end is not None and end < start:
        return {"shooting_end": [DATES_MESSAGE]}
    return {}
