"""A PDF from an API passed on to the browser as it is (the cards' attestations, billing's invoices)."""
from __future__ import annotations

from flask import Response


def pdf_response(upstream, filename: str, *, no_store: bool = True) -> Response:
    """``upstream``'s PDF with its own Content-Disposition, else ``inline`` under ``filename``; a card
    (a person's name and code) is not kept by caches, hence ``no_store``."""
    headers = {"Content-Disposition": upstream.headers.get("Content-Disposition", f'inline; filename="{filename}"')}
    if no_store:
        headers["Cache-Control"] = "no-store"
    return Response(upstream.content, mimetype="application/pdf", headers=headers)
