"""GTFS route types (basic and extended) to the transport modes the portal shows, with French labels."""
from __future__ import annotations

# Basic route types (GTFS Schedule reference, routes.txt) and the exact extended codes that differ from their range.
ROUTE_MODES: dict[int, str] = {
    0: "tram", 1: "metro", 2: "train", 3: "bus", 4: "ferry", 5: "cable_tram", 6: "aerial", 7: "funicular",
    11: "trolleybus", 12: "monorail",
    405: "monorail",  # "Monorail" in the extended table, inside the urban railway range
    715: "on_demand",  # "Demand and Response Bus Service" (transport à la demande)
}
# Extended route types (Google "Extended GTFS Route Types", from the European TPEG HVT codes), as ranges.
# The table lists 100-117 rail, 200-209 coach, 400-405 urban railway, 700-716 bus, 800 trolleybus,
# 900-906 tram, 1000 water transport, 1100 air, 1200 ferry, 1300-1307 aerial lift (1303 is an elevator),
# 1400 funicular, 1500-1507 taxi (1501 "Communal Taxi" is how many French networks code their on-demand
# services, hence "on_demand" for the whole taxi range) and 1700/1702 miscellaneous (horse-drawn carriage).
# Air (1100-1199) has no mode of its own: "other".
EXTENDED_ROUTE_MODES: tuple[tuple[int, int, str], ...] = (
    (100, 199, "train"),
    (200, 299, "coach"),
    (400, 499, "metro"),
    (700, 799, "bus"),
    (800, 899, "trolleybus"),
    (900, 999, "tram"),
    (1000, 1099, "ferry"),
    (1200, 1299, "ferry"),
    (1300, 1399, "aerial"),
    (1400, 1499, "funicular"),
    (1500, 1599, "on_demand"),
    (1700, 1799, "misc"),
)
MODE_LABELS: dict[str, str] = {
    "metro": "Métro",
    "tram": "Tramway / TEOR",
    "bus": "Bus",
    "on_demand": "Transport à la demande",
    "train": "Train",
    "coach": "Car",
    "trolleybus": "Trolleybus",
    "ferry": "Bac / bateau",
    "cable_tram": "Tramway à câble",
    "aerial": "Téléphérique",
    "funicular": "Funiculaire",
    "monorail": "Monorail",
    "misc": "Service divers",
    "other": "Autre",
}


def route_mode(route_type: int | None) -> str:
    """The mode key ("bus", "tram", "on_demand"…) of a basic or extended GTFS route_type; "other" when unknown."""
    try:
        code = int(route_type)
    except (TypeError, ValueError):  # None, NA, NaN, text
        return "other"
    if code in ROUTE_MODES:
        return ROUTE_MODES[code]
    return next((mode for low, high, mode in EXTENDED_ROUTE_MODES if low <= code <= high), "other")
