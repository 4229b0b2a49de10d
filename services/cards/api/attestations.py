"""Issued cards (X3, C13): public verification, PDFs, staff search and reissue."""
from __future__ import annotations

import functools
import hashlib

from flask import Request, Response, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chassis.errors import Conflict, NotFound
from chassis.i18n import N_
from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import STAFF, TRAINER, load_session
from services.cards.api.context import database, settings
from services.cards.api.presenters import attestation_view, full_name, verification_view
from services.cards.db.models import Attestation, CardSession, Participant
from services.cards.domain import codes, statuses
from services.cards.operations import lifecycle
from services.cards.operations.throttle import Throttle

blp = Blueprint("attestations", __name__, description="Issued attestations (X3, C13)")

NOT_FOUND = N_("Code de vérification inconnu.")
NOT_ISSUED = N_("Les attestations sont émises une fois la demande payée.")
PDF_RESPONSE = {"200": {"description": "PDF", "content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}}


def client_address(request: Request, trusted_proxy_hops: int) -> str:
    """The caller's address: behind ``trusted_proxy_hops`` proxies, read from X-Forwarded-For."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if trusted_proxy_hops > 0 and forwarded:
        return forwarded[-min(trusted_proxy_hops, len(forwarded))]
    return request.remote_addr or "unknown"


def client_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()


def _pdf_download(path: str):
    """A PDF for the request's trainer or staff: the view returns ``(content, filename)``, served inline and never
    cached; documented as ``application/pdf``."""
    def declare(view):
        @functools.wraps(view)
        def serve(*args, **kwargs):
            content, filename = view(*args, **kwargs)
            return Response(content, mimetype="application/pdf",
                            headers={"Content-Disposition": f'inline; filename="{filename}"',
                                     "Cache-Control": "no-store"})
        return blp.route(path)(require_auth(TRAINER, STAFF)(blp.doc(responses=PDF_RESPONSE)(serve)))
    return declare


def _trainers(s: CardSession) -> str:
    names = [f"{s.trainer_first_name} {s.trainer_last_name}"]
    if s.second_card_number:
        names.append(f"{s.second_first_name} {s.second_last_name}")
    return ", ".join(names)


def _renderer():
    """The card PDF renderer, imported on the first PDF asked for: reportlab holds about 18 MiB that an API
    process at rest has no use for."""
    from services.cards.domain import attestation_pdf

    return attestation_pdf


def _card(a: Attestation):
    """A card in its request's language (the trainer's), like the request's invoice and emails."""
    s = a.session
    activity = (s.activity.label_en if s.language == "en" else None) or s.activity.label
    return _renderer().CardContent(name=full_name(a.participant), activity=activity, end_date=s.end_date,
                                   trainers=_trainers(s), code=a.code,
                                   verification_url=settings().verification_url(a.code),
                                   revoked=a.status != lifecycle.VALID, language=s.language)


def _attestation_for(db_session, code: str) -> Attestation:
    """An attestation the caller may see (owner of its session or staff); else 404."""
    canonical = codes.canonical(code)
    attestation = db_session.scalar(select(Attestation).where(Attestation.code == canonical)) if canonical else None
    if attestation is None:
        raise NotFound(NOT_FOUND)
    load_session(db_session, current_principal(), attestation.session_id)
    return attestation


@blp.route("/attestations/<code>")
@blp.response(200, schemas.VerificationOut)
@blp.alt_response(429, description="Too many attempts, see Retry-After")
def verify(code):
    """Public: verify an attestation (no birth date, no contact)"""
    config = settings()
    throttle = Throttle(database(), config.verify_max_failures, config.verify_window_seconds)
    key = client_key(client_address(request, config.trusted_proxy_hops))
    throttle.check(key)
    canonical = codes.canonical(code)
    with database().reading() as db_session:
        attestation = db_session.scalar(select(Attestation).where(Attestation.code == canonical)) if canonical else None
        if attestation is not None:
            return verification_view(attestation)
    throttle.record_failure(key)
    raise NotFound(NOT_FOUND)


@_pdf_download("/attestations/<code>/pdf")
def attestation_pdf(code):
    """One participant's card as PDF (owner or staff)"""
    with database().reading() as db_session:
        attestation = _attestation_for(db_session, code)
        return _renderer().render_one(_card(attestation)), f"attestation-{attestation.code}.pdf"


@blp.route("/attestations/<code>/reissue", methods=["POST"])
@require_auth(STAFF)
@blp.response(201, schemas.AttestationOut)
def reissue(code):
    """Staff: reissue a lost attestation (new code, the old one is revoked)"""
    principal = current_principal()
    with database().transaction() as db_session:
        old = _attestation_for(db_session, code)
        new = lifecycle.reissue(db_session, old, principal.user_id)
        db_session.flush()
        db_session.refresh(new)
        return attestation_view(new, settings().verification_url(new.code))


def _issued_session(db_session, session_id: str) -> CardSession:
    s = load_session(db_session, current_principal(), session_id)
    if s.status not in (statuses.PAID, statuses.SHIPPED):
        raise Conflict(NOT_ISSUED, code="not_issued")
    return s


def _session_attestations(db_session, s: CardSession, valid_only: bool) -> list[Attestation]:
    query = (select(Attestation).join(Participant).where(Attestation.session_id == s.id)
             .options(selectinload(Attestation.participant))
             .order_by(Participant.last_name_key, Participant.person_key, Attestation.issued_at))
    if valid_only:
        query = query.where(Attestation.status == lifecycle.VALID)
    return list(db_session.scalars(query).all())


@blp.route("/sessions/<session_id>/attestations")
@require_auth(TRAINER, STAFF)
@blp.response(200, schemas.AttestationListOut)
def session_attestations(session_id):
    """A paid request's attestations"""
    with database().reading() as db_session:
        s = _issued_session(db_session, session_id)
        rows = _session_attestations(db_session, s, valid_only=False)
        return {"items": [attestation_view(a, settings().verification_url(a.code)) for a in rows],
                "total": len(rows)}


@_pdf_download("/sessions/<session_id>/attestations.pdf")
def session_attestations_pdf(session_id):
    """Printable sheet of all valid cards (once paid)"""
    with database().reading() as db_session:
        s = _issued_session(db_session, session_id)
        cards = [_card(a) for a in _session_attestations(db_session, s, valid_only=True)]
        sheet = _renderer().render_sheet(cards, f"Attestations — {s.organization_name}")
        return sheet, f"attestations-{s.id}.pdf"
