"""Command line: `python -m data_access.demo [--out DIR] [--scale N] [--force]` generates the demo snapshot."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from data_access.demo import rebuild_snapshot, snapshot_is_current

MAX_SCALE = 100


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if not 1 <= value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"l'échelle doit être comprise entre 1 et {MAX_SCALE}, pas {value}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from config import DEMO_DATA_DIR

    parser = argparse.ArgumentParser(
        prog="python -m portail demo",
        add_help=False,
        description="Génère l'instantané de démonstration (données réalistes mais fictives, toujours identiques "
                    "pour une même échelle) et son catalogue.toml.",
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    parser.add_argument("--out", type=Path, default=DEMO_DATA_DIR, metavar="DOSSIER",
                        help=f"dossier de destination (par défaut : {DEMO_DATA_DIR})")
    parser.add_argument("--scale", type=_scale, default=1, metavar="N",
                        help="multiplie le volume des principaux jeux de données (par défaut : 1)")
    parser.add_argument("--force", action="store_true",
                        help="régénère même si l'instantané est déjà à jour")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.force and snapshot_is_current(args.out, args.scale):
        print(f"L'instantané de {args.out} est déjà à jour (échelle {args.scale}) ; --force pour le régénérer.")
        return 0
    started = time.perf_counter()
    counts = rebuild_snapshot(args.out, args.scale)
    elapsed = time.perf_counter() - started
    print(f"Instantané de démonstration généré dans {args.out} (échelle {args.scale}) en {elapsed:.1f} s :")
    from data_access.demo.generate import DATASETS

    formats = {entry["id"]: entry["format"] for entry, _ in DATASETS}
    width = max(len(k) for k in counts)
    for dataset_id, rows in counts.items():
        unit = "horaires (stop_times)" if formats[dataset_id] == "gtfs" else "lignes"
        print(f"  {dataset_id:<{width}}  {rows:>10,} {unit}".replace(",", "\u202f"))
    from data_access.repository import prepare_served

    started = time.perf_counter()
    ready = [prepare_served(dataset_id, args.out, None) for dataset_id in counts]
    print(f"Converti pour le moteur dans {args.out / '.served'} en {time.perf_counter() - started:.1f} s :")
    for line in ready:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
