"""The address search (the « près de chez moi » page's building block): prefixes, no accents or case, a missing
house number or street type tolerated, one entry per street without a number."""
from __future__ import annotations

import gzip

import pytest

from data_access.addresses import search
from data_access.catalogue.model import Dataset, FieldSpec, Position
from data_access.readers import read_table
from tests.helpers.national_shapes import ban_csv_gz, ban_rows

FIELDS = (FieldSpec(name="numero", type="text", role="house_number"),
          FieldSpec(name="rep", type="text", role="house_number_suffix"),
          FieldSpec(name="nom_voie", role="street"), FieldSpec(name="code_postal", type="text", role="postcode"),
          FieldSpec(name="code_insee", type="text", role="commune"),
          FieldSpec(name="nom_commune", role="commune_name"))


@pytest.fixture(scope="module")
def addresses(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ban")
    (folder / "adresses.csv").write_bytes(gzip.decompress(ban_csv_gz(ban_rows())))
    dataset = Dataset(id="adresses", title="Adresses", theme="Territoire", format="csv", path="adresses.csv",
                      fields=FIELDS, position=Position(lat="lat", lon="lon"))
    return read_table(dataset, folder / "adresses.csv")


def labels(table, query: str, limit: int = 10) -> list[str]:
    return [r["label"] for r in search(table, query, limit)]


def test_a_number_a_street_and_a_commune_give_that_address(addresses):
    found = search(addresses, "2 rue de la republique rouen")
    # Rouen itself first, then the communes whose name holds « Rouen »
    assert [r["label"] for r in found] == ["2 Rue de la République, 76000 Rouen",
                                           "2 Rue de la République, 76000 Déville-lès-Rouen",
                                           "2 Rue de la République, 76000 Sotteville-lès-Rouen"]
    row = addresses.frame.iloc[found[0]["row"]]
    assert (row["numero"], row["nom_commune"]) == ("2", "Rouen")
    assert (found[0]["lat"], found[0]["lon"]) == (round(row["geo_point_2d"].y, 6), round(row["geo_point_2d"].x, 6))


def test_prefixes_accents_case_and_abbreviations(addresses):
    assert labels(addresses, "2 RÉPUB ROU")[0] == "2 Rue de la République, 76000 Rouen"
    assert labels(addresses, "2 republique rouen") == labels(addresses, "2 rue de la republique rouen")  # no type
    assert labels(addresses, "bd de l'yser rouen")[0] == "Boulevard de l'Yser, 76000 Rouen"
    assert labels(addresses, "1 bis rue de la republique rouen")[0] == "1 bis Rue de la République, 76000 Rouen"
    assert labels(addresses, "jaures sotteville les")[0] == "Rue Jean Jaurès, 76000 Sotteville-lès-Rouen"


def test_without_a_number_or_with_an_unknown_one_the_streets_are_given(addresses):
    assert labels(addresses, "republique rouen")[0] == "Rue de la République, 76000 Rouen"
    assert labels(addresses, "99 rue de la republique rouen") == labels(addresses, "republique rouen")
    everywhere = labels(addresses, "republique", limit=20)
    assert len(everywhere) == 20 and len(set(everywhere)) == 20  # one entry per commune's street


def test_nothing_typed_or_nothing_found(addresses):
    assert search(addresses, "") == [] and search(addresses, "de la") == []
    assert search(addresses, "rue des zèbres rouen") == []


def test_an_abbreviation_is_also_a_prefix(addresses):
    """« qu » may be « quai » or the start of « Quevillon »: typing a name letter by letter never loses it."""
    assert any("Quevillon" in label for label in labels(addresses, "qu", limit=20))
    assert labels(addresses, "rue ch") and all(label.endswith("Chant-d'Oisel") for label in labels(addresses, "rue ch"))
    assert labels(addresses, "ch")[0].startswith("Chemin")  # the street type's full word still counts
    assert labels(addresses, "rue sai") == labels(addresses, "rue saint")
    assert labels(addresses, "rue st sever rouen")[0] == "Rue Saint-Sever, 76000 Rouen"


def test_a_long_hostile_query_is_cut_short(addresses):
    """Each word looked up costs a slice of the index: repeated words once, one one-letter word, 8 words at most."""
    from data_access.addresses import MAX_TERMS, query_terms, words

    assert query_terms(words("r r r rue rue de la republique rouen")) == ["r", "rue", "republique", "rouen"]
    assert query_terms(words(" ".join("abcdefghijklmnopqrstuvwxyz"))) == ["b"]  # « a » is a little word
    assert len(query_terms(words("un deux trois quatre cinq six sept huit neuf dix"))) == MAX_TERMS
    assert labels(addresses, "rue rue rue republique republique rouen")[0] == "Rue de la République, 76000 Rouen"
