"""The English catalogues hold exactly what the code says: a string marked for translation without its
English, or English for a string no longer said, fails here (``python -m chassis.i18n_catalogues check``)."""
from __future__ import annotations

import pytest

from chassis.i18n_catalogues import Speaker, speakers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("speaker", speakers(), ids=lambda speaker: speaker.folder.name)
def test_every_string_said_has_its_english_and_no_english_is_stale(speaker):
    missing, stale = speaker.problems()
    assert missing == [], f"{speaker.po_file}: no English for {missing} (python -m chassis.i18n_catalogues update)"
    assert stale == [], f"{speaker.po_file}: stale entries {stale}"


def test_the_check_finds_a_new_string_and_a_stale_one(tmp_path):
    (tmp_path / "views.py").write_text('from chassis.i18n import _\n\ndef f():\n    return _("Bonjour.")\n')
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text('<p>{{ _("Une page") }}</p>\n')
    speaker = Speaker(tmp_path)
    speaker.update()
    assert speaker.problems() == (["Bonjour.", "Une page"], [])  # said, English still empty

    po = speaker.po_file.read_text()
    po = po.replace('msgid "Bonjour."\nmsgstr ""', 'msgid "Bonjour."\nmsgstr "Hello."')
    po = po.replace('msgid "Une page"\nmsgstr ""', 'msgid "Une page"\nmsgstr "A page"')
    speaker.po_file.write_text(po + '\nmsgid "Au revoir."\nmsgstr "Goodbye."\n')
    assert speaker.problems() == ([], ["Au revoir."])

    speaker.update()  # drops the stale entry, keeps the English
    assert speaker.problems() == ([], [])
    speaker.compile()
    assert speaker.mo_file.stat().st_size > 0
