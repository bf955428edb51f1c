"""An Atom feed (RFC 4287) of entries (feeds.Entry), written with feedgen: French, with its own address
(`rel="self"`), the page it follows (`rel="alternate"`), the publisher as author, entries newest first."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data_access.history.feeds import Entry

MEDIA_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class Feed:
    title: str
    subtitle: str
    path: str  # the feed's own path and query on this portal
    page: str  # the page it follows
    author: str
    updated: dt.datetime  # when nothing is in it: the catalogue's date


def atom(feed: Feed, entries: list[Entry], origin: str) -> bytes:
    """The feed as Atom bytes; `origin` makes the links absolute (PUBLIC_URL, else the request's host)."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(origin + feed.path)
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.language("fr")
    generator.author(name=feed.author)
    generator.link(href=origin + feed.path, rel="self", type="application/atom+xml")
    generator.link(href=origin + feed.page, rel="alternate", type="text/html")
    generator.updated(max([e.updated for e in entries], default=feed.updated))
    generator.generator("portail open data", uri=origin + "/")
    for entry in entries:  # newest first, as given
        item = generator.add_entry(order="append")
        item.id(f"{origin}/flux/{entry.key}")
        item.title(entry.title)
        item.updated(entry.updated)
        item.summary(entry.summary)
        item.link(href=origin + entry.link, rel="alternate", type="text/html")
    return generator.atom_str(pretty=True)
