"""docs/events.md is generated from the catalogue; it must not drift."""
from __future__ import annotations

from pathlib import Path

from stack.event_docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_events_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/events.md is stale: run `.venv/bin/python -m stack.event_docs > docs/events.md`")
