"""The accountant's exports by period (issue 23), ``GET /exports/<name>.csv?from=YYYY-MM&to=YYYY-MM``, declared the
same way by every service that has one; the cells and the format are ``chassis.csv_cells``'.

Codes (statuses, payment methods) are the API's codes, so that a filter works in either language; only the column
headers follow the caller's language. A last ``TOTAL`` line sums the money (and counts) of the lines above it, as
they were written. The file is streamed: the view hands its lines one by one (a server-side cursor, ``yield_per``),
so a long period costs no more memory than a short one.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, stream_with_context
from flask_smorest import Blueprint
from sqlalchemy import Select

from chassis.csv_cells import csv_stream
from chassis.db import Database
from chassis.period_schema import PeriodArgs
from chassis.periods import Period, month_label
from chassis.tokens import require_auth

MEDIA_TYPE = "text/csv; charset=utf-8"
BATCH = 500  # rows fetched at a time from the server-side cursor
CSV_RESPONSE = {"200": {"description": "CSV (UTF-8 with BOM), the period's lines then a TOTAL line",
                        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}}


def streamed(database: Database, query: Select) -> Iterator:
    """The rows of ``query`` from a server-side cursor (``yield_per``), in one transaction: a cursor needs one, and
    every line of the file then comes from the same snapshot. Nothing is written through it."""
    with database.transaction() as session:
        yield from session.execute(query.execution_options(yield_per=BATCH))


def csv_download(filename: str, header: Sequence[str], lines: Iterable[Sequence]) -> Response:
    """An attachment streamed as it is written; ``lines`` runs inside the request's context (the database)."""
    return Response(stream_with_context(csv_stream(header, lines)), mimetype=MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def period_filename(stem: str, period: Period) -> str:
    """``invoices-2024-01-2024-03.csv``: what and which months, the same name in either language."""
    return f"{stem}-{month_label(period.first)}-{month_label(period.last)}.csv"


Export = Callable[[Period], tuple[Sequence[str], Iterable[Sequence]]]


def export_endpoint(blp: Blueprint, role: str, stem: str):
    """``GET /exports/<stem>.csv`` for ``role`` only, over the period of the query string (the same rules and 422
    field errors as the figures, ``chassis.period_schema``). The view returns ``(header, lines)``: the header already
    in the caller's language, the lines an iterator (the TOTAL line its last) read while the file is sent."""
    def declare(view: Export):
        @functools.wraps(view)
        def export(args):
            period = args["period"]
            header, lines = view(period)
            return csv_download(period_filename(stem, period), header, lines)
        export = blp.doc(responses=CSV_RESPONSE)(export)
        export = blp.arguments(PeriodArgs, location="query")(export)
        return blp.route(f"/exports/{stem}.csv", methods=["GET"])(require_auth(role)(export))
    return declare
