"""The one-pass header encoding writes what the standard library writes; a chosen boundary is not in its parts."""
from __future__ import annotations

import email
import random
from email import policy
from email.header import Header

import pytest

from services.notifier.domain.mail_headers import boundary, encoded_header

_ALPHABET = "abcdefghij klmnopqrstuvwxyzÉéèàçôû—–’«»€😀漢字 0123456789=?_-\t"


def _samples() -> list[str]:
    generator = random.Random(22)
    samples = ["Votre facture 2026-000123 — Guichet", "é" * 200, "😀" * 60, "", "Bienvenue à Guichet, Marie-Ève !"]
    for _ in range(400):
        length = generator.randint(1, 250)
        samples.append("".join(generator.choice(_ALPHABET) for _ in range(length)))
        samples.append("".join(generator.choice(_ALPHABET[:40]) for _ in range(length)))  # mostly ASCII: QP words
    return samples


@pytest.mark.parametrize("maxlinelen", [78, 998, 20])
def test_encoded_header_is_the_standard_librarys(maxlinelen):
    for text in _samples():
        ours, theirs = encoded_header(text), Header(text, "utf-8")
        for linesep in ("\n", "\r\n"):
            assert ours.encode(linesep=linesep, maxlinelen=maxlinelen) == \
                theirs.encode(linesep=linesep, maxlinelen=maxlinelen), text


def test_an_encoded_subject_reads_back_as_written():
    message = email.message.Message()
    subject = " ".join(["Votre facture 2026-000123 — Guichet, à payer d'ici le 7 décembre"] * 3)
    message["Subject"] = encoded_header(subject)
    assert email.message_from_bytes(message.as_bytes(), policy=policy.default)["Subject"] == subject


def test_a_boundary_is_never_one_its_parts_contain(monkeypatch):
    draws = iter([1, 1, 2])
    monkeypatch.setattr(random, "randrange", lambda _stop: next(draws))
    taken = boundary()
    assert taken.startswith("=" * 15) and taken.endswith("==")
    assert boundary(f"--{taken}\n") != taken  # the second draw is the same: a third one is taken
