"""The download menu: one link per format, each the current view's query string on /export/<id>.<fmt>."""
from __future__ import annotations

from dash import html

from data_access.french import format_int, plural

# What the extract of a derived view (a timetable, the communes of a map) can be: a table without geometry.
TABLE_FORMATS = ("csv", "xlsx", "json", "parquet", "zip")
FORMAT_LABELS = {
    "csv": "CSV (Excel, LibreOffice)",
    "xlsx": "Excel (.xlsx)",
    "geojson": "GeoJSON (cartographie)",
    "json": "JSON",
    "parquet": "Parquet",
    "zip": "ZIP (CSV + métadonnées)",
}


def export_href(dataset_id: str, fmt: str, query_string: str = "") -> str:
    """The extract link of a view: the grammar's parameters are the same on the page and on /export/."""
    return f"/export/{dataset_id}.{fmt}" + (f"?{query_string}" if query_string else "")


def download_menu(dataset_id: str, formats: tuple[str, ...], query_string: str, rows: int,
                  menu_id: str | None = None, max_rows: int | None = None,
                  max_xlsx_rows: int | None = None) -> html.Div:
    """A labelled list of download links. The row count says what the file will hold, so nobody downloads
    an empty or a huge file by surprise. `menu_id` gives the region a deterministic id for tests and callbacks.
    Beyond `max_xlsx_rows`, the Excel link gives way to a note that points to CSV and Parquet."""
    props = {"id": menu_id} if menu_id else {}
    heading = f"Télécharger ces données ({plural(rows, 'ligne')})"
    if max_rows is not None and rows > max_rows:
        return html.Div([html.P(heading, className="download-heading"),
                         html.P(f"Un extrait tient au plus {format_int(max_rows)} lignes : ajoutez des filtres pour "
                                "le télécharger.", className="notice-params", role="note")],
                        className="download-menu", **props)
    too_big = max_xlsx_rows is not None and rows > max_xlsx_rows
    return html.Div(
        [
            html.P(heading, className="download-heading"),
            html.Ul([
                html.Li(html.A(FORMAT_LABELS.get(fmt, fmt), href=export_href(dataset_id, fmt, query_string),
                               download="", rel="nofollow",
                               title=f"{FORMAT_LABELS.get(fmt, fmt)} — {plural(rows, 'ligne')}"))
                if not (fmt == "xlsx" and too_big) else
                html.Li(f"Excel : au plus {format_int(max_xlsx_rows)} lignes ; prenez le CSV ou le Parquet, ou "
                        "filtrez davantage", className="download-unavailable")
                for fmt in formats
            ], className="download-links"),
            html.P("Les fichiers Excel, JSON, GeoJSON, Parquet et ZIP indiquent leur source, leur licence, les filtres "
                   "appliqués et leur date ; le CSV seul n'a que les données (prenez le ZIP pour avoir les deux). "
                   "Quand le portail est très sollicité, la préparation d'un fichier Excel, JSON ou GeoJSON peut "
                   "être refusée un instant : réessayez quelques secondes plus tard.",
                   className="download-note"),
        ],
        className="download-menu", role="group", **{"aria-label": heading}, **props,
    )
