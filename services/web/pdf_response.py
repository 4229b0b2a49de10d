"""A file from an API passed on to the browser as it is: the cards' attestations and billing's invoices (PDF),
the accountant's CSV files, a person's data export (ZIP)."""
from __future__ import annotations

from flask import Response


def file_response(upstream, mimetype: str, default_disposition: str, *, no_store: bool = True) -> Response:
    """``upstream``'s body with its own Content-Disposition, else ``default_disposition``; personal files
    (a card, a person's data, the books) are not kept by caches, hence ``no_store``."""
    headers = {"Content-Disposition": upstream.headers.get("Content-Disposition", default_disposition)}
    if no_store:
        headers["Cache-Control"] = "no-store"
    return Response(upstream.content, mimetype=mimetype, headers=headers)


def pdf_response(upstream, filename: str, *, no_store: bool = True) -> Response:
    return file_response(upstream, "application/pdf", f'inline; filename="{filename}"', no_store=no_store)
