"""The engine on a synthetic dataset of 10,000,000 rows × 12 columns, written in its served form (Parquet and
manifest, as the sync leaves it) by batches: counts, a grid block of 100 rows filtered and sorted, every facet,
a full stream, each the median of `runs`, with the process's peak memory."""
from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench.common import timed_ms

from data_access.engine.served import (CLUSTERED, DATA, FORMAT, MANIFEST, ROW, TEXT, cluster_keys, folded_text, write_clustered,
                                       write_parquet)
from data_access.readers.base import FieldInfo

ROWS = 10_000_000
BATCH = 500_000
COMMUNES = ["Rouen", "Le Petit-Quevilly", "Sotteville-lès-Rouen", "Saint-Étienne-du-Rouvray", "Elbeuf",
            "Mont-Saint-Aignan", "Bois-Guillaume", "Darnétal", "Canteleu", "Déville-lès-Rouen", "Maromme",
            "Le Grand-Quevilly", "Oissel", "Petit-Couronne", "Grand-Couronne", "Bonsecours"]
KINDS = ["voirie", "éclairage", "assainissement", "espaces verts", "bâtiment", "réseau de chaleur",
         "signalisation", "pistes cyclables", "eau potable", "fibre", "transport", "propreté"]
STATES = ["prévu", "en cours", "terminé", "suspendu", "annulé"]
FIELDS = (
    FieldInfo("id", "Identifiant", "int"), FieldInfo("commune", "Commune", "text", facet=True),
    FieldInfo("categorie", "Catégorie", "text", facet=True), FieldInfo("statut", "Statut", "text", facet=True),
    FieldInfo("jour", "Jour", "date", facet=True), FieldInfo("montant", "Montant", "double"),
    FieldInfo("quantite", "Quantité", "int"), FieldInfo("libelle", "Libellé", "text"),
    FieldInfo("rue", "Rue", "text"), FieldInfo("urgent", "Urgent", "boolean", facet=True),
    FieldInfo("lat", "Latitude", "double"), FieldInfo("lon", "Longitude", "double"),
)


def _batch(start: int, size: int, rng: np.random.Generator) -> pa.Table:
    ids = np.arange(start, start + size)
    columns = {
        "id": pa.array(ids),
        "commune": pa.DictionaryArray.from_arrays(rng.integers(0, len(COMMUNES), size), COMMUNES).cast(pa.string()),
        "categorie": pa.DictionaryArray.from_arrays(rng.integers(0, len(KINDS), size), KINDS).cast(pa.string()),
        "statut": pa.DictionaryArray.from_arrays(rng.integers(0, len(STATES), size), STATES).cast(pa.string()),
        "jour": pa.array(np.datetime64("2015-01-01", "ms") + rng.integers(0, 4000, size) * np.timedelta64(1, "D")),
        "montant": pa.array(np.round(rng.gamma(2.0, 5000.0, size), 2)),
        "quantite": pa.array(rng.integers(1, 500, size)),
        "libelle": pc.binary_join_element_wise("Opération n°", pa.array(ids.astype(str)), ""),
        "rue": pc.binary_join_element_wise("Rue ", pa.array((ids % 9973).astype(str)), ""),
        "urgent": pa.array(rng.random(size) < 0.1),
        "lat": pa.array(49.38 + rng.random(size) * 0.12), "lon": pa.array(0.95 + rng.random(size) * 0.25),
    }
    folded = folded_text([columns[f.name] for f in FIELDS if f.type == "text"], size)
    return pa.table({**columns, ROW: pa.array(ids), TEXT: folded})


def synthetic(folder: Path, rows: int = ROWS) -> Path:
    """The served folder of the synthetic dataset (made once, kept between runs)."""
    target = folder / "synthetique" / f"v{rows}-f{FORMAT}"
    if (target / MANIFEST).is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(15)
    schema = _batch(0, 1, np.random.default_rng(0)).schema
    batches = (_batch(start, min(BATCH, rows - start), rng).to_batches()[0] for start in range(0, rows, BATCH))
    write_parquet(pa.RecordBatchReader.from_batches(schema, batches), target / DATA)
    from data_access.engine.backend import DuckDBBackend
    from data_access.query import parse_query

    # the counts of the facet fields' values over the whole table, as a conversion writes them
    counts = DuckDBBackend(target / DATA, FIELDS, rows).facets(parse_query("", FIELDS)[0], [f for f in FIELDS
                                                                                             if f.facet])
    manifest = {"format": FORMAT, "dataset": "synthetique", "version": f"v{rows}", "rows": rows,
                "fields": [f.__dict__ for f in FIELDS], "provenance": {"source": "bench"},
                "values": {k: [[v, n] for v, n in pairs] for k, pairs in counts.items()},
                "profiles": {f.name: {"distinct": len(counts.get(f.name, ()))} for f in FIELDS}}
    manifest["cluster_keys"] = cluster_keys(manifest, FIELDS)  # as a conversion clusters it
    if manifest["cluster_keys"]:
        write_clustered(target / DATA, target / CLUSTERED, manifest["cluster_keys"])
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return target


def in_memory_csv_rates(data_dir: Path, dataset_id: str, runs: int) -> tuple[float, float]:
    """Rows per second of the CSV extract's writer over the whole table held in memory (no engine, no HTTP), and
    of pyarrow's CSV writer alone over the raw source (no geometry as text, no formula made safe): the references
    a streamed extract is compared with."""
    import pyarrow.csv as pacsv

    from data_access.extracts.writers import Selection, write_csv
    from data_access.repository import Repository

    repository = Repository.from_data_dir(data_dir)
    table = repository.table(dataset_id)
    selection = Selection(table, np.arange(len(table)), table.fields)
    ours = len(table) / (timed_ms(lambda: sum(len(part) for part in write_csv(selection)), runs) / 1000)
    source = data_dir / repository.catalogue.get(dataset_id).path
    if source.suffix != ".parquet":
        return ours, float("nan")
    import pyarrow.parquet as pq

    raw, options = pq.read_table(source), pacsv.WriteOptions(delimiter=";", eol="\r\n")
    return ours, raw.num_rows / (timed_ms(lambda: pacsv.write_csv(raw, pa.BufferOutputStream(), options), runs) / 1000)


def engine_figures(folder: Path, runs: int) -> list[str]:
    from data_access.derived import DERIVED
    from data_access.engine.backend import DuckDBBackend
    from data_access.query import parse_query

    start = time.perf_counter()
    served = synthetic(folder)
    made = time.perf_counter() - start
    size = (served / DATA).stat().st_size / 2**20
    manifest = json.loads((served / MANIFEST).read_text(encoding="utf-8"))
    backend = DuckDBBackend(served / DATA, FIELDS, ROWS, manifest)
    query = parse_query("refine.commune=Rouen&refine.statut=en+cours&sort=-montant", FIELDS)[0]
    searched = parse_query("q=operation+n°12345&sort=rue", FIELDS)[0]
    one_key = parse_query("refine.commune=Rouen&sort=-montant", FIELDS)[0]
    other = parse_query("refine.categorie=voirie&sort=-montant", FIELDS)[0]  # not a key of the clustered copy
    facets = [f for f in FIELDS if f.facet]
    keys = " et ".join(manifest.get("cluster_keys") or ["aucun champ"])
    lines = [f"moteur : {ROWS:_} lignes × {len(FIELDS)} colonnes, Parquet de {size:.0f} Mio (fait en {made:.1f} s), "
             f"copie groupée sur {keys}".replace("_", " ")]
    figures = {
        # the count is kept per served file and filters: dropped first, so that the engine counts each time
        "compte filtré": lambda: DERIVED.drop(lambda key: key[0] == "compte") or backend.count(query),
        "bloc de 100 lignes filtré et trié": lambda: backend.rows(query, None, 5000, 100),
        "bloc de 100 lignes, commune seule et tri": lambda: backend.rows(one_key, None, 5000, 100),
        "bloc de 100 lignes, champ hors des clés": lambda: backend.rows(other, None, 5000, 100),
        "bloc de 100 lignes, recherche et tri": lambda: backend.rows(searched, None, 0, 100),
        "toutes les facettes (5), filtrées": lambda: backend.facets(query, facets),
        "toutes les facettes (5), sans filtre": lambda: backend.facets(parse_query("", FIELDS)[0], facets),
        "toutes les facettes (5), champ hors des clés": lambda: backend.facets(other, facets),
    }
    for name, action in figures.items():
        action()  # the file's footer read once
        lines.append(f"  {name:40s} {timed_ms(action, runs):8.1f} ms")
    whole = parse_query("", FIELDS)[0]
    started = time.perf_counter()
    streamed = sum(batch.num_rows for batch in backend.stream(whole))
    seconds = time.perf_counter() - started
    lines.append(f"  flux complet (lots Arrow)                {streamed / seconds:,.0f} lignes/s".replace(",", " "))
    lines.append(f"  pic de mémoire du processus              {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mio")
    from bench.engine_workers import workers_figures

    return lines + workers_figures(served, runs)
