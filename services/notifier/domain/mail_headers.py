"""Two parts of writing an email that the standard library does at a cost growing with the square of a header's
length, or with a regular expression compiled for every message; done here in one pass, with the same result.

- ``encoded_header``: a non-ASCII header (a French subject) as RFC 2047 encoded words, byte for byte what
  ``email.header.Header(value, "utf-8")`` writes. To split the words, ``Charset.header_encode_lines``
  encodes every prefix of the header again (``quoprimime.header_length`` over each prefix's bytes: a fifth
  of the sender's time per invoice email); ``LinearCharset`` adds each character's length to the running one.
- ``boundary``: a multipart boundary of the library's shape (``===============<19 digits>==``), chosen when the
  message is built: left unset, the generator compiles a regular expression for each message to check its
  random boundary against the parts' text (``re`` keeps 512 patterns, and every boundary is new).
"""
from __future__ import annotations

import random
import sys
from email import quoprimime
from email.charset import RFC2047_CHROME_LEN, Charset
from email.header import Header
from functools import partial

_DIGITS = len(repr(sys.maxsize - 1))  # as email.generator's boundaries


class LinearCharset(Charset):
    """``Charset(name)`` whose header lines are found in one pass over the characters."""

    def header_encode_lines(self, string, maxlengths):
        codec = self.output_codec or "us-ascii"
        encoder_module = self._get_encoder(string.encode(codec))
        encoder = partial(encoder_module.header_encode, charset=codec)
        extra = len(self.get_output_charset()) + RFC2047_CHROME_LEN
        quoted = encoder_module is quoprimime
        # The line is string[start:index]; size is its quoted-printable length, or its length in bytes (base64).
        lines, start, size = [], 0, 0
        maxlen = next(maxlengths) - extra
        for index, character in enumerate(string):
            encoded = character.encode(codec)
            cost = quoprimime.header_length(encoded) if quoted else len(encoded)
            length = size + cost if quoted else 4 * ((size + cost + 2) // 3)  # base64mime.header_length
            if length <= maxlen:
                size += cost
                continue
            if not lines and index == start:  # nothing fits on the first line
                lines.append(None)
            else:
                lines.append(encoder(string[start:index].encode(codec)))
            start, size = index, cost
            maxlen = next(maxlengths) - extra
        lines.append(encoder(string[start:].encode(codec)))
        return lines


UTF8 = LinearCharset("utf-8")


def encoded_header(value: str) -> Header:
    """``Header(value, "utf-8")``, folded in one pass."""
    return Header(value, UTF8)


def boundary(*texts: str) -> str:
    """A random boundary that none of ``texts`` (the encoded parts it will separate) contains."""
    while True:
        chosen = "=" * 15 + f"{random.randrange(sys.maxsize):0{_DIGITS}d}" + "=="
        if not any(chosen in text for text in texts):
            return chosen
