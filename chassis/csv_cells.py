"""CSV files people open in a spreadsheet, without Flask (workers write CSV too: ``chassis.privacy_export``).

The format, decided once for every CSV the platform hands out:
- UTF-8 **with a byte order mark** for the accountant's exports (``csv_stream``): Excel (French Windows included)
  reads the accents right only with it; other tools skip it. Comma-separated, fields quoted when needed
  (RFC 4180), lines end with CRLF.
- Money as a plain decimal with two digits and a point (``1234.50``, half up to the cent through
  ``chassis.money``), never formatted for a language: the same file sums the same way whatever the caller's.
- A cell that a spreadsheet would run as a formula is quoted with ``'`` (OWASP's advice on CSV injection).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from chassis.i18n import MONTREAL, N_, translate
from chassis.money import money_text

BOM = "\ufeff"
TOTAL = N_("TOTAL")
LINES_PER_CHUNK = 200  # lines sent together: fewer, larger writes to the socket


def cell(value) -> str:
    """A value as a spreadsheet should read it: dates in ISO 8601, money as its exact decimal, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    elif isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = str(value)
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
        return True
    except ArithmeticError:
        return False


def csv_text(rows: Iterable[Sequence]) -> str:
    """The lines of ``rows`` (their cells through ``cell``), CRLF-ended, without a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def local_time(moment: datetime | None) -> str:
    """A stored moment as Montréal's ``YYYY-MM-DD HH:MM`` (SQLite's naive datetimes were stored in UTC)."""
    if moment is None:
        return ""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(MONTREAL).strftime("%Y-%m-%d %H:%M")


def with_total(lines: Iterable[Sequence], width: int, *, counts: Sequence[int] = (),
               amounts: Sequence[int] = ()) -> Iterator[Sequence]:
    """``lines``, then the TOTAL line: the sum of the ``counts`` and ``amounts`` columns of the lines written (so the
    total is the file's own, to the cent). Its label is translated now, while the caller's language is known."""
    label = translate(TOTAL)

    def written() -> Iterator[Sequence]:
        sums = {index: Decimal(0) for index in (*counts, *amounts)}
        for line in lines:
            for index in sums:
                sums[index] += Decimal(str(line[index] or 0))
            yield line
        total: list = [label] + [""] * (width - 1)
        for index in counts:
            total[index] = int(sums[index])
        for index in amounts:
            total[index] = money_text(sums[index])
        yield total
    return written()


def csv_stream(header: Sequence[str], lines: Iterable[Sequence]) -> Iterator[str]:
    """The BOM and the header, then the lines in chunks of ``LINES_PER_CHUNK``."""
    yield BOM + csv_text([header])
    chunk: list[Sequence] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= LINES_PER_CHUNK:
            yield csv_text(chunk)
            chunk = []
    if chunk:
        yield csv_text(chunk)


