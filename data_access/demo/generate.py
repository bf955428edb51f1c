"""Write every demo dataset and the catalogue.toml that describes them into one folder."""
from __future__ import annotations

from pathlib import Path

from data_access.demo import (addresses, archive_services, archives, associations, bureaux, chantiers, communes, gtfs,
                              mobility, offre_soins, pathologies)
from data_access.demo.catalogue_toml import render_catalogue
from data_access.demo.communes import build_territory

# (catalogue entry, writer(out, territory, scale) -> rows written), in catalogue order.
DATASETS = (
    (communes.ENTRY, communes.write),
    (chantiers.ENTRY, chantiers.write),
    (pathologies.ENTRY, pathologies.write),
    (offre_soins.ENTRY, offre_soins.write),
    (gtfs.ENTRY, gtfs.write),
    (mobility.LOVELO_ENTRY, mobility.write_lovelo),
    (mobility.PARKINGS_ENTRY, mobility.write_parkings),
    (associations.ENTRY, associations.write),
    (bureaux.ENTRY, bureaux.write),
    (archives.ENTRY, archives.write),
    (archive_services.ENTRY, archive_services.write),
    (addresses.ENTRY, addresses.write),
)
CATALOGUE_FILE = "catalogue.toml"


def generate_snapshot(out: Path, scale: int = 1) -> dict[str, int]:
    """Generate the snapshot into `out` (created if needed); return dataset id -> rows written.

    The GTFS feed counts its stop_times rows. The same scale always gives byte-identical files.
    """
    if not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a whole number >= 1, not {scale!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    territory = build_territory()
    counts = {entry["id"]: writer(out, territory, scale) for entry, writer in DATASETS}
    with open(out / CATALOGUE_FILE, "w", encoding="utf-8", newline="\n") as f:
        f.write(render_catalogue([entry for entry, _ in DATASETS]))
    from data_access.demo.recits import write_stories

    write_stories(out)
    return counts
