"""Bench figures of the Transports dashboard: the feed's indexes built cold from the snapshot, a stop's next
departures and a line's timetable (the functions, and the whole page as a reader gets it), callback sizes."""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.explorer import bench_app, render

PATH = "/tableaux-de-bord/transports"


def transports_figures(data_dir: Path, runs: int) -> list[str]:
    from data_access.readers.gtfs import read_gtfs
    from features.transports import data as T
    from features.transports.timetables import _timetable

    app, client, repository = bench_app(data_dir, TILE_URL="")
    dataset = next((d for d in repository.catalogue.datasets if d.dashboard == "transports" and d.format == "gtfs"),
                   None)
    if dataset is None:
        return ["tableau de bord Transports : aucun réseau GTFS dans ce catalogue"]
    path = repository.catalogue.file_path(dataset)
    reads, builds = [], []
    for _ in range(min(runs, 3)):
        start = time.perf_counter()
        feed = read_gtfs(path)
        middle = time.perf_counter()
        T.build_network(feed)
        reads.append(middle - start)
        builds.append(time.perf_counter() - middle)
        del feed
    net = T.network(repository.table(dataset.id))
    lines = [f"tableau de bord Transports ({dataset.id}, {len(net.st_trip):,} passages, {len(net.trips):,} voyages, "
             f"{len(net.stops):,} arrêts) :".replace(",", " "),
             f"  index du réseau à froid depuis l'instantané : lecture {statistics.median(reads):.2f} s + index "
             f"{statistics.median(builds):.2f} s = {statistics.median(reads) + statistics.median(builds):.2f} s"]
    day = T.service_day(net, dt.date(2026, 11, 17))[0]
    busiest = int(net.stops.index[net.stop_rows[1:] - net.stop_rows[:-1] == (net.stop_rows[1:] - net.stop_rows[:-1])
                                  .max()][0])
    stop_id = str(net.stops.at[busiest, "stop_id"])
    group = T.stop_group(net, stop_id)
    timings = []
    for k in range(runs * 4):
        start = time.perf_counter()
        T.next_departures(net, group, day, 7 * 3600 + 600 * k)
        timings.append(time.perf_counter() - start)
    lines.append(f"  prochains départs de l'arrêt le plus desservi ({net.stops.at[busiest, 'name']}, "
                 f"{len(T.routes_at(net, group))} lignes) : {statistics.median(timings) * 1000:.1f} ms")
    route = max(net.routes.index, key=lambda r: int((net.trips["route"] == r).sum()))
    timings = []
    for _ in range(runs * 2):
        start = time.perf_counter()
        grid = _timetable(net, route, 0, day)  # not the memo: the first time a reader asks
        timings.append(time.perf_counter() - start)
    lines.append(f"  grille horaire de la ligne la plus chargée ({net.routes.at[route, 'name']}, {len(grid.trips)} "
                 f"voyages x {len(grid.stops)} arrêts) : {statistics.median(timings) * 1000:.1f} ms")
    route_id = str(net.routes.at[route, "route_id"])
    views = {
        "page, changement d'arrêt (prochains départs)": [
            {"date": day.isoformat(), "arret": str(net.stops.at[int(s), "stop_id"]), "heure": "08:00"}
            for s in T.served_stops(net, day)[:runs]],
        "page, changement de ligne (grille horaire)": [
            {"date": day.isoformat(), "ligne": str(net.routes.at[int(r), "route_id"])}
            for r in list(net.routes.index)[:runs]],
        "page, ligne la plus chargée et son arrêt le plus desservi": [
            {"date": day.isoformat(), "ligne": route_id, "arret": stop_id, "heure": "08:00"}] * runs,
        "page, changement de date (nouvelle couverture)": [
            {"date": (day + dt.timedelta(days=7 * (k + 1))).isoformat()} for k in range(runs)],
    }
    lines.append("  rendu complet de la page (chiffres, carte, ligne, arrêt, couverture), temps serveur / taille :")
    render(client, app, PATH, "?" + urlencode({"date": day.isoformat()}))
    for name, searches in views.items():
        results = [render(client, app, PATH, "?" + urlencode(search)) for search in searches]
        lines.append(f"    {name:55s} {statistics.median(t for t, _ in results) * 1000:7.1f} ms, "
                     f"{max(s for _, s in results) / 1000:5.0f} Ko")
    zipped = client.get(f"/api/lignes/{dataset.id}.geojson", headers={"Accept-Encoding": "gzip"})
    lines.append(f"  tracés des lignes (une fois, puis en cache du navigateur) : {len(zipped.data) / 1000:.0f} Ko "
                 f"({zipped.headers.get('Content-Encoding') or 'brut'})")
    return lines
