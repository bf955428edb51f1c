"""The extracts of derived views (/export/<id>/<view>.<fmt>): what a dashboard shows that is not a filter of the
dataset's rows (a timetable, a stop's departures, the territory's communes of an access-to-care map), built from
the dataset and written by the same writers, with the same provenance, as every extract."""
from __future__ import annotations

from typing import Callable

from data_access.catalogue.model import Dataset

# builder(repository, dataset, table, args) -> (derived Table, filters in words)
Builder = Callable


def view_builder(dataset: Dataset, view: str) -> Builder | None:
    """The builder of one of the dataset's derived views, or None when it has no such view."""
    if dataset.format == "gtfs":
        from features.transports.data import EXTRACT_VIEWS

        build = EXTRACT_VIEWS.get(view)
        return None if build is None else (lambda repository, dataset_, table, args: build(
            table, args, _live(repository, dataset_)))
    if view == "comparaison" and dataset.role_field("commune"):  # the communes' outlines: their figures side by side
        from features.communes.comparaison import comparison_extract

        return comparison_extract
    if dataset.role_fields("indicator") and dataset.role_field("commune"):
        from features.sante.access import ACCESS_VIEW, communes_extract

        return communes_extract if view == ACCESS_VIEW else None
    return None


def _live(repository, dataset: Dataset):
    """The network's real time for a departures extract (features/transports/live.py), read when the extract is
    built; None without a GTFS-RT feed."""
    if dataset.realtime is None:
        return None
    from data_access.realtime.live import clock_now
    from features.transports.live import live_network

    return lambda net: live_network(repository.shared_cache, dataset, net, clock_now())
