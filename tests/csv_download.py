"""Reading a CSV file the platform sends (the accountant's exports, the data export's tables)."""
from __future__ import annotations

import csv
import io


def csv_rows(response) -> list[list[str]]:
    """Its rows; the file must start with the BOM, without which Excel reads the accents wrong."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the accents right only with the BOM
    return list(csv.reader(io.StringIO(text[1:])))


def attachment_rows(response, filename: str) -> list[list[str]]:
    """The rows of a 200 that downloads as ``filename``: UTF-8 CSV, an attachment."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    return csv_rows(response)
