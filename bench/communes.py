"""Bench figures of the communes' pages: a commune's page drawn by the server (every commune of the snapshot, warm,
the median and the slowest), the index, the comparison of four communes and its extract, and the figures of every
commune built cold (what the first page of a day or of a new file version pays)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.explorer import bench_app, render


def communes_figures(data_dir: Path, runs: int) -> list[str]:
    from data_access.clock import today_paris
    from data_access.geometry.geo import commune_outlines, commune_rows
    from features.communes.chiffres import _build

    app, client, repository = bench_app(data_dir, TILE_URL="")
    lines = ["communes (rendu par le serveur, à chaud) :"]
    with app.server.test_request_context("/communes"):
        outlines = commune_outlines(repository)
        if outlines is None:
            return ["communes : aucun contour de commune dans ce catalogue"]
        codes = commune_rows(outlines[1]).drop_duplicates("row")["code"].tolist()
        start = time.perf_counter()
        _build(repository, outlines, today_paris())
        cold = time.perf_counter() - start
    render(client, app, f"/communes/{codes[0]}")  # warm: the figures of every commune built once
    per_commune = {}
    for code in codes:
        samples = []
        for _ in range(max(runs, 3)):
            elapsed, size = render(client, app, f"/communes/{code}")
            samples.append(elapsed)
        per_commune[code] = (statistics.median(samples), size)
    medians = sorted(t for t, _ in per_commune.values())
    slowest = max(per_commune, key=lambda c: per_commune[c][0])
    lines.append(f"  page d'une commune, médiane des {len(codes)} communes : {statistics.median(medians) * 1000:.1f} ms"
                 f" ; la plus lente ({slowest}) : {per_commune[slowest][0] * 1000:.1f} ms "
                 f"({per_commune[slowest][1] / 1000:.0f} Ko de JSON)")
    compare = "?" + "&".join(f"commune={c}" for c in codes[:4])
    for label, path, query in (("index /communes", "/communes", ""), ("comparaison de 4 communes",
                                                                      "/communes/comparer", compare)):
        samples = [render(client, app, path, query)[0] for _ in range(max(runs, 3))]
        lines.append(f"  {label:44s} {statistics.median(samples) * 1000:8.1f} ms")
    samples = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        answer = client.get(f"/export/{outlines[0].id}/comparaison.csv{compare}")
        body = answer.get_data()  # the whole streamed file
        samples.append(time.perf_counter() - start)
        answer.close()
        assert answer.status_code == 200, body[:200]
    lines.append(f"  {'extrait CSV de la comparaison':44s} {statistics.median(samples) * 1000:8.1f} ms")
    lines.append(f"  {'chiffres des communes, à froid':44s} {cold * 1000:8.1f} ms")
    return lines
