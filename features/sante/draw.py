"""The Santé dashboard's own pieces: pathology picker, key figures, age-sex pyramid, ranking against France,
the communes map of access to care, and the methodology (pure builders)."""
from __future__ import annotations

import numpy as np
from dash import dcc, html

from components.chart import AXIS, PALETTE, PATTERNS, figure_card, listed, plain_figure, rows_table
from components.choropleth import commune_map, shade_hideout, shade_legend, shaded_layer
from components.tables import scroll_table
from data_access.french import format_date, format_int
from features.sante import data as sante
from features.sante import words as sante_words


def picker_options(entries: list[dict]) -> list[dict]:
    """The pathology tree as the picker's options, indented by level, with the patients beside each entry; a
    level the file has no total for is shown but cannot be chosen."""
    options = []
    for entry in entries:
        indent = "\u2003" * (entry["level"] - 1)  # spaces: a screen reader does not read them aloud
        if not entry["has_data"]:
            count = " — pas de total dans le fichier"
        elif entry["patients"] is None:
            count = " — effectif non disponible"
        else:
            count = f" — {format_int(entry['patients'])} patients"
        options.append({"label": indent + entry["label"] + count, "value": entry["key"],
                        "disabled": not entry["has_data"], "search": entry["label"]})
    return options


def _percent_cell(value) -> str:
    return "—" if value is None or value != value else sante_words.percent(value, sante.TABLE_DIGITS)


def pyramid_card(graph_id: str, data) -> html.Figure:
    """Prevalence by age class, men to the left and women to the right (hatched), as a population pyramid."""
    traces = [{"type": "bar", "y": listed(data["label"]), "x": listed(sign * data[sex]), "orientation": "h",
               "name": sex, "customdata": listed(data[sex]),
               "hovertemplate": "%{y} : %{customdata:.2f} %<extra>" + sex + "</extra>",
               "marker": {"color": PALETTE[i], "pattern": {"shape": PATTERNS[i]}}}
              for i, (sex, sign) in enumerate((("hommes", -1), ("femmes", 1)))]
    values = data[["hommes", "femmes"]].to_numpy(dtype="float64")
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    top = top if top > 0 else 1.0
    ticks = [-top, -top / 2, 0, top / 2, top]
    fig = plain_figure(traces, barmode="relative", height=max(320, 22 * len(data) + 100),
                       margin={"l": 10, "r": 10, "t": 10, "b": 60}, legend={"orientation": "h", "y": -0.12},
                       xaxis={"tickvals": ticks, "ticktext": [sante_words.percent(abs(t)) for t in ticks],
                              "title": {"text": "prévalence (hommes à gauche, femmes à droite)"}, **AXIS},
                       yaxis={"automargin": True, "categoryorder": "array", "categoryarray": listed(data["label"])},
                       separators=", ")
    rows = [[r.label, _percent_cell(r.hommes), _percent_cell(r.femmes)] for r in data.itertuples()]
    return figure_card(graph_id, fig, sante_words.pyramid_summary(data),
                       rows_table(["Classe d'âge", "Hommes", "Femmes"], rows, "Prévalence par âge et par sexe"))


def ranking_card(graph_id: str, data, place: str) -> html.Figure:
    """The pathologies of the chosen level by prevalence in the département, as bars of their gap to France
    (diverging from 0): above France one way, below the other, with their own pattern. The chosen one in bold.
    Without France in the file, no bars (they would be empty): the summary says why, the table gives the rest."""
    rows = [[r.label + (" (choisie)" if r.chosen else ""), _percent_cell(r.prevalence), _percent_cell(r.france),
             sante_words.points(r.gap, sante.TABLE_DIGITS)] for r in data.itertuples()]
    table = rows_table(["Pathologie", f"Prévalence, {place}", "Prévalence, France", "Écart"], rows,
                       "Pathologies classées par prévalence")
    if not data["gap"].notna().any():
        return html.Div([html.P(sante_words.ranking_summary(data, place), className="chart-summary", id=graph_id),
                         table], className="chart-card")
    data = data.iloc[::-1]  # plotly draws the first bar at the bottom
    labels = [f"<b>{r.label}</b>" if r.chosen else r.label for r in data.itertuples()]
    traces = []
    for i, (name, part) in enumerate((("au-dessus de la France", data["gap"] > 0),
                                      ("en dessous ou égal", data["gap"] <= 0))):
        traces.append({"type": "bar", "y": [lab for lab, keep in zip(labels, part) if keep],
                       "x": listed(data.loc[part, "gap"]), "orientation": "h", "name": name,
                       "marker": {"color": PALETTE[i + 1] if i else PALETTE[5], "pattern": {"shape": PATTERNS[i]}},
                       "hovertemplate": "%{y} : %{x:+.2f} point(s)<extra></extra>"})
    fig = plain_figure(traces, height=max(260, 34 * len(data) + 100), separators=", ", barmode="overlay",
                       margin={"l": 10, "r": 10, "t": 10, "b": 60}, legend={"orientation": "h", "y": -0.2},
                       xaxis={"title": {"text": "écart à la France (points de prévalence)"}, "zeroline": True, **AXIS},
                       yaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels})
    return figure_card(graph_id, fig, sante_words.ranking_summary(data.iloc[::-1], place), table)


def access_map(map_id: str, layer_id: str, outlines, version: str, data, rows_of: dict, chosen_row, tile_url: str,
               label: str, unit: str) -> tuple[object, list]:
    """The communes shaded by the indicator (a click chooses one), and the legend's words."""
    size = len(rows_of) and max(rows_of.values()) + 1
    texts = [""] * size
    for r in data.itertuples():
        if r.code in rows_of:
            value = "pas de valeur" if r.value != r.value else f"{r.value:.1f}".replace(".", ",") + f" {unit}"
            texts[rows_of[r.code]] = f"{r.name} : {value}"
    known = data[data["code"].isin(rows_of)]
    hideout, bounds = shade_hideout([rows_of[c] for c in known["code"]], known["value"], texts, size,
                                    chosen_row)
    layer = shaded_layer(f"/api/geo/{outlines.id}.geojson?v={version}", hideout, id=layer_id, zoomToBounds=True)
    show = lambda v: f"{v:.1f}".replace(".", ",")  # noqa: E731
    return (commune_map(map_id, [layer], tile_url),
            shade_legend(f"{label} ({unit})" if unit else label, bounds, show, none="0", missing="pas de valeur"))


def commune_ranking(data, label: str, unit: str, href_of, chosen: str | None) -> html.Details:
    """The communes from the highest value to the lowest, each a link that chooses it (the map's keyboard way)."""
    rows = []
    ranks = data["value"].rank(method="min", ascending=False)  # communes with the same value share a rank
    for rank, r in zip(ranks, data.itertuples()):
        value = "—" if r.value != r.value else f"{r.value:.1f}".replace(".", ",")
        name = dcc.Link(r.name, href=href_of(r.code))
        name = html.Strong([name, " (choisie)"]) if r.code == chosen else name
        rows.append(html.Tr([html.Td(str(int(rank)) if r.value == r.value else "—"), html.Td(name), html.Td(value)],
                            className="chosen-row" if r.code == chosen else None))
    return html.Details([
        html.Summary("Classement des communes (choisir une commune pour son évolution)"),
        scroll_table(html.Table([html.Caption(f"{label}{' (' + unit + ')' if unit else ''}, par commune"),
                                 html.Thead(html.Tr([html.Th("Rang", scope="col"), html.Th("Commune", scope="col"),
                                                     html.Th("Valeur", scope="col")])),
                                 html.Tbody(rows)], className="table table-sm"), "Classement des communes"),
    ], className="chart-data commune-ranking", open=chosen is not None)


def methodology(cube, dataset, access_dataset, notes: list[str]) -> html.Div:
    """Sources, definitions, aggregation rules and caveats, for a citizen."""
    def source(d):
        if d is None:
            return None
        facts = ", ".join(x for x in (d.publisher, d.license, f"données au {format_date(d.modified)}"
                                      if d.modified else None) if x)
        return html.Li([html.Strong(d.title), f" ({facts})" if facts else "",
                        " — données de démonstration, fictives" if d.demo else ""])

    caveats = [
        "Un patient est compté dans chaque pathologie dont il relève : les effectifs de plusieurs pathologies ne "
        "s'additionnent pas.",
        "La prévalence est brute (non standardisée par âge) : un territoire plus âgé a mécaniquement plus de "
        "maladies chroniques. La pyramide par âge permet de le voir.",
        "Une valeur absente du fichier (secret statistique pour les petits effectifs, ou extrait partiel) est "
        "affichée « non disponible », jamais remplacée par zéro.",
    ]
    if cube.rounded:
        caveats.append("Dans ce fichier, tous les effectifs sont des multiples de 10 : ils sont arrondis, et les "
                       "petites prévalences sont peu précises.")
    if cube.prevalence_computed:
        caveats.append("Le fichier ne donne pas la prévalence : elle est calculée ici (patients / population × 100).")
    if cube.ambiguous:
        caveats.append(f"{cube.ambiguous} lignes décrivent une même case du fichier (même pathologie, année, "
                       "territoire, sexe et âge) : elles ne sont pas utilisées.")
    if len(cube.years) < 2:
        caveats.append(f"Le fichier ne couvre qu'une année ({cube.years[0] if cube.years else '—'}) : aucune "
                       "évolution ne peut en être tirée.")
    return html.Div([
        html.H3("Sources"),
        html.Ul([source(dataset), source(access_dataset)]),
        html.H3("Définitions"),
        html.P("Effectif de patients : personnes prises en charge pour une pathologie, un traitement chronique ou un "
               "épisode de soins (repérées dans les remboursements de l'Assurance maladie). Prévalence : ces "
               "patients rapportés à la population de référence (les personnes ayant eu au moins un soin "
               "remboursé dans l'année), en pourcentage."),
        html.H3("Comment les chiffres sont lus"),
        html.P(f"Le fichier mêle des lignes de total et des lignes de détail : tous sexes (code {sante.TOTAL_SEX}) à "
               f"côté des hommes et des femmes, tous âges (« {sante.TOTAL_AGE} ») à côté de chaque classe d'âge, "
               f"toute une région (département {sante.TOTAL_DEPT}) à côté de ses départements, et la France (région "
               f"{sante.FRANCE_REGION}). Additionner des lignes compterait les mêmes personnes deux ou trois fois : "
               "chaque chiffre de cette page lit exactement une ligne, celle de la pathologie, de l'année, du "
               "territoire, du sexe et de l'âge choisis, et n'additionne jamais."),
        html.H3("Précautions"),
        html.Ul([html.Li(c) for c in caveats]),
        html.H3("Réparations du fichier") if notes else None,
        html.Ul([html.Li(n) for n in notes]) if notes else None,
    ], className="methodology")
