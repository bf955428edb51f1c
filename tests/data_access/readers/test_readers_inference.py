"""CSV type inference keeps every value: long numbers, phone numbers and codes stay text, measures stay numbers."""
from __future__ import annotations

import pandas as pd

from data_access.catalogue.model import Dataset, FieldSpec
from data_access.readers import read_table


def read_csv(tmp_path, text: str, fields: tuple[FieldSpec, ...] = ()):
    path = tmp_path / "jeu.csv"
    path.write_text(text, encoding="utf-8")
    dataset = Dataset(id="test", title="Test", theme="Test", format="csv", path=path.name, fields=fields)
    return read_table(dataset, path)


def types_and_values(table, name: str) -> tuple[str, list]:
    return table.field(name).type, table.frame[name].tolist()


def test_numbers_longer_than_15_digits_stay_text_with_every_digit(tmp_path):
    table = read_csv(tmp_path, "matricule;ident_16;montant\n"
                               "12345678901234567890;1234567890123456;1234.5\n"
                               "98765432109876543210;9007199254740993;-12\n")
    assert types_and_values(table, "matricule") == ("text", ["12345678901234567890", "98765432109876543210"])
    # 2**53 + 1: exact in int64, but not once it becomes a float (a chart, a JSON answer to the browser)
    assert types_and_values(table, "ident_16") == ("text", ["1234567890123456", "9007199254740993"])
    assert types_and_values(table, "montant") == ("double", [1234.5, -12.0])


def test_a_long_integer_part_keeps_a_decimal_column_as_text(tmp_path):
    table = read_csv(tmp_path, "valeur;mesure\n12345678901234567.5;0.30000000000000004\n1.5;2.5\n")
    assert types_and_values(table, "valeur") == ("text", ["12345678901234567.5", "1.5"])
    # many decimals are a float's precision, not an id: still a number
    assert types_and_values(table, "mesure") == ("double", [0.30000000000000004, 2.5])


def test_phone_numbers_with_a_leading_plus_stay_text(tmp_path):
    table = read_csv(tmp_path, "contact;evolution\n+33235000000;+1.5\n+33612345678;-0.25\n;\n")
    kind, values = types_and_values(table, "contact")
    assert kind == "text" and values[:2] == ["+33235000000", "+33612345678"] and pd.isna(values[2])
    # a sign on a decimal is a measure's (an evolution), never a phone number's
    kind, values = types_and_values(table, "evolution")
    assert kind == "double" and values[:2] == [1.5, -0.25] and pd.isna(values[2])


CODE_COLUMNS = ("codgeo", "depcom", "cog", "com", "codecommune", "codeinsee", "codepostal", "codcom", "coddep",
                "codreg", "iris", "code_iris", "epci", "siren_epci", "rpps", "telephone", "tel")


def test_code_like_column_names_keep_integer_looking_codes_as_text(tmp_path):
    header = ";".join(CODE_COLUMNS)
    rows = [";".join(["76540"] * len(CODE_COLUMNS)), ";".join(["01001"] + ["76005"] * (len(CODE_COLUMNS) - 1))]
    table = read_csv(tmp_path, "\n".join([header, *rows]) + "\n")
    read = {name: types_and_values(table, name) for name in CODE_COLUMNS}
    expected = {name: ("text", ["76540", "01001" if name == "codgeo" else "76005"]) for name in CODE_COLUMNS}
    assert read == expected


def test_measures_named_after_a_code_stay_numbers(tmp_path):
    # « com », « dep », « region » and « codes » are code words, but a count or a rate of them is a number
    columns = {"nb_com": [71, 3], "nb_dep": [5, 1], "population_region": [3325000, 3300000],
               "nombre_codes_postaux": [4, 1], "taux_dep": [12, 7]}
    text = ";".join(columns) + "\n" + "\n".join(";".join(str(v[i]) for v in columns.values()) for i in range(2))
    table = read_csv(tmp_path, text + "\n")
    assert {name: types_and_values(table, name) for name in columns} == {
        name: ("int", values) for name, values in columns.items()}


def test_measures_and_codes_read_side_by_side(tmp_path):
    table = read_csv(tmp_path, "codgeo;libgeo;population;nb_places;capacite\n"
                               "76540;Rouen;110000;1200;300\n76005;Amfreville;3000;40;12\n")
    assert types_and_values(table, "codgeo") == ("text", ["76540", "76005"])
    assert types_and_values(table, "population") == ("int", [110000, 3000])
    assert types_and_values(table, "nb_places") == ("int", [1200, 40])
    assert types_and_values(table, "capacite") == ("int", [300, 12])


def test_declared_types_still_win_over_the_guess(tmp_path):
    fields = (FieldSpec(name="codgeo", type="int"), FieldSpec(name="contact", type="int"),
              FieldSpec(name="population", type="text"))
    table = read_csv(tmp_path, "codgeo;depcom;contact;tel;population\n"
                               "76540;76540;+33235000000;+33235000000;110000\n", fields)
    assert types_and_values(table, "codgeo") == ("int", [76540])
    assert types_and_values(table, "contact") == ("int", [33235000000])
    assert types_and_values(table, "population") == ("text", ["110000"])
    # the same values, undeclared, are guessed as codes
    assert types_and_values(table, "depcom") == ("text", ["76540"])
    assert types_and_values(table, "tel") == ("text", ["+33235000000"])


def test_a_declared_int_too_long_for_a_number_is_read_as_text_with_a_note(tmp_path):
    fields = (FieldSpec(name="matricule", type="int"), FieldSpec(name="effectif", type="int"))
    table = read_csv(tmp_path, "matricule;effectif\n12345678901234567890;9007199254740993\n12;+12\n", fields)
    assert types_and_values(table, "matricule") == ("text", ["12345678901234567890", "12"])
    assert table.notes == ("jeu.csv : le champ « matricule » est déclaré int mais 1 valeur(s) ne le sont pas ; "
                           "il est lu comme texte",)
    # within int64, a declared int keeps every digit
    assert types_and_values(table, "effectif") == ("int", [9007199254740993, 12])
