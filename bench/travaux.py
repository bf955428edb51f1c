"""Bench figures of the Travaux dashboard: a filter or date change re-renders every figure, chart and the map's
classes (server time and callback size), plus a site's card and the map's one-off geometry downloads."""
from __future__ import annotations

import statistics
from pathlib import Path

from bench.explorer import _post_callback, bench_app, render

PATH = "/tableaux-de-bord/travaux"


def travaux_figures(data_dir: Path, runs: int) -> list[str]:
    from data_access.geometry.geo import commune_outlines

    app, client, repository = bench_app(data_dir)
    works = next((d for d in repository.catalogue.datasets if d.dashboard == "travaux"), None)
    if works is None:
        return ["tableau de bord Travaux : aucun jeu de données dans ce catalogue"]
    table = repository.table(works.id)
    commune, kind = table.role_field("commune"), table.role_field("type")
    busiest = table.frame[commune.name].value_counts().index[0]
    first_kind = table.frame[kind.name].value_counts().index[0]
    date = (works.modified.isoformat() if works.modified else "2026-03-01")
    views = {
        "sans filtre": f"?date={date}",
        f"commune la plus chargée ({busiest})": f"?refine.{commune.name}={busiest}&date={date}",
        f"type ({first_kind})": f"?refine.{kind.name}={first_kind}&date={date}",
    }
    lines = [f"tableau de bord Travaux ({works.id}, {len(table)} chantiers) : rendu complet (chiffres, carte, "
             "couches des communes, graphiques), temps serveur / taille de la réponse"]
    for name, search in views.items():
        render(client, app, PATH, search)  # a filter change keeps the date: its statuses are already known
        results = [render(client, app, PATH, search) for _ in range(runs)]
        lines.append(f"  {name:45s} {statistics.median(t for t, _ in results) * 1000:7.1f} ms, "
                     f"{max(s for _, s in results) / 1000:5.0f} Ko")
    # a new reference date each time: nothing computed for an earlier date helps
    moved = [render(client, app, PATH, f"?refine.{commune.name}={busiest}&date=2025-11-{day:02d}")
             for day in range(1, runs + 1)]
    lines.append(f"  {'changement de date de situation (' + busiest + ')':45s} "
                 f"{statistics.median(t for t, _ in moved) * 1000:7.1f} ms, {max(s for _, s in moved) / 1000:5.0f} Ko")
    card_key = next(k for k in app.callback_map if "jeu-carte-fiche.children" in k)
    cards = [_post_callback(client, card_key, [{"id": "jeu-carte-fiche", "property": "children"}],
                            [{"id": "jeu-carte-couche", "property": "clickData", "value": {"properties": {"i": i}}}],
                            [{"id": "jeu-id", "property": "data", "value": works.id},
                             {"id": "jeu-carte-fiche-type", "property": "data",
                              "value": {"kind": "travaux", "date": date}}]) for i in range(runs)]
    lines.append(f"  fiche d'un chantier (clic sur la carte) {'':21s} "
                 f"{statistics.median(t for t, _ in cards) * 1000:7.1f} ms, {max(s for _, s in cards) / 1000:5.1f} Ko")
    geometry = [works.id] + ([outlines[0].id] if (outlines := commune_outlines(repository, works.id)) else [])
    for dataset_id in geometry:
        version = repository.version(dataset_id)
        zipped = client.get(f"/api/geo/{dataset_id}.geojson?v={version}", headers={"Accept-Encoding": "gzip"})
        lines.append(f"  géométrie {dataset_id} (une fois, puis en cache du navigateur) : "
                     f"{len(zipped.data) / 1000:.0f} Ko ({zipped.headers.get('Content-Encoding') or 'brut'})")
    return lines
