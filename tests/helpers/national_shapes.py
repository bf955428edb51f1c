"""Hand-written national files in the shapes of ROUEN-SOURCES.md §7-9, to be cut down to the Métropole's 71
communes: the polling-station outlines (GeoJSON, with the 2022 file's Dieppe defect, and the corrected TopoJSON),
the RNA's monthly zip of CSV files, the Base Adresse Nationale's gzipped CSV of a département, and the archive
services directory of an Opendatasoft portal. `filler` grows them to a national size for the bench."""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import random
import zipfile
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

from data_access.demo.facts import communes
from tests.helpers.real_shapes import OUTLINES

DEVILLE, DIEPPE = "76216", "76217"
OUTSIDE = [("76217", "Dieppe", 49.92, 1.08), ("76351", "Le Havre", 49.49, 0.11), ("27229", "Évreux", 49.02, 1.15),
           ("75056", "Paris", 48.86, 2.35)]


def metropole_outlines() -> dict[str, object]:
    return {f["properties"]["code"]: shape(f["geometry"])
            for f in json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]}


def _halves(outline) -> list:
    """A commune cut in two at its centre: its two polling stations."""
    minx, miny, maxx, maxy = outline.bounds
    middle = (minx + maxx) / 2
    parts = [outline.intersection(box(minx - 1, miny - 1, middle, maxy + 1)),
             outline.intersection(box(middle, miny - 1, maxx + 1, maxy + 1))]
    return [p for p in parts if not p.is_empty]


def polling_stations(defect: bool = True) -> list[dict]:
    """One feature per station: two per Métropole commune, and a few elsewhere. With `defect`, as in the 2022
    file, Dieppe's outline is attached to the last station of Déville-lès-Rouen."""
    names = {c.insee: c.nom for c in communes()}
    features = []
    for code, outline in sorted(metropole_outlines().items()):
        for k, part in enumerate(_halves(outline), start=1):
            features.append(_station(code, names[code], k, part))
    for code, name, lat, lon in OUTSIDE:
        features.append(_station(code, name, 1, box(lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02)))
    if defect:
        last = max((f for f in features if f["properties"]["codeCommune"] == DEVILLE),
                   key=lambda f: f["properties"]["numeroBureauVote"])
        dieppe = shape(next(f for f in features if f["properties"]["codeCommune"] == DIEPPE)["geometry"])
        last["geometry"] = mapping(shapely.union(shape(last["geometry"]), dieppe))
    return features


def _station(code: str, name: str, number: int, geometry) -> dict:
    return {"type": "Feature", "geometry": mapping(geometry), "properties": {
        "codeBureauVote": f"{code}_{number:04d}", "numeroBureauVote": str(number), "codeCommune": code,
        "nomCommune": name, "codeDepartement": code[:2], "nomDepartement": "Seine-Maritime" if code[:2] == "76" else "",
        "codeCirconscription": f"{code[:2]}0{1 + number % 3}", "nomCirconscription": f"{1 + number % 3}e circonscription"}}


def write_polling_geojson(path: Path, filler_mb: int = 0) -> int:
    """The national GeoJSON (one line per feature), grown with stations elsewhere in France up to `filler_mb`
    megabytes; its number of features."""
    rng = random.Random(7)
    pool = []
    for _ in range(50):
        lon, lat = 2 + 5 * rng.random(), 44 + 5 * rng.random()
        ring = [[round(lon + 0.01 * rng.random(), 6), round(lat + 0.01 * rng.random(), 6)] for _ in range(300)]
        pool.append(json.dumps({"type": "Polygon", "coordinates": [ring + [ring[0]]]}, separators=(",", ":")))
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [\n')
        for feature in polling_stations():
            handle.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            count += 1
        k = 0
        while handle.tell() < filler_mb * 1_000_000:
            code = f"{1 + k % 95:02d}{500 + (k // 95) % 400:03d}".replace("76", "77", 1)
            props = json.dumps(_station(code, f"Commune {code}", 1 + k % 9, box(0, 0, 1, 1))["properties"],
                               ensure_ascii=False)
            handle.write(f',{{"type": "Feature", "properties": {props}, "geometry": {pool[k % len(pool)]}}}\n')
            k += 1
            count += 1
        handle.write("]}\n")
    return count


def polling_topojson(scale: float = 1e-6, filler: int = 0) -> dict:
    """The corrected file (no defect) as TopoJSON: quantized, each ring an arc, delta-encoded; with `filler`
    stations elsewhere in France, for a national size."""
    features, arcs, geometries = polling_stations(defect=False), [], []
    rng = random.Random(17)
    for k in range(filler):
        lon, lat = 2 + 5 * rng.random(), 44 + 5 * rng.random()
        ring = [(lon + 0.01 * (0.5 + rng.random()) * math.cos(a), lat + 0.01 * (0.5 + rng.random()) * math.sin(a))
                for a in (2 * math.pi * j / 200 for j in range(200))]  # a star around its centre: a valid ring
        code = f"{1 + k % 95:02d}{500 + (k // 95) % 400:03d}".replace("76", "77", 1)
        features.append(_station(code, f"Commune {code}", 1 + k % 9, shapely.Polygon(ring)))
    x0, y0 = -5.5, 41.0

    def arc(ring) -> int:
        points = [(round((x - x0) / scale), round((y - y0) / scale)) for x, y in ring]
        deltas = [list(points[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:])]
        arcs.append(deltas)
        return len(arcs) - 1

    for feature in features:
        geometry = shape(feature["geometry"])
        polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
        # each polygon: its rings, each ring the list of its arcs (here one arc a ring)
        rings = [[[arc(p.exterior.coords)]] + [[arc(i.coords)] for i in p.interiors] for p in polygons]
        item = {"type": "MultiPolygon", "arcs": rings} if len(rings) > 1 else {"type": "Polygon", "arcs": rings[0]}
        props = {"codeCommune": feature["properties"]["codeCommune"],
                 "codeBureauVote": feature["properties"]["codeBureauVote"],
                 "codeCirco": feature["properties"]["codeCirconscription"]}
        geometries.append({**item, "properties": props})
    return {"type": "Topology", "transform": {"scale": [scale, scale], "translate": [x0, y0]},
            "objects": {"contours": {"type": "GeometryCollection", "geometries": geometries}}, "arcs": arcs}


# ---- the RNA's monthly zip, the BAN's département file, the archives directory -----------------------------------

RNA_FIELDS = ["id", "id_ex", "siret", "gestion", "date_creat", "date_decla", "date_publi", "date_disso", "nature",
              "groupement", "titre", "titre_court", "objet", "objet_social1", "objet_social2", "adrs_complement",
              "adrs_numvoie", "adrs_repetition", "adrs_typevoie", "adrs_libvoie", "adrs_distrib", "adrs_codeinsee",
              "adrs_codepostal", "adrs_libcommune", "siteweb", "position", "maj_time"]


def rna_rows(per_commune: int = 3, filler: int = 0, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    places = [(c.insee, c.nom.upper()) for c in communes()] + [(c, n.upper()) for c, n, _, _ in OUTSIDE]
    for code, town in places:
        for k in range(per_commune):
            rows.append(_association(len(rows), code, town, rng, dissolved=k == 2))
    for k in range(filler):
        code = f"{1 + k % 95:02d}{100 + k % 800:03d}".replace("76", "77", 1)
        rows.append(_association(len(rows), code, f"COMMUNE {code}", rng))
    return rows


def _association(k: int, code: str, town: str, rng, dissolved: bool = False) -> dict:
    return {"id": f"W{int(code[:2].replace('A', '0').replace('B', '0')):02d}{k:07d}", "id_ex": "", "siret": "",
            "gestion": f"{code[:2]}1P", "date_creat": f"{1990 + k % 30}-0{1 + k % 9}-15",
            "date_decla": "2020-01-01", "date_publi": "2020-01-15",
            "date_disso": "2021-06-30" if dissolved else "0001-01-01", "nature": "D", "groupement": "S",
            "titre": f"ASSOCIATION {k} DE {town}", "titre_court": "",
            "objet": f"Organiser des activités ; objet n° {k}\nsur deux lignes", "objet_social1": rng.choice(
                ["006030", "011075", "019000", "", "099999"]), "objet_social2": "", "adrs_complement": "",
            "adrs_numvoie": str(1 + k % 80), "adrs_repetition": "", "adrs_typevoie": "RUE",
            "adrs_libvoie": "DE LA REPUBLIQUE", "adrs_distrib": "", "adrs_codeinsee": code,
            "adrs_codepostal": "76000", "adrs_libcommune": town, "siteweb": "", "position": "D" if dissolved else "A",
            "maj_time": "2026-10-01 10:00:00"}


def rna_zip(rows: list[dict]) -> bytes:
    """The monthly zip: one `;` CSV per département, as the register publishes it."""
    by_dept: dict[str, list[dict]] = {}
    for row in rows:
        by_dept.setdefault(row["adrs_codeinsee"][:2], []).append(row)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for dept, part in sorted(by_dept.items()):
            text = io.StringIO()
            writer = csv.DictWriter(text, RNA_FIELDS, delimiter=";", lineterminator="\n")
            writer.writeheader()
            writer.writerows(part)
            archive.writestr(f"rna_waldec_20261101_dpt_{dept}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue()


BAN_FIELDS = ["id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
              "code_insee_ancienne_commune", "nom_ancienne_commune", "x", "y", "lon", "lat", "type_position", "alias",
              "nom_ld", "libelle_acheminement", "nom_afnor", "source_position", "source_nom_voie",
              "certification_commune", "cad_parcelles"]
STREETS = ["Rue de la République", "Rue Jeanne d'Arc", "Avenue du Mont-Riboudet", "Place du Vieux-Marché",
           "Rue Saint-Sever", "Boulevard de l'Yser", "Chemin des Coteaux", "Rue Jean Jaurès"]


def ban_rows(per_commune: int = 20, filler: int = 0, seed: int = 13) -> list[dict]:
    """Addresses of Seine-Maritime: the Métropole's communes, and others of the département (left out)."""
    rng = random.Random(seed)
    rows = []
    places = [(c.insee, c.nom, c.lat, c.lon) for c in communes()] + \
        [(code, name, lat, lon) for code, name, lat, lon in OUTSIDE if code.startswith("76")]
    for code, name, lat, lon in places:
        for k in range(per_commune):
            rows.append(_address(code, name, lat, lon, k, rng))
    for k in range(filler):
        rows.append(_address(f"76{700 + k % 50:03d}", f"Commune {k % 50}", 49.7, 0.8, k, rng))
    return rows


def _address(code: str, name: str, lat: float, lon: float, k: int, rng) -> dict:
    street = STREETS[k % len(STREETS)]
    return {"id": f"{code}_{k:04d}_{1 + k // 8:05d}", "id_fantoir": f"{code}_{k:04d}", "numero": str(1 + k // 8),
            "rep": "bis" if k % 17 == 0 else "", "nom_voie": street, "code_postal": "76000", "code_insee": code,
            "nom_commune": name, "code_insee_ancienne_commune": "", "nom_ancienne_commune": "", "x": "", "y": "",
            "lon": f"{lon + rng.uniform(-0.004, 0.004):.6f}", "lat": f"{lat + rng.uniform(-0.003, 0.003):.6f}",
            "type_position": "entrée", "alias": "", "nom_ld": "", "libelle_acheminement": name.upper(),
            "nom_afnor": street.upper(), "source_position": "commune", "source_nom_voie": "commune",
            "certification_commune": "1", "cad_parcelles": ""}


def ban_csv_gz(rows: list[dict]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, BAN_FIELDS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"))


def archives_rows() -> list[dict]:
    """The archive services directory: the département's, the Métropole's and Rouen's, and one elsewhere."""
    services = [
        ("Archives départementales de la Seine-Maritime", "Cours Clemenceau, 76100 Rouen", "Rouen", "76100", "76540",
         "Lundi au vendredi, 9 h – 17 h", "https://www.archivesdepartementales76.net"),
        ("Archives municipales de Rouen", "Hôtel de Ville, 2 place du Général-de-Gaulle, 76000 Rouen", "Rouen",
         "76000", "76540", "Mardi au vendredi, 13 h 30 – 17 h", "https://www.rouen.fr/archives"),
        ("Archives municipales d'Elbeuf", "Rue Jean-Jaurès, 76500 Elbeuf", "Elbeuf", "76500", "76231",
         "Sur rendez-vous", ""),
        ("Archives départementales de l'Eure", "2 rue de Verdun, 27000 Évreux", "Évreux", "27000", "27229",
         "Lundi au vendredi", "https://archives.eure.fr"),
    ]
    return [{"id_francearchives": f"FRAD{k:03d}", "nom_du_service": name, "identifiant_du_service": f"FR{k:04d}",
             "courriel": "", "adresse_postale": address, "adresse_du_service": address, "ville": town,
             "code_postal": postcode, "horaires_d_ouverture": hours, "site_internet": site,
             "code_insee_commune": code}
            for k, (name, address, town, postcode, code, hours, site) in enumerate(services)]
