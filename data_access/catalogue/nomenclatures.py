"""Published code lists a catalogue field may name (`labels = "<nomenclature>"`) to show a label beside each code."""
from __future__ import annotations

# The families of the RNA's nomenclature of social objects (objet_social1, objet_social2), as the Ministry of the
# Interior publishes it: a code's family is its first three digits followed by 000 (« 006030 » is in « 006000 »).
RNA_OBJET_SOCIAL = {
    "001000": "activités politiques",
    "002000": "clubs, cercles de réflexion",
    "003000": "défense de droits fondamentaux, activités civiques",
    "004000": "justice",
    "005000": "information communication",
    "006000": "culture, pratiques d'activités artistiques, culturelles",
    "007000": "clubs de loisirs, relations",
    "009000": "action socio-culturelle",
    "010000": "préservation du patrimoine",
    "011000": "sports, activités de plein air",
    "013000": "chasse pêche",
    "014000": "amicales, groupements affinitaires, groupements d'entraide",
    "015000": "éducation formation",
    "016000": "recherche",
    "017000": "santé",
    "018000": "services et établissements médico-sociaux",
    "019000": "interventions sociales",
    "020000": "associations caritatives, humanitaires, aide au développement, développement du bénévolat",
    "021000": "services familiaux, services aux personnes âgées",
    "022000": "conduite d'activités économiques",
    "023000": "représentation, promotion et défense d'intérêts économiques",
    "024000": "environnement, cadre de vie",
    "030000": "aide à l'emploi, développement local, promotion de solidarités économiques, vie locale",
    "032000": "logement",
    "034000": "tourisme",
    "036000": "sécurité, protection civile",
    "038000": "armée (dont préparation militaire, médailles)",
    "040000": "activités religieuses, spirituelles ou philosophiques",
    "050000": "domaines divers",
}


def rna_objet_social(code: str) -> str | None:
    """The family of a social-object code, or None when the code is not one of the nomenclature's."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    return RNA_OBJET_SOCIAL.get(code[:3] + "000")


NOMENCLATURES = {"rna_objet_social": rna_objet_social}
