"""The export of every contribution, without the e-mails: CSV (text a spreadsheet would run made safe) or JSON,
for the command line and for the moderators' download."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Iterator

from data_access.extracts.plain_columns import safe_text
from features.contributions.store import export_rows


def _plain(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def csv_lines(sessions) -> Iterator[str]:
    """The export as CSV (« ; »-separated, as the portal's extracts), line by line, header first."""
    rows = export_rows(sessions)
    names = list(rows[0]) if rows else _columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in [names] + [[_plain(row[name]) for name in names] for row in rows]:
        writer.writerow([safe_text(v) if isinstance(v, str) else ("" if v is None else v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def json_text(sessions) -> str:
    return json.dumps([{k: _plain(v) for k, v in row.items()} for row in export_rows(sessions)], ensure_ascii=False,
                      indent=1)


def _columns() -> list[str]:
    from features.contributions.models import Contribution

    return [c.name for c in Contribution.__table__.columns if c.name != "email"]
