"""Moderators' accounts, from the command line: `python -m features.contributions.moderateurs add <nom>` (the password is
asked twice, or read from standard input when it is not a terminal), `mot-de-passe <nom>` (a new one, the same
way), `verrouiller <nom>`, `debloquer <nom>`, `list`. A new password and a lock end every session of the account;
`debloquer` lifts the lock and the waits of every address that failed on the account. The database is the
portal's (DATABASE_URL, else SQLite under DATA_DIR)."""
from __future__ import annotations

import argparse
import getpass
import sys


def _password() -> str | None:
    """The password typed twice at a terminal, or the first line of standard input; None when the two differ."""
    if sys.stdin.isatty():
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Encore une fois : ") != password:
            print("les deux mots de passe diffèrent", file=sys.stderr)
            return None
        return password
    return sys.stdin.readline().rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    from features.contributions import comptes
    from features.contributions.__main__ import database
    from features.contributions.store import ContributionError

    parser = argparse.ArgumentParser(prog="python -m portail moderateurs",
                                     description="Comptes des modérateurs des contributions.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, words in (("add", "créer un compte (le mot de passe est demandé)"),
                           ("mot-de-passe", "changer le mot de passe d'un compte (ses sessions prennent fin)"),
                           ("verrouiller", "verrouiller un compte : plus de connexion, ses sessions prennent fin"),
                           ("debloquer", "lever le verrou d'un compte et l'attente des adresses qui ont échoué")):
        commands.add_parser(command, help=words).add_argument("name", help="nom du modérateur")
    commands.add_parser("list", help="lister les comptes")
    args = parser.parse_args(argv)
    opened = database()
    if opened is None:
        return 2
    sessions = opened[1]
    if args.command == "list":
        print("\n".join(comptes.names(sessions)) or "aucun modérateur")
        return 0
    try:
        if args.command in ("add", "mot-de-passe"):
            password = _password()
            if password is None:
                return 1
            change = comptes.add_moderator if args.command == "add" else comptes.change_password
            change(sessions, args.name, password)
            print(f"modérateur « {args.name} » créé" if args.command == "add"
                  else f"mot de passe de « {args.name} » changé ; ses sessions ont pris fin")
        elif args.command == "verrouiller":
            comptes.lock(sessions, args.name)
            print(f"compte « {args.name} » verrouillé ; ses sessions ont pris fin")
        else:
            lifted = comptes.unlock(sessions, args.name)
            print(f"compte « {args.name} » débloqué ; {lifted} adresse(s) en attente libérée(s)")
    except ContributionError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
