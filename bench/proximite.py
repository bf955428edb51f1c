"""Bench figures of « Près de chez moi »: the whole answer for a place (a tap on the map, as the page's callback
answers it, and the answers alone), the address suggestions as one types, on places drawn from the addresses."""
from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path

from bench.explorer import bench_app

PLACES = 40  # addresses drawn at random (seeded), each answered once warm
SEED = 16


def _key(app, output: str) -> str:
    return next(k for k in app.callback_map if output in k)


def _outputs(key: str) -> list[dict]:
    """The outputs a browser names in its request, from the callback's key (« ..a.b...c.d.. »)."""
    return [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")]


def _tap(client, key: str, lat: float, lon: float) -> tuple[float, int]:
    body = {"output": key, "outputs": _outputs(key), "changedPropIds": ["proximite-carte.clickData"], "state": [
        {"id": "proximite-proposees", "property": "data", "value": []}], "inputs": [
        [], {"id": "proximite-carte", "property": "clickData", "value": {"latlng": {"lat": lat, "lng": lon}}},
        {"id": "proximite-position", "property": "data", "value": None},
        {"id": "proximite-commune", "property": "value", "value": None}]}
    start = time.perf_counter()
    answer = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, answer.data[:300]
    return elapsed, len(answer.data)


def _typed(client, key: str, text: str) -> float:
    body = {"output": key, "outputs": _outputs(key), "changedPropIds": ["proximite-adresse.value"], "state": [],
            "inputs": [{"id": "proximite-adresse", "property": "value", "value": text}]}
    start = time.perf_counter()
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code in (200, 204), answer.data[:300]
    return time.perf_counter() - start


def proximite_figures(data_dir: Path, runs: int) -> list[str]:
    from data_access.addresses import address_index, search
    from data_access.clock import PARIS
    from features.proximite import data as P
    from features.proximite.reponses import answers

    app, client, repository = bench_app(data_dir, TILE_URL="")
    found = P.address_table(repository)
    if found is None:
        return ["près de chez moi : aucune base d'adresses dans ce catalogue"]
    _, table = found
    points = table.frame[table.geometry_field.name]
    rows = random.Random(SEED).sample(range(len(table)), min(PLACES, len(table)))
    places = [(points.iloc[r].y, points.iloc[r].x) for r in rows if points.iloc[r] is not None]
    now = dt.datetime(2026, 12, 1, 8, 30, tzinfo=PARIS)
    key = _key(app, "proximite-lieu.data")
    start = time.perf_counter()
    _tap(client, key, *places[0])
    first = time.perf_counter() - start  # every index built: outlines, polling stations, network, access to care
    alone, taps, sizes = [], [], []
    for _ in range(max(1, runs // 2)):
        for lat, lon in places:
            begin = time.perf_counter()
            answers(repository, P.place_at(repository, lat, lon, "", "carte"), now)
            alone.append(time.perf_counter() - begin)
            elapsed, size = _tap(client, key, lat, lon)
            taps.append(elapsed)
            sizes.append(size)
    index = address_index(table)
    words = [str(label) for label in index.labels[rows]]
    typed = []
    for label in words:  # what one types: the number and the street's first letters, then more of it
        for cut in (6, 12, 20):
            typed.append(label[:cut])
    searches, calls = [], []
    for _ in range(max(1, runs // 2)):
        for text in typed:
            begin = time.perf_counter()
            search(table, text, 8)
            searches.append(time.perf_counter() - begin)
            calls.append(_typed(client, _key(app, "proximite-suggestions.children"), text))
    ms = lambda samples: f"{statistics.median(samples) * 1000:.1f} ms"  # noqa: E731
    p90 = lambda samples: f"{sorted(samples)[int(len(samples) * .9)] * 1000:.1f} ms"  # noqa: E731
    return [
        f"près de chez moi ({len(places)} adresses tirées au hasard parmi {len(table):,}) :".replace(",", " "),
        f"  première réponse (index construits) : {first * 1000:.0f} ms",
        f"  réponse complète à un toucher sur la carte (callback, côté serveur) : médiane {ms(taps)}, 9e décile "
        f"{p90(taps)}, {statistics.median(sizes) / 1000:.0f} Ko",
        f"  dont les réponses seules (data_access) : médiane {ms(alone)}, 9e décile {p90(alone)}",
        f"  suggestions d'adresses ({len(typed)} saisies de 6, 12 et 20 caractères) : recherche {ms(searches)}, "
        f"callback {ms(calls)} (9e décile {p90(calls)})",
    ]
