"""The files of a data export: each service's rows in JSON and CSV (chassis.privacy_export), and the ZIP the
notifier assembles from the parts, with its README in French and English."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from chassis.events.registry import validate_payload
from chassis.privacy_export import csv_file, is_export_event, json_file, part_files
from services.notifier.domain.export_archive import build_archive
from services.notifier.domain.portals import event_portals, producer_allowed

ROWS = [{"number": "2026-000042", "total": Decimal("6.00"), "issued_at": datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
         "end_date": date(2026, 11, 28), "bill_to": {"name": "Anatole"}, "card_last4": None},
        {"number": "2026-000043", "total": Decimal("-2.00"), "note": "=HYPERLINK(\"http://x\")"}]


def test_json_keeps_exact_money_and_iso_dates():
    loaded = json.loads(json_file("invoices", ROWS)["content"])
    assert loaded[0] == {"number": "2026-000042", "total": "6.00", "issued_at": "2026-12-01T15:00:00+00:00",
                         "end_date": "2026-11-28", "bill_to": {"name": "Anatole"}, "card_last4": None}


def test_csv_has_every_column_once_and_quotes_what_a_spreadsheet_would_run():
    made = csv_file("invoices", ROWS)
    assert made["name"] == "invoices.csv" and made["media_type"] == "text/csv"
    header, first, second = list(csv.reader(io.StringIO(made["content"])))
    assert header == ["number", "total", "issued_at", "end_date", "bill_to", "card_last4", "note"]
    assert first[1] == "6.00" and first[4] == '{"name": "Anatole"}' and first[5] == "" and first[6] == ""
    assert second[1] == "-2.00" and second[6] == "'=HYPERLINK(\"http://x\")"


def test_a_part_has_two_files_a_table_and_none_for_an_empty_one_and_fits_the_catalogue():
    files = part_files({"invoices": ROWS, "payments": []})
    assert [item["name"] for item in files] == ["invoices.json", "invoices.csv"]
    payload = {"export_id": "e", "service": "billing", "files": files}
    assert validate_payload("billing.data_export_part", 1, payload)["files"] == files
    assert part_files({"payments": []}) == []  # a service that holds nothing still answers, with no file


def test_the_zip_has_a_folder_per_service_and_a_readme_in_both_languages():
    data = build_archive("Anatole Brisebois", datetime(2026, 12, 7, 20, 0, tzinfo=UTC),
                         {"billing": part_files({"invoices": ROWS}), "productions": []})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode()
    assert names == ["README.txt", "billing/invoices.json", "billing/invoices.csv"]
    assert "Données personnelles de Anatole Brisebois, exportées le 7 décembre 2026." in readme
    assert "Personal data of Anatole Brisebois, exported on December 7, 2026." in readme
    assert "billing/invoices.csv" in readme and "productions" in readme.split("Services that hold nothing")[1]


def test_no_webhook_ever_gets_an_export_event():
    for event_type in ("auth.data_export_requested", "cards.participant_export_requested", "cards.data_export_part"):
        assert is_export_event(event_type)
        assert not producer_allowed("cards", event_type) and not event_portals(event_type, {"roles": ["trainer"]})
    assert producer_allowed("cards", "cards.session_shipped") and not is_export_event("cards.session_shipped")
