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

Pour suivre un chantier près de chez vous, le tableau de bord [Travaux](/tableaux-de-bord/travaux) donne la carte,
le calendrier et l'avancement de chacun.
''',
}


def write_stories(out: Path) -> int:
    folder = Path(out) / "recits"
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in STORIES.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8", newline="\n")
    return len(STORIES)
