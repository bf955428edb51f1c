"""/pres-de-chez-moi: everything the portal knows about one place. The place comes from an address typed with
suggestions, the browser's geolocation, a tap on the map or a commune picked; the position travels in callback
bodies only, never in the URL, until the reader presses « Partager ce lieu ». Deep links: ?lat=&lon=, ?adresse=,
?commune=."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_leaflet as dl
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from components.a_la_vue import carte_a_la_vue
from components.choropleth import ROUEN, base_layers
from components.controls import dropdown_field
from components.impression import print_button, print_header
from components.notices import notices
from components.portal import current_portal
from data_access.addresses import search
from data_access.clock import now_paris
from data_access.french import format_date
from data_access.query import FilterError, last
from features.integration.draw import portal_origin
from features.proximite import data as P
from features.proximite import draw as V
from features.proximite.draw_resume import summary_card
from features.proximite.reponses import answers

PATH = "/pres-de-chez-moi"
dash.register_page(__name__, path=PATH, name="Près de chez moi", title="Près de chez moi", nav_order=15,
                   description="Tout ce que le portail sait d'un lieu : travaux, bus, bureau de vote, associations")

PARAMS = ("lat", "lon", "adresse", "commune")
SUGGESTIONS = 8
PLACE_ZOOM = 16


class Ids:
    ADDRESS = "proximite-adresse"
    SUGGESTIONS = "proximite-suggestions"
    SUGGESTED = "proximite-proposees"
    LOCATE = "proximite-localiser"
    LOCATED = "proximite-position"  # written by assets/proximite.js from the browser's geolocation
    COMMUNE = "proximite-commune"
    STATUS = "proximite-etat"
    MAP = "proximite-carte"
    MARKS = "proximite-marques"
    LEGEND = "proximite-legende"
    ANSWERS = "proximite-reponses"
    PLACE = "proximite-lieu"
    SHARE = "proximite-partager"
    SHARED = "proximite-partage"
    SUMMARY = "proximite-essentiel"  # holds the summary card (draw_resume.SUMMARY_ID)


def layout(**params):
    repository = current_portal().repository
    errors = [FilterError(k, "ce paramètre n'a pas de sens sur cette page ; il est ignoré")
              for k in params if k not in PARAMS]
    place, message = _asked_place(repository, params, errors)
    addresses = P.address_table(repository)
    communes = P.commune_choices(repository)
    view = answers(repository, place, now_paris()) if place is not None else None
    tile_url = current_portal().settings.tile_url
    return html.Div([
        html.H1("Près de chez moi"),
        html.P("Les travaux, les prochains bus, votre bureau de vote, les associations et l'accès aux soins autour "
               "d'un lieu, sur une seule page.", className="lead"),
        html.P(["Votre position sert à répondre, puis elle est oubliée : elle n'est ni enregistrée ni écrite dans "
                "l'adresse de la page, sauf si vous choisissez « Partager ce lieu ». ",
                dcc.Link("Ce qui est envoyé", href="/a-propos#vie-privee"), "."], className="nearby-privacy"),
        notices(errors),
        html.Div([
            html.Label(["Votre adresse", dcc.Input(
                id=Ids.ADDRESS, type="search", autoComplete="off", debounce=0.25, maxLength=P.MAX_ADDRESS_ID * 2,
                placeholder="ex. : 12 rue jeanne d'arc rouen", className="form-control nearby-input",
                disabled=not addresses)], className="chart-control"),
            None if addresses else html.P("Le portail n'a pas de base d'adresses (un jeu de données avec le rôle "
                                          "street et des positions) : choisissez une commune, ou un point sur la "
                                          "carte.", className="notice-params"),
            html.Div(id=Ids.SUGGESTIONS, **{"aria-live": "polite"}),
            html.Button("Me localiser", id=Ids.LOCATE, type="button", className="btn btn-primary nearby-main"),
            dropdown_field("Ou choisissez une commune", "chart-control nearby-commune-picker", id=Ids.COMMUNE,
                           options=[{"label": name, "value": code} for code, name in communes],
                           placeholder="Commune…", clearable=False, disabled=not communes),
        ], className="nearby-pick", role="search", **{"aria-label": "Choisir un lieu"}),
        html.P(message or "", id=Ids.STATUS, role="status", className="nearby-status", tabIndex="-1"),
        # the answers first: the summary card (it takes the focus), then the map
        html.Div(summary_card(view) if view else None, id=Ids.SUMMARY),
        html.Div([
            carte_a_la_vue(dl.Map(
                [*base_layers(tile_url), dl.LayerGroup(V.marks(view.marks) if view else [], id=Ids.MARKS)],
                id=Ids.MAP, center=[place.lat, place.lon] if place and place.has_position else ROUEN,
                zoom=PLACE_ZOOM if place and place.has_position else 11, className="dataset-map nearby-map",
                style={"height": "45vh", "width": "100%"}, zoomAnimation=False, fadeAnimation=False,
                markerZoomAnimation=False, inertia=False)),
            html.P("Touchez la carte pour choisir un point. Au clavier, tapez une adresse ou choisissez une commune.",
                   className="nearby-help"),
            html.Div(V.legend(view.marks) if view else None, id=Ids.LEGEND),
        ], className="nearby-map-box"),
        html.Div(_answers(view) if view else None, id=Ids.ANSWERS),
        html.Div([
            html.Button("Partager ce lieu", id=Ids.SHARE, type="button", className="btn btn-outline-primary "
                                                                                  "nearby-main",
                        disabled=place is None),
            html.Div(id=Ids.SHARED, **{"aria-live": "polite"}),
        ], className="nearby-share"),
        dcc.Store(id=Ids.PLACE, data=_stored(place)),
        dcc.Store(id=Ids.SUGGESTED, data=[]),
        dcc.Store(id=Ids.LOCATED),
    ], className="nearby-page")


def _answers(view) -> list:
    """The answers, under the line a printed page carries (the place, the day, the sources) and its button."""
    place = view.place
    where = place.label + (f" ({place.commune_name})" if place.commune_name and place.commune_name not in place.label
                           else "")
    return [print_header("Près de chez moi", f"situation au {format_date(now_paris().date())}", f"lieu : {where}",
                         f"portail open data, {current_portal().repository.catalogue.portal.publisher} — la source "
                         "de chaque réponse est dans son lien"),
            html.Div(print_button("ces réponses"), className="page-tools"), *V.answers_view(view)]


def _asked_place(repository, params, errors) -> tuple[P.Place | None, str | None]:
    """The place a deep link names, if any; a place that cannot be answered becomes a notice."""
    try:
        if params.get("adresse"):
            return P.address_place(repository, last(params["adresse"])), None
        if params.get("lat") or params.get("lon"):
            return P.place_at(repository, last(params.get("lat")), last(params.get("lon")), "Lieu partagé",
                              "position"), None
        if params.get("commune"):
            return P.commune_place(repository, last(params["commune"])), None
    except P.PlaceError as exc:
        key = "adresse" if params.get("adresse") else ("commune" if params.get("commune") and not params.get("lat")
                                                       else "lat")
        errors.append(FilterError(key, f"{exc} ; choisissez un autre lieu"))
    return None, None


def _stored(place: P.Place | None) -> dict | None:
    return None if place is None else {"label": place.label, "lat": place.lat, "lon": place.lon,
                                       "commune": place.commune, "how": place.how}


@callback(Output(Ids.SUGGESTIONS, "children"), Output(Ids.SUGGESTED, "data"),
          Input(Ids.ADDRESS, "value"), prevent_initial_call=True)
def suggest(typed):
    found = P.address_table(current_portal().repository)
    entries = search(found[1], str(typed or ""), SUGGESTIONS) if found and typed else []
    return V.suggestions(entries, str(typed or "")), entries


@callback(Output(Ids.PLACE, "data"), Output(Ids.ANSWERS, "children"), Output(Ids.MARKS, "children"),
          Output(Ids.LEGEND, "children"), Output(Ids.MAP, "viewport"), Output(Ids.STATUS, "children"),
          Output(Ids.SHARED, "children"), Output(Ids.SHARE, "disabled"), Output(Ids.SUGGESTIONS, "children",
                                                                               allow_duplicate=True),
          Output(Ids.SUMMARY, "children"),
          Input({"type": V.SUGGESTION, "index": ALL}, "n_clicks"), Input(Ids.MAP, "clickData"),
          Input(Ids.LOCATED, "data"), Input(Ids.COMMUNE, "value"), State(Ids.SUGGESTED, "data"),
          prevent_initial_call=True)
def choose_place(_clicks, click, located, commune, suggested):
    repository = current_portal().repository
    try:
        place = _chosen(repository, ctx.triggered_id, click, located, commune, suggested)
    except P.PlaceError as exc:
        return (dash.no_update,) * 5 + (f"Ce lieu ne peut pas être choisi : {exc}.",) + (dash.no_update,) * 4
    if place is None:
        raise dash.exceptions.PreventUpdate
    view = answers(repository, place, now_paris())
    viewport = {"center": [place.lat, place.lon], "zoom": PLACE_ZOOM, "transition": "setView"} \
        if place.has_position else dash.no_update
    return (_stored(place), _answers(view), V.marks(view.marks), V.legend(view.marks), viewport,
            f"Réponses pour : {place.label}" + (f" ({place.commune_name})" if place.commune_name and
                                               place.commune_name not in place.label else ""), None, False, [],
            summary_card(view))


def _chosen(repository, trigger, click, located, commune, suggested) -> P.Place | None:
    if isinstance(trigger, dict) and trigger.get("type") == V.SUGGESTION:
        index = trigger.get("index")
        if not ctx.triggered[0].get("value") or not isinstance(suggested, list) or type(index) is not int \
                or not 0 <= index < len(suggested):
            return None  # the suggestions were drawn, not clicked
        entry, found = suggested[index], P.address_table(repository)
        if not isinstance(entry, dict) or found is None:
            return None
        label = entry.get("label") if isinstance(entry.get("label"), str) else None
        # the position and the commune as the data has them; the words the reader chose
        return P.address_row_place(repository, found[1], entry.get("row"), label and label[:200])
    if trigger == Ids.MAP:
        latlng = click.get("latlng") if isinstance(click, dict) else None
        if isinstance(latlng, dict):
            lat, lon = latlng.get("lat"), latlng.get("lng")
        elif isinstance(latlng, (list, tuple)) and len(latlng) == 2:
            lat, lon = latlng
        else:
            return None
        return P.place_at(repository, lat, lon, "Point choisi sur la carte", "carte")
    if trigger == Ids.LOCATED:
        if not isinstance(located, dict):
            return None
        return P.place_at(repository, located.get("lat"), located.get("lon"), "Votre position", "position")
    if trigger == Ids.COMMUNE and commune:
        return P.commune_place(repository, str(commune))
    return None


@callback(Output(Ids.SHARED, "children", allow_duplicate=True), Input(Ids.SHARE, "n_clicks"),
          State(Ids.PLACE, "data"), prevent_initial_call=True)
def share(clicks, stored):
    if not clicks or not isinstance(stored, dict):
        raise dash.exceptions.PreventUpdate
    try:
        if stored.get("lat") is not None:
            lat, lon = P.position(stored.get("lat"), stored.get("lon"))
            place = P.Place(label="", lat=lat, lon=lon)
        else:
            place = P.commune_place(current_portal().repository, str(stored.get("commune") or "")[:20])
    except P.PlaceError:
        raise dash.exceptions.PreventUpdate from None
    return V.permalink(f"{portal_origin()}{PATH}?{urlencode(place.shared())}", place.has_position)


clientside_callback(ClientsideFunction("proximite", "localiser"), Output(Ids.STATUS, "children",
                                                                         allow_duplicate=True),
                    Input(Ids.LOCATE, "n_clicks"), prevent_initial_call=True)
# a place chosen: the focus goes to the line that says which, the answers follow it (the chosen suggestion is gone)
clientside_callback(ClientsideFunction("proximite", "montrer"), Output(Ids.STATUS, "tabIndex"),
                    Input(Ids.PLACE, "data"), prevent_initial_call=True)
