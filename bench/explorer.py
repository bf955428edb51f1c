"""Bench figures of the catalogue explorer and the dataset pages (server time, response sizes, map payload)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path


def _post_callback(client, output: str, outputs, inputs, state) -> tuple[float, int]:
    body = {"output": output, "outputs": outputs[0] if len(outputs) == 1 else outputs, "inputs": inputs, "state": state,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    start = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.data[:300]
    return elapsed, len(response.data)


def bench_app(data_dir: Path, **env: str):
    """The app on a snapshot, its test client (first request made), and its repository."""
    from config import load_settings
    from factory import create_app

    app = create_app(load_settings({"DATA_DIR": str(data_dir), "SECRET_KEY": "bench", **env}))
    client = app.server.test_client()
    client.get("/")
    return app, client, app.server.extensions["portail"].repository


def render(client, app, path: str, search: str = "") -> tuple[float, int]:
    key = next(k for k in app.callback_map if "_pages_content.children" in k)
    return _post_callback(client, key,
                          [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
                          [{"id": "_pages_location", "property": "pathname", "value": path},
                           {"id": "_pages_location", "property": "search", "value": search}], [])


def explorer_figures(data_dir: Path, runs: int) -> list[str]:
    from data_access.dataset_view import facet_counts, facet_fields
    from data_access.query import parse_query

    app, client, repository = bench_app(data_dir)
    sizes = {d.id: repository.served(d.id).rows for d in repository.catalogue.datasets
             if not repository.unavailable_reason(d.id)}
    largest = max(sizes, key=sizes.get)
    backend = repository.backend(largest)
    facet = facet_fields(backend)[0]
    value = str(backend.frame(parse_query("limit=1000", backend.fields)[0], [facet.name])[facet.name]
                .dropna().iloc[0])  # the first value in the source's order
    numeric = next(f.name for f in backend.fields if f.is_numeric)
    search = f"refine.{facet.name}={value}"
    lines = [f"pages du catalogue sur la plus grande table ({largest}, {sizes[largest]} lignes ; filtre {search}) :"]

    grid_key = next(k for k in app.callback_map if "getRowsResponse" in k)
    block = []
    for _ in range(runs * 4):
        block.append(_post_callback(
            client, grid_key, [{"id": "jeu-tableau", "property": "getRowsResponse"}],
            [{"id": "jeu-tableau", "property": "getRowsRequest",
              "value": {"startRow": 100, "endRow": 200, "sortModel": [{"colId": numeric, "sort": "desc"}]}}],
            [{"id": "jeu-id", "property": "data", "value": largest},
             {"id": "jeu-requete", "property": "data", "value": search}]))
    lines.append(f"  bloc de 100 lignes du tableau (filtre + tri), callback : "
                 f"{statistics.median(t for t, _ in block) * 1000:7.1f} ms, {max(s for _, s in block) / 1000:.0f} Ko")

    query, _ = parse_query(search, backend.fields)
    counts = []
    for _ in range(runs * 2):
        start = time.perf_counter()
        facet_counts(backend, query, facet_fields(backend))
        counts.append(time.perf_counter() - start)
    lines.append(f"  comptes de toutes les facettes (filtre appliqué) : {statistics.median(counts) * 1000:7.1f} ms")

    biggest = (0, "")
    tabs = ("information", "table", "map", "chart", "export", "api") if backend.geometry_field else (
        "information", "table", "chart", "export", "api")
    for tab in tabs:
        results = [render(client, app, f"/jeux-de-donnees/{largest}", f"?tab={tab}&{search}") for _ in range(runs)]
        median = statistics.median(t for t, _ in results)
        size = max(s for _, s in results)
        biggest = max(biggest, (size, f"{largest} / {tab}"))
        lines.append(f"  page « {tab} » filtrée (rendu complet, facettes comprises) : {median * 1000:7.1f} ms, "
                     f"{size / 1000:.0f} Ko")
    for dataset_id in sizes:
        for tab in ("information", "table", "map", "chart", "export", "api"):
            size = render(client, app, f"/jeux-de-donnees/{dataset_id}", f"?tab={tab}")[1]
            biggest = max(biggest, (size, f"{dataset_id} / {tab}"))
    catalogue = [render(client, app, "/catalogue", "?q=donnees&refine.theme=Transports") for _ in range(runs)]
    lines.append(f"  catalogue (recherche + facette) : {statistics.median(t for t, _ in catalogue) * 1000:7.1f} ms")
    lines.append(f"  plus grosse réponse de callback : {biggest[0] / 1000:.0f} Ko ({biggest[1]})")

    points = [d for d in sizes if (t := repository.served(d)).geometry_field is not None
              and all(f.type == "geo_point_2d" for f in t.fields if f.is_geo)]
    largest_points = max(points, key=sizes.get)
    response = client.get(f"/api/geo/{largest_points}.geojson", headers={"Accept-Encoding": "gzip"})
    raw = client.get(f"/api/geo/{largest_points}.geojson", headers={"Accept-Encoding": "identity"})
    lines.append(f"  carte, première charge de géométrie ({largest_points}, {sizes[largest_points]} points) : "
                 f"{len(response.data) / 1000:.0f} Ko compressés ({response.headers.get('Content-Encoding')}), "
                 f"{len(raw.data) / 1000:.0f} Ko bruts")
    return lines


