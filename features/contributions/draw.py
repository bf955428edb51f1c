"""The citizens' three forms (« Signaler une erreur », « Proposer un jeu de données », « Présenter une
réutilisation »), the RGPD notice they carry, the thanks shown after a submission, and the approved contributions
shown where they belong. The forms are plain HTML forms posted to /contributions/<kind> (features/contributions/web.py):
they work with the keyboard, without a script of their own, and carry the session's CSRF token and a field
people never see."""
from __future__ import annotations

from dash import dcc, html

from components.a_la_vue import ALaVue
from components.controls import OUTCOME  # the query parameter the write path adds to the page it sends back to
from data_access.clock import in_paris
from data_access.french import format_date
from features.contributions.models import LIMITS

PRIVACY_ANCHOR = "/a-propos#contributions"


HONEYPOT = "site_web"  # a field robots fill in and people never see: a submission that fills it is refused


def take_outcome(params: dict) -> tuple[str | None, dict]:
    """The outcome of a submission the page was sent back with, and the page's other parameters."""
    params = dict(params)
    outcome = params.pop(OUTCOME, None)
    return (outcome[-1] if isinstance(outcome, list) else outcome), params


def outcome_notice(outcome: str | None) -> html.P | None:
    if outcome != "merci":
        return None
    return html.P("Merci ! Votre contribution a bien été reçue. Elle sera publiée après relecture par l'équipe "
                  "open data.", className="alert alert-success contribution-merci", role="status")


def privacy_notice(days: int) -> html.P:
    return html.P([
        "Vos données : nous gardons ce que vous écrivez et, si vous la donnez, votre adresse e-mail. Seuls les "
        "modérateurs de l'équipe open data de la Métropole la voient, pour vous répondre ; elle n'est jamais "
        f"publiée et elle est effacée après {days} jours. Rien n'est publié avant relecture. ",
        dcc.Link("En savoir plus sur vos données", href=PRIVACY_ANCHOR), ".",
    ], className="contribution-rgpd")


def _field(form_id: str, name: str, label: str, hint: str | None = None, required: bool = False,
           rows: int | None = None, kind: str = "text", value: str | None = None,
           autocomplete: str = "off") -> html.Div:
    """A labelled field: a textarea when `rows`, else an input of type `kind`; its size limit is the store's."""
    field_id = f"{form_id}-{name}"
    common = {"id": field_id, "name": name, "maxLength": LIMITS[name], "required": required or None,
              "className": "form-control"}
    control = (html.Textarea(rows=rows, **common) if rows
               else dcc.Input(type=kind, value=value or "", autoComplete=autocomplete, **common))
    # the hint inside the label: read with the field by a screen reader (Dash's inputs take no aria-describedby)
    words = [label, html.Span(" (obligatoire)" if required else " (facultatif)", className="champ-statut"),
             html.Span(hint, className="form-text d-block") if hint else None]
    return html.Div([html.Label(words, htmlFor=field_id, className="form-label"), control], className="mb-3")


def form_token() -> str:
    """The CSRF token of the reader's session, for a form drawn now (its session cookie is set by the answer)."""
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def _form(kind: str, form_id: str, fields: list, retour: str, button: str, days: int) -> html.Form:
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=form_token()),
        dcc.Input(type="hidden", name="retour", value=retour),
        *fields,
        html.Div([html.Label("Ne remplissez pas ce champ", htmlFor=f"{form_id}-{HONEYPOT}"),
                  html.Textarea(id=f"{form_id}-{HONEYPOT}", name=HONEYPOT, tabIndex="-1", autoComplete="off")],
                 className="champ-piege", **{"aria-hidden": "true"}),
        _field(form_id, "email", "Votre adresse e-mail", "Pour qu'on puisse vous répondre ; jamais publiée.",
               kind="email", autocomplete="email"),
        privacy_notice(days),
        html.Button(button, type="submit", className="btn btn-primary"),
    ], action=f"/contributions/{kind}", method="post", id=form_id, className="formulaire-contribution")


def error_form(form_id: str, retour: str, view_url: str, datasets: list, chosen: str | None, days: int,
               row_ref: str | None = None):
    """« Signaler une erreur »: on a dataset page (one dataset, named by a hidden field) or a dashboard (the
    reader may say which of its datasets). With `row_ref` (a « Signaler » link that names the row), the form is
    open and its « Ligne concernée » filled in."""
    if len(datasets) == 1:
        which = dcc.Input(type="hidden", name="dataset_id", value=datasets[0].id)
    else:
        which = html.Div([
            html.Label("Jeu de données concerné", htmlFor=f"{form_id}-dataset_id", className="form-label"),
            html.Select([html.Option("Je ne sais pas", value="")]
                        + [html.Option(d.title, value=d.id, selected=d.id == chosen or None) for d in datasets],
                        id=f"{form_id}-dataset_id", name="dataset_id", className="form-select"),
        ], className="mb-3")
    fields = [
        which,
        _field(form_id, "description", "Ce qui est faux", "Ce que vous avez vu, et ce qui serait juste si vous "
               "le savez.", required=True, rows=4),
        _field(form_id, "row_ref", "Ligne concernée", "Par exemple l'identifiant ou le nom de la ligne.",
               value=row_ref),
        _field(form_id, "view_url", "Adresse de la vue", "L'adresse de la page telle que vous la voyez (déjà "
               "remplie).", kind="url", value=view_url),
    ]
    return _disclosure("Signaler une erreur", form_id,
                       _form("erreur", form_id, fields, retour, "Envoyer le signalement", days), bool(row_ref))


def wish_form(form_id: str, retour: str, days: int):
    fields = [
        _field(form_id, "description", "Les données souhaitées", "Ce qu'elles décriraient, sur quel territoire, "
               "sur quelle période.", required=True, rows=4),
        _field(form_id, "why", "Pourquoi", "Ce que vous en feriez, à qui elles serviraient.", rows=3),
        _field(form_id, "publisher_hint", "Qui pourrait les publier", "Un service, une commune, un organisme…"),
    ]
    return _disclosure("Proposer un jeu de données", form_id,
                       _form("jeu", form_id, fields, retour, "Envoyer la proposition", days))


def reuse_form(form_id: str, retour: str, days: int, datasets_field) -> html.Form:
    """« Présenter une réutilisation »; `datasets_field` is the page's choice of the datasets used."""
    fields = [
        _field(form_id, "title", "Titre", required=True),
        _field(form_id, "link", "Lien", "L'adresse de la réutilisation (https://…).", required=True, kind="url"),
        _field(form_id, "description", "Description", "Ce qu'elle montre ou permet, pour qui.", required=True,
               rows=4),
        datasets_field,
        _field(form_id, "image_url", "Adresse d'une image", "Une capture d'écran en ligne (https://…). Elle est "
               "proposée en lien : le portail ne charge pas d'image d'un autre site.", kind="url"),
        _field(form_id, "image_alt", "Texte alternatif de l'image", "Ce que montre l'image, pour qui ne la voit "
               "pas (obligatoire si vous donnez une image)."),
    ]
    return _form("reutilisation", form_id, fields, retour, "Présenter la réutilisation", days)


def _disclosure(title: str, form_id: str, form: html.Form, open_: bool = False) -> html.Details:
    # the form is drawn when the disclosure is opened, or at once when it is open (a closed <details> has no
    # size: « à la vue » waits)
    return html.Details([html.Summary(title, className="contribution-titre"), ALaVue(form)],
                        className="contribution print-hide", id=f"{form_id}-bloc", open=open_ or None)


def _day(moment) -> str:
    return format_date(in_paris(moment).date()) if moment is not None else "date inconnue"


def reports_list(reports: list) -> list:
    """The approved error reports of a dataset, each with the team's answer."""
    if not reports:
        return [html.P("Aucune erreur signalée n'a été publiée pour ce jeu de données.")]
    return [html.Ul([html.Li(html.Article([
        html.P(f"Signalement publié, reçu le {_day(r.created_at)}", className="contribution-date"),
        html.P(r.description, className="contribution-texte"),
        html.P(f"Ligne concernée : {r.row_ref}") if r.row_ref else None,
        _answer(r.answer),
    ])) for r in reports], className="contributions-publiees")]


def _answer(text: str | None) -> html.Div | None:
    """The team's answer, published with the contribution."""
    if not text:
        return None
    return html.Div([html.Strong("Réponse de l'équipe open data : "),
                     html.Span(text, className="contribution-texte")], className="contribution-reponse")


def reuses_list(reuses: list, catalogue, heading_level=html.H3) -> list:
    """The approved reuses, as cards: title, description, link, image link, the datasets used."""
    from features.contributions.store import is_web_link

    if not reuses:
        return [html.P("Aucune réutilisation publiée pour l'instant.")]
    cards = []
    for r in reuses:
        used = [catalogue.get(i) for i in (r.datasets or "").split(",") if i and catalogue.get(i)]
        cards.append(html.Li(html.Article([
            heading_level(r.title or "Réutilisation"),
            html.P(r.description, className="contribution-texte"),
            html.P(html.A(["Voir la réutilisation", html.Span(f" « {r.title} » (site externe)",
                                                              className="visually-hidden")],
                          href=r.link, rel="nofollow ugc noopener noreferrer")) if is_web_link(r.link) else None,
            html.P(html.A(f"Image : {r.image_alt}", href=r.image_url, rel="nofollow ugc noopener noreferrer"))
            if is_web_link(r.image_url) else None,
            html.P(["Jeux utilisés : ", *_joined([dcc.Link(d.title, href=f"/jeux-de-donnees/{d.id}") for d in used])])
            if used else None,
            _answer(r.answer),
        ], className="reutilisation")))
    return [html.Ul(cards, className="galerie-reutilisations")]


def _joined(links: list) -> list:
    out = []
    for k, link in enumerate(links):
        out += ([", "] if k else []) + [link]
    return out


def _here(path: str, pairs: list) -> tuple[str, str]:
    """The page's way back (a path of the site) and its full address, for the forms drawn on it."""
    from urllib.parse import urlencode

    from features.integration.draw import portal_origin

    retour = path + (f"?{urlencode(pairs)}" if pairs else "")
    return retour, portal_origin() + retour


def unreadable(what: str = "Les contributions publiées") -> html.P:
    """What a page says when the contributions' database cannot be read (the rest of the page is drawn)."""
    return html.P(f"{what} ne peuvent pas être lues pour l'instant.", className="notice-unavailable")


SHOWN = 10  # the newest published reports and reuses a dataset page shows (the others are a link away)
EVERY_REPORT = "signalements"  # the dataset page's parameter that shows every published report (`=tous`)


REPORT_ROW = "signaler"  # the dataset page's parameter that opens « Signaler une erreur » about one row
REPORT_FORM = "signaler-erreur"  # that form's id: a « Signaler » link goes to its block (#signaler-erreur-bloc)


def report_link(dataset_id: str, row_ref: str) -> str:
    """Where a « Signaler » link beside one row goes: its dataset page, the error form open and about that row."""
    from urllib.parse import urlencode

    return f"/jeux-de-donnees/{dataset_id}?{urlencode([(REPORT_ROW, row_ref[:200])])}#{REPORT_FORM}-bloc"


def dataset_contributions(dataset, path: str, pairs: list, days: int, published, catalogue,
                          every_report: bool = False, row_ref: str | None = None) -> html.Section:
    """A dataset page's part: its newest published error reports with their answers (every one with
    `every_report`), its newest reuses (the others in the gallery, filtered on the dataset), and the form.
    `published(kind, dataset_id)` gives the approved contributions (None when they cannot be read)."""
    from urllib.parse import urlencode

    retour, address = _here(path, pairs)
    reports, reuses = published("erreur", dataset.id), published("reutilisation", dataset.id)
    more_reports = f"{path}?{urlencode(pairs + [(EVERY_REPORT, 'tous')])}"
    return html.Section([
        html.H2("Erreurs signalées et réutilisations", id="contributions-titre"),
        html.H3("Erreurs signalées"),
        *(reports_list(reports if every_report else reports[:SHOWN]) if reports is not None else [unreadable()]),
        html.P(dcc.Link(f"Voir les {len(reports)} signalements publiés", href=more_reports))
        if reports and len(reports) > SHOWN and not every_report else None,
        html.H3("Réutilisations de ce jeu de données"),
        *(reuses_list(reuses[:SHOWN], catalogue, html.H4) if reuses is not None else [unreadable()]),
        html.P(dcc.Link(f"Toutes les réutilisations de ce jeu ({len(reuses)}), et présenter la vôtre"
                        if reuses and len(reuses) > SHOWN else "Présenter votre réutilisation",
                        href=f"/reutilisations?jeu={dataset.id}")),
        error_form(REPORT_FORM, retour, address, [dataset], dataset.id, days, row_ref),
    ], className="contributions print-hide", **{"aria-labelledby": "contributions-titre"})


def dashboard_error_form(dashboard: str, path: str, params: dict, days: int) -> html.Section:
    """A dashboard's « Signaler une erreur »: about one of the datasets that feed it (the one shown, chosen)."""
    from components.portal import current_portal
    from features.integration.draw import query_of

    catalogue = current_portal().repository.catalogue
    datasets = [d for d in catalogue.datasets if d.dashboard == dashboard]
    chosen = params.get("jeu")
    chosen = chosen[-1] if isinstance(chosen, list) else chosen
    chosen = chosen if catalogue.get(chosen or "") else (datasets[0].id if datasets else None)
    retour, address = _here(path, query_of(params))
    return html.Section([
        html.H2("Une erreur dans ces données ?", id="contributions-titre", className="visually-hidden"),
        error_form("signaler-erreur", retour, address, datasets, chosen, days),
    ], className="contributions print-hide", **{"aria-labelledby": "contributions-titre"})


def dashboard_layout(draw, dashboard: str, path: str, params: dict) -> html.Div:
    """A dashboard's page: the thanks after a submission, the dashboard (`draw` adds the « Intégrer » disclosures
    of its sections, from its registry: features/integration/draw_sections.py), and « Signaler une erreur »."""
    from components.portal import current_portal

    outcome, params = take_outcome(params)
    return html.Div([
        outcome_notice(outcome),
        draw(**params),
        dashboard_error_form(dashboard, path, params, current_portal().settings.contribution_email_days),
    ])
