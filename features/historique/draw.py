"""What a dataset's page shows of its history: the banner of a past version, « Citer cette vue », the links to the
history and the feed, its freshness, and the notice of a version that cannot be shown."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from data_access.french import format_date
from data_access.history.feeds import feed_path
from data_access.history.freshness import THRESHOLDS

FREQUENCIES = {"daily": "chaque jour", "weekly": "chaque semaine", "monthly": "chaque mois",
               "quarterly": "chaque trimestre", "yearly": "chaque année", "irregular": "sans rythme fixe"}


def href(path: str, pairs: list[tuple[str, str]]) -> str:
    return path + (f"?{urlencode(pairs)}" if pairs else "")


def version_banner(base: str, pinned, pairs: list[tuple[str, str]], compact: bool = False) -> html.Div | html.P:
    """The page shows the data as it was: said first, with the way back to today's. `compact`: one line, for a
    view shown outside its page (an embed, a story's block), its link opening the portal in a new tab."""
    if compact:
        return html.P([html.Strong(f"Version {pinned.words}"), " : les données telles qu'elles étaient alors. ",
                       html.A("Voir les données d'aujourd'hui", href=href(base, pairs), target="_blank",
                              rel="noopener")],
                      className="notice-version notice-version-compact", role="note",
                      **{"aria-label": "Version des données"})
    return html.Div([
        html.P([html.Strong("Données d'une version passée. "),
                f"Vous consultez les données telles qu'elles étaient le {pinned.words.removeprefix('du ')} "
                f"(version {pinned.version}). Les chiffres et l'extrait sont ceux de cette version. ",
                dcc.Link("Voir les données d'aujourd'hui", href=href(base, pairs)), " · ",
                dcc.Link("Historique des versions", href=href(f"{base}/historique", [("version", pinned.version)]))]),
    ], className="notice-version", role="note", **{"aria-label": "Version des données"})


def refused_notice(base: str, exc) -> html.Div:
    """A version that cannot be shown (malformed, unknown, or past retention)."""
    return html.Div([
        html.H2("Version introuvable" if exc.status != 410 else "Version plus conservée"),
        html.P(str(exc)[:1].upper() + str(exc)[1:] + "."),
        html.P([dcc.Link("Voir les données d'aujourd'hui", href=base), " · ",
                dcc.Link("Historique des versions", href=f"{base}/historique")]),
    ], className="notice-unavailable", role="alert")


def reference(dataset, publisher: str, pinned, url: str, today) -> str:
    """The reference of a view: publisher, title, version date, permanent URL, consultation date."""
    version = f"version {pinned.words}" if pinned is not None else "données du jour"
    return (f"{dataset.publisher or publisher}, « {dataset.title} », {version}, portail open data de la "
            f"Métropole Rouen Normandie, {url} (consulté le {format_date(today)}).")


def cite_block(dataset, publisher: str, base: str, pairs: list[tuple[str, str]], pinned, origin: str, today
               ) -> html.Details:
    """« Citer cette vue »: a permanent URL (the view with its version, when the history keeps one) and a
    reference ready to paste."""
    kept = [("version", pinned.version)] if pinned is not None else []
    url = origin + href(base, kept + [(k, v) for k, v in pairs if k != "version"])
    text = reference(dataset, publisher, pinned, url, today)
    return html.Details([
        html.Summary("Citer cette vue"),
        html.P("Adresse permanente de cette vue, qui montrera toujours ces données-ci :" if pinned is not None else
               "Adresse de cette vue (le portail n'a pas encore d'historique de ce jeu de données : elle montrera "
               "les données du jour) :"),
        html.P(html.A(url, href=url, className="cite-url")),
        html.Label("Référence à copier", htmlFor="citer-reference"),
        dcc.Textarea(id="citer-reference", value=text, readOnly=True, rows=3, className="cite-text"),
    ], className="cite-view")


def follow_line(base: str, filters: list[tuple[str, str]], fresh, frequency: str | None) -> html.P:
    """The history, the feed, and how fresh the content is (HDX's states, in French, and in words)."""
    parts = [dcc.Link("Historique des versions", href=href(f"{base}/historique", filters)), " · ",
             html.A("Suivre (flux Atom)", href=feed_path(base, filters), rel="alternate", title="Flux Atom : s’y abonner avec un lecteur de flux")]
    if fresh is not None:
        parts += [" · ", html.Span([f"Fraîcheur : {fresh.label}", html.Span(
            f" (mise à jour attendue {FREQUENCIES.get(frequency, '')} ; contenu modifié pour la dernière fois le "
            f"{format_date(fresh.changed)})" if frequency in THRESHOLDS else
            f" (contenu modifié le {format_date(fresh.changed)})")], className=f"freshness freshness-{fresh.state}")]
    return html.P(parts, className="dataset-follow")


# A dashboard's path -> its datasets (repository -> list): the one its `jeu` asks, else the first, is followed
# (its feed named in the page's head). Each dashboard's page registers its own.
DASHBOARD_FEEDS: dict = {}


def followed(repository, path: str, asked: str | None):
    """The dataset a dashboard at `path` shows, as its head names its feed; None for another page."""
    choices = DASHBOARD_FEEDS.get(path)
    found = choices(repository) if choices is not None else []
    return next((d for d in found if d.id == asked), found[0] if found else None)


def dashboard_follow(repository, dataset, filters: list[tuple[str, str]] = ()) -> html.P:
    """The follow line under a dashboard's lead: its dataset's history, the feed of what the dashboard shows (its
    filters, when it has the grammar's), and the dataset's freshness."""
    from data_access.clock import today_paris
    from data_access.history.freshness import freshness

    return follow_line(f"/jeux-de-donnees/{dataset.id}", list(filters),
                       freshness(repository.served_store.folder, dataset, today_paris()), dataset.frequency)
