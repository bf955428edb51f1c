"""Bench figures of the Santé dashboard: a change of pathology or year re-renders every figure and chart
(server time and callback size); plus the one-off reading of the file's facts and lookups by the engine
(features/sante/cells.py)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.explorer import bench_app, render

PATH = "/tableaux-de-bord/sante"


def sante_figures(data_dir: Path, runs: int) -> list[str]:
    from features.sante import cells
    from features.sante import choices as sante_choices
    from features.sante import data as sante

    app, client, repository = bench_app(data_dir)
    dataset = next((d for d in repository.catalogue.datasets if d.dashboard == "sante"
                    and d.role_field("pathology_l1")), None)
    if dataset is None:
        return ["tableau de bord Santé : aucun jeu de pathologies dans ce catalogue"]
    backend, roles = repository.backend(dataset.id), sante.find_roles(repository.described(dataset.id))
    start = time.perf_counter()
    cube = cells._forme(backend, roles).facts  # not the one kept: measured as the first request after a sync
    built = time.perf_counter() - start
    nodes = [n for n in cube.nodes.values() if n.has_data]

    def search(node, year) -> str:
        levels = [f"refine.{roles[r]}" for r in sante_choices.LEVEL_ROLES]
        return "?" + urlencode(list(zip(levels, node.parts)) + [(f"refine.{roles['year']}", year)])

    lines = [f"tableau de bord Santé ({dataset.id}, {backend.total} lignes, {len(nodes)} pathologies, "
             f"{len(cube.years)} années) : faits du fichier lus par le moteur en {built * 1000:.0f} ms (une fois "
             "par version du fichier)",
             "  rendu complet (chiffres, évolution, pyramide, classement, carte et classement des communes), "
             "temps serveur / taille de la réponse :"]
    render(client, app, PATH, "")
    for name, views in (("changement de pathologie", [search(nodes[i % len(nodes)], cube.years[-1])
                                                      for i in range(1, runs + 1)]),
                        ("changement d'année", [search(nodes[0], cube.years[i % len(cube.years)])
                                                for i in range(runs)])):
        results = [render(client, app, PATH, view) for view in views]
        lines.append(f"  {name:45s} {statistics.median(t for t, _ in results) * 1000:7.1f} ms, "
                     f"{max(s for _, s in results) / 1000:5.0f} Ko")
    return lines
