"""Production sheets (P5): the documented types of production and the shooting dates rule."""
from __future__ import annotations

from datetime import date

PRODUCTION_TYPES = {
    "feature_film": "Long métrage / Feature film",
    "short_film": "Court métrage / Short film",
    "series": "Série / Series",
    "tv_movie": "Téléfilm / TV movie",
    "documentary": "Documentaire / Documentary",
    "commercial": "Publicité / Commercial",
    "music_video": "Vidéoclip / Music video",
    "web_series": "Websérie / Web series",
    "corporate": "Vidéo corporative / Corporate video",
    "other": "Autre / Other",
}

DATES_MESSAGE = ("La fin du tournage doit être le même jour ou après le début. / "
                 "The shooting end must be on or after the start.")


def shooting_dates_errors(start: date | None, end: date | None) -> dict:
    """``{}`` when the dates fit (either may be missing), else the field errors."""
    if start is not None and end is not None and end < start:
        return {"shooting_end": [DATES_MESSAGE]}
    return {}
