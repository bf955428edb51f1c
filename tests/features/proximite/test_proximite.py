"""« Près de chez moi »'s answers on the demo snapshot, each checked against the data itself: the commune and the
polling station hold the place, what is « near » is within the distance and nothing nearer is left out, the works
are those running or starting soon, the stops' departures come after now."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from data_access.clock import PARIS
from features.proximite import blocs as B
from features.proximite import data as P
from features.proximite.reponses import answers
from tests.helpers.apps import make_app

NOW = dt.datetime(2026, 12, 1, 8, 30, tzinfo=PARIS)
HOTEL_DE_VILLE = (49.4431, 1.0993)  # Rouen's town hall, in the demo's city centre


@pytest.fixture(scope="module")
def repository():
    app = make_app()
    with app.server.app_context():
        from components.portal import current_portal

        yield current_portal().repository


@pytest.fixture(scope="module")
def place(repository):
    return P.place_at(repository, *HOTEL_DE_VILLE, "Hôtel de ville", "carte")


@pytest.fixture(scope="module")
def blocks(repository, place):
    return {b.key: b for b in answers(repository, place, NOW).blocks}


def metres(lat1, lon1, lat2, lon2) -> float:
    """Haversine, independently of the code under test."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def test_the_place_is_in_its_commune_and_its_polling_station(repository, place, blocks):
    import shapely

    assert (place.commune, place.commune_name) == ("76540", "Rouen")
    table = repository.table("bureaux-de-vote")
    code = next(line["value"] for line in blocks["bureau"].lines if line["label"] == "Code du bureau")
    row = int(np.flatnonzero(table.frame["code_bv"] == code)[0])
    assert shapely.contains_xy(table.frame["geometry"].iloc[row] if "geometry" in table.frame else
                               table.frame[table.geometry_field.name].iloc[row], HOTEL_DE_VILLE[1], HOTEL_DE_VILLE[0])
    number = next(line["value"] for line in blocks["bureau"].lines if line["label"] == "Numéro")
    assert code.endswith(number.zfill(4))
    assert blocks["bureau"].text.startswith(f"Ce lieu est dans le secteur du bureau {number}")
    outline = next(m for m in blocks["bureau"].marks if m["kind"] == "bureau")["positions"]
    assert outline and all(len(point) == 2 for point in outline[0])  # [lat, lon] pairs, drawn as they are
    assert blocks["bureau"].link[0].endswith(f"refine.code_bv={code}")


def test_outside_the_metropole_or_not_a_position(repository):
    with pytest.raises(P.PlaceError, match="aucune commune de la Métropole"):
        P.place_at(repository, 48.8566, 2.3522, "Paris", "carte")
    for lat, lon in (("abc", "1"), ("95", "1"), ("nan", "1"), (None, None), ("inf", "0")):
        with pytest.raises(P.PlaceError):
            P.place_at(repository, lat, lon, "?", "carte")


def test_works_within_500_m_running_or_starting_within_30_days(repository, blocks):
    table = repository.table("chantiers")
    titles = table.frame["titre"].astype("str")
    block = blocks["travaux"]
    assert block.lines, "the demo has works in Rouen's centre"
    from shapely import Point
    from shapely.ops import nearest_points

    from features.travaux.data import find_roles, status_on

    here = Point(HOTEL_DE_VILLE[1], HOTEL_DE_VILLE[0])
    shapes = table.frame["geo_shape"].where(table.frame["geo_shape"].notna(), table.frame["geo_point_2d"])
    away = np.array([metres(*HOTEL_DE_VILLE, *reversed(nearest_points(here, g)[1].coords[0])) if g is not None
                     else math.inf for g in shapes])
    status = status_on(table, find_roles(table), NOW.date(), repository.catalogue.get("chantiers").modified)
    soon = table.frame["date_debut"] <= np.datetime64(NOW.date() + dt.timedelta(days=30))
    eligible = (status.isin(["en cours", "suspendu"]) | (status.eq("programmé") & soon)).to_numpy()
    assert {line["label"] for line in block.lines} == set(titles[eligible & (away <= B.NEAR_METRES)])
    for line in block.lines:
        assert line["status"].split(" (")[0] in ("en cours", "suspendu", "programmé")
        assert line["start"] <= np.datetime64(NOW.date() + dt.timedelta(days=30))
        shown = int(line["distance"].split()[0])
        assert shown <= B.NEAR_METRES
        assert abs(shown - away[int(np.flatnonzero(titles == line["label"])[0])]) <= 10  # rounded to 10 m
    assert "ma_commune=Rouen" in block.link[0]


def test_the_three_nearest_stops_with_departures_after_now(repository, blocks):
    from features.transports import data as T

    block = blocks["arrets"]
    net = T.network(repository.table("reseau-astuce-gtfs"))
    assert [line["label"] for line in block.lines] == list(dict.fromkeys(line["label"] for line in block.lines))
    assert len(block.lines) == B.STOPS
    # the names of the served stops, by the distance of their nearest platform
    lat, lon = net.stops["lat"].to_numpy(), net.stops["lon"].to_numpy()
    nearest: dict[str, float] = {}
    for s in np.flatnonzero(np.diff(net.stop_rows) > 0):
        name = net.stops.at[s, "name"]
        nearest[name] = min(nearest.get(name, math.inf), metres(*HOTEL_DE_VILLE, lat[s], lon[s]))
    assert [line["label"] for line in block.lines] == sorted(nearest, key=nearest.get)[:B.STOPS]
    for line in block.lines:
        assert line["departures"], line
        times = [d["time"] for d in line["departures"]]
        assert times == sorted(times) and times[0] >= "08:30"
        assert "min à pied" in line["distance"] and line["href"].endswith(f"arret={line['stop_id']}#transports-arret-titre")


@pytest.mark.parametrize(("key", "dataset"), [("velo", "stations-lovelo"), ("parking", "parkings")])
def test_the_nearest_bike_station_and_car_park(repository, blocks, key, dataset):
    table = repository.table(dataset)
    points = table.frame[table.geometry_field.name]
    distances = [metres(*HOTEL_DE_VILLE, p.y, p.x) for p in points]
    best = int(np.argmin(distances))
    line = blocks[key].lines[0]
    assert line["label"] == table.frame["nom"].iloc[best]
    assert line["value"].startswith(str(int(table.frame["capacite"].iloc[best])))


def test_associations_within_500_m_counted_and_listed(repository, blocks):
    table = repository.table("associations")
    points = table.frame[table.geometry_field.name]
    acting = table.frame["position"] == "A"  # the dissolved (D) are not counted
    assert (~acting).any()
    expected = sum(metres(*HOTEL_DE_VILLE, p.y, p.x) <= B.NEAR_METRES for p, a in zip(points, acting)
                   if p is not None and a)
    block = blocks["associations"]
    assert block.text.startswith(f"{expected} associations en activité à moins de 500 m")
    assert len(block.lines) == min(expected, B.ASSOCIATIONS_LISTED)
    assert "refine.code_insee=76540" in block.link[0]


def test_archive_services_of_the_commune_and_care_against_the_metropole(repository, blocks):
    table = repository.table("services-archives")
    assert [line["label"] for line in blocks["archives"].lines] == \
        table.frame.loc[table.frame["code_insee_commune"] == "76540", "nom_du_service"].tolist()
    care = blocks["soins"]
    soins = repository.table("offre-de-soins").frame
    latest = soins[soins["annee"] == soins["annee"].max()]
    doctors = next(line for line in care.lines if line["label"] == "Médecins généralistes")
    assert doctors["value"] == pytest.approx(float(latest.loc[latest["code_insee"] == "76540",
                                                              "medecins_generalistes"].iloc[0]))
    weighted = (latest["medecins_generalistes"] * latest["population"]).sum() / latest["population"].sum()
    assert doctors["overall"] == pytest.approx(weighted)
    assert doctors["definition"].startswith("médecins généralistes libéraux")


def test_a_commune_alone_answers_what_a_commune_can(repository):
    place = P.commune_place(repository, "76451")
    found = {b.key: b for b in answers(repository, place, NOW).blocks}
    assert place.commune_name == "Mont-Saint-Aignan"
    assert "Choisissez une adresse ou un point" in found["bureau"].text
    assert "Choisissez une adresse ou un point" in found["arrets"].text
    assert found["travaux"].title == "Travaux à Mont-Saint-Aignan"
    assert found["soins"].lines and not [b for b in found.values() if b.missing]
    with pytest.raises(P.PlaceError):
        P.commune_place(repository, "99999")


def test_an_address_id_gives_its_place(repository):
    found = P.address_table(repository)
    table = found[1]
    row = 100
    place = P.address_place(repository, P.address_id(table, row))
    point = table.frame[table.geometry_field.name].iloc[row]
    assert (place.lat, place.lon) == (point.y, point.x) and place.how == "adresse"
    assert place.commune == table.frame["code_insee"].iloc[row]
    with pytest.raises(P.PlaceError, match="n'est pas dans la base"):
        P.address_place(repository, "76540_inconnue")


def test_a_shared_place_is_rounded_to_about_ten_metres():
    place = P.Place(label="", lat=49.443123456, lon=1.099345678)
    shared = dict(place.shared())
    assert shared == {"lat": "49.4431", "lon": "1.0993"}
    assert metres(place.lat, place.lon, float(shared["lat"]), float(shared["lon"])) < 10
