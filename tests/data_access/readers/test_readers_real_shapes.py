"""The readers on the shapes of Rouen's real sources (ROUEN-SOURCES.md): an XLSX workbook with title rows and one
sheet per year, positions in two number columns, multivalued fields, HTML text and periods written as text."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from data_access.catalogue.model import Dataset, FieldSpec, Position, XlsxOptions
from data_access.dataset_view import facet_counts
from data_access.extracts.writers import formats_for
from data_access.query import parse_query
from data_access.readers import ReadError, probe, read_table
from data_access.readers.derived import html_to_text, parse_date_range
from tests.helpers.engines import backend_of
from tests.helpers.fake_ods import FakeServer
from tests.helpers.oracle import row_positions
from tests.helpers.real_shapes import OUTLINES, parking_rows, travaux_rows
from tests.helpers.real_shapes_sante import apl_workbook, effectifs_csv, effectifs_rows

CODE = FieldSpec(name="code_commune", type="text", role="commune", aliases=("Code commune INSEE", "Code commune"))
APL = FieldSpec(name="apl", role="indicator", aliases=("APL aux médecins généralistes de moins de 65 ans",
                                                       "APL aux médecins généralistes de moins de 62 ans"))


def dataset(path, fmt="csv", **kwargs) -> Dataset:
    return Dataset(id="test", title="Test", theme="Test", format=fmt, path=path, **kwargs)


def csv_export(rows: list[dict]) -> bytes:
    """An export as the fake Opendatasoft server writes it."""
    with FakeServer() as fake:
        fake.tables["x"] = rows
        return fake._csv("x", [])


# ---- XLSX ----------------------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "apl.xlsx"
    path.write_bytes(apl_workbook())
    return path


def test_a_workbook_reads_the_latest_year_sheet_below_its_title_rows(workbook):
    table = read_table(dataset("apl.xlsx", "xlsx", fields=(CODE, APL)), workbook)
    assert len(table) == 75  # the Métropole's 71 communes and 4 others; the note under the table left out
    assert set(table.frame["annee"]) == {2023}  # the year of the sheet « APL 2023 », in its own column
    assert table.field("apl").type == "double" and table.field("apl").role == "indicator"
    assert table.field("code_commune").label == "Code commune INSEE"  # the header as the file writes it
    rouen = table.frame[table.frame["code_commune"] == "76540"]
    assert len(rouen) == 1 and 1.5 <= rouen["apl"].iloc[0] <= 5.5
    assert "01001" in set(table.frame["code_commune"])  # a code stored as the number 1001 gets its zero back
    assert any("complété(s) de zéros initiaux" in note for note in table.notes)
    assert any("1 ligne(s) de notes sous le tableau de « APL 2023 »" in note for note in table.notes)


def test_all_year_sheets_stack_with_their_year_and_renamed_columns_read_as_one_field(workbook):
    table = read_table(dataset("apl.xlsx", "xlsx", fields=(CODE, APL), xlsx=XlsxOptions(sheets="all")), workbook)
    frame = table.frame
    assert len(table) == 150 and frame.groupby("annee").size().to_dict() == {2019: 75, 2023: 75}
    # « Code commune » (2019) and « Code commune INSEE » (2023) are one column; so are the 62 and 65 ans APL
    assert frame["code_commune"].notna().all() and frame["apl"].notna().sum() == 150 - 2 * 1
    assert "apl_aux_medecins_generalistes_de_moins_de_65_ans" not in frame.columns
    # an edition's own columns are kept, empty for the other edition's rows
    assert frame.loc[frame["annee"] == 2023, "apl_aux_medecins_generalistes_sans_borne_d_age"].isna().all()
    assert frame.loc[frame["annee"] == 2019, "apl_aux_medecins_generalistes_sans_borne_d_age"].notna().sum() == 74


def test_a_sheet_is_chosen_by_name_and_a_header_row_can_be_given(workbook):
    table = read_table(dataset("apl.xlsx", "xlsx", fields=(CODE, APL), xlsx=XlsxOptions(sheet="APL_2019")), workbook)
    assert set(table.frame["annee"]) == {2019} and len(table) == 75
    plain = read_table(dataset("apl.xlsx", "xlsx", xlsx=XlsxOptions(sheet="APL_2019", header_row=9)), workbook)
    assert "code_commune" in plain.frame.columns and len(plain) == 75  # no declared field: the 9th row given
    guessed = read_table(dataset("apl.xlsx", "xlsx", xlsx=XlsxOptions(sheet="APL_2019")), workbook)
    assert [f.name for f in guessed.fields] == [f.name for f in plain.fields]  # found as the first full row
    with pytest.raises(ReadError, match="pas de feuille « APL 2030 » \\(feuilles : Sommaire, APL_2019, APL 2023\\)"):
        read_table(dataset("apl.xlsx", "xlsx", xlsx=XlsxOptions(sheet="APL 2030")), workbook)


def test_a_file_that_is_not_a_workbook_is_refused_with_its_name(tmp_path):
    path = tmp_path / "apl.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="classeur XLSX illisible : apl.xlsx"):
        read_table(dataset("apl.xlsx", "xlsx"), path)
    path.write_text("Code;APL\n", encoding="utf-8")
    assert probe(dataset("apl.xlsx", "xlsx"), path) == "apl.xlsx n'est pas un classeur XLSX"


# ---- positions from two number columns -------------------------------------------------------------------------


def test_a_position_in_two_number_columns_makes_a_point_dataset(tmp_path):
    (tmp_path / "p.csv").write_bytes(csv_export(parking_rows()))
    parkings = dataset("p.csv", position=Position(lat="ylat", lon="xlong"))
    table = read_table(parkings, tmp_path / "p.csv")
    geometry = table.geometry_field
    assert geometry.name == "geo_point_2d" and geometry.type == "geo_point_2d"
    points = table.frame[geometry.name]
    assert (points.iloc[0].y, points.iloc[0].x) == (49.452, 1.077)
    assert points.iloc[4] is None  # no position given: no point, the row is kept
    assert "geojson" in formats_for(table)
    assert table.field("ylat").type == "double"  # the columns themselves stay


def test_out_of_range_or_missing_position_columns_are_said(tmp_path):
    rows = parking_rows()
    rows[1]["ylat"] = 149.4
    rows[2].update(ylat=0, xlong=0)
    (tmp_path / "p.csv").write_bytes(csv_export(rows))
    table = read_table(dataset("p.csv", position=Position(lat="ylat", lon="xlong")), tmp_path / "p.csv")
    assert table.frame["geo_point_2d"].isna().tolist() == [False, True, True, False, True]
    assert any("1 position(s) à (0, 0), laissée(s) vide(s)" in note for note in table.notes)
    assert any("1 géométrie(s) de « Position » hors des degrés, laissée(s) vide(s)" in note for note in table.notes)
    # a name that matches no header: the error names the key and the file's closest headers
    with pytest.raises(ReadError, match=r"position.lat : « latitude » est absent du fichier \(en-têtes proches : « ylat »"):
        read_table(dataset("p.csv", position=Position(lat="latitude", lon="xlong")), tmp_path / "p.csv")


# ---- multivalued fields -----------------------------------------------------------------------------------------


@pytest.fixture
def effectifs(tmp_path):
    (tmp_path / "e.csv").write_bytes(effectifs_csv(effectifs_rows()))
    return read_table(dataset("e.csv", fields=(FieldSpec(name="niveau_prioritaire", separator=","),)),
                      tmp_path / "e.csv")


def test_a_multivalued_field_stays_text_and_refine_matches_any_of_its_values(effectifs, tmp_path):
    field = effectifs.field("niveau_prioritaire")
    assert field.type == "text" and field.separator == ","  # never « 2,3 » read as the number 2.3
    frame = effectifs.frame
    query, errors = parse_query("refine.niveau_prioritaire=3", effectifs.fields)
    kept = frame.iloc[row_positions(effectifs, query)]["niveau_prioritaire"]
    assert not errors and set(kept) == {"1,2,3", "2,3"}
    both, _ = parse_query("refine.niveau_prioritaire=1&refine.niveau_prioritaire=2", effectifs.fields)
    assert set(frame.iloc[row_positions(effectifs, both)]["niveau_prioritaire"]) == {"1,2,3", "2,3", "1"}
    backend = backend_of(effectifs, tmp_path, "effectifs")
    counts = {value: count for value, count, _ in facet_counts(backend, parse_query("", ())[0], (field,))[field.name]}
    per_value = frame["niveau_prioritaire"].value_counts()
    assert counts == {"2": per_value["1,2,3"] + per_value["2,3"], "3": per_value["1,2,3"] + per_value["2,3"],
                      "1": per_value["1,2,3"] + per_value["1"]}


def test_without_the_declaration_a_multivalued_column_can_pass_for_decimals(tmp_path):
    rows = [r for r in effectifs_rows() if r["niveau_prioritaire"] == ["2", "3"]]
    (tmp_path / "e.csv").write_bytes(effectifs_csv(rows))
    assert read_table(dataset("e.csv"), tmp_path / "e.csv").field("niveau_prioritaire").type == "double"
    declared = read_table(dataset("e.csv", fields=(FieldSpec(name="niveau_prioritaire", separator=","),)),
                          tmp_path / "e.csv")
    assert set(declared.frame["niveau_prioritaire"]) == {"2,3"}


def test_a_geojson_list_property_is_joined_with_the_declared_separator(tmp_path):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.09, 49.44]},
               "properties": {"com_code": ["76540"], "bv": ["76540", "76451"], "other": [1, 2]}}
    (tmp_path / "c.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    specs = (FieldSpec(name="com_code", separator=","), FieldSpec(name="bv", separator=","))
    frame = read_table(dataset("c.geojson", "geojson", fields=specs), tmp_path / "c.geojson").frame
    assert (frame["com_code"].iloc[0], frame["bv"].iloc[0], frame["other"].iloc[0]) == ("76540", "76540,76451", "[1, 2]")


# ---- HTML text and periods written as text ----------------------------------------------------------------------


def test_html_is_read_as_plain_text_without_scripts():
    assert html_to_text("<p>Circulation <strong>interdite</strong> ; déviation &amp; parking.</p><p>Suite</p>") == \
        "Circulation interdite ; déviation & parking.\nSuite"
    assert html_to_text("<ul><li>un</li><li>deux</li></ul>") == "• un\n• deux"
    assert html_to_text("a<script>alert('x')</script><img src=x onerror=alert(1)>b &lt;i&gt;") == "ab <i>"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Du 16/11/2026 au 29/01/2027", "2026-11-16", "2027-01-29"),
    ("du lundi 12 mars 2024 au vendredi 15 avril 2024", "2024-03-12", "2024-04-15"),
    ("du 12 au 15 mars 2024", "2024-03-12", "2024-03-15"),
    ("du 23 novembre au 18 décembre 2026", "2026-11-23", "2026-12-18"),
    ("du 1er au 3 juin 2025 de 08:00 à 17:00", "2025-06-01", "2025-06-03"),
    ("2024-03-12T08:00:00+01:00 - 2024-04-15T17:00:00+02:00", "2024-03-12", "2024-04-15"),
    ("2024-12-31T23:30:00Z", "2025-01-01", "2025-01-01"),  # UTC late at night is the next day in Paris
    ("Le 03/06/2025", "2025-06-03", "2025-06-03"),
    ("À partir du 2 mai 2025", "2025-05-02", None),
    ("Jusqu'au 30 juin 2025", None, "2025-06-30"),
    ("du 31/04/2024 au 02/05/2024", None, "2024-05-02"),  # no 31st of April
    ("du 2024-13-45 au 2024-04-01", None, "2024-04-01"),  # a date that cannot be read is left empty
    ("2024-03-12T25:00:00", None, None),
    ("Du 30 novembre au 2 janvier 2027", "2026-11-30", "2027-01-02"),  # across New Year: the year before
    ("du 30 au 2 janvier 2027", "2026-12-30", "2027-01-02"),  # and the month before
    ("dates à venir", None, None),
])
def test_a_period_written_as_text_gives_its_start_and_end(text, start, end):
    assert parse_date_range(text) == (start and pd.Timestamp(start), end and pd.Timestamp(end))


TRAVAUX_FIELDS = (FieldSpec(name="field_date_debut_1", role="start_date"),
                  FieldSpec(name="field_date_fin_1", role="planned_end_date"),
                  FieldSpec(name="field_date_debut", role="date_range"),
                  FieldSpec(name="body", html=True, role="description"))


def test_the_travaux_feed_fills_missing_dates_from_its_period_and_reads_its_body_as_text(tmp_path):
    (tmp_path / "t.csv").write_bytes(csv_export(travaux_rows()))
    table = read_table(dataset("t.csv", fields=TRAVAUX_FIELDS), tmp_path / "t.csv")
    frame = table.frame
    industriel = frame[frame["title"].str.startswith("Boulevard Industriel")].iloc[0]
    assert (industriel["field_date_debut_1"], industriel["field_date_fin_1"]) == \
        (pd.Timestamp("2026-11-23"), pd.Timestamp("2026-12-18"))  # empty in the feed, read from « du … au … »
    assert any("2 date(s) de début ou de fin lue(s)" in note for note in table.notes)
    assert industriel["body"] == "Reprise de la chaussée."  # the script and the image are gone
    assert not frame["body"].str.contains("<", regex=False).any()


def test_without_start_and_end_fields_the_period_gives_them(tmp_path):
    (tmp_path / "t.csv").write_bytes(csv_export(travaux_rows()))
    table = read_table(dataset("t.csv", fields=(FieldSpec(name="field_date_debut", label="Dates", role="date_range"),)),
                       tmp_path / "t.csv")
    start, end = table.role_field("start_date"), table.role_field("planned_end_date")
    assert (start.name, end.name, start.type) == ("field_date_debut_debut", "field_date_debut_fin", "date")
    assert start.label == "Début (d'après « Dates »)"
    assert table.frame[start.name].notna().all() and table.frame[end.name].iloc[0] == pd.Timestamp("2027-01-29")


def test_the_outlines_shipped_with_the_demo_are_the_71_communes():
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    assert len(features) == 71 and len({f["properties"]["code"] for f in features}) == 71
    assert np.all([f["properties"]["code"].startswith("76") for f in features])


def workbook_of(tmp_path, sheets: dict[str, list[list]]):
    """A workbook whose sheets hold the given rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "w.xlsx"
    book.save(path)
    return path


TITLE = ["Accessibilité potentielle localisée"]


def test_a_year_sheet_without_a_table_is_passed_over_with_a_note(tmp_path):
    path = workbook_of(tmp_path, {"APL 2022": [TITLE, ["Code commune", "APL"], ["76540", 4.1]],
                                  "APL 2023": [TITLE], "APL 2024": []})
    table = read_table(dataset("w.xlsx", "xlsx", fields=(CODE,)), path)
    assert table.frame["annee"].tolist() == [2022] and table.frame["code_commune"].tolist() == ["76540"]
    assert any("« APL 2023 » n'a pas de ligne" in note and note.endswith("ignorée") for note in table.notes)
    every = read_table(dataset("w.xlsx", "xlsx", fields=(CODE,), xlsx=XlsxOptions(sheets="all")), path)
    assert len(every) == 1
    empty = workbook_of(tmp_path, {"APL 2023": [TITLE]})
    with pytest.raises(ReadError, match="w.xlsx : aucune feuille n'a de tableau"):
        read_table(dataset("w.xlsx", "xlsx"), empty)


def test_a_header_repeated_in_each_sheet_keeps_every_sheet_values(tmp_path):
    header = ["Code commune INSEE", "Commune", "APL", "Commune"]
    path = workbook_of(tmp_path, {"APL 2022": [header, ["76540", "Rouen", 4.1, "a"]],
                                  "APL 2023": [header, ["76540", "Rouen", 4.0, "b"]]})
    frame = read_table(dataset("w.xlsx", "xlsx", fields=(CODE,), xlsx=XlsxOptions(sheets="all")), path).frame
    assert frame["commune_2"].tolist() == ["a", "b"] and frame["commune"].tolist() == ["Rouen", "Rouen"]


def test_two_sheets_of_one_year_keep_the_later_one_and_say_so(tmp_path):
    header = ["Code commune", "APL"]
    path = workbook_of(tmp_path, {"APL 2023": [header, ["76540", 4.1]],
                                  "APL 2023 (révisé)": [header, ["76540", 3.9]]})
    table = read_table(dataset("w.xlsx", "xlsx", fields=(CODE,), xlsx=XlsxOptions(sheets="all")), path)
    assert table.frame["apl"].tolist() == [3.9]
    assert any("« APL 2023 » et « APL 2023 (révisé) » sont de la même année 2023" in note for note in table.notes)


def test_notes_name_the_catalogue_file_not_the_sync_temporary_file(tmp_path, workbook):
    temporary = tmp_path / ".sync-x1y2.part"
    workbook.rename(temporary)
    table = read_table(dataset("apl.xlsx", "xlsx", fields=(CODE, APL)), temporary)
    assert table.notes and not any(".sync-" in note for note in table.notes)
    assert any(note.startswith("apl.xlsx : ") for note in table.notes)


def test_empty_start_and_end_columns_are_filled_from_the_period(tmp_path):
    rows = travaux_rows()
    for row in rows:
        row.update(field_date_debut_1="", field_date_fin_1="")
    (tmp_path / "t.csv").write_bytes(csv_export(rows))
    # without a declared type the empty columns are read as text: the periods make them dates
    table = read_table(dataset("t.csv", fields=TRAVAUX_FIELDS), tmp_path / "t.csv")
    assert table.field("field_date_debut_1").type == "date" and table.frame["field_date_debut_1"].notna().all()
    assert table.frame["field_date_fin_1"].iloc[0] == pd.Timestamp("2027-01-29")
