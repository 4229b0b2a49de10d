"""Invoice numbers: ``YYYY-NNNNNN``, a counter per year (the counter itself lives in the database)."""
from __future__ import annotations

import re

NUMBER_PATTERN = re.compile(r"^(\d{4})-(\d{6})$")


def format_invoice_number(year: int, sequence: int) -> str:
    if sequence < 1 or sequence > 999_999:
        raise ValueError("sequence out of range")
    return f"{year:04d}-{sequence:06d}"


def parse_invoice_number(number: str) -> tuple[int, int] | None:
    match = NUMBER_PATTERN.match(number or "")
    return (int(match.group(1)), int(match.group(2))) if match else None
