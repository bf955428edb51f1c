"""One definition per figure: every figure the portal shows in more than one place, with its name, its definition
in French, its unit, the code that computes it and where it is shown. Pages take their words from here, and mark
the element that shows a figure (`marque`), so that a test can check that one figure has one value everywhere
(tests/features/communes/test_one_definition_per_figure.py). Two different things never carry the same words:
the stop-level « points d'arrêt » of a GTFS feed are not the « arrêts » a reader counts."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    name: str  # the words pages show
    definition: str  # one sentence a citizen can read
    unit: str
    code: str  # the function that computes it
    shown_in: tuple[str, ...]
    commune_key: str | None = None  # its key among the communes' figures (features/communes/chiffres.py)


FIGURES = {d.key: d for d in (
    Definition("population", "population municipale", "habitants recensés par l'INSEE (population municipale)",
               "hab.", "features.communes.chiffres._territory",
               ("/ (accueil)", "/communes/<code>", "/communes/comparer"), "population"),
    Definition("lignes", "lignes en service", "lignes dont au moins un voyage circule ce jour-là", "lignes",
               "features.transports.data.day_figures, features.communes.chiffres._transport",
               ("/tableaux-de-bord/transports", "/communes/<code>", "/communes/comparer"), "lignes"),
    Definition("departs", "départs", "passages où l'on peut monter ce jour-là (terminus d'arrivée exclus)",
               "départs", "features.transports.data.departures_per_stop",
               ("/tableaux-de-bord/transports", "/communes/<code>", "/communes/comparer"), "departs"),
    Definition("points-d-arret", "points d'arrêt desservis",
               "points d'arrêt du fichier (chaque quai compte) où au moins un voyage s'arrête ce jour-là",
               "points d'arrêt", "features.transports.data.day_figures", ("/tableaux-de-bord/transports",)),
    Definition("arrets", "arrêts desservis",
               "arrêts où au moins un voyage s'arrête ce jour-là, les quais d'un même arrêt comptant une fois",
               "arrêts", "features.communes.chiffres._transport", ("/communes/<code>", "/communes/comparer"),
               "arrets"),
    Definition("chantiers-actifs", "chantiers en cours ou commençant dans les 30 jours",
               "chantiers commencés et pas encore terminés à la date, ou qui commencent dans les 30 jours",
               "chantiers", "features.communes.chiffres._works", ("/communes/<code>", "/communes/comparer"),
               "travaux"),
)}


BY_COMMUNE_KEY = {d.commune_key: d for d in FIGURES.values() if d.commune_key}


def definition(key: str) -> Definition:
    return FIGURES[key]


def commune_marque(figure_key: str, territoire: str) -> dict:
    """`marque` for one of the communes' figures, or nothing when the registry does not declare it."""
    found = BY_COMMUNE_KEY.get(figure_key)
    return marque(found.key, territoire) if found else {}


def marque(key: str, territoire: str) -> dict:
    """The attributes that say which registered figure an element shows, and for which territory (« metropole »,
    « reseau » for a whole GTFS feed, or a commune's INSEE code)."""
    if key not in FIGURES:
        raise KeyError(f"chiffre non déclaré : {key}")
    return {"data-chiffre": key, "data-territoire": territoire}
