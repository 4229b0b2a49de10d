"""The ZIP of a person's data export: one folder per service (``auth/account.json``, ``billing/invoices.csv``,
...) and a ``README.txt`` in French then English naming whose data it is and listing every file."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

from chassis.i18n import _, format_date, speaking
from services.notifier.domain.mail_templates import CATALOGUE

README = "README.txt"


def archive_name(requested_at: datetime) -> str:
    return f"guichet-donnees-{requested_at:%Y%m%d-%H%M%S}.zip"


def _readme_in(language: str, subject_name: str, requested_at: datetime, paths: list[str],
               empty_services: list[str]) -> str:
    with speaking(language, CATALOGUE):
        lines = [_("Données personnelles de %(name)s, exportées le %(date)s.", name=subject_name,
                   date=format_date(requested_at)),
                 _("Chaque dossier est un service de la plateforme ; chaque table y est en JSON et en CSV "
                   "(UTF-8). Seuls les 4 derniers chiffres d'une carte de paiement sont conservés."),
                 "", _("Fichiers :")]
        lines += [f"  {path}" for path in paths] or ["  " + _("(aucun)")]
        if empty_services:
            lines += ["", _("Services qui ne détiennent rien sur cette personne : %(services)s.",
                            services=", ".join(empty_services))]
    return "\n".join(lines)


def build_archive(subject_name: str, requested_at: datetime, parts: dict[str, list[dict]]) -> bytes:
    """``parts``: service -> its files (``{name, media_type, content}``), each stored as ``<service>/<name>``."""
    paths = [f"{service}/{item['name']}" for service in sorted(parts) for item in parts[service]]
    empty = sorted(service for service, files in parts.items() if not files)
    readme = "\n\n----------------------------------------\n\n".join(
        _readme_in(language, subject_name, requested_at, paths, empty) for language in ("fr", "en")) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README, readme)
        for service in sorted(parts):
            for item in parts[service]:
                archive.writestr(f"{service}/{item['name']}", item["content"])
    return buffer.getvalue()
