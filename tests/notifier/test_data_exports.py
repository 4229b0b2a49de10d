"""The notifier's side of a data export (issue 23, items 1 and 2), through its real handlers on PostgreSQL: the
request opens the export with the notifier's own part, the parts fill it in any order, the last one assembles
the ZIP and stages the link's email (its token sealed, never in the context); the ZIP goes once to its
recipient only; a part before its request is retried; an anonymized account's exports are erased."""
from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from chassis.errors import ApiError, NotFound
from chassis.privacy_export import part_files
from services.notifier.db.models import DataExport, DataExportPart, Message
from services.notifier.domain.secret_box import SecretBox
from services.notifier.operations.data_exports import ExportNotKnownYet, take_archive
from tests.notifier.support import envelope, handle, user

pytestmark = pytest.mark.integration
PARTS = ["auth", "cards", "notifier"]


def _request(export_id: str, person: dict) -> dict:
    return {"export_id": export_id, "parts": PARTS, "requested_at": datetime.now(UTC).isoformat(),
            "subject": {"kind": "account", "user_id": person["user_id"], "email": person["email"],
                        "first_name": person["first_name"], "last_name": person["last_name"]},
            "recipient": {"user_id": person["user_id"], "portal": "productions"}}


def _part(service: str, export_id: str, tables: dict) -> dict:
    return {"export_id": export_id, "service": service, "files": part_files(tables)}


def _token_of(db, box) -> str:
    """The link's token, as only the email holds it (each test starts with no message)."""
    with db.reading() as session:
        [message] = session.scalars(select(Message).where(Message.template == "data_export_ready")).all()
        assert "temporary_password" not in message.context  # the token is sealed, never in the context
        return box.open(message.secret_ciphertext)


def test_the_last_part_assembles_the_zip_and_stages_the_email(db, handlers, settings):
    person, export_id = user(user_id=f"u-{uuid.uuid4().hex[:8]}"), str(uuid.uuid4())
    handle(db, handlers, envelope("auth.user_registered", person))
    with pytest.raises(ExportNotKnownYet):  # a part ahead of its request waits for a retry
        handle(db, handlers, envelope("cards.data_export_part", _part("cards", export_id, {})))
    handle(db, handlers, envelope("auth.data_export_requested", _request(export_id, person)))
    handle(db, handlers, envelope("cards.data_export_part", _part("cards", export_id, {})))
    with db.reading() as session:
        assert session.get(DataExport, export_id).assembled_at is None  # auth's part is still missing
    account = {"account": [{"user_id": person["user_id"], "email": person["email"]}]}
    handle(db, handlers, envelope("auth.data_export_part", _part("auth", export_id, account)))
    handle(db, handlers, envelope("auth.data_export_part", _part("auth", export_id, {"x": [{"a": 1}]})))  # again

    with db.reading() as session:
        export = session.get(DataExport, export_id)
        assert export.assembled_at and export.archive and export.token_hash
        assert session.scalars(select(DataExportPart).where(DataExportPart.export_id == export_id)).all() == []
        [email] = session.scalars(select(Message).where(Message.template == "data_export_ready")).all()
        assert email.to_address == person["email"] and email.portal == "productions"
        assert email.context["download_url"] == "https://guichet.test/aqpm/account/data-export/"
    token = _token_of(db, SecretBox(settings))

    with db.transaction() as session, pytest.raises(NotFound):
        take_archive(session, token, "someone-else")
    with db.transaction() as session:
        name, data = take_archive(session, token, person["user_id"])
    files = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert name.endswith(".zip") and "auth/account.json" in files and "x.json" not in str(files)
    assert "cards/" not in str(files) and "README.txt" in files  # cards held nothing: named in the README only
    with db.transaction() as session, pytest.raises(ApiError) as used:
        take_archive(session, token, person["user_id"])
    assert used.value.status == 410 and used.value.code == "export_used"


def test_an_expired_link_says_so_and_an_anonymized_account_loses_its_exports(db, handlers, settings):
    person, export_id = user(user_id=f"u-{uuid.uuid4().hex[:8]}"), str(uuid.uuid4())
    handle(db, handlers, envelope("auth.user_registered", person))
    handle(db, handlers, envelope("auth.data_export_requested", _request(export_id, person)))
    for service in ("auth", "cards"):
        handle(db, handlers, envelope(f"{service}.data_export_part", _part(service, export_id, {})))
    token = _token_of(db, SecretBox(settings))
    with db.transaction() as session:
        session.execute(update(DataExport).where(DataExport.id == export_id)
                        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with db.transaction() as session, pytest.raises(ApiError) as expired:
        take_archive(session, token, person["user_id"])
    assert expired.value.status == 410 and expired.value.code == "export_expired"

    anonymized = {"user_id": person["user_id"], "pseudonym": "anonyme-0123456789ab", "reason": "request"}
    handle(db, handlers, envelope("auth.account_anonymized", anonymized))
    with db.reading() as session:
        assert session.get(DataExport, export_id) is None
