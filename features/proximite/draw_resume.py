"""« Près de chez moi »: the summary card that comes first once a place is chosen. It shows the works nearby,
the next bus and the polling station, each in a sentence with a link to its full answer further down. The card
takes the focus (assets/proximite.js), and the map comes after it."""
from __future__ import annotations

from dash import html

SUMMARY_ID = "proximite-resume"
TITLE_ID = "proximite-resume-titre"


def _works(block) -> str:
    words = block.text.rstrip(" :;.")
    if block.lines:
        nearest = block.lines[0]
        distance = f" (à {nearest['distance']})" if nearest.get("distance") else ""
        words += f" ; d'abord : {nearest['label']}{distance}"
    return words + "."


def _next_bus(block) -> str:
    for stop in block.lines:
        if stop["departures"]:
            first = stop["departures"][0]
            towards = f" vers {first['headsign']}" if first.get("headsign") else ""
            when = first.get("expected") or first["time"]  # with real time: « 08:18 (+7 min) »
            return (f"ligne {first['line']}{towards} à {when}, à l'arrêt {stop['label']} "
                    f"({stop['distance']}).")
    return block.text if not block.lines else "aucun départ prochain aux arrêts proches."


def _station(block) -> str:
    return block.text.rstrip(" :;.") + "."


PARTS = (("travaux", "Travaux", _works), ("arrets", "Prochain bus", _next_bus),
         ("bureau", "Bureau de vote", _station))


def summary_card(view) -> html.Section | None:
    """The card for the answers `view` (proximite.reponses.Answers): one line per part the page can answer."""
    shown = {block.key: block for block in view.shown}
    items = [html.Li([html.Strong(f"{label} : "), say(shown[key]), " ",
                      html.A(["Détail", html.Span(f" : {shown[key].title}", className="visually-hidden")],
                             href=f"#proximite-titre-{key}")])
             for key, label, say in PARTS if key in shown]
    if not items:
        return None
    place = view.place
    where = place.label + (f" ({place.commune_name})" if place.commune_name and place.commune_name not in place.label
                           else "")
    return html.Section([html.H2(f"L'essentiel près de : {where}", id=TITLE_ID), html.Ul(items)],
                        id=SUMMARY_ID, tabIndex="-1", className="nearby-summary",
                        **{"aria-labelledby": TITLE_ID})
