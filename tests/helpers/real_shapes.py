"""Hand-written files in the shapes of Rouen's real sources, as ROUEN-SOURCES.md describes them: the field names,
the quirks (a BOM, CRLF, `;`, HTML in a text field, multivalued fields joined with `,`, positions in two number
columns, a workbook with title rows and one sheet per year). Small for the tests; `rows` scales them for the bench.

Each builder returns what the fake Opendatasoft server serves: rows (dicts, list values for multivalued fields)
for an export, or the bytes of a file."""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from pathlib import Path

from data_access.demo.facts import communes

ROOT = Path(__file__).resolve().parents[2]
OUTLINES = ROOT / "data_access" / "demo" / "contours" / "communes-metropole-rouen-normandie-71.geojson"
EPCI = "200023414"

# ---- works: travaux-json (a Drupal export on the Métropole's portal) ------------------------------------------

TRAVAUX_FIELDS = ("nid", "title", "body", "field_resume", "field_commune", "field_zone_d_impact",
                  "field_date_debut_1", "field_date_fin_1", "field_date_debut", "field_lien", "view_node")
TRAVAUX = [
    # title, commune, area, start, end (ISO; "" when the feed leaves it empty), the period as text, the body
    ("Rue Jeanne-d'Arc : renouvellement de la conduite d'eau potable", "Rouen",
     "Rue Jeanne-d'Arc, entre la rue du Gros-Horloge et la rue Thiers", "2026-11-16", "2027-01-29",
     "Du 16/11/2026 au 29/01/2027",
     "<p>Renouvellement de la conduite d'eau potable.</p><p>Circulation <strong>interdite</strong> ; "
     "déviation par la rue Thiers &amp; le boulevard des Belges.</p>"),
    ("Pont Guillaume-le-Conquérant : réfection de l'étanchéité", "Rouen", "Pont Guillaume-le-Conquérant, voie sud",
     "2026-12-07", "2027-03-12", "Du 07/12/2026 au 12/03/2027",
     "<ul><li>Une voie fermée dans chaque sens</li><li>Travaux de nuit de 21 h à 6 h</li></ul>"),
    ("Avenue du Mont-Riboudet : aménagement de la ligne T4", "Rouen", "Avenue du Mont-Riboudet", "2026-03-02",
     "2026-10-30", "Du 02/03/2026 au 30/10/2026", "<p>Chantier terminé.</p>"),
    ("Boulevard Industriel : reprise de chaussée", "Saint-Etienne-du-Rouvray", "Boulevard Industriel, de la rue de Paris au "
     "rond-point des Vaches", "", "", "du 23 novembre au 18 décembre 2026",
     "<p>Reprise de la chaussée.</p><script>alert('xss')</script><img src=x onerror=\"alert(1)\">"),
    ("Rue de la République : raccordement au réseau de chaleur", "Sotteville-lès-Rouen",
     "Rue de la République, au droit du n° 12", "2026-11-30", "2026-12-11", "Du 30/11/2026 au 11/12/2026",
     "<p>Raccordement au réseau de chaleur urbain. Stationnement interdit.</p>"),
    ("Route de Dieppe : enfouissement des réseaux", "Déville-lès-Rouen,Maromme", "Route de Dieppe (RD 6015)",
     "2026-10-05", "2027-02-26", "Du 05/10/2026 au 26/02/2027", "<p>Alternat par feux.</p>"),
    ("Rue Lafayette : création d'une piste cyclable", "LE PETIT-QUEVILLY", "Rue Lafayette", "2027-01-04",
     "2027-04-30", "Du 04/01/2027 au 30/04/2027", "<p>Piste cyclable bidirectionnelle.</p>"),
    ("Quai de Boisguilbert : travaux de nuit", "Rouen", "Quai de Boisguilbert", "2026-12-14", "2026-12-18",
     "Du 14/12/2026 au 18/12/2026", "<p>Fermeture du quai de 21 h à 5 h.</p>"),
]
# a link the portal must not follow: it is shown as text at most
UNSAFE_LINK = "javascript:alert(1)"


def travaux_rows(rows: int | None = None, seed: int = 12) -> list[dict]:
    """The works feed as its export has it; `rows` repeats the hand-written sites with other dates and communes."""
    names = {c.insee: c.nom for c in communes()}
    base = []
    for k, (title, commune, area, start, end, period, body) in enumerate(TRAVAUX):
        nid = str(41237 + k)
        base.append({"nid": nid, "title": title, "body": body, "field_resume": title.split(" : ")[-1].capitalize(),
                     "field_commune": commune, "field_zone_d_impact": area, "field_date_debut_1": start,
                     "field_date_fin_1": end, "field_date_debut": period,
                     "field_lien": UNSAFE_LINK if k == 7 else f"https://www.trafic-metropole-rouen.fr/travaux/{nid}",
                     "view_node": f"https://www.trafic-metropole-rouen.fr/node/{nid}"})
    if rows is None:
        return base
    rng, codes, out = random.Random(seed), sorted(names), []
    for k in range(rows):
        row = dict(base[k % len(base)])
        start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 540))
        end = start + dt.timedelta(days=rng.randint(3, 200))
        row.update(nid=str(50000 + k), field_commune=names[rng.choice(codes)], field_date_debut_1=start.isoformat(),
                   field_date_fin_1="" if k % 5 == 0 else end.isoformat(),
                   field_date_debut=f"Du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
        out.append(row)
    return out


# ---- places: communes, car parks, bike stations, stops and lines ------------------------------------------------


def georef_rows() -> list[dict]:
    """georef-france-commune as its CSV export writes it: multivalued codes and names (lists here, joined with `,`
    by the export), the point as "lat, lon" text and the outline as GeoJSON text. Three communes outside the
    Métropole are there too: the export's refine on the EPCI leaves them out."""
    outlines = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    known = {c.insee: c for c in communes()}
    rows = []
    for feature in outlines:
        commune = known[feature["properties"]["code"]]
        rows.append(_georef_row(commune.insee, commune.nom, EPCI, "Métropole Rouen Normandie",
                                (commune.lat, commune.lon), feature["geometry"]))
    for code, name, epci in (("76217", "Dieppe", "200011781"), ("27229", "Évreux", "200040475"),
                             ("76351", "Le Havre", "200084952")):
        rows.append(_georef_row(code, name, epci, "Autre EPCI", (49.9, 1.08), {"type": "Point", "coordinates": [1.08, 49.9]}))
    return rows


def _georef_row(code, name, epci, epci_name, point, geometry) -> dict:
    return {"com_code": [code], "com_current_code": [code], "com_name": [name], "com_name_upper": [name.upper()],
            "dep_code": [code[:2]], "dep_name": ["Seine-Maritime" if code[:2] == "76" else "Eure"], "reg_code": ["28"],
            "reg_name": ["Normandie"], "epci_code": [epci], "epci_name": [epci_name], "com_type": "commune",
            # a commune whose bassin de vie straddles two codes: the export joins them
            "bv2022_code": ["76540", "76451"] if code == "76451" else ["76540"],
            "geo_point_2d": f"{point[0]}, {point[1]}", "geo_shape": json.dumps(geometry, separators=(",", ":"))}


PARKINGS = [  # the national parking schema: position in ylat/xlong, every field optional
    ("P+R Mont-Riboudet", "Avenue du Mont-Riboudet, 76000 Rouen", 49.4520, 1.0770, 500, 10),
    ("P+R Technopôle", "Avenue de l'Université, 76800 Saint-Étienne-du-Rouvray", 49.3870, 1.0650, 300, 6),
    ("P+R Georges-Braque", "Rue Georges-Braque, 76120 Le Grand-Quevilly", 49.4050, 1.0390, 220, 5),
    ("P+R Boulingrin", "Place du Boulingrin, 76000 Rouen", 49.4480, 1.1020, 180, 4),
    ("P+R Vatine", "Rue Jacques-Monod, 76130 Mont-Saint-Aignan", None, None, 150, 3),
]


def parking_rows() -> list[dict]:
    fields = ("nb_voiture_elec", "nb_velo", "nb_2_rmoto", "nb_covoit", "hauteur_max", "tarif_1h", "tarif_2h",
              "tarif_3h", "tarif_4h", "tarif_24h", "abo_resident", "abo_non_resident", "info")
    return [{"id": f"76540-P-{k:03d}", "nom": name, "adresse": address, "url": "https://www.reseau-astuce.fr",
             "ylat": "" if lat is None else lat, "xlong": "" if lon is None else lon, "nb_places": places,
             "nb_pmr": pmr, **{f: "" for f in fields}, "tarif_24h": 0}
            for k, (name, address, lat, lon, places, pmr) in enumerate(PARKINGS)]


def lovelo_rows() -> list[dict]:
    """Bike stations as the GBFS station_information the Lovélo feed publishes: lat and lon, capacity."""
    places = [("Théâtre des Arts", 49.4387, 1.0886, 20), ("Gare rive droite", 49.4491, 1.0937, 30),
              ("Hôtel de Ville", 49.4433, 1.0999, 16), ("Saint-Sever", 49.4288, 1.0805, 24),
              ("Mont-Saint-Aignan Campus", 49.4606, 1.0677, 12)]
    return [{"station_id": str(100 + k), "name": name, "lat": lat, "lon": lon, "capacity": capacity,
             "address": f"{name}, Rouen"} for k, (name, lat, lon, capacity) in enumerate(places)]


def stop_rows() -> list[dict]:
    return [{"stop_id": code, "stop_name": name, "geo_point_2d": f"{lat}, {lon}"} for code, name, lat, lon in
            (("10001", "Place du 8-Mai", 49.42389, 1.05927), ("10020", "Théâtre des Arts", 49.43870, 1.08860),
             ("10040", "Boulingrin", 49.44810, 1.10190))]


def line_rows() -> list[dict]:
    return [{"route_short_name": "Métro", "route_long_name": "Boulingrin <> Georges Braque / Technopôle",
             "geo_shape": json.dumps({"type": "LineString", "coordinates": [[1.1019, 49.4481], [1.0886, 49.4387],
                                                                             [1.0593, 49.4239]]})}]


# ---- the Astuce GTFS: BOM and CRLF in every file, ids like "01", route types 0, 1, 3, 4 and 715, no shapes ------

GTFS_FILES = {
    "agency.txt": ["agency_id,agency_name,agency_url,agency_timezone,agency_lang,agency_phone",
                   '2,"Astuce",https://reseau-astuce.fr/,Europe/Paris,fr,02 35 52 52 52'],
    "routes.txt": ["route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color,"
                   "route_url,route_sort_order",
                   '01,2,"F1","Plaine de la Ronce <> Stade Diochon",3,E6007E,ffffff,,20',
                   '90,2,"Métro","Boulingrin <> Georges Braque / Technopôle",1,123E8B,ffffff,,1',
                   '91,2,"T1","Mont aux Malades <> CHU Charles Nicolle",0,E63027,ffffff,,5',
                   '99,2,"Calypso","Calypso",4,0bbbef,ffffff,,80',
                   '521,2,"521","AlloBus Zone 1",715,e3aeca,1d1d1b,,95'],
    "stops.txt": ["stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding",
                  '08MAI,,"Place du 8-Mai",49.4240168107,1.0593587598,1,,',
                  '10001,08MAI0,"Place du 8-Mai",49.423887898,1.0592748184,0,08MAI,1',
                  '10020,TDA0,"Théâtre des Arts",49.4387,1.0886,0,,1',
                  '10040,BOUL0,"Boulingrin",49.4481,1.1019,0,,1',
                  '10060,DIOC0,"Stade Diochon",49.3986,1.0553,0,,2'],
    "calendar.txt": ["service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date",
                     "SEM-2-1,1,1,1,1,1,0,0,20260901,20270705", "WE-2-2,0,0,0,0,0,1,1,20260901,20270705"],
    "calendar_dates.txt": ["service_id,date,exception_type", "SEM-2-1,20261225,2", "WE-2-2,20261225,1"],
    "trips.txt": ["route_id,service_id,trip_id,trip_headsign,direction_id,block_id,wheelchair_accessible,bikes_allowed",
                  "90,SEM-2-1,0,Boulingrin,1,,1,", "90,SEM-2-1,1,Georges Braque,0,,1,",
                  "01,SEM-2-1,2,Stade Diochon,0,,1,", "91,WE-2-2,3,CHU Charles Nicolle,0,,1,"],
    "stop_times.txt": ["trip_id,arrival_time,departure_time,stop_id,stop_sequence",
                       "0,07:00:00,07:00:00,10001,1", "0,07:06:00,07:06:00,10020,2", "0,07:10:00,07:10:00,10040,3",
                       "1,07:30:00,07:30:00,10040,1", "1,07:34:00,07:34:00,10020,2", "1,07:40:00,07:40:00,10001,3",
                       "2,08:00:00,08:00:00,10020,1", "2,08:12:00,08:12:00,10060,2",
                       "3,24:10:00,24:10:00,10020,1", "3,24:25:00,24:25:00,10060,2"],
}


def gtfs_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, lines in GTFS_FILES.items():
            archive.writestr(name, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return buffer.getvalue()
