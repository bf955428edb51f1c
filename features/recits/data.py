"""Data stories (« récits »): `DATA_DIR/recits/<slug>.md`, Markdown with a TOML front matter between `+++` lines,
whose live blocks name a view of the portal by its own URL:

    ```graphique
    /jeux-de-donnees/chantiers?tab=chart&x=commune&refine.statut=en+cours
    ```

and `{{ nombre: /jeux-de-donnees/chantiers?refine.statut=en+cours }}` inside a sentence. What each block kind
names, and how it is drawn and checked, is in features/recits/draw_blocs.py; `python -m portail recits verifier`
names every broken block."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FOLDER = "recits"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOCK_KINDS = {"graphique": "un graphique", "tableau": "un tableau", "carte": "une carte", "chiffre": "un chiffre clé"}
INLINE = re.compile(r"\{\{\s*(nombre)\s*:\s*([^{}\s]+)\s*\}\}")
DATASET_PATH = re.compile(r"^/jeux-de-donnees/([a-z0-9-]+)$")
MAX_STORY_BYTES = 200_000
FRONT_KEYS = {"title": str, "summary": str, "author": str, "date": dt.date, "theme": str, "image_alt": str,
              "datasets": list, "demo": bool}
REQUIRED = ("title", "summary", "date")


@dataclass(frozen=True)
class Block:
    """A live block: its kind, the view it names, where it stands in the file (1-based line)."""

    kind: str
    url: str
    line: int
    inline: bool = False

    @property
    def dataset_id(self) -> str | None:
        match = DATASET_PATH.match(urlsplit(self.url).path)
        return match.group(1) if match else None

    @property
    def params(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)


@dataclass
class Story:
    slug: str
    path: Path
    title: str
    summary: str
    date: dt.date
    body: str
    body_line: int  # the file's line where the body starts
    author: str = ""
    theme: str = ""
    image_alt: str = ""
    datasets: tuple[str, ...] = ()
    demo: bool = False
    blocks: list[Block] = field(default_factory=list)


class StoryError(ValueError):
    """A story file that cannot be read: the message names the file and the line."""


def read_story(path: Path) -> Story:
    """One story file, its front matter checked and its blocks found."""
    name = path.name
    slug = path.stem
    if not SLUG.match(slug):
        raise StoryError(f"{name} : le nom du fichier doit être fait de minuscules, chiffres et tirets (c'est "
                         "l'adresse du récit)")
    raw = path.read_bytes()
    if len(raw) > MAX_STORY_BYTES:
        raise StoryError(f"{name} : fichier trop long ({len(raw)} octets, au plus {MAX_STORY_BYTES})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoryError(f"{name} : le fichier n'est pas en UTF-8 (octet {exc.start})") from None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise StoryError(f"{name}:1 : le récit doit commencer par son en-tête TOML entre deux lignes « +++ »")
    end = next((k for k in range(1, len(lines)) if lines[k].strip() == "+++"), None)
    if end is None:
        raise StoryError(f"{name}:1 : l'en-tête n'est pas fermé par une ligne « +++ »")
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"{name}:{_toml_line(exc) + 1} : en-tête illisible : {exc}") from None
    for key, value in front.items():
        kind = FRONT_KEYS.get(key)
        if kind is None:
            raise StoryError(f"{name} : en-tête, clé « {key} » inconnue (clés : {', '.join(FRONT_KEYS)})")
        if not isinstance(value, kind) or (kind is dt.date and isinstance(value, dt.datetime)):
            raise StoryError(f"{name} : en-tête, « {key} » : valeur de type inattendu")
    missing = [k for k in REQUIRED if k not in front]
    if missing:
        raise StoryError(f"{name} : en-tête, clé(s) obligatoire(s) absente(s) : {', '.join(missing)}")
    body = "\n".join(lines[end + 1:])
    story = Story(slug=slug, path=path, title=front["title"], summary=front["summary"], date=front["date"],
                  body=body, body_line=end + 2, author=front.get("author", ""), theme=front.get("theme", ""),
                  image_alt=front.get("image_alt", ""), datasets=tuple(str(d) for d in front.get("datasets", [])),
                  demo=front.get("demo", False))
    story.blocks = find_blocks(body, story.body_line)
    return story


def _toml_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def find_blocks(body: str, first_line: int) -> list[Block]:
    """The fenced blocks of a known kind, and the inline figures, with their line in the file."""
    blocks = []
    for token in parser().parse(body):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "fence" and token.info.strip() in BLOCK_KINDS:
            url = token.content.strip()
            blocks.append(Block(token.info.strip(), url, line))
        elif token.type == "inline":
            for match in INLINE.finditer(token.content):
                offset = token.content[:match.start()].count("\n")
                blocks.append(Block(match.group(1), match.group(2), line + offset, inline=True))
    return blocks


@dataclass
class Stories:
    """Every story of a DATA_DIR, newest first, and the files that could not be read."""

    stories: list[Story] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stamp: tuple = ()  # each file's name, modification time and size: what the stories were read from

    def get(self, slug: str) -> Story | None:
        return next((s for s in self.stories if s.slug == slug), None)


def load_stories(data_dir: Path) -> Stories:
    """The stories, read again when a file changes (the data team edits them while the portal runs)."""
    from data_access.derived import derived

    folder = Path(data_dir) / FOLDER
    try:
        files = sorted(p for p in folder.glob("*.md") if p.is_file())
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    except OSError:
        return Stories()
    return derived(("recits", str(folder), stamp), lambda: _read_all(files, stamp))


def _read_all(files: list[Path], stamp: tuple) -> Stories:
    found = Stories(stamp=stamp)
    for path in files:
        try:
            found.stories.append(read_story(path))
        except (StoryError, OSError) as exc:
            found.errors.append(str(exc))
    found.stories.sort(key=lambda s: (s.date, s.slug), reverse=True)
    return found
