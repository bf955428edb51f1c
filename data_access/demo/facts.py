"""Real facts the demo snapshot is built on, kept verbatim: the 71 communes and the Astuce main lines."""
from __future__ import annotations

from dataclasses import dataclass

EPCI_SIREN = "200023414"
EPCI_NAME = "Métropole Rouen Normandie"

# INSEE code, name, municipal population 2025, a point inside the commune (lat, lon), area in km².
COMMUNES_CSV = """\
insee;nom;population_municipale_2025;lat;lon;superficie_km2
76005;Amfreville-la-Mi-Voie;3280;49.4051;1.1263;3.98
76020;Anneville-Ambourville;1161;49.4509;0.8876;20.39
76039;Les Authieux-sur-le-Port-Saint-Ouen;1210;49.3387;1.1327;4.54
76056;Bardouville;602;49.4294;0.9234;8.47
76069;Belbeuf;2257;49.3848;1.1355;6.46
76088;Berville-sur-Seine;542;49.4733;0.8887;7.0
76095;Bihorel;8299;49.4638;1.1308;2.53
76103;Bonsecours;6444;49.4253;1.123;3.68
76108;Bois-Guillaume;14497;49.4729;1.1201;8.84
76116;Boos;3975;49.3754;1.1891;14.19
76131;La Bouille;710;49.3518;0.9291;1.26
76157;Canteleu;14420;49.431;1.0083;17.65
76165;Caudebec-lès-Elbeuf;10414;49.2817;1.0231;3.64
76178;Cléon;4863;49.3145;1.0383;6.47
76212;Darnétal;9652;49.4464;1.1576;4.87
76216;Déville-lès-Rouen;10690;49.4671;1.0499;3.18
76222;Duclair;4017;49.4858;0.871;10.04
76231;Elbeuf;15774;49.2774;0.9922;16.66
76237;Épinay-sur-Duclair;516;49.525;0.8354;6.65
76273;Fontaine-sous-Préaux;562;49.4868;1.1646;3.54
76282;Freneuse;993;49.3082;1.0676;3.24
76313;Gouy;893;49.3574;1.1444;5.01
76319;Grand-Couronne;9722;49.3514;0.9959;16.89
76322;Le Grand-Quevilly;25954;49.4115;1.0376;11.04
76350;Hautot-sur-Seine;395;49.3635;0.9792;2.19
76354;Hénouville;1393;49.4734;0.9543;10.81
76366;Le Houlme;4127;49.5119;1.0311;2.95
76367;Houppeville;2849;49.5031;1.0837;20.96
76377;Isneauville;3713;49.5036;1.1428;8.04
76378;Jumièges;1743;49.4298;0.8301;18.97
76391;La Londe;2367;49.3191;0.9112;31.04
76402;Malaunay;6125;49.5262;1.0603;9.25
76410;Maromme;11005;49.4763;1.0348;4.16
76429;Le Mesnil-Esnard;7998;49.4123;1.1414;5.25
76436;Le Mesnil-sous-Jumièges;612;49.4272;0.8606;6.87
76448;Montmain;1499;49.4081;1.248;6.1
76451;Mont-Saint-Aignan;20188;49.4672;1.0806;7.89
76457;Moulineaux;943;49.3419;0.9571;3.47
76464;La Neuville-Chant-d'Oisel;2376;49.374;1.2515;22.11
76474;Notre-Dame-de-Bondeville;7004;49.4888;1.0413;6.35
76475;Franqueville-Saint-Pierre;6081;49.4042;1.1831;8.63
76484;Oissel;12287;49.3465;1.0738;22.22
76486;Orival;839;49.3147;0.9879;9.54
76497;Petit-Couronne;8738;49.3804;1.035;12.77
76498;Le Petit-Quevilly;21935;49.4237;1.0577;4.36
76513;Quevillon;591;49.4105;0.9601;10.83
76514;Quévreville-la-Poterie;1036;49.3541;1.1912;4.71
76536;Roncherolles-sur-le-Vivier;1255;49.4629;1.1805;5.36
76540;Rouen;116331;49.4405;1.0857;21.54
76550;Sahurs;1226;49.3675;0.9432;11.11
76558;Saint-Aubin-Celloville;1182;49.3731;1.1548;6.77
76560;Saint-Aubin-Épinay;1016;49.4166;1.2061;9.88
76561;Saint-Aubin-lès-Elbeuf;8429;49.3055;1.0081;5.8
76575;Saint-Étienne-du-Rouvray;28653;49.3848;1.0916;18.25
76591;Saint-Jacques-sur-Darnétal;3134;49.4482;1.2072;16.74
76599;Saint-Léger-du-Bourg-Denis;3665;49.429;1.1658;2.85
76608;Sainte-Marguerite-sur-Duclair;2032;49.5172;0.8105;7.33
76614;Saint-Martin-de-Boscherville;1528;49.446;0.9637;12.53
76617;Saint-Martin-du-Vivier;1678;49.4717;1.1609;5.01
76631;Saint-Paër;1318;49.5224;0.8855;18.2
76634;Saint-Pierre-de-Manneville;884;49.3963;0.9424;10.25
76636;Saint-Pierre-de-Varengeville;2301;49.5031;0.9266;13.09
76640;Saint-Pierre-lès-Elbeuf;8295;49.2773;1.05;6.4
76681;Sotteville-lès-Rouen;29039;49.412;1.0931;7.4
76682;Sotteville-sous-le-Val;746;49.3178;1.1131;5.03
76705;Tourville-la-Rivière;2574;49.3386;1.1157;8.09
76709;Le Trait;4742;49.4815;0.813;17.7
76717;Val-de-la-Haye;699;49.3882;0.9925;10.29
76750;Yainville;1033;49.4575;0.83;3.29
76753;Ymare;1228;49.3487;1.1717;3.96
76759;Yville-sur-Seine;424;49.409;0.8854;7.8
"""

# Main lines of the Astuce network: line | termini | colour.
ASTUCE_LINES_TEXT = """\
Métro | Boulingrin <> Georges Braque / Technopôle | 123E8B
T1 | Mont aux Malades <> CHU Charles Nicolle | E63027
T2 | Mairie - V. Schoelcher <> Tamarelle | 008F5B
T3 | Monet <> Durécu-Lavoisier | 6D1C74
T4 | Marie Curie - MTC <> Zénith-Parc Expo | F5C500
F1 | Plaine de la Ronce <> Stade Diochon | E6007E
F2 | Centre commercial de La Vatine <> Tamarelle | A2559D
F3 | Hôtel de Ville de Sotteville <> Tourville-la-Rivière | FFDD00
F4 | Hameau de Frévaux <> Mont-Riboudet | EC6408
F5 | Théâtre des Arts <> Lycée Galilée | AFCA0B
F6 | Les Bouttières <> Gare de Saint-Etienne | 00ACE5
F7 | La Pléiade <> Hôtel de Ville de Sotteville | 008F5B
F8 | Lycée du Cailly <> Tamarelle | 0090D7
F9 | Champ de Foire <> Théâtre des Arts | 248BCB
"""


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    population: int
    lat: float
    lon: float
    superficie_km2: float


@dataclass(frozen=True)
class AstuceLine:
    name: str
    termini: tuple[str, str]
    color: str


def communes() -> tuple[Commune, ...]:
    """The 71 communes, in INSEE code order."""
    rows = [line.split(";") for line in COMMUNES_CSV.splitlines()[1:]]
    return tuple(
        Commune(insee, nom, int(pop), float(lat), float(lon), float(area))
        for insee, nom, pop, lat, lon, area in rows
    )


def astuce_lines() -> tuple[AstuceLine, ...]:
    """The main lines, in the order above."""
    lines = []
    for raw in ASTUCE_LINES_TEXT.splitlines():
        name, termini, color = (part.strip() for part in raw.split("|"))
        first, last = (t.strip() for t in termini.split("<>"))
        lines.append(AstuceLine(name, (first, last), color))
    return tuple(lines)
