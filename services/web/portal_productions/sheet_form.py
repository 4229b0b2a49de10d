"""The production sheet form <-> the productions API body (``POST/PATCH /sheets``)."""
from __future__ import annotations

from chassis.i18n import N_, _
from services.web.forms import trimmed

PRODUCTION_TYPES = ("feature_film", "short_film", "series", "tv_movie", "documentary", "commercial",
                    "music_video", "web_series", "corporate", "other")
TYPE_LABELS = {
    "feature_film": N_("Long métrage"), "short_film": N_("Court métrage"),
    "series": N_("Série"), "tv_movie": N_("Téléfilm"), "documentary": N_("Documentaire"),
    "commercial": N_("Publicité"), "music_video": N_("Vidéoclip"),
    "web_series": N_("Websérie"), "corporate": N_("Vidéo corporative"),
    "other": N_("Autre"),
}
FIELDS = ("house_id", "title", "producer_id", "production_type", "shooting_start", "shooting_end", "location",
          "union_agreements", "description")


def type_options() -> list[tuple[str, str]]:
    return [(code, _(TYPE_LABELS[code])) for code in PRODUCTION_TYPES]


def form_values(form) -> dict:
    return trimmed(form, *FIELDS)


def values_from_sheet(sheet: dict) -> dict:
    values = {name: "" if sheet.get(name) is None else str(sheet.get(name)) for name in FIELDS}
    values["union_agreements"] = ", ".join(sheet.get("union_agreements") or [])
    return values


def api_body(values: dict, *, creating: bool) -> dict:
    def optional(name):
        return values.get(name) or None

    agreements = [part.strip() for part in (values.get("union_agreements") or "").split(",") if part.strip()]
    body = {"title": values.get("title", ""), "producer_id": optional("producer_id"),
            "production_type": optional("production_type"), "shooting_start": optional("shooting_start"),
            "shooting_end": optional("shooting_end"), "location": optional("location"),
            "union_agreements": agreements, "description": optional("description")}
    if creating:
        body["house_id"] = values.get("house_id", "")
    return body
