"""The demo's stories (`recits/`), written from the demo data: their figures are computed when a reader opens
them, so they follow the data. Labelled as demo."""
from __future__ import annotations

from pathlib import Path

STORIES = {
    "grands-chantiers": '''+++
title = "Où en sont les grands chantiers ?"
summary = "Les travaux en cours dans la Métropole, par type, et ceux qui gênent le plus la circulation."
author = "Équipe données de la Métropole"
date = 2026-11-20
theme = "Travaux"
image_alt = "Graphique en barres des chantiers en cours par type de travaux"
datasets = ["chantiers"]
demo = true
+++

La Métropole suit ses chantiers de voirie, de réseaux et d'espaces publics dans un seul fichier ouvert. Aujourd'hui,
{{ nombre: /jeux-de-donnees/chantiers?refine.statut=en+cours }} chantiers sont **en cours** et
{{ nombre: /jeux-de-donnees/chantiers?refine.statut=programm%C3%A9 }} sont programmés.

## Par type de travaux

Les chantiers en cours, par type de travaux :

```graphique
/jeux-de-donnees/chantiers?tab=chart&chart=bar&x=type&refine.statut=en+cours
```

## Ceux qui gênent la circulation

{{ nombre: /jeux-de-donnees/chantiers?refine.statut=en+cours&refine.impact_circulation=fort }} chantiers en cours
ont un impact **fort** sur la circulation. Les voici :

```tableau
/jeux-de-donnees/chantiers?refine.statut=en+cours&refine.impact_circulation=fort&sort=date_debut&select=titre,commune,type,date_debut,date_fin_prevue
```

## Les retards

Parmi les chantiers en cours, certains ont dépassé leur date de fin prévue :

```chiffre
/tableaux-de-bord/travaux#en-retard
```

## Où sont-ils ?

La carte du tableau de bord montre chaque chantier, sa nature et son état à la date du jour :

```carte
/tableaux-de-bord/travaux#carte
```

Pour suivre un chantier près de chez vous, le tableau de bord [Travaux](/tableaux-de-bord/travaux) donne aussi le
calendrier et l'avancement de chacun.
''',
    "diabete-seine-maritime": '''+++
title = "Le diabète en Seine-Maritime, comparé à la France"
summary = "Combien d'habitants sont soignés pour un diabète, comment cette part évolue, et où sont les médecins."
author = "Équipe données de la Métropole"
date = 2026-11-25
theme = "Santé"
image_alt = "Courbes de la prévalence du diabète en Seine-Maritime, en Normandie et en France"
datasets = ["pathologies", "offre-de-soins"]
demo = true
+++

L'Assurance maladie publie chaque année le nombre de personnes soignées pour chaque grande pathologie, par
département. Pour le diabète, la part des habitants de la Seine-Maritime concernés est la suivante :

```chiffre
/tableaux-de-bord/sante?refine.patho_niv1=Diab%C3%A8te#prevalence-seine-maritime
```

Et l'écart avec la France entière :

```chiffre
/tableaux-de-bord/sante?refine.patho_niv1=Diab%C3%A8te#ecart-a-la-france
```

## Une part qui augmente

```graphique
/tableaux-de-bord/sante?refine.patho_niv1=Diab%C3%A8te#evolution
```

Le fichier détaille les patients par classe d'âge. En Seine-Maritime, en 2024, le nombre de patients soignés pour
un diabète croît avec l'âge jusqu'à 70 ans :

```graphique
/jeux-de-donnees/pathologies?tab=chart&chart=bar&x=cla_age_5&agg=sum&y=ntop&refine.top=DIA_CAT_CAT&refine.dept=76&refine.annee=2024&refine.sexe=9&exclude.cla_age_5=tsage
```

## Les médecins généralistes dans les communes

Le suivi d'un diabète passe d'abord par le médecin traitant. Le portail publie l'offre de soins de
{{ nombre: /jeux-de-donnees/offre-de-soins?refine.annee=2024 }} communes de la Métropole :

```carte
/tableaux-de-bord/sante?refine.patho_niv1=Diab%C3%A8te#offre
```

Les communes les mieux pourvues, pour 10 000 habitants :

```tableau
/jeux-de-donnees/offre-de-soins?refine.annee=2024&sort=-medecins_generalistes&select=commune,population,medecins_generalistes
```

La prévalence est une part de patients soignés, pas de malades : un diabète non diagnostiqué n'y figure pas. La
[méthode](/tableaux-de-bord/sante) est détaillée sur le tableau de bord Santé.
''',
    "journee-reseau-astuce": '''+++
title = "Une journée sur le réseau Astuce"
summary = "Les lignes, les voyages et les départs d'une journée de service, et les vélos et parkings qui les complètent."
author = "Équipe données de la Métropole"
date = 2026-11-28
theme = "Transports"
image_alt = "Carte des lignes du réseau Astuce et des stations de vélos en libre-service"
datasets = ["reseau-astuce-gtfs", "stations-lovelo", "parkings"]
demo = true
+++

Chaque jour, les horaires du réseau Astuce disent combien de voyages circulent. Aujourd'hui :

```chiffre
/tableaux-de-bord/transports#voyages
```

Ces voyages offrent autant de départs, d'arrêt en arrêt :

```chiffre
/tableaux-de-bord/transports#departs
```

## Le réseau

```carte
/tableaux-de-bord/transports#carte
```

## Les vélos en libre-service

Le portail recense {{ nombre: /jeux-de-donnees/stations-lovelo }} stations de vélos en libre-service :

```carte
/jeux-de-donnees/stations-lovelo?tab=map
```

Les plus grandes stations :

```tableau
/jeux-de-donnees/stations-lovelo?sort=-capacite&select=nom,commune,capacite
```

## Les parkings

Les places de stationnement des {{ nombre: /jeux-de-donnees/parkings }} parkings, par commune :

```graphique
/jeux-de-donnees/parkings?tab=chart&chart=bar&x=commune&agg=sum&y=capacite
```
''',
}


def write_stories(out: Path) -> int:
    folder = Path(out) / "recits"
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in STORIES.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8", newline="\n")
    return len(STORIES)
