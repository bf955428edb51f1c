"""`python -m portail <commande> …`: every command of the portal under one name, with French help.

Each command is its module's own `main`, so that `python -m data_access.sync.run` and the other former entry points
keep working as aliases. The modules are imported by name when their command runs: a command line must not load
the whole portal to print its help."""
from __future__ import annotations

import importlib
import sys

# command -> (the module whose main(argv) runs it, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "sync": ("data_access.sync.run", "met à jour les jeux de données depuis leurs sources (--dataset ID, --dry-run)"),
    "demo": ("data_access.demo.__main__", "génère l'instantané de démonstration (--out, --scale, --force)"),
    "recits": ("portail.recits", "vérifie les récits : « recits verifier » nomme chaque bloc cassé"),
    "moderateurs": ("features.contributions.moderateurs",
                    "gère les comptes des modérateurs (add, mot-de-passe, verrouiller, debloquer, list)"),
    "contributions": ("features.contributions.__main__",
                      "purge les adresses e-mail anciennes ou exporte les contributions (purger, exporter)"),
}
USAGE = "usage : python -m portail <commande> [options…]   (python -m portail <commande> --help pour l'aide)"


def help_text() -> str:
    width = max(map(len, COMMANDS))
    lines = [USAGE, "", "Commandes :"] + [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help", "aide"):
        print(help_text())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"commande inconnue : « {command} »\n\n{help_text()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
