"""Bench figures of the stories and the embeds: a story drawn with its live blocks, a view drawn alone under
/integrer/…, the oEmbed answer, and the check of every story's blocks (what /healthz runs in the background)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from urllib.parse import quote

from bench.explorer import bench_app, render

VIEWS = ("/recits/grands-chantiers", "/recits/diabete-seine-maritime", "/recits/journee-reseau-astuce",
         "/integrer/jeux-de-donnees/chantiers?tab=chart&x=commune", "/integrer/tableaux-de-bord/travaux/carte",
         "/integrer/tableaux-de-bord/sante/evolution", "/integrer/recits/journee-reseau-astuce/1")


def recits_figures(data_dir: Path, runs: int) -> list[str]:
    from features.recits.data import load_stories
    from features.recits.draw_blocs import broken_blocks

    app, client, repository = bench_app(data_dir, TILE_URL="")
    lines = ["récits et vues intégrées (médiane, à chaud, rendu par le serveur) :"]
    for view in VIEWS:
        path, _, query = view.partition("?")
        render(client, app, path, "?" + query if query else "")  # warm: the derived tables built
        samples, size = [], 0
        for _ in range(max(runs, 3)):
            elapsed, size = render(client, app, path, "?" + query if query else "")
            samples.append(elapsed)
        lines.append(f"  {view:58s} {statistics.median(samples) * 1000:8.1f} ms ({size / 1000:.0f} Ko de JSON)")
    samples = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        answer = client.get("/oembed?url=" + quote("http://localhost/jeux-de-donnees/chantiers?tab=chart&x=commune",
                                                   safe=""))
        samples.append(time.perf_counter() - start)
        assert answer.status_code == 200
    lines.append(f"  {'/oembed (un graphique)':58s} {statistics.median(samples) * 1000:8.1f} ms")
    samples = []
    with app.server.test_request_context("/recits"):
        stories = load_stories(data_dir)
        for _ in range(max(runs, 3)):
            start = time.perf_counter()
            broken = broken_blocks(repository, stories)
            samples.append(time.perf_counter() - start)
    blocks = sum(len(s.blocks) for s in stories.stories)
    lines.append(f"  {'vérification de tous les blocs (' + str(blocks) + ' blocs)':58s} "
                 f"{statistics.median(samples) * 1000:8.1f} ms, {len(broken)} cassé(s)")
    return lines
