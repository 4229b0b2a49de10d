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


def test_compiling_replaces_the_catalogue_whole_and_only_when_it_changed(tmp_path):
    """Processes read the .mo while ``./guichet start`` compiles again: never a truncated file in its place."""
    (tmp_path / "views.py").write_text('from chassis.i18n import _\n\ndef f():\n    return _("Bonjour.")\n')
    speaker = Speaker(tmp_path)
    speaker.update()
    english = speaker.po_file.read_text().replace('msgid "Bonjour."\nmsgstr ""', 'msgid "Bonjour."\nmsgstr "Hello."')
    speaker.po_file.write_text(english)
    speaker.compile()
    first = speaker.mo_file.stat()
    speaker.compile()  # nothing changed: the file a reader holds stays the same file
    again = speaker.mo_file.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    speaker.po_file.write_text(english.replace('msgstr "Hello."', 'msgstr "Hi."'))
    speaker.compile()
    assert speaker.mo_file.stat().st_ino != first.st_ino  # a new file renamed over the old one, not rewritten
    assert speaker.catalogue().get("Bonjour.").string == "Hi."
    assert sorted(path.name for path in speaker.mo_file.parent.iterdir()) == ["messages.mo", "messages.po"]
