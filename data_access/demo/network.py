"""The demo Astuce network: line paths through the communes, and the stops placed along them."""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from data_access.demo.common import de_commune
from data_access.demo.communes import Territory, to_lonlat, to_xy
from data_access.demo.facts import astuce_lines

SEED = 2026_11_05

# Approximate positions (lat, lon) of the termini and hubs the lines are drawn through.
HUBS = {
    "Boulingrin": (49.4468, 1.1059), "Gare - Rue Verte": (49.4487, 1.0937), "Théâtre des Arts": (49.4394, 1.0899),
    "Saint-Sever": (49.4312, 1.0815), "Hôtel de Ville": (49.4435, 1.0989), "Mont-Riboudet": (49.4489, 1.0648),
    "Georges Braque": (49.4004, 1.0423), "Technopôle": (49.3861, 1.0705), "Mont aux Malades": (49.4654, 1.0712),
    "CHU Charles Nicolle": (49.4395, 1.1105), "Mairie - V. Schoelcher": (49.4881, 1.0487),
    "Tamarelle": (49.4619, 1.1313), "Monet": (49.4571, 1.0361), "Durécu-Lavoisier": (49.4446, 1.1495),
    "Marie Curie - MTC": (49.4379, 1.1149), "Zénith-Parc Expo": (49.3922, 1.0581),
    "Plaine de la Ronce": (49.4916, 1.1437), "Stade Diochon": (49.4121, 1.0725),
    "Centre commercial de La Vatine": (49.4707, 1.0914), "Hôtel de Ville de Sotteville": (49.4141, 1.0902),
    "Tourville-la-Rivière": (49.3285, 1.0957), "Hameau de Frévaux": (49.5312, 1.0347),
    "Lycée Galilée": (49.3979, 1.1600), "Les Bouttières": (49.3481, 0.9956),
    "Gare de Saint-Etienne": (49.3767, 1.1094), "La Pléiade": (49.4687, 1.0641),
    "Lycée du Cailly": (49.4624, 1.0442), "Champ de Foire": (49.2907, 1.0137),
}
# Each main line: its patterns (waypoints from the first terminus to the last). A waypoint is a hub name,
# a commune name (its centre, a stop called "Mairie de …") or an anonymous (lat, lon) bend.
MAIN_PATTERNS = {
    "Métro": [
        ["Boulingrin", "Gare - Rue Verte", "Théâtre des Arts", "Saint-Sever", "Le Petit-Quevilly",
         "Le Grand-Quevilly", "Georges Braque"],
        ["Boulingrin", "Gare - Rue Verte", "Théâtre des Arts", "Saint-Sever", (49.4200, 1.0790), (49.4030, 1.0760),
         "Technopôle"],
    ],
    "T1": [["Mont aux Malades", "Mont-Saint-Aignan", (49.4560, 1.0900), "Gare - Rue Verte", "Hôtel de Ville",
            "CHU Charles Nicolle"]],
    "T2": [["Mairie - V. Schoelcher", "Déville-lès-Rouen", "Mont-Riboudet", "Théâtre des Arts", "Hôtel de Ville",
            (49.4520, 1.1150), "Tamarelle"]],
    "T3": [["Monet", (49.4520, 1.0500), "Mont-Riboudet", "Théâtre des Arts", "Hôtel de Ville", (49.4440, 1.1200),
            "Durécu-Lavoisier"]],
    "T4": [["Marie Curie - MTC", "Boulingrin", "Théâtre des Arts", "Saint-Sever", (49.4150, 1.0700),
            "Zénith-Parc Expo"]],
    "F1": [["Plaine de la Ronce", "Bois-Guillaume", (49.4580, 1.1000), "Hôtel de Ville", "Théâtre des Arts",
            "Saint-Sever", "Stade Diochon"]],
    "F2": [["Centre commercial de La Vatine", (49.4600, 1.0930), "Gare - Rue Verte", "Hôtel de Ville",
            (49.4540, 1.1180), "Tamarelle"]],
    "F3": [["Hôtel de Ville de Sotteville", (49.3980, 1.0950), "Saint-Étienne-du-Rouvray", (49.3600, 1.1000),
            "Tourville-la-Rivière"]],
    "F4": [["Hameau de Frévaux", "Le Houlme", "Notre-Dame-de-Bondeville", "Maromme", "Déville-lès-Rouen",
            "Mont-Riboudet"]],
    "F5": [["Théâtre des Arts", (49.4340, 1.1050), "Bonsecours", "Le Mesnil-Esnard", "Lycée Galilée"]],
    "F6": [["Les Bouttières", "Petit-Couronne", "Le Grand-Quevilly", "Le Petit-Quevilly", (49.4100, 1.0850),
            "Gare de Saint-Etienne"]],
    "F7": [["La Pléiade", (49.4560, 1.0750), "Théâtre des Arts", "Saint-Sever", "Hôtel de Ville de Sotteville"]],
    "F8": [["Lycée du Cailly", (49.4560, 1.0600), "Gare - Rue Verte", (49.4540, 1.1150), "Tamarelle"]],
    "F9": [["Champ de Foire", "Saint-Aubin-lès-Elbeuf", "Cléon", "Oissel", "Saint-Étienne-du-Rouvray",
            "Sotteville-lès-Rouen", "Saint-Sever", "Théâtre des Arts"]],
}
# Ordinary bus lines (invented, but every commune is served): number, colour, waypoints.
BUS_LINES = (
    ("10", "F8AE4C", ["Malaunay", "Le Houlme", "Notre-Dame-de-Bondeville", "Maromme", "Lycée du Cailly", "Mont-Riboudet"]),
    ("11", "00ACE5", ["Houppeville", "Mont-Saint-Aignan", "Centre commercial de La Vatine", "Gare - Rue Verte"]),
    ("13", "F8AE4C", ["Isneauville", "Bois-Guillaume", "Bihorel", "Boulingrin"]),
    ("14", "00ACE5", ["Fontaine-sous-Préaux", "Saint-Martin-du-Vivier", "Darnétal", (49.4460, 1.1300), "Boulingrin"]),
    ("15", "74B95B", ["Saint-Jacques-sur-Darnétal", "Saint-Léger-du-Bourg-Denis", "Bonsecours", "CHU Charles Nicolle"]),
    ("20", "C29FCB", ["Roncherolles-sur-le-Vivier", "Bihorel", "Hôtel de Ville"]),
    ("21", "F4A3AF", ["Montmain", "Saint-Aubin-Épinay", "Franqueville-Saint-Pierre", "Le Mesnil-Esnard", "Bonsecours",
                      "Hôtel de Ville"]),
    ("22", "F4A3AF", ["La Neuville-Chant-d'Oisel", "Boos", "Franqueville-Saint-Pierre", "Lycée Galilée"]),
    ("26", "74B95B", ["Quévreville-la-Poterie", "Ymare", "Saint-Aubin-Celloville", "Belbeuf", "Amfreville-la-Mi-Voie",
                      "Théâtre des Arts"]),
    ("27", "74B95B", ["Gouy", "Les Authieux-sur-le-Port-Saint-Ouen", "Tourville-la-Rivière", "Sotteville-sous-le-Val",
                      "Freneuse", "Cléon"]),
    ("28", "F4A3AF", ["Tourville-la-Rivière", "Oissel", "Saint-Étienne-du-Rouvray", "Gare de Saint-Etienne",
                      "Hôtel de Ville de Sotteville"]),
    ("29", "B1C800", ["La Londe", "Elbeuf", "Caudebec-lès-Elbeuf", "Saint-Pierre-lès-Elbeuf"]),
    ("30", "B1C800", ["Orival", "Elbeuf", "Champ de Foire", "Saint-Aubin-lès-Elbeuf", "Cléon"]),
    ("31", "9C7AB8", ["Les Bouttières", "Grand-Couronne", "Moulineaux", "La Bouille"]),
    ("32", "9C7AB8", ["Saint-Pierre-de-Manneville", "Sahurs", "Hautot-sur-Seine", "Val-de-la-Haye", "Georges Braque"]),
    ("33", "00A983", ["Quevillon", "Saint-Martin-de-Boscherville", "Canteleu", "Mont-Riboudet"]),
    ("34", "E2A3C7", ["Yville-sur-Seine", "Le Mesnil-sous-Jumièges", "Jumièges", "Yainville", "Le Trait"]),
    ("35", "E2A3C7", ["Bardouville", "Anneville-Ambourville", "Berville-sur-Seine", "Duclair"]),
    ("36", "00A983", ["Le Trait", "Yainville", "Duclair", "Saint-Pierre-de-Varengeville", "Hénouville", "Canteleu",
                      "Mont-Riboudet"]),
    ("37", "C29FCB", ["Sainte-Marguerite-sur-Duclair", "Épinay-sur-Duclair", "Saint-Paër", "Saint-Pierre-de-Varengeville",
                      "Mairie - V. Schoelcher"]),
    ("38", "F8AE4C", ["Monet", "Le Grand-Quevilly", "Petit-Couronne", "Grand-Couronne"]),
    ("40", "00ACE5", ["Hôtel de Ville de Sotteville", "Technopôle", "Oissel"]),
    ("41", "74B95B", ["Mont aux Malades", "Mont-Saint-Aignan", "Bois-Guillaume", "Plaine de la Ronce"]),
    ("42", "F4A3AF", ["Lycée du Cailly", "Mont-Saint-Aignan", "Bois-Guillaume", "Bihorel", "Darnétal"]),
    ("43", "B1C800", ["Belbeuf", "Amfreville-la-Mi-Voie", "Bonsecours", "Saint-Léger-du-Bourg-Denis", "Darnétal"]),
    ("44", "9C7AB8", ["Gare de Saint-Etienne", "Sotteville-lès-Rouen", "Le Petit-Quevilly", "Canteleu"]),
)
# On-demand lines (extended route_type 715): they run only when booked.
TAD_LINES = (
    ("FILOR1", "Filo'r 1", "6F6F6E", ["Isneauville", "Fontaine-sous-Préaux", "Saint-Martin-du-Vivier",
                                      "Roncherolles-sur-le-Vivier", "Saint-Jacques-sur-Darnétal"]),
    ("FILOR2", "Filo'r 2", "6F6F6E", ["Sainte-Marguerite-sur-Duclair", "Épinay-sur-Duclair", "Saint-Paër", "Duclair",
                                      "Berville-sur-Seine"]),
)
# kind -> route_type, stop spacing (m), bend amplitude (m)
KINDS = {"metro": (1, 550, 0), "tram": (0, 420, 40), "fast": (3, 360, 50), "bus": (3, 330, 60), "tad": (715, 550, 80)}

PLACES = (
    "Les Tilleuls", "Les Marronniers", "Les Peupliers", "Les Érables", "Les Sapins", "La Vallée", "Le Moulin",
    "Les Coteaux", "Le Plateau", "Les Hauts", "Le Parc", "La Forêt", "Le Château", "La Croix", "Le Manoir",
    "Le Calvaire", "Bel Air", "Beau Site", "Les Vergers", "Les Prés", "La Mare", "Les Bruyères", "Les Sablons",
    "La Briqueterie", "Zone Industrielle", "Parc d'Activités", "Place de la Libération", "Place du Marché",
    "Place du 8-Mai", "Place de la République", "Résidence du Parc", "Les Cités", "Champ de Courses", "La Ferme", "Le Clos", "La Chapelle",
)
PEOPLE = (
    "Victor Hugo", "Jean Jaurès", "Pasteur", "Gambetta", "Jules Ferry", "Louise Michel", "Jean Moulin",
    "Aristide Briand", "Émile Zola", "Anatole France", "Léon Blum", "Charles de Gaulle", "Général Leclerc",
    "Clemenceau", "Pierre Corneille", "Gustave Flaubert", "Maupassant", "Claude Monet", "Marcel Duchamp",
    "Saint-Exupéry", "Albert Camus", "Voltaire", "Molière", "Lamartine", "Paul Éluard", "Jacques Prévert",
    "Louis Aragon", "Salvador Allende", "Nelson Mandela", "Simone Veil", "Marie Curie", "Pierre Brossolette",
    "Condorcet", "Jean Macé", "Jean Rostand", "Gabriel Péri", "Henri Barbusse", "Eugène Boudin", "Pissarro",
    "Berlioz", "Debussy", "Ravel", "Chopin", "Paul Doumer", "Jean Zay", "Rosa Parks",
)
WITH_COMMUNE = ("Église", "Gare", "Cimetière", "Stade", "Poste", "Salle des Fêtes", "Collège", "Groupe Scolaire",
                "Piscine", "Centre Commercial")
ROUEN_PLACES = (
    "Vieux-Marché", "Cathédrale", "Beauvoisine", "Jardin des Plantes", "Place Saint-Marc", "Martainville",
    "Saint-Paul", "Quai de Paris", "Pasteur - Préfecture", "Île Lacroix", "Luxembourg", "Jeanne d'Arc",
    "Musée des Beaux-Arts", "Sainte-Claire", "Docks 76", "Place des Emmurées", "Saint-Clément", "Grammont",
    "Rougemare", "Square Verdrel", "Cauchoise", "Saint-Gervais", "Jouvenet", "Chartreux", "Grieu", "Châtelet",
    "Lombardie", "Grand'Mare", "Mont-Gargan", "Saint-Hilaire", "Place des Carmes", "Gros-Horloge", "Panorama XXL",
    "Hôtel de Région", "Palais de Justice", "Saint-Vivien", "Eauplet", "Croix de Pierre",
)
MERGE_RADIUS_M = 110.0
QUAY_OFFSET_M = 12.0  # each stop has a quay this far on either side of the line
# A stop stands at least this far inside its commune, so both its quays are in it too (rounding included).
STOP_INSET_M = QUAY_OFFSET_M + 3.0


@dataclass
class LogicalStop:
    """A place where vehicles stop: it becomes two boarding stops (one per direction) in stops.txt."""

    x: float
    y: float
    name: str
    commune: int
    heading: float  # direction of travel of the first line through it: quays sit on either side
    routes: set[str] = field(default_factory=set)


@dataclass
class Pattern:
    stops: list[int]  # logical stop indices, direction 0
    path: np.ndarray  # (n, 2) metres, direction 0
    stop_dist: np.ndarray  # distance along the path of each stop, metres


@dataclass
class Line:
    route_id: str
    short_name: str
    long_name: str
    route_type: int
    kind: str
    color: str
    sort_order: int
    patterns: list[Pattern] = field(default_factory=list)


def text_color(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return "1D1D1B" if 0.299 * r + 0.587 * g + 0.114 * b > 160 else "FFFFFF"


def ascii_code(name: str, length: int = 5) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if ch.isalnum())[:length] or "STOP"


class NetworkBuilder:
    """Draws the lines and places shared stops; all randomness comes from one seeded generator."""

    def __init__(self, territory: Territory):
        self.territory = territory
        self.rng = np.random.default_rng(SEED)
        self.stops: list[LogicalStop] = []
        self.by_name: dict[str, int] = {}
        self.names_by_commune: dict[int, set[str]] = {}
        self.legs: dict[tuple, tuple[np.ndarray, list[tuple[float, float, str | None]]]] = {}
        self.commune_names = {c.nom: i for i, c in enumerate(territory.communes)}

    # -- waypoints and legs
    def waypoint(self, wp) -> tuple[float, float, str | None]:
        if isinstance(wp, tuple):
            x, y = to_xy(wp[1], wp[0])
            return float(x), float(y), None
        if wp in HUBS:
            lat, lon = HUBS[wp]
            x, y = to_xy(lon, lat)
            return float(x), float(y), wp
        i = self.commune_names[wp]
        return float(self.territory.x[i]), float(self.territory.y[i]), "Mairie " + de_commune(wp)

    def leg(self, a, b, spacing: float, bend: float):
        """Path vertices and candidate stops from waypoint a to b; shared by every line using the same leg."""
        key = (repr(a), repr(b), spacing, bend)
        if key in self.legs:
            return self.legs[key]
        rev = (repr(b), repr(a), spacing, bend)
        if rev in self.legs:
            path, cands = self.legs[rev]
            return path[::-1], cands[::-1]
        (xa, ya, na), (xb, yb, nb) = self.waypoint(a), self.waypoint(b)
        length = math.hypot(xb - xa, yb - ya)
        k = int(length // 600)
        t = np.linspace(0.0, 1.0, k + 2)
        nx, ny = (-(yb - ya) / length, (xb - xa) / length) if length else (0.0, 0.0)
        off = np.concatenate([[0.0], self.rng.normal(0.0, bend, k), [0.0]]) if bend else np.zeros(k + 2)
        path = np.column_stack([xa + t * (xb - xa) + off * nx, ya + t * (yb - ya) + off * ny])
        line = LineString(path)
        n_inner = max(int(round(line.length / spacing)) - 1, 0)
        frac = (np.arange(1, n_inner + 1) + self.rng.uniform(-0.2, 0.2, n_inner)) / (n_inner + 1)
        cands = [(xa, ya, na)]
        served = None
        for f in frac:
            p = line.interpolate(float(f), normalized=True)
            if not self.territory.metropole.contains(p):
                # A straight leg may cut across a neighbouring territory: its stops go back onto the part of the
                # leg inside the Métropole (stops piling up there merge), so every stop is in a commune.
                if served is None:
                    served = line.intersection(self.territory.metropole)
                p = nearest_points(served, p)[0]
            cands.append((p.x, p.y, None))
        cands.append((xb, yb, nb))
        self.legs[key] = (path, cands)
        return path, cands

    # -- stops
    def stop_name(self, commune: int) -> str:
        used = self.names_by_commune.setdefault(commune, set())
        nom = self.territory.communes[commune].nom
        pool = list(PLACES + PEOPLE) + [f"{w} {de_commune(nom)}" for w in WITH_COMMUNE]
        if self.territory.communes[commune].insee == "76540":
            pool += list(ROUEN_PLACES) * 3  # Rouen's own landmarks come first
        free = [p for p in pool if p not in used]
        name = free[int(self.rng.integers(len(free)))] if free else f"{nom} {len(used) + 1}"
        used.add(name)
        return name

    def place_stop(self, x: float, y: float, name: str | None, heading: float, sequence: list[int]) -> int | None:
        if name is not None and name in self.by_name:
            return self.by_name[name]
        if self.stops:
            xs = np.array([s.x for s in self.stops])
            ys = np.array([s.y for s in self.stops])
            d = np.hypot(xs - x, ys - y)
            j = int(d.argmin())
            if d[j] < MERGE_RADIUS_M and name is None:
                return None if j in sequence else j
        commune = int(self.territory.nearest_commune(x, y)[0])
        x, y = self.territory.pull_inside(commune, x, y, STOP_INSET_M)
        if name is None:
            name = self.stop_name(commune)
        else:
            self.names_by_commune.setdefault(commune, set()).add(name)
        self.stops.append(LogicalStop(x, y, name, commune, heading))
        self.by_name.setdefault(name, len(self.stops) - 1)
        return len(self.stops) - 1

    def pattern(self, route_id: str, waypoints: list, kind: str) -> Pattern:
        _, spacing, bend = KINDS[kind]
        vertices: list[np.ndarray] = []
        sequence: list[int] = []
        for a, b in zip(waypoints[:-1], waypoints[1:]):
            path, cands = self.leg(a, b, spacing, bend)
            vertices.append(path if not vertices else path[1:])
            for i, (x, y, name) in enumerate(cands):
                if sequence and i == 0:
                    continue  # the leg starts where the previous one ended
                nxt = cands[min(i + 1, len(cands) - 1)]
                prv = cands[max(i - 1, 0)]
                heading = math.atan2(nxt[1] - prv[1], nxt[0] - prv[0])
                j = self.place_stop(x, y, name, heading, sequence)
                if j is not None and j not in sequence:
                    sequence.append(j)
        path = np.concatenate(vertices)
        line = LineString(path)
        dist = np.array([line.project(Point(self.stops[j].x, self.stops[j].y)) for j in sequence])
        dist = np.maximum.accumulate(dist)  # a stop snapped slightly backwards never makes time run back
        for j in sequence:
            self.stops[j].routes.add(route_id)
        return Pattern(sequence, path, dist)


def build_network(territory: Territory) -> tuple[list[Line], list[LogicalStop]]:
    """All lines with their patterns, and the logical stops they share."""
    builder = NetworkBuilder(territory)
    lines: list[Line] = []
    for order, main in enumerate(astuce_lines()):
        kind = "metro" if main.name == "Métro" else "tram" if main.name.startswith("T") else "fast"
        route_id = "METRO" if kind == "metro" else main.name
        line = Line(route_id, main.name, f"{main.termini[0]} <> {main.termini[1]}", KINDS[kind][0], kind,
                    main.color, order + 1)
        line.patterns = [builder.pattern(route_id, wps, kind) for wps in MAIN_PATTERNS[main.name]]
        lines.append(line)
    for number, color, wps in BUS_LINES:
        first, last = (builder.waypoint(w)[2] or "" for w in (wps[0], wps[-1]))
        line = Line(number, number, f"{first} <> {last}", 3, "bus", color, 40 + int(number))
        line.patterns = [builder.pattern(number, wps, "bus")]
        lines.append(line)
    for route_id, short, color, wps in TAD_LINES:
        first, last = (builder.waypoint(w)[2] or "" for w in (wps[0], wps[-1]))
        line = Line(route_id, short, f"Transport à la demande : {first} <> {last}", 715, "tad", color,
                    100 + len(lines))
        line.patterns = [builder.pattern(route_id, wps, "tad")]
        lines.append(line)
    return lines, builder.stops


def stop_lonlat(stops: list[LogicalStop], side: float) -> tuple[np.ndarray, np.ndarray]:
    """Quay positions: `side` metres to the right (+) or left (-) of the direction of travel."""
    x = np.array([s.x + side * math.sin(s.heading) for s in stops])
    y = np.array([s.y - side * math.cos(s.heading) for s in stops])
    lon, lat = to_lonlat(x, y)
    return lat, lon
