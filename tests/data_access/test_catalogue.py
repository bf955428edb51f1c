"""catalogue.toml: parsed into frozen dataclasses; every error is one line naming the dataset and the key."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from data_access.catalogue.model import CatalogueError, load_catalogue, parse_catalogue
from tests.helpers.paths import FIXTURES

GOOD = """
[portal]
title = "Open data — Métropole Rouen Normandie"
publisher = "Métropole Rouen Normandie"

[[dataset]]
id = "chantiers"
title = "Chantiers et travaux"
description = "Les **chantiers**."
theme = "Travaux"
keywords = ["voirie", "travaux"]
license = "Licence Ouverte v2.0"
modified = 2026-10-01
format = "csv"
path = "chantiers.csv"
csv = { delimiter = ";", encoding = "utf-8-sig" }
dashboard = "travaux"

[[dataset.field]]
name = "statut"
label = "Statut"
type = "text"
facet = true
role = "status"

[dataset.source]
kind = "ods"
base_url = "https://data.metropole-rouen-normandie.fr"
dataset_id = "travaux-json"
"""


def test_a_complete_entry_is_parsed(tmp_path):
    catalogue = parse_catalogue(GOOD, tmp_path)
    dataset = catalogue.get("chantiers")
    assert dataset.title == "Chantiers et travaux"
    assert dataset.keywords == ("voirie", "travaux")
    assert dataset.modified == dt.date(2026, 10, 1)
    assert dataset.publisher == "Métropole Rouen Normandie"  # inherited from [portal]
    assert dataset.csv.delimiter == ";" and dataset.csv.encoding == "utf-8-sig"
    assert dataset.role_field("status") == "statut" and dataset.role_field("budget") is None
    assert dataset.source.kind == "ods" and dataset.source.dataset_id == "travaux-json"
    assert catalogue.file_path(dataset) == tmp_path / "chantiers.csv"
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset.title = "autre"


def _with(line_old: str, line_new: str) -> str:
    assert line_old in GOOD
    return GOOD.replace(line_old, line_new)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_with('format = "csv"', 'fromat = "csv"'),
         "jeu de données « chantiers », clé « fromat » : clé inconnue (vouliez-vous écrire « format » ?)"),
        (_with('format = "csv"', 'format = "xls"'), "jeu de données « chantiers », clé « format » : valeur « xls » inconnue"),
        (_with('id = "chantiers"', 'id = "Chantiers 2"'), "jeu de données « Chantiers 2 », clé « id »"),
        (_with('title = "Chantiers et travaux"\n', ''), "jeu de données « chantiers », clé « title » : obligatoire"),
        (_with('path = "chantiers.csv"', 'path = "../etc/passwd"'), "jeu de données « chantiers », clé « path »"),
        (_with('modified = 2026-10-01', 'modified = "hier"'), "jeu de données « chantiers », clé « modified » : une date"),
        (_with('type = "text"', 'type = "string"'), "jeu de données « chantiers », clé « field[0].type » : valeur « string »"),
        (_with('facet = true', 'facette = true'), "clé « field[0].facette » : clé inconnue (vouliez-vous écrire « field[0].facet » ?)"),
        (_with('dashboard = "travaux"', 'dashboard = "travail"'), "clé « dashboard » : valeur « travail » inconnue"),
        (_with('kind = "ods"', 'kind = "ftp"'), "clé « source.kind »"),
        (_with('delimiter = ";"', 'delimiter = ";;"'), "clé « csv.delimiter »"),
        (_with('encoding = "utf-8-sig"', 'encoding = "klingon"'), "clé « csv.encoding » : encodage « klingon » inconnu"),
        (GOOD + '[[dataset]]\nid = "chantiers"\ntitle = "Bis"\ntheme = "T"\nformat = "csv"\npath = "b.csv"\n',
         "jeu de données « chantiers », clé « id » : cet identifiant est déjà utilisé"),
        (GOOD.replace("[portal]", "[portail]"), "catalogue, clé « portail » : section inconnue (vouliez-vous écrire « portal » ?)"),
        ("[[dataset]\nid=", "syntaxe TOML invalide"),
        # the keys of the real sources' shapes
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nxlsx = { sheets = "all" }'),
         "clé « xlsx » : réservée aux classeurs (format = \"xlsx\"), pas au format « csv »"),
        (_with('format = "csv"', 'format = "xlsx"').replace('csv = { delimiter = ";", encoding = "utf-8-sig" }',
                                                            'xlsx = { sheets = "toutes" }'),
         "clé « xlsx.sheets » : valeur « toutes » inconnue (valeurs possibles : latest, all)"),
        (_with('format = "csv"', 'format = "xlsx"').replace('csv = { delimiter = ";", encoding = "utf-8-sig" }',
                                                            'xlsx = { sheet = "APL 2023", header_row = 0 }'),
         "clé « xlsx.header_row » : un numéro de ligne entre 1 et 1000 est attendu"),
        (_with('format = "csv"', 'format = "xlsx"').replace('csv = { delimiter = ";", encoding = "utf-8-sig" }',
                                                            'xlsx = { header_row = "9" }'),
         "clé « xlsx.header_row » : un nombre entier est attendu, pas '9'"),
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nposition = { lat = "ylat" }'),
         "clé « position.lon » : obligatoire : le champ qui donne la longitude"),
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nposition = { lat = "y", lon = "y" }'),
         "clé « position.lon » : la latitude et la longitude doivent être deux champs différents"),
        (_with('facet = true', 'facet = true\nseparator = " "'), "clé « field[0].separator » : un séparateur"),
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nfrequency = "hebdo"'),
         "clé « frequency » : valeur « hebdo » inconnue"),
        # a record's identity across versions
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nkey = 12'),
         "clé « key » : "),
        (_with('dashboard = "travaux"', 'dashboard = "travaux"\nkey = ["id", "id"]'),
         "clé « key » : un nom de champ, ou une liste de noms de champs distincts, est attendu"),
        (_with('facet = true', 'facet = true\naliases = "Statut du chantier"'),
         "clé « field[0].aliases » : une liste est attendue"),
        (_with('facet = true', 'facet = true\naliases = [""]'), "clé « field[0].aliases » : une liste de noms"),
        (_with('facet = true', 'facet = true\nhtml = "oui"'), "clé « field[0].html » : true ou false est attendu"),
        (_with('type = "text"', 'type = "int"\nseparator = ","'),
         "clé « field[0].separator » : réservée aux champs de texte, pas au type « int »"),
        (_with('type = "text"', 'type = "date"\nhtml = true'), "clé « field[0].html » : réservée aux champs de texte"),
        (_with('format = "csv"', 'format = "xlsx"').replace('csv = { delimiter = ";", encoding = "utf-8-sig" }',
                                                            'xlsx = { sheet = " " }'),
         "clé « xlsx.sheet » : le nom d'une feuille du classeur est attendu"),
        # a national file's keys, where the sync cannot apply them
        (_with('dataset_id = "travaux-json"', 'dataset_id = "travaux-json"\nformat = "topojson"'),
         "clé « source.format » : un TopoJSON est servi en GeoJSON : format = \"geojson\" attendu"),
        (_with('dataset_id = "travaux-json"', 'dataset_id = "travaux-json"\nkeep = { field = "insee", communes = '
                                              '"chantiers", names = "nom" }'),
         "clé « source.keep.names » : ne s'applique qu'aux formes (format = \"geojson\")"),
        (_with('format = "csv"', 'format = "parquet"').replace('csv = { delimiter = ";", encoding = "utf-8-sig" }\n', '')
         .replace('dataset_id = "travaux-json"', 'dataset_id = "travaux-json"\nkeep = { field = "insee", codes = '
                                                 '["76540"] }'),
         "clé « source.keep » : la synchronisation ne découpe que les fichiers CSV et GeoJSON, pas « parquet »"),
    ],
)
def test_errors_name_the_dataset_and_the_key(tmp_path, text, expected):
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text, tmp_path)
    message = str(caught.value)
    assert expected in message
    assert message.startswith("catalogue.toml : ") and "\n" not in message


def test_a_missing_catalogue_file_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogueError, match="fichier introuvable"):
        load_catalogue(tmp_path)


def test_the_fixture_portal_parses():
    catalogue = load_catalogue(FIXTURES / "portal")
    assert [d.id for d in catalogue.datasets] == ["chantiers", "communes", "absent"]
    assert catalogue.themes == ("Territoire", "Travaux")


def test_the_keys_of_the_real_sources_shapes_are_parsed(tmp_path):
    text = _with('format = "csv"', 'format = "xlsx"').replace(
        'csv = { delimiter = ";", encoding = "utf-8-sig" }',
        'xlsx = { sheets = "all", year_field = "annee_apl" }\nposition = { lat = "ylat", lon = "xlong" }').replace(
        'facet = true', 'facet = true\nseparator = ","\nhtml = true\naliases = ["Statut du chantier", "État"]')
    dataset = parse_catalogue(text, tmp_path).get("chantiers")
    assert (dataset.format, dataset.xlsx.sheets, dataset.xlsx.year_field, dataset.xlsx.sheet) == \
        ("xlsx", "all", "annee_apl", None)
    assert (dataset.position.lat, dataset.position.lon) == ("ylat", "xlong")
    spec = dataset.field_spec("statut")
    assert (spec.separator, spec.html, spec.aliases) == (",", True, ("Statut du chantier", "État"))
    assert spec.matches("État") and spec.matches("statut") and spec.matches("Statut") and not spec.matches("Etat civil")
