"""The download menu: one link per format, each the current view's query string on /export/<id>.<fmt>."""
from __future__ import annotations

from dash import html

from components.format import plural

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
                  menu_id: str | None = None) -> html.Div:
    """A labelled list of download links. The row count says what the file will hold, so nobody downloads
    an empty or a huge file by surprise. `menu_id` gives the region a deterministic id for tests and callbacks."""
    props = {"id": menu_id} if menu_id else {}
    heading = f"Télécharger ces données ({plural(rows, 'ligne')})"
    return html.Div(
        [
            html.P(heading, className="download-heading"),
            html.Ul([
                html.Li(html.A(FORMAT_LABELS.get(fmt, fmt), href=export_href(dataset_id, fmt, query_string),
                               download="", rel="nofollow",
                               title=f"{FORMAT_LABELS.get(fmt, fmt)} — {plural(rows, 'ligne')}"))
                for fmt in formats
            ], className="download-links"),
            html.P("Chaque fichier indique sa source, sa licence, les filtres appliqués et sa date "
                   "(dans l'onglet « Métadonnées », metadata.json ou l'en-tête).", className="download-note"),
        ],
        className="download-menu", role="group", **{"aria-label": heading}, **props,
    )
