"""Moderators' accounts, from the command line: `python -m data_access.moderateurs add <name>` (the password is
asked twice, or read from standard input when it is not a terminal), `python -m data_access.moderateurs list`.
The database is the portal's (DATABASE_URL, else SQLite under DATA_DIR)."""
from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    from data_access.contributions.__main__ import database
    from data_access.contributions.comptes import add_moderator, names
    from data_access.contributions.store import ContributionError

    parser = argparse.ArgumentParser(prog="python -m data_access.moderateurs",
                                     description="Comptes des modérateurs des contributions.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="créer un compte (le mot de passe est demandé)")
    add.add_argument("name", help="nom du modérateur")
    commands.add_parser("list", help="lister les comptes")
    args = parser.parse_args(argv)
    opened = database()
    if opened is None:
        return 2
    sessions = opened[1]
    if args.command == "list":
        print("\n".join(names(sessions)) or "aucun modérateur")
        return 0
    if sys.stdin.isatty():
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Encore une fois : ") != password:
            print("les deux mots de passe diffèrent", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        add_moderator(sessions, args.name, password)
    except ContributionError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"modérateur « {args.name} » créé")
    return 0


if __name__ == "__main__":
    sys.exit(main())
