"""About the data and its sources, and the accessibility statement (déclaration d'accessibilité)."""
from __future__ import annotations

from urllib.parse import urlsplit

import dash
from dash import html

from components.portal import current_portal
from components.shell import section
from components.tables import scroll_table
from data_access.demo import OUTLINES_LICENSE, OUTLINES_LICENSE_URL, OUTLINES_SOURCE, OUTLINES_SOURCE_URL
from data_access.french import format_date

dash.register_page(__name__, path="/a-propos", name="À propos", title="À propos des données et accessibilité",
                   nav_order=90)


class Ids:
    """This page's ids, in one place."""

    DEMO = "a-propos-demo"
    SOURCES = "a-propos-sources"
    ACCESSIBILITY = "accessibilite"  # linked to from elsewhere: /a-propos#accessibilite
    PRIVACY = "vie-privee"  # linked to from « Près de chez moi »: /a-propos#vie-privee
    CONTRIBUTIONS = "contributions"  # linked to from each contribution form: /a-propos#contributions


def _source(dataset) -> str:
    source = dataset.source
    if source is None:
        return "fichier fourni avec le portail"
    if source.kind == "ods":
        return f"{source.base_url} (jeu « {source.dataset_id} »)"
    return source.url


def _sources_table(repository) -> html.Table:
    rows = []
    for dataset in repository.catalogue.datasets:
        reason = repository.unavailable_reason(dataset.id)
        rows.append(html.Tr([
            html.Th(dataset.title, scope="row"),
            html.Td(dataset.publisher or "—"),
            html.Td(dataset.license or "non précisée"),
            html.Td(_source(dataset)),
            html.Td(format_date(dataset.modified)),
            html.Td(("Démonstration" if dataset.demo else "Réel") + (f" — indisponible : {reason}" if reason else "")),
        ]))
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in
                               ("Jeu de données", "Producteur", "Licence", "Source", "Mise à jour", "Nature")]))
    return scroll_table(html.Table([html.Caption("Sources des jeux de données du catalogue"), head, html.Tbody(rows)],
                                   className="table table-sm"), "Sources des jeux de données")


def _outlines_credit() -> html.P:
    """The one real data file the demo snapshot ships, the communes' outlines, credited as their licence asks."""
    return html.P([
        "Contours des communes de l'instantané de démonstration : ",
        html.A(OUTLINES_SOURCE, href=OUTLINES_SOURCE_URL), ", sous ",
        html.A(f"{OUTLINES_LICENSE} (Etalab)", href=OUTLINES_LICENSE_URL),
        ". Ce sont les contours réels, simplifiés pour l'affichage ; ils ne font pas foi comme limites "
        "administratives.",
    ])


def _tile_host(url: str) -> str:
    return (urlsplit(url).hostname or "").replace("{s}.", "")


def layout(**_query):
    portal = current_portal()
    repository = portal.repository
    demo = portal.demo
    days = portal.settings.contribution_email_days
    return html.Div([
        html.H1("À propos des données"),
        html.P(f"Ce portail présente les données ouvertes de {repository.catalogue.portal.publisher} : "
               "un catalogue de jeux de données et des tableaux de bord thématiques. Chaque vue peut être "
               "téléchargée avec sa source, sa licence, ses filtres et sa date."),
        section(
            "Données de démonstration", Ids.DEMO,
            html.P("L'instantané servi ici est généré automatiquement et de façon reproductible. Les noms, codes "
                   "INSEE, populations municipales 2025, positions et contours des 71 communes sont réels (voir "
                   "les sources) ; tous les autres chiffres sont fictifs. Ils ne doivent pas être cités comme des "
                   "faits."),
        ) if demo else None,
        section("Sources", Ids.SOURCES, _sources_table(repository), _outlines_credit() if demo else None),
        section(
            "Vie privée : « Près de chez moi »", Ids.PRIVACY,
            html.P("Pour répondre sur un lieu, la page envoie au serveur du portail sa position (latitude et "
                   "longitude), l'adresse tapée pour les suggestions, ou la commune choisie. Ces valeurs voyagent "
                   "dans le corps de la requête, jamais dans l'adresse de la page : elles n'apparaissent ni dans "
                   "l'historique du navigateur ni dans les journaux du serveur, qui ne notent que les adresses des "
                   "pages."),
            html.P("Ce qui est gardé : rien. Le serveur calcule les réponses puis oublie la position ; cette page "
                   "ne pose aucun cookie ni identifiant, et « Me localiser » ne demande la position au navigateur "
                   "qu'au moment où vous appuyez, avec votre accord."),
            html.P("Seul le bouton « Partager ce lieu » écrit une position dans un lien, arrondie à une dizaine de "
                   "mètres, pour que vous puissiez l'envoyer. Ouvrir ce lien envoie cette position dans l'adresse "
                   "de la page, comme toute adresse."),
            html.P(f"Le fond de la carte vient d'un serveur de tuiles ({_tile_host(portal.settings.tile_url)})"
                   " : comme pour toute carte en ligne, ce serveur reçoit les demandes des images de la zone "
                   "affichée, donc à peu près le lieu regardé, mais ni la position exacte ni les réponses.")
            if portal.settings.tile_url else None,
        ),
        section(
            "Vie privée : vos contributions", Ids.CONTRIBUTIONS,
            html.P("Vous pouvez signaler une erreur, proposer un jeu de données ou présenter une réutilisation. "
                   "Ce que nous gardons : le texte de votre contribution, sa date et, seulement si vous la donnez, "
                   "votre adresse e-mail."),
            html.Ul([
                html.Li("Qui le voit : les modérateurs de l'équipe open data de la Métropole lisent tout, pour "
                        "relire et répondre. Le public ne voit une contribution qu'après son approbation, sans "
                        "l'adresse e-mail, qui n'est jamais publiée ni exportée."),
                html.Li(f"Combien de temps : l'adresse e-mail est effacée {days} jours après l'envoi. Le texte "
                        "d'une contribution publiée reste en ligne avec la réponse de l'équipe ; celui d'une "
                        "contribution rejetée n'est jamais publié."),
                html.Li("Pour limiter les abus, l'adresse IP compte les envois pendant une minute, puis elle est "
                        "oubliée. Les formulaires posent un cookie de session technique, qui ne sert qu'à "
                        "vérifier qu'un envoi vient bien de ce site."),
                html.Li("Pour faire effacer ou corriger une contribution, écrivez à la Métropole en indiquant la "
                        "page et la date de l'envoi."),
            ]),
        ),
        section(
            "Déclaration d'accessibilité", Ids.ACCESSIBILITY,
            html.P("La Métropole Rouen Normandie s'engage à rendre ce portail accessible conformément à l'article 47 "
                   "de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique au portail open data."),
            html.H3("État de conformité"),
            html.P("Le portail est partiellement conforme avec le référentiel général d'amélioration de "
                   "l'accessibilité (RGAA), version 4.1 : aucun audit complet n'a encore été réalisé. Des tests "
                   "automatisés (navigateur) vérifient à chaque modification la langue de la page, le lien "
                   "d'évitement, la présence d'un titre de niveau 1 et l'absence d'erreur dans la console."),
            html.H3("Ce qui est fait"),
            html.Ul([
                html.Li("Langue de la page déclarée (français), lien « Aller au contenu » en tête de page."),
                html.Li("Navigation entièrement utilisable au clavier ; focus visible."),
                html.Li("Chaque graphique est accompagné d'un résumé textuel et d'un tableau de données."),
                html.Li("La couleur n'est jamais le seul moyen de transmettre une information."),
            ]),
            html.H3("Signaler un défaut d'accessibilité"),
            html.P("Si vous ne parvenez pas à accéder à un contenu ou à un service, contactez la Métropole "
                   "Rouen Normandie pour être orienté vers une alternative accessible ou obtenir le contenu "
                   "sous une autre forme."),
            html.H3("Voies de recours"),
            html.P("Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu, que vous nous "
                   "l'avez signalé et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir le "
                   "Défenseur des droits (formulaire en ligne, délégué territorial, ou courrier gratuit : "
                   "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07)."),
        ),
    ])
