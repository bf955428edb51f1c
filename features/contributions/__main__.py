"""The contributions from the command line, like the sync: `python -m features.contributions purger` forgets
the e-mails older than CONTRIBUTION_EMAIL_DAYS (or --jours) and the failed logins that count no more, `python -m features.contributions exporter`
writes every contribution without its e-mail (CSV or JSON, to a file written whole, or to standard output).
The database is the portal's (DATABASE_URL, else SQLite under DATA_DIR)."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def database():
    """The portal's settings and its contributions' database; None after a one-line French error."""
    from sqlalchemy.exc import SQLAlchemyError

    from config import ConfigError, load_settings
    from features.contributions.store import open_database

    try:
        settings = load_settings()
        return settings, open_database(settings.database_url)
    except ConfigError as exc:
        print(f"configuration invalide : {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        print(f"base des contributions inaccessible : {type(exc).__name__} ({str(exc).splitlines()[0][:200]})",
              file=sys.stderr)
    return None


def _write_whole(target: Path, chunks) -> None:
    """The file appears whole or not at all (a temporary file beside it, renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partiel")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    from features.contributions.comptes import forget_old_failures
    from features.contributions.export import csv_lines, json_text
    from features.contributions.store import purge_emails

    parser = argparse.ArgumentParser(prog="python -m portail contributions",
                                     description="Entretien des contributions des habitants.")
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purger", help="effacer les adresses e-mail plus anciennes que la durée fixée")
    purge.add_argument("--jours", type=int, default=None,
                       help="durée de conservation en jours (par défaut : CONTRIBUTION_EMAIL_DAYS)")
    export = commands.add_parser("exporter", help="exporter toutes les contributions, sans les adresses e-mail")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--sortie", type=Path, default=None,
                        help="fichier à écrire (par défaut : la sortie standard)")
    args = parser.parse_args(argv)
    opened = database()
    if opened is None:
        return 2
    settings, sessions = opened
    if args.command == "purger":
        days = settings.contribution_email_days if args.jours is None else args.jours
        if days < 1:
            print("--jours : un nombre de jours d'au moins 1 est attendu", file=sys.stderr)
            return 2
        print(f"{purge_emails(sessions, days)} adresse(s) e-mail effacée(s) (contributions de plus de {days} jours)")
        print(f"{forget_old_failures(sessions)} échec(s) de connexion oublié(s) (plus d'un jour, sans attente en cours)")
        return 0
    chunks = csv_lines(sessions) if args.format == "csv" else [json_text(sessions) + "\n"]
    if args.sortie is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return 0
    try:
        _write_whole(args.sortie, chunks)
    except OSError as exc:
        print(f"{args.sortie} : écriture impossible ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"contributions exportées dans {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
